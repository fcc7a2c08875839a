//! Definition of [`Event`], asyncio's one-bit broadcast.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};

use crate::sync::{AtomicU64, Mutex, MutexGuard, PoisonError};
use crate::waiters::{WaitList, WaiterState};

/// A flag that tasks can wait for: `set` wakes every waiter, `clear` lowers it again.
///
/// Python: `asyncio.Event`
///
/// `set` removes every waiter from the list as it wakes them, in FIFO order, so a
/// `clear` right after `set` does not stop them: being woken is what completes their
/// wait, not the flag they find when they run. `wait` on a set event returns at once.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// let event = aio_sync::Event::new();
/// event.set();
/// event.wait().await; // returns at once
/// assert!(event.is_set());
/// # });
/// ```
#[derive(Default)]
pub struct Event {
    /// How many times `set` raised the flag. Changed only under the lock, read without
    /// it: a waiter that finds the number changed since it joined the list knows that a
    /// `set` woke it and took it off the list, so its wake-up costs no lock (10k woken
    /// waiters would otherwise queue for the lock one by one).
    sets: AtomicU64,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    flag: bool,
    waiters: WaitList,
}

impl Event {
    /// A cleared event.
    ///
    /// Python: `asyncio.Event()`
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the flag is set.
    ///
    /// Python: `asyncio.Event.is_set`
    pub fn is_set(&self) -> bool {
        self.state().flag
    }

    /// Sets the flag and wakes every waiter, in the order they started waiting.
    ///
    /// Python: `asyncio.Event.set`
    pub fn set(&self) {
        let mut state = self.state();
        if !state.flag {
            state.flag = true;
            // Only `set` writes `sets`, under the lock: no read-modify-write needed.
            let sets = self.sets.load(Ordering::Relaxed);
            self.sets.store(sets + 1, Ordering::Release);
            state.waiters.drain_wake();
        }
    }

    /// Lowers the flag; tasks that wait from now on block until the next `set`.
    ///
    /// Python: `asyncio.Event.clear`
    pub fn clear(&self) {
        self.state().flag = false;
    }

    /// Waits until the flag is set (returns at once if it is).
    ///
    /// Python: `await event.wait()`
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future removes the task from the waiters; nothing else
    /// changes.
    pub fn wait(&self) -> Wait<'_> {
        Wait {
            event: self,
            id: None,
            sets_seen: 0,
        }
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("Event")
            .field("set", &state.flag)
            .field("waiters", &state.waiters.len())
            .finish()
    }
}

/// asyncio's repr without the address (see the `aio` crate docs, "Printing"):
/// `<asyncio.locks.Event [unset, waiters:2]>`, `<asyncio.locks.Event [set]>`.
///
/// Python: `repr(event)`
///
/// # Differences from Python
///
/// `set` takes the waiters it wakes off the list at once; asyncio leaves each one in its
/// deque until its task runs, so right after `set` it still counts them (`[set,
/// waiters:2]`) where this prints `[set]`.
impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        let flag = if state.flag { "set" } else { "unset" };
        f.write_str("<asyncio.locks.Event [")?;
        f.write_str(flag)?;
        if !state.waiters.is_empty() {
            write!(f, ", waiters:{}", state.waiters.len())?;
        }
        f.write_str("]>")
    }
}

/// The future of [`Event::wait`].
///
/// Python: the coroutine `asyncio.Event.wait()`
#[must_use = "a wait does nothing unless awaited, as in asyncio: \"coroutine 'Event.wait' was never awaited\""]
pub struct Wait<'a> {
    event: &'a Event,
    /// The place in the list, while waiting.
    id: Option<u64>,
    /// `Event::sets` when this waiter joined the list.
    sets_seen: u64,
}

impl Wait<'_> {
    /// Whether a `set` came (and took this waiter off the list) since it joined.
    fn woken_by_set(&self) -> bool {
        self.id.is_some() && self.event.sets.load(Ordering::Acquire) != self.sets_seen
    }
}

impl Future for Wait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if this.woken_by_set() {
            this.id = None;
            return Poll::Ready(());
        }
        let mut state = this.event.state();
        match this.id {
            None if state.flag => Poll::Ready(()),
            None => {
                this.id = Some(state.waiters.push(cx.waker()));
                this.sets_seen = this.event.sets.load(Ordering::Relaxed);
                Poll::Pending
            }
            Some(id) => match state.waiters.state(id, cx.waker()) {
                WaiterState::Waiting => Poll::Pending,
                WaiterState::Woken | WaiterState::Gone => {
                    this.id = None;
                    Poll::Ready(())
                }
            },
        }
    }
}

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        // A waiter woken by `set` is off the list already.
        if let Some(id) = self.id.filter(|_| !self.woken_by_set()) {
            self.event.state().waiters.remove(id);
        }
    }
}

impl fmt::Debug for Wait<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("waiting", &self.id.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{CountingWaker, poll_once};

    #[test]
    fn smoke() {
        let event = Event::new();
        assert!(poll_once(&mut event.wait()).is_pending());
        event.set();
        assert!(poll_once(&mut event.wait()).is_ready());
    }

    #[test]
    fn clear_right_after_set_does_not_stop_the_woken() {
        let event = Event::new();
        let (wa, wb) = (CountingWaker::new(), CountingWaker::new());
        let mut a = event.wait();
        let mut b = event.wait();
        assert!(wa.poll(&mut a).is_pending());
        assert!(wb.poll(&mut b).is_pending());
        event.set();
        event.clear();
        assert_eq!((wa.count(), wb.count()), (1, 1));
        assert!(wa.poll(&mut a).is_ready());
        assert!(wb.poll(&mut b).is_ready());
        assert!(
            poll_once(&mut event.wait()).is_pending(),
            "a new wait blocks again"
        );
    }

    #[test]
    fn futures_are_send() {
        fn assert_send<T: Send>(_: &T) {}
        assert_send(&Event::new().wait());
    }
}
