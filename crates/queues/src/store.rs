//! Definition of [`Store`], the order a queue keeps, and its three kinds: [`Fifo`],
//! [`Lifo`] and [`Priority`].
//!
//! A store is shared by every task using the queue and synchronises itself (its methods
//! take `&self`): [`Fifo`] is a lock-free ring (`concurrent-queue`), so that a put and a
//! get on two threads do not take the same lock; [`Lifo`] and [`Priority`] keep their
//! `Vec` / `BinaryHeap` behind a small mutex of their own.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;

use concurrent_queue::{ConcurrentQueue, PushError};

use crate::sync::{Mutex, MutexGuard, PoisonError};
use crate::{PutNowaitError, QueueFull, QueueShutDown};

/// Where a queue keeps its items, and so which one `get` takes. A store enforces the
/// queue's `maxsize` and its shutdown itself, so that "is there room?" and "add it" are
/// one step even with puts on several threads.
///
/// Python: the `_init` / `_put` / `_get` / `_qsize` methods that `LifoQueue` and
/// `PriorityQueue` override in asyncio
pub trait Store<T> {
    /// An empty, open store holding at most `maxsize` items (`0`: no limit).
    ///
    /// Python: `Queue._init(maxsize)`
    fn with_maxsize(maxsize: usize) -> Self;

    /// Adds an item, unless the store is closed (checked first, as asyncio checks
    /// shutdown before fullness) or full; the item comes back in the error.
    ///
    /// Python: `Queue._put`, with `put_nowait`'s two checks before it
    fn push(&self, item: T) -> Result<(), PutNowaitError<T>>;

    /// Takes the next item (closed or not: a closed store still drains).
    ///
    /// Python: `Queue._get`
    fn pop(&self) -> Option<T>;

    /// The number of items (a snapshot: other threads may change it at once).
    ///
    /// Python: `Queue._qsize`
    fn len(&self) -> usize;

    /// Whether there are no items.
    ///
    /// Python: `Queue.empty`
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the store holds `maxsize` items (never, when unbounded).
    ///
    /// Python: `Queue.full`
    fn is_full(&self) -> bool;

    /// Closes the store: every later [`push`](Store::push) fails, pops go on draining.
    ///
    /// Python: `Queue.shutdown` setting `_is_shutdown`
    fn close(&self);

    /// Whether [`close`](Store::close) was called.
    ///
    /// Python: `Queue._is_shutdown`
    fn is_closed(&self) -> bool;

    /// The class name asyncio's repr starts with: `Queue`, `LifoQueue`, `PriorityQueue`.
    ///
    /// Python: `type(queue).__name__`
    const CLASS: &'static str = "Queue";

    /// The items as asyncio's repr lists them (`[1, 2]`, each item's `Debug`), in the
    /// order of Python's `list(queue._queue)`; `None` where the store cannot list them
    /// without taking them out (the lock-free [`Fifo`] ring).
    ///
    /// Python: `list(queue._queue)`
    fn items_repr(&self) -> Option<String>
    where
        T: fmt::Debug,
    {
        None
    }
}

/// First in, first out: a lock-free ring (`concurrent_queue::ConcurrentQueue`). Up to
/// [`Fifo::PREALLOCATED`] slots, a bounded ring allocated up front (as
/// `async_channel::bounded` is); above that, or for `0`, an unbounded ring that grows
/// block by block, with a count of the slots taken when a bound is set.
///
/// Python: `asyncio.Queue`'s `collections.deque`
pub struct Fifo<T> {
    ring: ConcurrentQueue<T>,
    /// For a large `maxsize` on an unbounded ring: `(maxsize, slots taken)`. A push
    /// takes a slot (a compare-and-swap below `maxsize`) before it pushes, a pop frees
    /// one after it pops, so the ring never holds more than `maxsize` items.
    large: Option<(usize, AtomicUsize)>,
}

impl<T> Fifo<T> {
    /// The largest `maxsize` whose slots are allocated up front.
    ///
    /// Python: none (Rust only: a deque allocates as it grows)
    pub const PREALLOCATED: usize = 1 << 16;
}

impl<T> Store<T> for Fifo<T> {
    fn with_maxsize(maxsize: usize) -> Self {
        let (ring, large) = match maxsize {
            0 => (ConcurrentQueue::unbounded(), None),
            n if n <= Self::PREALLOCATED => (ConcurrentQueue::bounded(n), None),
            n => (ConcurrentQueue::unbounded(), Some((n, AtomicUsize::new(0)))),
        };
        Fifo { ring, large }
    }
    #[inline]
    fn push(&self, item: T) -> Result<(), PutNowaitError<T>> {
        if let Some((maxsize, taken)) = &self.large {
            if self.ring.is_closed() {
                return Err(PutNowaitError::ShutDown(QueueShutDown(item)));
            }
            // Relaxed: the ring's own push and pop order the items themselves.
            let below = |n: usize| (n < *maxsize).then_some(n + 1);
            if taken.fetch_update(Relaxed, Relaxed, below).is_err() {
                return Err(PutNowaitError::Full(QueueFull(item)));
            }
        }
        self.ring.push(item).map_err(|error| {
            if let Some((_, taken)) = &self.large {
                taken.fetch_sub(1, Relaxed);
            }
            match error {
                PushError::Full(item) => PutNowaitError::Full(QueueFull(item)),
                PushError::Closed(item) => PutNowaitError::ShutDown(QueueShutDown(item)),
            }
        })
    }
    #[inline]
    fn pop(&self) -> Option<T> {
        let item = self.ring.pop().ok()?;
        if let Some((_, taken)) = &self.large {
            taken.fetch_sub(1, Relaxed);
        }
        Some(item)
    }
    fn len(&self) -> usize {
        self.ring.len()
    }
    fn is_empty(&self) -> bool {
        self.ring.is_empty()
    }
    fn is_full(&self) -> bool {
        match &self.large {
            Some((maxsize, taken)) => taken.load(Relaxed) >= *maxsize,
            None => self.ring.is_full(),
        }
    }
    fn close(&self) {
        self.ring.close();
    }
    fn is_closed(&self) -> bool {
        self.ring.is_closed()
    }
}

/// Last in, first out (a `Vec` behind a mutex).
///
/// Python: `asyncio.LifoQueue`'s list
pub struct Lifo<T>(Locked<Vec<T>>);

/// Smallest first (a `BinaryHeap` behind a mutex; ties in no promised order, as with
/// `heapq`).
///
/// Python: `asyncio.PriorityQueue`'s `heapq` list
pub struct Priority<T>(Locked<BinaryHeap<Reverse<T>>>);

/// The plain collections [`Locked`] can hold.
trait Collection<T> {
    fn add(&mut self, item: T);
    fn take(&mut self) -> Option<T>;
    fn count(&self) -> usize;
    /// The items in the order Python's `list(queue._queue)` gives.
    fn items(&self) -> Vec<&T>;
}

impl<T> Collection<T> for Vec<T> {
    fn add(&mut self, item: T) {
        self.push(item);
    }
    fn take(&mut self) -> Option<T> {
        self.pop()
    }
    fn count(&self) -> usize {
        self.len()
    }
    /// Push order, as Python's list.
    fn items(&self) -> Vec<&T> {
        self.iter().collect()
    }
}

impl<T: Ord> Collection<T> for BinaryHeap<Reverse<T>> {
    fn add(&mut self, item: T) {
        self.push(Reverse(item));
    }
    fn take(&mut self) -> Option<T> {
        self.pop().map(|Reverse(item)| item)
    }
    fn count(&self) -> usize {
        self.len()
    }
    /// The heap's own array order, as `heapq` lays out Python's list (both sift the
    /// same way).
    fn items(&self) -> Vec<&T> {
        self.iter().map(|Reverse(item)| item).collect()
    }
}

/// A collection, its bound and a closed flag behind one mutex: the whole [`Store`] for
/// orders a lock-free ring cannot keep.
struct Locked<C> {
    maxsize: usize,
    inner: Mutex<(C, bool)>,
}

impl<C: Default> Locked<C> {
    fn new(maxsize: usize) -> Self {
        Locked {
            maxsize,
            inner: Mutex::new((C::default(), false)),
        }
    }
}

impl<C> Locked<C> {
    fn lock(&self) -> MutexGuard<'_, (C, bool)> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn push<T>(&self, item: T) -> Result<(), PutNowaitError<T>>
    where
        C: Collection<T>,
    {
        let mut inner = self.lock();
        let (items, closed) = &mut *inner;
        if *closed {
            Err(PutNowaitError::ShutDown(QueueShutDown(item)))
        } else if self.maxsize > 0 && items.count() >= self.maxsize {
            Err(PutNowaitError::Full(QueueFull(item)))
        } else {
            items.add(item);
            Ok(())
        }
    }
}

/// The [`Store`] impls of the mutex-backed kinds, which differ only in the collection.
macro_rules! locked_store {
    ($name:ident, $class:literal, $($bound:tt)*) => {
        impl<T: $($bound)*> Store<T> for $name<T> {
            const CLASS: &'static str = $class;
            fn items_repr(&self) -> Option<String>
            where
                T: fmt::Debug,
            {
                let inner = self.0.lock();
                Some(format!("{:?}", inner.0.items()))
            }
            fn with_maxsize(maxsize: usize) -> Self {
                $name(Locked::new(maxsize))
            }
            fn push(&self, item: T) -> Result<(), PutNowaitError<T>> {
                self.0.push(item)
            }
            fn pop(&self) -> Option<T> {
                self.0.lock().0.take()
            }
            fn len(&self) -> usize {
                self.0.lock().0.count()
            }
            fn is_full(&self) -> bool {
                self.0.maxsize > 0 && self.len() >= self.0.maxsize
            }
            fn close(&self) {
                self.0.lock().1 = true;
            }
            fn is_closed(&self) -> bool {
                self.0.lock().1
            }
        }

        impl<T> fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let len = self.0.lock().0.len();
                f.debug_struct(stringify!($name)).field("len", &len).finish()
            }
        }
    };
}
locked_store!(Lifo, "LifoQueue", Sized);
locked_store!(Priority, "PriorityQueue", Ord);

impl<T> fmt::Debug for Fifo<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fifo")
            .field("len", &self.ring.len())
            .finish()
    }
}
