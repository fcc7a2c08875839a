//! Definition of [`BaseQueue`] (the queue, generic over its [`Store`]) and its futures.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, SeqCst};
use std::task::{Context, Poll};

use aio_sync::{WaitList, WaiterState};

use crate::sync::{AtomicU64, AtomicUsize, Mutex, MutexGuard, PoisonError, fence};
use crate::{
    Fifo, GetNowaitError, Lifo, Priority, PutNowaitError, QueueEmpty, QueueFull, QueueShutDown,
    Store, TaskDoneError,
};

/// A FIFO queue: `get` returns items in the order they were put.
///
/// Python: `asyncio.Queue`
pub type Queue<T> = BaseQueue<T, Fifo<T>>;

/// A LIFO queue: `get` returns the item put last.
///
/// Python: `asyncio.LifoQueue`
pub type LifoQueue<T> = BaseQueue<T, Lifo<T>>;

/// A priority queue: `get` returns the smallest item.
///
/// Python: `asyncio.PriorityQueue` (items are usually `(priority, data)` tuples; in
/// Rust any `Ord` type, a tuple included)
pub type PriorityQueue<T> = BaseQueue<T, Priority<T>>;

/// A queue for tasks, bounded or not, with asyncio's whole API; [`Queue`],
/// [`LifoQueue`] and [`PriorityQueue`] are this with a different [`Store`].
///
/// Python: `asyncio.Queue` (the class LifoQueue and PriorityQueue subclass)
///
/// - `put` waits while the queue is full, `get` while it is empty; blocked getters and
///   putters are served in arrival order.
/// - `task_done` / `join`: every put adds one unfinished task, every `task_done` takes
///   one away; `join` waits until none are left.
/// - `shutdown` (3.13): puts fail; gets drain what is left, then fail.
///
/// # Hand-off: a woken waiter can be robbed
///
/// As in asyncio, a put wakes the first blocked getter but does not reserve the item
/// for it: a `get_nowait` (or a getter that is not blocked) running before the woken
/// getter may take it. The robbed getter then finds the queue empty and goes back to
/// the end of the line, exactly as asyncio's `while self.empty():` loop re-appends its
/// future. The same holds for putters and free slots. A strict hand-off would be
/// defensible too, but it would change which task gets which item compared with asyncio,
/// and this crate's traces must equal asyncio's.
///
/// # Threads
///
/// On one thread the above is exact. With tasks on several threads, a put and a getter
/// that is just lining up can cross: the getter takes the item itself, and the put's
/// wake-up goes to the next getter in line, which finds nothing and lines up again at
/// the end. No item and no wake-up is lost; only that getter's place is.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// let queue = aio_queues::Queue::new(2);
/// queue.put(1).await.unwrap();
/// queue.put_nowait(2).unwrap();
/// assert!(queue.full());
/// assert_eq!(queue.put_nowait(3).unwrap_err().into_inner(), 3);
/// assert_eq!(queue.get().await, Ok(1));
/// queue.task_done().unwrap();
/// # });
/// ```
pub struct BaseQueue<T, S> {
    maxsize: usize,
    /// The items, synchronised by the store itself (lock-free for [`Fifo`]): the fast
    /// paths of put and get touch only the store and the atomics below.
    items: S,
    /// Items put and not yet marked done (the low [`COUNT_BITS`] bits), and how many
    /// times that count reached zero (the bits above), in one word, so that both change
    /// in one step. Raised by every put before its push, lowered by `task_done`, both
    /// without the lock. A `join` remembers the number of zeros when it lines up and
    /// returns once it changed: a join that lined up after a put raised the count again
    /// is never woken by the zero just before that put (see [`Join`]).
    ///
    /// On a cache line of its own: every put and `task_done` writes it, and it would
    /// otherwise evict, on the other core, the line holding the counts below, which
    /// every put and get reads.
    unfinished: OwnLine<AtomicU64>,
    /// `waiters.getters.len()`, written only under the lock, read without it by puts to
    /// decide whether to take the lock at all (Dekker pair "getters", see
    /// [`BaseQueue::wake_getter`]).
    getters_waiting: AtomicUsize,
    /// `waiters.putters.len()`, the same for gets (Dekker pair "putters").
    putters_waiting: AtomicUsize,
    /// `waiters.joiners.len()`, the same for the `task_done` that reaches zero (Dekker
    /// pair "joiners").
    joiners_waiting: AtomicUsize,
    /// The lock: only the lists of blocked tasks live under it.
    waiters: Mutex<Waiters>,
    _items: PhantomData<fn(T) -> T>,
}

/// The bits of [`BaseQueue::unfinished`] that count the items not yet done (a trillion:
/// more than memory can hold); the bits above count the zeros, wrapping around.
const COUNT_BITS: u32 = 40;
/// The mask of the count in [`BaseQueue::unfinished`].
const COUNT: u64 = (1 << COUNT_BITS) - 1;
/// One more zero in [`BaseQueue::unfinished`].
const ZERO: u64 = 1 << COUNT_BITS;

/// The number of times the count reached zero, from a [`BaseQueue::unfinished`] word.
fn zeros(word: u64) -> u64 {
    word >> COUNT_BITS
}

/// A value alone on its cache line (128 bytes: two 64-byte lines, as adjacent lines are
/// often fetched in pairs).
#[repr(align(128))]
struct OwnLine<V>(V);

impl<V> std::ops::Deref for OwnLine<V> {
    type Target = V;
    fn deref(&self) -> &V {
        &self.0
    }
}

/// The blocked tasks. Every entry of `getters` and `putters` is still waiting: a
/// wake-up pops the entry it wakes (`pop_wake`, as asyncio's `_wakeup_next`).
struct Waiters {
    getters: WaitList,
    putters: WaitList,
    joiners: WaitList,
}

impl<T, S> BaseQueue<T, S> {
    /// The lock over the waiter lists (no `Store` bound: [`Join`]'s drop needs it too).
    fn waiters(&self) -> MutexGuard<'_, Waiters> {
        self.waiters.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<T, S: Store<T>> BaseQueue<T, S> {
    /// A queue holding at most `maxsize` items; `0` means no limit.
    ///
    /// Python: `asyncio.Queue(maxsize=0)` (a negative maxsize, also no limit there,
    /// cannot be written here)
    pub fn new(maxsize: usize) -> Self {
        let waiters = Waiters {
            getters: WaitList::new(),
            putters: WaitList::new(),
            joiners: WaitList::new(),
        };
        BaseQueue {
            maxsize,
            items: S::with_maxsize(maxsize),
            unfinished: OwnLine(AtomicU64::new(0)),
            getters_waiting: AtomicUsize::new(0),
            putters_waiting: AtomicUsize::new(0),
            joiners_waiting: AtomicUsize::new(0),
            waiters: Mutex::new(waiters),
            _items: PhantomData,
        }
    }

    /// The capacity given to [`new`](BaseQueue::new) (`0`: unbounded).
    ///
    /// Python: `asyncio.Queue.maxsize`
    pub fn maxsize(&self) -> usize {
        self.maxsize
    }

    /// The number of items in the queue.
    ///
    /// Python: `asyncio.Queue.qsize`
    pub fn qsize(&self) -> usize {
        self.items.len()
    }

    /// Whether the queue holds no items.
    ///
    /// Python: `asyncio.Queue.empty`
    pub fn empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Whether the queue holds `maxsize` items (never, when unbounded).
    ///
    /// Python: `asyncio.Queue.full`
    pub fn full(&self) -> bool {
        self.items.is_full()
    }

    /// Puts `item` at once, and wakes the first blocked getter.
    ///
    /// Python: `asyncio.Queue.put_nowait`
    ///
    /// # Errors
    ///
    /// [`PutNowaitError::ShutDown`] after [`shutdown`](BaseQueue::shutdown), else
    /// [`PutNowaitError::Full`] if the queue is full; the item comes back in both.
    pub fn put_nowait(&self, item: T) -> Result<(), PutNowaitError<T>> {
        self.insert(item)?;
        self.wake_getter();
        Ok(())
    }

    /// Counts the item as unfinished, then pushes it; no lock, no wake-up. On failure
    /// the count is lowered again.
    ///
    /// The count goes up first: once pushed, the item may be taken and marked done on
    /// another thread at once, and that `task_done` must find it counted. (A `task_done`
    /// called once too often while a put is failing can consume the failing put's count
    /// and succeed; that is the caller's bug already, and the count stays right.)
    #[inline]
    fn insert(&self, item: T) -> Result<(), PutNowaitError<T>> {
        // Relaxed: whoever takes the item learns of this rise through the store, whose
        // push releases and pop acquires.
        self.unfinished.fetch_add(1, Relaxed);
        self.items.push(item).inspect_err(|_| {
            // Err only means "caller misused task_done" here; the count stays right.
            let _ = self.finish_one();
        })
    }

    /// Like [`insert`](BaseQueue::insert), for a caller that holds the lock.
    fn insert_locked(&self, waiters: &mut Waiters, item: T) -> Result<(), PutNowaitError<T>> {
        self.unfinished.fetch_add(1, Relaxed);
        self.items.push(item).inspect_err(|_| {
            let _ = self.finish_one_locked(waiters);
        })
    }

    /// After an item went in: wakes the first blocked getter, if there is one.
    ///
    /// Dekker pair "getters", this side: (1) push the item, (2) SeqCst fence, (3) read
    /// `getters_waiting`. The other side ([`Get`]'s slow path): (1) line up and raise
    /// `getters_waiting`, (2) SeqCst fence, (3) try to pop again. The two fences are
    /// ordered one way or the other, so at least one side sees the other's step (1):
    /// either the getter finds the item, or this put sees the getter and wakes one. A
    /// getter never sleeps beside an item nobody will tell it about.
    #[inline]
    fn wake_getter(&self) {
        fence(SeqCst);
        if self.getters_waiting.load(Relaxed) > 0 {
            let mut waiters = self.waiters();
            waiters.getters.pop_wake();
            self.getters_waiting.store(waiters.getters.len(), Relaxed);
        }
    }

    /// After an item went out: wakes the first blocked putter, if there is one. Dekker
    /// pair "putters": the mirror of [`wake_getter`](BaseQueue::wake_getter), a freed
    /// slot against a putter lining up on a full queue. An unbounded queue has no
    /// putters to wake, and skips the fence.
    #[inline]
    fn wake_putter(&self) {
        if self.maxsize == 0 {
            return;
        }
        fence(SeqCst);
        if self.putters_waiting.load(Relaxed) > 0 {
            let mut waiters = self.waiters();
            waiters.putters.pop_wake();
            self.putters_waiting.store(waiters.putters.len(), Relaxed);
        }
    }

    /// Takes an item if there is one: `None` if the queue is empty and open, `Some(Err)`
    /// if it is empty and shut down. No lock, no wake-up.
    fn take(&self) -> Option<Result<T, QueueShutDown>> {
        if let Some(item) = self.items.pop() {
            return Some(Ok(item));
        }
        if !self.items.is_closed() {
            return None;
        }
        // Closed: no push can succeed any more, but one may have gone in between the
        // pop above and the close. A second empty pop, after seeing the close, is final.
        Some(self.items.pop().ok_or(QueueShutDown(())))
    }

    /// Takes an item at once, and wakes the first blocked putter.
    ///
    /// Python: `asyncio.Queue.get_nowait`
    ///
    /// # Errors
    ///
    /// [`GetNowaitError::Empty`] if the queue is empty, [`GetNowaitError::ShutDown`] if
    /// it is also shut down.
    pub fn get_nowait(&self) -> Result<T, GetNowaitError> {
        match self.take() {
            Some(Ok(item)) => {
                self.wake_putter();
                Ok(item)
            }
            Some(Err(shut_down)) => Err(GetNowaitError::ShutDown(shut_down)),
            None => Err(GetNowaitError::Empty(QueueEmpty)),
        }
    }

    /// Puts `item`, waiting while the queue is full.
    ///
    /// Python: `await queue.put(item)`
    ///
    /// # Errors
    ///
    /// [`QueueShutDown`] carrying the item, if the queue is shut down before it goes in.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a dropped `put` inserted nothing (the item is dropped with the
    /// future) and leaves no putter behind; if it had been woken for a free slot it
    /// will not use, it wakes the next putter.
    pub fn put(&self, item: T) -> Put<'_, T, S> {
        Put {
            queue: self,
            item: Some(item),
            id: None,
        }
    }

    /// Takes an item, waiting while the queue is empty.
    ///
    /// Python: `await queue.get()`
    ///
    /// # Errors
    ///
    /// [`QueueShutDown`] once the queue is shut down and empty.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: an item is only removed in the poll that returns it, so a dropped
    /// `get` never loses one. If it had been woken for an item it will not take, it
    /// wakes the next getter.
    pub fn get(&self) -> Get<'_, T, S> {
        Get {
            queue: self,
            id: None,
            _items: PhantomData,
        }
    }

    /// Marks one item taken from the queue as processed.
    ///
    /// Python: `asyncio.Queue.task_done`
    ///
    /// # Errors
    ///
    /// [`TaskDoneError`] if called more times than items were put.
    pub fn task_done(&self) -> Result<(), TaskDoneError> {
        self.finish_one()
    }

    /// Lowers the unfinished count by one, without the lock; if that reached zero,
    /// wakes the joiners, taking the lock only if there are any.
    ///
    /// Dekker pair "joiners", this side: (1) reach zero, (2) SeqCst fence, (3) read
    /// `joiners_waiting`. The other side ([`Join`]): (1) line up and raise
    /// `joiners_waiting`, (2) SeqCst fence, (3) read the count again. Either the joiner
    /// sees the new zero, or this `task_done` sees the joiner and wakes it.
    #[inline]
    fn finish_one(&self) -> Result<(), TaskDoneError> {
        if self.count_done()? {
            fence(SeqCst);
            if self.joiners_waiting.load(Relaxed) > 0 {
                self.wake_joiners(&mut self.waiters());
            }
        }
        Ok(())
    }

    /// Like [`finish_one`](BaseQueue::finish_one), for a caller that holds the lock.
    fn finish_one_locked(&self, waiters: &mut Waiters) -> Result<(), TaskDoneError> {
        if self.count_done()? {
            self.wake_joiners(waiters);
        }
        Ok(())
    }

    /// Lowers the count by one (counting a zero if it gets there), and returns whether
    /// it reached zero; refuses to go below zero.
    #[inline]
    fn count_done(&self) -> Result<bool, TaskDoneError> {
        let down = |word: u64| match word & COUNT {
            0 => None,
            1 => Some((word - 1).wrapping_add(ZERO)),
            _ => Some(word - 1),
        };
        // AcqRel: every `task_done` releases the work done before it, and the
        // read-modify-writes form one chain that a joiner's load acquires, so a joiner
        // that sees the zero sees all of that work.
        let before = self
            .unfinished
            .fetch_update(AcqRel, Relaxed, down)
            .map_err(|_| TaskDoneError)?;
        Ok(before & COUNT == 1)
    }

    /// Wakes every joiner (a zero was just reached). Each one checks, when it runs,
    /// that a zero came since it lined up: one that lined up after a new put, just
    /// after this zero, lines up again.
    fn wake_joiners(&self, waiters: &mut Waiters) {
        waiters.joiners.drain_wake();
        self.joiners_waiting.store(0, Relaxed);
    }

    /// The number of items put and not yet marked done.
    ///
    /// Python: `asyncio.Queue._unfinished_tasks` (private there)
    pub fn unfinished_tasks(&self) -> usize {
        // At most COUNT: fits a usize wherever a queue could hold that many items.
        (self.unfinished.load(Acquire) & COUNT) as usize
    }

    /// Waits until every item put has been marked done (at once if none is pending).
    ///
    /// Python: `await queue.join()`
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping it only removes this task from the joiners.
    pub fn join(&self) -> Join<'_, T, S> {
        Join {
            queue: self,
            id: None,
            zeros_seen: 0,
            _items: PhantomData,
        }
    }

    /// Shuts the queue down: puts fail from now on, and blocked putters wake up to
    /// fail; getters drain the items left, then fail. With `immediate`, the items left
    /// are dropped at once (each one lowering the unfinished count, which may finish
    /// `join`) and blocked getters fail.
    ///
    /// Python: `asyncio.Queue.shutdown(immediate=False)` (3.13)
    pub fn shutdown(&self, immediate: bool) {
        // Close first: from here every push fails, so no item slips in after the drain
        // below, and a waiter lining up after our unlock sees the close under the lock.
        self.items.close();
        let mut waiters = self.waiters();
        if immediate {
            while self.items.pop().is_some() {
                // Err: more task_done than puts already; asyncio's `if > 0` guard.
                let _ = self.finish_one_locked(&mut waiters);
            }
        }
        waiters.getters.drain_wake();
        waiters.putters.drain_wake();
        self.getters_waiting.store(0, Relaxed);
        self.putters_waiting.store(0, Relaxed);
    }

    /// Whether [`shutdown`](BaseQueue::shutdown) was called.
    ///
    /// Python: `asyncio.Queue._is_shutdown` (private there)
    pub fn is_shutdown(&self) -> bool {
        self.items.is_closed()
    }
}

impl<T, S: Store<T>> fmt::Debug for BaseQueue<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let waiters = self.waiters();
        f.debug_struct("Queue")
            .field("maxsize", &self.maxsize)
            .field("qsize", &self.items.len())
            .field("unfinished", &self.unfinished_tasks())
            .field("shutdown", &self.items.is_closed())
            .field("getters", &waiters.getters.len())
            .field("putters", &waiters.putters.len())
            .finish()
    }
}

/// asyncio's repr, which has no address to leave out here: its `str()`, `<Queue
/// maxsize=0 _queue=[1, 2] tasks=2>` (see the `aio` crate docs, "Printing"). In order:
/// `maxsize`, the items (each one's `Debug`), the getters and putters waiting, the
/// unfinished tasks, `shutdown`; each part only when it is not empty or zero.
///
/// Python: `str(queue)` (`repr(queue)` adds the address)
///
/// # Differences from Python
///
/// [`Queue`] keeps its items in a lock-free ring that cannot be read without taking them
/// out, so it shows how many there are, `_queue=<2 items>`, where asyncio lists them;
/// [`LifoQueue`] and [`PriorityQueue`] list them as asyncio does. An item prints with
/// `Debug`, so a string shows as `"a"` where Python shows `'a'`.
impl<T: fmt::Debug, S: Store<T>> fmt::Display for BaseQueue<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} maxsize={}", S::CLASS, self.maxsize)?;
        if !self.items.is_empty() {
            match self.items.items_repr() {
                Some(items) => write!(f, " _queue={items}")?,
                None => write!(f, " _queue=<{} items>", self.items.len())?,
            }
        }
        let (getters, putters) = {
            let waiters = self.waiters();
            (waiters.getters.len(), waiters.putters.len())
        };
        if getters > 0 {
            write!(f, " _getters[{getters}]")?;
        }
        if putters > 0 {
            write!(f, " _putters[{putters}]")?;
        }
        let tasks = self.unfinished_tasks();
        if tasks > 0 {
            write!(f, " tasks={tasks}")?;
        }
        if self.is_shutdown() {
            f.write_str(" shutdown")?;
        }
        f.write_str(">")
    }
}

/// The future of [`BaseQueue::put`].
///
/// Python: the coroutine `asyncio.Queue.put(item)`
#[must_use = "a put does nothing unless awaited, as in asyncio: \"coroutine 'Queue.put' was never awaited\""]
pub struct Put<'a, T, S: Store<T>> {
    queue: &'a BaseQueue<T, S>,
    item: Option<T>,
    id: Option<u64>,
}

// The item is only moved, never pinned.
impl<T, S: Store<T>> Unpin for Put<'_, T, S> {}

impl<T, S: Store<T>> Future for Put<'_, T, S> {
    type Output = Result<(), QueueShutDown<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let queue = this.queue;
        if let Some(id) = this.id {
            if queue.waiters().putters.state(id, cx.waker()) == WaiterState::Waiting {
                return Poll::Pending;
            }
            this.id = None; // woken: popped from the list; look again
        }
        let item = this.item.take().expect("`Put` polled after it completed");
        // Fast path: no lock.
        let item = match queue.insert(item) {
            Ok(()) => {
                queue.wake_getter();
                return Poll::Ready(Ok(()));
            }
            Err(PutNowaitError::ShutDown(error)) => return Poll::Ready(Err(error)),
            Err(PutNowaitError::Full(QueueFull(item))) => item,
        };
        // Full: line up, then look once more (Dekker pair "putters", this side; the
        // other is `wake_putter` after a get): a get that freed a slot before our fence
        // is seen by the second push, one after it sees `putters_waiting`.
        let mut waiters = queue.waiters();
        let id = waiters.putters.push(cx.waker());
        queue.putters_waiting.store(waiters.putters.len(), Relaxed);
        fence(SeqCst);
        let outcome = queue.insert_locked(&mut waiters, item);
        if let Err(PutNowaitError::Full(QueueFull(item))) = outcome {
            this.item = Some(item);
            this.id = Some(id);
            return Poll::Pending;
        }
        // In after all, or shut down: leave the line (still waiting: we hold the lock).
        waiters.putters.remove(id);
        queue.putters_waiting.store(waiters.putters.len(), Relaxed);
        drop(waiters); // `wake_getter` may take the lock
        match outcome {
            Ok(()) => {
                queue.wake_getter();
                Poll::Ready(Ok(()))
            }
            Err(PutNowaitError::ShutDown(error)) => Poll::Ready(Err(error)),
            Err(PutNowaitError::Full(_)) => unreachable!("handled above"),
        }
    }
}

impl<T, S: Store<T>> Drop for Put<'_, T, S> {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            let queue = self.queue;
            let mut waiters = queue.waiters();
            if waiters.putters.remove(id) == WaiterState::Gone && !queue.items.is_full() {
                // Woken for a slot we will not fill: pass the wake-up on. (A slot freed
                // after this look is announced by its own get, Dekker pair "putters".)
                waiters.putters.pop_wake();
            }
            queue.putters_waiting.store(waiters.putters.len(), Relaxed);
        }
    }
}

impl<T, S: Store<T>> fmt::Debug for Put<'_, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Put")
            .field("waiting", &self.id.is_some())
            .finish_non_exhaustive()
    }
}

/// The future of [`BaseQueue::get`].
///
/// Python: the coroutine `asyncio.Queue.get()`
#[must_use = "a get does nothing unless awaited, as in asyncio: \"coroutine 'Queue.get' was never awaited\""]
pub struct Get<'a, T, S: Store<T>> {
    queue: &'a BaseQueue<T, S>,
    id: Option<u64>,
    _items: PhantomData<fn() -> T>,
}

impl<T, S: Store<T>> Future for Get<'_, T, S> {
    type Output = Result<T, QueueShutDown>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let queue = this.queue;
        if let Some(id) = this.id {
            if queue.waiters().getters.state(id, cx.waker()) == WaiterState::Waiting {
                return Poll::Pending;
            }
            this.id = None; // woken: popped from the list; look again
        }
        // Fast path: no lock.
        if let Some(taken) = queue.take() {
            if taken.is_ok() {
                queue.wake_putter();
            }
            return Poll::Ready(taken);
        }
        // Empty: line up, then look once more (Dekker pair "getters", this side; the
        // other is `wake_getter` after a put): a put that pushed before our fence is
        // seen by the second look, one after it sees `getters_waiting`.
        let mut waiters = queue.waiters();
        let id = waiters.getters.push(cx.waker());
        queue.getters_waiting.store(waiters.getters.len(), Relaxed);
        fence(SeqCst);
        let Some(taken) = queue.take() else {
            this.id = Some(id);
            return Poll::Pending;
        };
        // An item after all, or shut down: leave the line (still waiting: we hold the
        // lock). A put that saw us line up may wake the next getter instead: it finds
        // nothing and lines up again (see "Threads" on `BaseQueue`).
        waiters.getters.remove(id);
        queue.getters_waiting.store(waiters.getters.len(), Relaxed);
        drop(waiters); // `wake_putter` may take the lock
        if taken.is_ok() {
            queue.wake_putter();
        }
        Poll::Ready(taken)
    }
}

impl<T, S: Store<T>> Drop for Get<'_, T, S> {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            let queue = self.queue;
            let mut waiters = queue.waiters();
            if waiters.getters.remove(id) == WaiterState::Gone && !queue.items.is_empty() {
                // Woken for an item we will not take: pass the wake-up on. (An item put
                // after this look is announced by its own put, Dekker pair "getters".)
                waiters.getters.pop_wake();
            }
            queue.getters_waiting.store(waiters.getters.len(), Relaxed);
        }
    }
}

impl<T, S: Store<T>> fmt::Debug for Get<'_, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Get")
            .field("waiting", &self.id.is_some())
            .finish_non_exhaustive()
    }
}

/// The future of [`BaseQueue::join`].
///
/// Python: the coroutine `asyncio.Queue.join()`
///
/// It returns once the count is zero, or once it has reached zero since the join
/// lined up (the count may be up again by the time the task runs, as asyncio's
/// `_finished` event may be cleared again by then).
#[must_use = "a join does nothing unless awaited, as in asyncio: \"coroutine 'Queue.join' was never awaited\""]
pub struct Join<'a, T, S> {
    queue: &'a BaseQueue<T, S>,
    /// The place in the joiners' list, while waiting.
    id: Option<u64>,
    /// The number of zeros (see [`BaseQueue::unfinished`]) when this join lined up.
    zeros_seen: u64,
    _items: PhantomData<fn() -> T>,
}

impl<T, S> Join<'_, T, S> {
    /// The count and its zeros ([`BaseQueue::unfinished`]), and whether the join is
    /// over: nothing unfinished, or a zero since it lined up. Acquire: pairs with the
    /// task_dones' AcqRel chain (their work is visible once this says over).
    fn look(&self) -> (u64, bool) {
        let word = self.queue.unfinished.load(Acquire);
        let over = word & COUNT == 0 || (self.id.is_some() && zeros(word) != self.zeros_seen);
        (word, over)
    }
}

impl<T, S: Store<T>> Future for Join<'_, T, S> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let queue = this.queue;
        let (word, over) = this.look();
        if over {
            this.leave_line();
            return Poll::Ready(());
        }
        let mut waiters = queue.waiters();
        match this.id {
            // Still in line: refresh the waker.
            Some(id) if waiters.joiners.state(id, cx.waker()) == WaiterState::Waiting => {
                return Poll::Pending;
            }
            // Woken by a zero that came before we lined up: line up again.
            Some(id) => {
                waiters.joiners.remove(id);
            }
            // A zero after this look, even before we line up, ends the join.
            None => this.zeros_seen = zeros(word),
        }
        // Line up, then look once more (Dekker pair "joiners", this side; the other is
        // `finish_one`): a zero reached before our fence is seen here, one after it
        // sees `joiners_waiting`.
        this.id = Some(waiters.joiners.push(cx.waker()));
        queue.joiners_waiting.store(waiters.joiners.len(), Relaxed);
        fence(SeqCst);
        drop(waiters);
        if this.look().1 {
            this.leave_line();
            return Poll::Ready(());
        }
        Poll::Pending
    }
}

impl<T, S> Join<'_, T, S> {
    /// Leaves the joiners' list, if still in it.
    fn leave_line(&mut self) {
        if let Some(id) = self.id.take() {
            let mut waiters = self.queue.waiters();
            waiters.joiners.remove(id);
            self.queue
                .joiners_waiting
                .store(waiters.joiners.len(), Relaxed);
        }
    }
}

impl<T, S> Drop for Join<'_, T, S> {
    fn drop(&mut self) {
        self.leave_line();
    }
}

impl<T, S> fmt::Debug for Join<'_, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join")
            .field("waiting", &self.id.is_some())
            .finish_non_exhaustive()
    }
}
