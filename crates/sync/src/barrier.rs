//! Definition of [`Barrier`], asyncio's meeting point for a fixed number of tasks.

use std::fmt;
use std::future::Future;
use std::num::NonZeroUsize;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::BrokenBarrierError;
use crate::sync::{Mutex, MutexGuard, PoisonError};
use crate::waiters::{WaitList, WaiterState};

/// Lets `parties` tasks wait until they have all arrived, then releases them together.
///
/// Python: `asyncio.Barrier` (3.11)
///
/// Each `wait` returns its arrival index, `0` for the first. The last to arrive does
/// not wait, so it returns first; the others follow in arrival order. Tasks arriving
/// while the previous round drains wait for it to finish, so the barrier can be reused.
/// [`abort`](Barrier::abort) breaks it for good ([`BrokenBarrierError`] for everyone);
/// [`reset`](Barrier::reset) breaks the current round and fills again afterwards.
///
/// asyncio writes the Barrier on top of a Condition; here it is the same state
/// machine (filling, draining, resetting, broken) over one mutex and a wait list, where
/// every change of state wakes every waiter to look again (asyncio's `notify_all`).
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// use std::num::NonZeroUsize;
/// let barrier = aio_sync::Barrier::new(NonZeroUsize::MIN); // one party: never waits
/// assert_eq!(barrier.wait().await, Ok(0));
/// # });
/// ```
pub struct Barrier {
    parties: NonZeroUsize,
    state: Mutex<State>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Round {
    Filling,
    Draining,
    Resetting,
    Broken,
}

struct State {
    round: Round,
    count: usize,
    waiters: WaitList,
}

impl State {
    /// Python: `asyncio.Barrier._exit`: the last one out refills the barrier.
    fn exit(&mut self) {
        self.count -= 1;
        if self.count == 0 {
            if matches!(self.round, Round::Resetting | Round::Draining) {
                self.round = Round::Filling;
            }
            self.waiters.drain_wake();
        }
    }
}

impl Barrier {
    /// A barrier for `parties` tasks (zero parties, a ValueError in asyncio, cannot be
    /// written here).
    ///
    /// Python: `asyncio.Barrier(parties)`
    pub fn new(parties: NonZeroUsize) -> Self {
        Barrier {
            parties,
            state: Mutex::new(State {
                round: Round::Filling,
                count: 0,
                waiters: WaitList::new(),
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The number of tasks needed to pass the barrier.
    ///
    /// Python: `asyncio.Barrier.parties`
    pub fn parties(&self) -> NonZeroUsize {
        self.parties
    }

    /// The number of tasks waiting in the current round.
    ///
    /// Python: `asyncio.Barrier.n_waiting`
    pub fn n_waiting(&self) -> usize {
        let state = self.state();
        if state.round == Round::Filling {
            state.count
        } else {
            0
        }
    }

    /// Whether the barrier is broken (aborted).
    ///
    /// Python: `asyncio.Barrier.broken`
    pub fn broken(&self) -> bool {
        self.state().round == Round::Broken
    }

    /// Waits until `parties` tasks wait; returns this task's arrival index.
    ///
    /// Python: `await barrier.wait()`
    ///
    /// # Errors
    ///
    /// [`BrokenBarrierError`] if the barrier is aborted, or reset while this task waits.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a dropped wait leaves the barrier as if the task had never arrived
    /// (the count goes down; the barrier is not broken), as asyncio's cancelled wait does.
    pub fn wait(&self) -> Wait<'_> {
        Wait {
            barrier: self,
            id: None,
            index: None,
        }
    }

    /// Breaks the current round: waiting tasks get [`BrokenBarrierError`], and the
    /// barrier fills again once they have left.
    ///
    /// Python: `await barrier.reset()` (no lock to take here, so no await)
    pub fn reset(&self) {
        let mut state = self.state();
        if state.count > 0 {
            state.round = Round::Resetting;
        } else {
            state.round = Round::Filling;
        }
        state.waiters.drain_wake();
    }

    /// Breaks the barrier for good: every `wait`, now and later, fails.
    ///
    /// Python: `await barrier.abort()` (no lock to take here, so no await)
    pub fn abort(&self) {
        let mut state = self.state();
        state.round = Round::Broken;
        state.waiters.drain_wake();
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("Barrier")
            .field("parties", &self.parties)
            .field("round", &state.round)
            .field("count", &state.count)
            .finish()
    }
}

/// asyncio's repr without the address (see the `aio` crate docs, "Printing"):
/// `<asyncio.locks.Barrier [filling, waiters:2/3]>`, `draining`, `resetting`,
/// `<asyncio.locks.Barrier [broken]>`.
///
/// Python: `repr(barrier)`
impl fmt::Display for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        let round = match state.round {
            Round::Filling => "filling",
            Round::Draining => "draining",
            Round::Resetting => "resetting",
            Round::Broken => return f.write_str("<asyncio.locks.Barrier [broken]>"),
        };
        let waiting = if state.round == Round::Filling {
            state.count
        } else {
            0
        };
        write!(
            f,
            "<asyncio.locks.Barrier [{round}, waiters:{waiting}/{}]>",
            self.parties
        )
    }
}

/// The future of [`Barrier::wait`].
///
/// Python: the coroutine `asyncio.Barrier.wait()`
#[must_use = "a wait does nothing unless awaited, as in asyncio: \"coroutine 'Barrier.wait' was never awaited\""]
pub struct Wait<'a> {
    barrier: &'a Barrier,
    /// Our entry in the wait list while we wait for the state to change.
    id: Option<u64>,
    /// Our arrival index once we are counted in.
    index: Option<usize>,
}

impl Wait<'_> {
    /// Parks the task until the next change of state.
    fn park(
        &mut self,
        state: &mut State,
        cx: &mut Context<'_>,
    ) -> Poll<Result<usize, BrokenBarrierError>> {
        self.id = Some(state.waiters.push(cx.waker()));
        Poll::Pending
    }
}

impl Future for Wait<'_> {
    type Output = Result<usize, BrokenBarrierError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let barrier = this.barrier;
        let mut state = barrier.state();
        if let Some(id) = this.id {
            if state.waiters.state(id, cx.waker()) == WaiterState::Waiting {
                return Poll::Pending;
            }
            this.id = None;
        }
        match this.index {
            None => {
                // Python: `_block`: wait while the previous round drains or resets.
                match state.round {
                    Round::Draining | Round::Resetting => return this.park(&mut state, cx),
                    Round::Broken => return Poll::Ready(Err(BrokenBarrierError::Aborted)),
                    Round::Filling => {}
                }
                let index = state.count;
                state.count += 1;
                if index + 1 == barrier.parties.get() {
                    // The last arrival releases the round and returns first.
                    state.round = Round::Draining;
                    state.waiters.drain_wake();
                    state.exit();
                    return Poll::Ready(Ok(index));
                }
                this.index = Some(index);
                this.park(&mut state, cx)
            }
            Some(index) => {
                // Python: `_wait`: wait while the round fills.
                if state.round == Round::Filling {
                    return this.park(&mut state, cx);
                }
                this.index = None;
                let result = match state.round {
                    Round::Broken | Round::Resetting => Err(BrokenBarrierError::Interrupted),
                    _ => Ok(index),
                };
                state.exit();
                Poll::Ready(result)
            }
        }
    }
}

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        if self.id.is_none() && self.index.is_none() {
            return;
        }
        let mut state = self.barrier.state();
        if let Some(id) = self.id {
            state.waiters.remove(id);
        }
        if self.index.is_some() {
            // Python: the `finally:` of `wait`: leave without breaking the barrier.
            state.exit();
        }
    }
}

impl fmt::Debug for Wait<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::poll_once;

    fn parties(n: usize) -> NonZeroUsize {
        NonZeroUsize::new(n).expect("non-zero")
    }

    #[test]
    fn smoke() {
        let barrier = Barrier::new(parties(3));
        let mut a = barrier.wait();
        let mut b = barrier.wait();
        assert!(poll_once(&mut a).is_pending());
        assert!(poll_once(&mut b).is_pending());
        assert_eq!(barrier.n_waiting(), 2);
        assert_eq!(poll_once(&mut barrier.wait()), Poll::Ready(Ok(2)));
        assert_eq!(poll_once(&mut a), Poll::Ready(Ok(0)));
        assert_eq!(poll_once(&mut b), Poll::Ready(Ok(1)));
        assert_eq!(barrier.n_waiting(), 0);
        assert!(poll_once(&mut barrier.wait()).is_pending(), "filling again");
    }

    #[test]
    fn cancelled_waiter_does_not_break_it() {
        let barrier = Barrier::new(parties(2));
        let mut a = barrier.wait();
        assert!(poll_once(&mut a).is_pending());
        drop(a);
        assert_eq!(barrier.n_waiting(), 0);
        assert!(!barrier.broken());
        let mut b = barrier.wait();
        assert!(poll_once(&mut b).is_pending());
        assert_eq!(poll_once(&mut barrier.wait()), Poll::Ready(Ok(1)));
        assert_eq!(poll_once(&mut b), Poll::Ready(Ok(0)));
    }

    #[test]
    fn abort_and_reset_break_the_waiters() {
        let barrier = Barrier::new(parties(2));
        let mut a = barrier.wait();
        assert!(poll_once(&mut a).is_pending());
        barrier.reset();
        assert_eq!(
            poll_once(&mut a),
            Poll::Ready(Err(BrokenBarrierError::Interrupted))
        );
        assert!(!barrier.broken(), "reset refills once the waiters are out");
        barrier.abort();
        assert!(barrier.broken());
        assert_eq!(
            poll_once(&mut barrier.wait()),
            Poll::Ready(Err(BrokenBarrierError::Aborted))
        );
    }

    #[test]
    fn futures_are_send() {
        fn assert_send<T: Send>(_: &T) {}
        assert_send(&Barrier::new(parties(1)).wait());
    }
}
