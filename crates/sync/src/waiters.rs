//! Definition of [`WaitList`], the FIFO list of parked tasks every primitive is built on.

use std::collections::VecDeque;
use std::fmt;
use std::task::Waker;

/// A FIFO list of waiting tasks, each known by a stable id.
///
/// Python: none (Rust only: asyncio keeps a `collections.deque` of futures per primitive;
/// this is that deque, with a waker where asyncio has a future)
///
/// A waiter [`push`](WaitList::push)es itself with its waker and keeps the id it gets
/// back. Ids only grow, so the list stays sorted by id and a waiter finds its entry with
/// a binary search. A wake-up either marks the entry and leaves it in place
/// ([`wake_front`](WaitList::wake_front), [`wake_first`](WaitList::wake_first), as
/// asyncio's Lock leaves a done future in its deque until its task runs), or removes it
/// ([`pop_wake`](WaitList::pop_wake), as asyncio's Queue pops the future it wakes; the
/// Semaphore pops too, and counts the woken itself). The list is not synchronised: the
/// primitive keeps it inside its own mutex.
#[derive(Default)]
pub struct WaitList {
    entries: VecDeque<Entry>,
    next_id: u64,
}

struct Entry {
    id: u64,
    /// The waker to wake; `None` once woken. A wake-up consumes the waker (`wake`, not
    /// `wake_by_ref`): on most executors that saves a reference-count increment and
    /// decrement per wake-up.
    waker: Option<Waker>,
}

impl Entry {
    fn woken(&self) -> bool {
        self.waker.is_none()
    }

    /// Wakes the waiter unless it was woken already; returns whether it did.
    fn wake(&mut self) -> bool {
        match self.waker.take() {
            Some(waker) => {
                waker.wake();
                true
            }
            None => false,
        }
    }

    /// Stores `waker` as the one to wake, unless it would wake the same task.
    fn update(&mut self, waker: &Waker) {
        if let Some(stored) = &mut self.waker {
            if !stored.will_wake(waker) {
                stored.clone_from(waker);
            }
        }
    }
}

/// Where a waiter stands, as [`WaitList::state`] reports it.
///
/// Python: none (the future's `done()` / "no longer in the deque")
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaiterState {
    /// Still waiting.
    Waiting,
    /// Woken and still in the list (the primitive decides what the wake-up meant).
    Woken,
    /// No longer in the list: removed by a [`pop_wake`](WaitList::pop_wake) or a drain.
    Gone,
}

impl WaitList {
    /// An empty list.
    ///
    /// Python: `collections.deque()`
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a waiter at the back; returns its id.
    ///
    /// Python: `waiters.append(fut)`
    pub fn push(&mut self, waker: &Waker) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.entries.push_back(Entry {
            id,
            waker: Some(waker.clone()),
        });
        id
    }

    fn index(&self, id: u64) -> Option<usize> {
        // Waiters being served are near the front (the oldest): look there first.
        let near = self.entries.iter().take(8).position(|entry| entry.id == id);
        near.or_else(|| {
            self.entries
                .binary_search_by_key(&id, |entry| entry.id)
                .ok()
        })
    }

    /// Where waiter `id` stands, in one look-up: while it waits, stores `waker` and
    /// returns [`Waiting`](WaiterState::Waiting); once woken, removes it and returns
    /// [`Woken`](WaiterState::Woken) (or [`Gone`](WaiterState::Gone) if it was removed).
    ///
    /// Python: `await fut` resuming, then `waiters.remove(fut)` in the `finally:`
    pub fn poll_remove(&mut self, id: u64, waker: &Waker) -> WaiterState {
        let Some(i) = self.index(id) else {
            return WaiterState::Gone;
        };
        let entry = &mut self.entries[i];
        if entry.woken() {
            self.entries.remove(i);
            WaiterState::Woken
        } else {
            entry.update(waker);
            WaiterState::Waiting
        }
    }

    /// Where waiter `id` stands; while it waits, stores `waker` as the one to wake.
    ///
    /// Python: `fut.done()`
    pub fn state(&mut self, id: u64, waker: &Waker) -> WaiterState {
        match self.index(id) {
            None => WaiterState::Gone,
            Some(i) => {
                let entry = &mut self.entries[i];
                if entry.woken() {
                    WaiterState::Woken
                } else {
                    entry.update(waker);
                    WaiterState::Waiting
                }
            }
        }
    }

    /// Where waiter `id` stands, leaving its waker as it is.
    ///
    /// Python: `fut.done()`
    pub fn peek(&self, id: u64) -> WaiterState {
        match self.index(id) {
            None => WaiterState::Gone,
            Some(i) if self.entries[i].woken() => WaiterState::Woken,
            Some(_) => WaiterState::Waiting,
        }
    }

    /// Removes waiter `id`; returns where it stood before.
    ///
    /// Python: `waiters.remove(fut)`
    pub fn remove(&mut self, id: u64) -> WaiterState {
        match self.index(id) {
            None => WaiterState::Gone,
            Some(i) => {
                let entry = self.entries.remove(i).expect("index is in bounds");
                if entry.woken() {
                    WaiterState::Woken
                } else {
                    WaiterState::Waiting
                }
            }
        }
    }

    /// Wakes the front waiter if it is not woken yet, leaving it in the list; returns
    /// whether it woke one.
    ///
    /// Python: `asyncio.Lock._wake_up_first`
    pub fn wake_front(&mut self) -> bool {
        self.entries.front_mut().is_some_and(Entry::wake)
    }

    /// Wakes the first waiter that is not woken yet, leaving it in the list; returns
    /// whether there was one.
    ///
    /// Python: `asyncio.Semaphore._wake_up_next`
    pub fn wake_first(&mut self) -> bool {
        self.entries.iter_mut().any(Entry::wake)
    }

    /// Removes the front waiter and wakes it; returns whether there was one.
    ///
    /// Python: `asyncio.Queue._wakeup_next` (it pops the future it wakes)
    pub fn pop_wake(&mut self) -> bool {
        self.pop_wake_id().is_some()
    }

    /// Removes the front waiter and wakes it; returns its id, if there was one. As ids
    /// only grow, successive calls return increasing ids: a primitive can remember the
    /// last one to know, without a look-up, which waiters it has served.
    ///
    /// Python: `waiters.popleft().set_result(True)`
    pub(crate) fn pop_wake_id(&mut self) -> Option<u64> {
        let mut entry = self.entries.pop_front()?;
        entry.wake();
        Some(entry.id)
    }

    /// Removes the front waiter and returns its id and its waker, without waking it: the
    /// caller wakes it once it has let go of its own lock (a wake-up can be costly on a
    /// multi-threaded executor, which may have to rouse a sleeping worker, and the woken
    /// task would otherwise find the lock still held).
    ///
    /// Python: `waiters.popleft()` (the `set_result` follows, outside the lock)
    pub(crate) fn pop_front(&mut self) -> Option<(u64, Waker)> {
        let entry = self.entries.pop_front()?;
        // An entry already woken in place has nothing left to wake.
        let waker = entry.waker.unwrap_or_else(|| Waker::noop().clone());
        Some((entry.id, waker))
    }

    /// Wakes every waiter in FIFO order, leaving them in the list marked woken; returns
    /// how many it woke.
    ///
    /// Python: `for fut in waiters: fut.set_result(True)` (asyncio.Condition.notify_all)
    pub fn wake_all(&mut self) -> usize {
        self.entries
            .iter_mut()
            .map(Entry::wake)
            .filter(|&woke| woke)
            .count()
    }

    /// Removes every waiter and wakes them in FIFO order; returns how many.
    ///
    /// Python: `asyncio.Event.set` (every waiting future gets its result)
    pub fn drain_wake(&mut self) -> usize {
        let count = self.entries.len();
        for mut entry in self.entries.drain(..) {
            entry.wake();
        }
        count
    }

    /// The number of waiters, woken or not.
    ///
    /// Python: `len(waiters)`
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the list is empty.
    ///
    /// Python: `not waiters`
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether some waiter is still waiting (not woken).
    ///
    /// Python: `any(not w.done() for w in waiters)`
    pub fn has_waiting(&self) -> bool {
        self.entries.iter().any(|entry| !entry.woken())
    }
}

impl fmt::Debug for WaitList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let woken = self.entries.iter().filter(|entry| entry.woken()).count();
        f.debug_struct("WaitList")
            .field("len", &self.entries.len())
            .field("woken", &woken)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoke() {
        let waker = Waker::noop();
        let mut list = WaitList::new();
        let a = list.push(waker);
        let b = list.push(waker);
        let c = list.push(waker);
        assert_eq!(list.state(b, waker), WaiterState::Waiting);
        assert!(list.wake_front());
        assert!(!list.wake_front(), "the front is already woken");
        assert_eq!(list.state(a, waker), WaiterState::Woken);
        assert!(list.wake_first());
        assert_eq!(list.state(b, waker), WaiterState::Woken);
        assert_eq!(list.remove(b), WaiterState::Woken);
        assert!(list.pop_wake());
        assert_eq!(list.state(a, waker), WaiterState::Gone);
        assert_eq!(list.remove(c), WaiterState::Waiting);
        assert!(list.is_empty());
        let d = list.push(waker);
        let e = list.push(waker);
        assert_eq!(list.pop_wake_id(), Some(d));
        assert_eq!(list.pop_wake_id(), Some(e), "ids come out in arrival order");
        assert_eq!(list.pop_wake_id(), None);
    }
}
