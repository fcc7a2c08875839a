//! Definition of [`BaseQueue`] (the queue, generic over its [`Store`]) and its futures.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use aio_sync::{WaitList, WaiterState};

use crate::sync::{Mutex, MutexGuard, PoisonError};
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
    state: Mutex<State<S>>,
    _items: PhantomData<fn(T) -> T>,
}

struct State<S> {
    items: S,
    unfinished: usize,
    shutdown: bool,
    getters: WaitList,
    putters: WaitList,
    joiners: WaitList,
}

impl<T, S: Store<T>> BaseQueue<T, S> {
    /// A queue holding at most `maxsize` items; `0` means no limit.
    ///
    /// Python: `asyncio.Queue(maxsize=0)` (a negative maxsize, also no limit there,
    /// cannot be written here)
    pub fn new(maxsize: usize) -> Self {
        let state = State {
            items: S::default(),
            unfinished: 0,
            shutdown: false,
            getters: WaitList::new(),
            putters: WaitList::new(),
            joiners: WaitList::new(),
        };
        BaseQueue {
            maxsize,
            state: Mutex::new(state),
            _items: PhantomData,
        }
    }

    fn state(&self) -> MutexGuard<'_, State<S>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn is_full(&self, state: &State<S>) -> bool {
        self.maxsize > 0 && state.items.len() >= self.maxsize
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
        self.state().items.len()
    }

    /// Whether the queue holds no items.
    ///
    /// Python: `asyncio.Queue.empty`
    pub fn empty(&self) -> bool {
        self.state().items.is_empty()
    }

    /// Whether the queue holds `maxsize` items (never, when unbounded).
    ///
    /// Python: `asyncio.Queue.full`
    pub fn full(&self) -> bool {
        self.is_full(&self.state())
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
        let mut state = self.state();
        if state.shutdown {
            return Err(PutNowaitError::ShutDown(QueueShutDown(item)));
        }
        if self.is_full(&state) {
            return Err(PutNowaitError::Full(QueueFull(item)));
        }
        Self::insert(&mut state, item);
        Ok(())
    }

    fn insert(state: &mut State<S>, item: T) {
        state.items.push(item);
        state.unfinished += 1;
        state.getters.pop_wake();
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
        let mut state = self.state();
        match state.items.pop() {
            Some(item) => {
                state.putters.pop_wake();
                Ok(item)
            }
            None if state.shutdown => Err(GetNowaitError::ShutDown(QueueShutDown(()))),
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
        let mut state = self.state();
        if state.unfinished == 0 {
            return Err(TaskDoneError);
        }
        state.unfinished -= 1;
        if state.unfinished == 0 {
            state.joiners.drain_wake();
        }
        Ok(())
    }

    /// The number of items put and not yet marked done.
    ///
    /// Python: `asyncio.Queue._unfinished_tasks` (private there)
    pub fn unfinished_tasks(&self) -> usize {
        self.state().unfinished
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
        let mut state = self.state();
        state.shutdown = true;
        if immediate {
            while state.items.pop().is_some() {
                state.unfinished = state.unfinished.saturating_sub(1);
            }
            if state.unfinished == 0 {
                state.joiners.drain_wake();
            }
        }
        state.getters.drain_wake();
        state.putters.drain_wake();
    }

    /// Whether [`shutdown`](BaseQueue::shutdown) was called.
    ///
    /// Python: `asyncio.Queue._is_shutdown` (private there)
    pub fn is_shutdown(&self) -> bool {
        self.state().shutdown
    }
}

impl<T, S: Store<T>> fmt::Debug for BaseQueue<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("Queue")
            .field("maxsize", &self.maxsize)
            .field("qsize", &state.items.len())
            .field("unfinished", &state.unfinished)
            .field("shutdown", &state.shutdown)
            .field("getters", &state.getters.len())
            .field("putters", &state.putters.len())
            .finish()
    }
}

/// The future of [`BaseQueue::put`].
///
/// Python: the coroutine `asyncio.Queue.put(item)`
#[must_use = "futures do nothing unless polled"]
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
        let mut state = queue.state();
        if let Some(id) = this.id {
            if state.putters.state(id, cx.waker()) == WaiterState::Waiting {
                return Poll::Pending;
            }
            this.id = None; // woken: popped from the list; look again
        }
        let item = this.item.take().expect("`Put` polled after it completed");
        if state.shutdown {
            return Poll::Ready(Err(QueueShutDown(item)));
        }
        if queue.is_full(&state) {
            this.item = Some(item);
            this.id = Some(state.putters.push(cx.waker()));
            return Poll::Pending;
        }
        BaseQueue::<T, S>::insert(&mut state, item);
        Poll::Ready(Ok(()))
    }
}

impl<T, S: Store<T>> Drop for Put<'_, T, S> {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            let mut state = self.queue.state();
            if state.putters.remove(id) == WaiterState::Gone && !self.queue.is_full(&state) {
                // Woken for a slot we will not fill: pass the wake-up on.
                state.putters.pop_wake();
            }
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
#[must_use = "futures do nothing unless polled"]
pub struct Get<'a, T, S: Store<T>> {
    queue: &'a BaseQueue<T, S>,
    id: Option<u64>,
    _items: PhantomData<fn() -> T>,
}

impl<T, S: Store<T>> Future for Get<'_, T, S> {
    type Output = Result<T, QueueShutDown>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mut state = this.queue.state();
        if let Some(id) = this.id {
            if state.getters.state(id, cx.waker()) == WaiterState::Waiting {
                return Poll::Pending;
            }
            this.id = None;
        }
        match state.items.pop() {
            Some(item) => {
                state.putters.pop_wake();
                Poll::Ready(Ok(item))
            }
            None if state.shutdown => Poll::Ready(Err(QueueShutDown(()))),
            None => {
                this.id = Some(state.getters.push(cx.waker()));
                Poll::Pending
            }
        }
    }
}

impl<T, S: Store<T>> Drop for Get<'_, T, S> {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            let mut state = self.queue.state();
            if state.getters.remove(id) == WaiterState::Gone && !state.items.is_empty() {
                // Woken for an item we will not take: pass the wake-up on.
                state.getters.pop_wake();
            }
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
#[must_use = "futures do nothing unless polled"]
pub struct Join<'a, T, S> {
    queue: &'a BaseQueue<T, S>,
    id: Option<u64>,
    _items: PhantomData<fn() -> T>,
}

impl<T, S: Store<T>> Future for Join<'_, T, S> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let mut state = this.queue.state();
        match this.id {
            None if state.unfinished == 0 => Poll::Ready(()),
            None => {
                this.id = Some(state.joiners.push(cx.waker()));
                Poll::Pending
            }
            Some(id) => match state.joiners.state(id, cx.waker()) {
                WaiterState::Waiting => Poll::Pending,
                WaiterState::Woken | WaiterState::Gone => {
                    this.id = None;
                    Poll::Ready(())
                }
            },
        }
    }
}

impl<T, S> Drop for Join<'_, T, S> {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            self.queue
                .state
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .joiners
                .remove(id);
        }
    }
}

impl<T, S> fmt::Debug for Join<'_, T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join")
            .field("waiting", &self.id.is_some())
            .finish_non_exhaustive()
    }
}
