//! Definition of [`Store`], the order a queue keeps, and its three kinds: [`Fifo`],
//! [`Lifo`] and [`Priority`].

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::fmt;

/// Where a queue keeps its items, and so which one `get` takes.
///
/// Python: the `_init` / `_put` / `_get` / `_qsize` methods that `LifoQueue` and
/// `PriorityQueue` override in asyncio
pub trait Store<T>: Default {
    /// Adds an item.
    ///
    /// Python: `Queue._put`
    fn push(&mut self, item: T);

    /// Takes the next item.
    ///
    /// Python: `Queue._get`
    fn pop(&mut self) -> Option<T>;

    /// The number of items.
    ///
    /// Python: `Queue._qsize`
    fn len(&self) -> usize;

    /// Whether there are no items.
    ///
    /// Python: `Queue.empty`
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// First in, first out.
///
/// Python: `asyncio.Queue`'s `collections.deque`
pub struct Fifo<T>(VecDeque<T>);

/// Last in, first out.
///
/// Python: `asyncio.LifoQueue`'s list
pub struct Lifo<T>(Vec<T>);

/// Smallest first (ties in no promised order, as with `heapq`).
///
/// Python: `asyncio.PriorityQueue`'s `heapq` list
pub struct Priority<T>(BinaryHeap<Reverse<T>>);

impl<T> Default for Fifo<T> {
    fn default() -> Self {
        Fifo(VecDeque::new())
    }
}

impl<T> Default for Lifo<T> {
    fn default() -> Self {
        Lifo(Vec::new())
    }
}

impl<T: Ord> Default for Priority<T> {
    fn default() -> Self {
        Priority(BinaryHeap::new())
    }
}

impl<T> Store<T> for Fifo<T> {
    fn push(&mut self, item: T) {
        self.0.push_back(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop_front()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T> Store<T> for Lifo<T> {
    fn push(&mut self, item: T) {
        self.0.push(item);
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

impl<T: Ord> Store<T> for Priority<T> {
    fn push(&mut self, item: T) {
        self.0.push(Reverse(item));
    }
    fn pop(&mut self) -> Option<T> {
        self.0.pop().map(|Reverse(item)| item)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

macro_rules! debug_len {
    ($($name:ident),*) => {$(
        impl<T> fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name)).field("len", &self.0.len()).finish()
            }
        }
    )*};
}
debug_len!(Fifo, Lifo, Priority);
