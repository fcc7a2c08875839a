//! Definition of [`Semaphore`] and [`BoundedSemaphore`], asyncio's counting semaphores.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::TooManyReleases;
use crate::sync::{Mutex, MutexGuard, PoisonError};
use crate::waiters::WaitList;

/// A counter of permits: `acquire` takes one, waiting while there are none; `release`
/// gives one back.
///
/// Python: `asyncio.Semaphore`
///
/// As in asyncio since gh-90155 (3.11.1): strictly FIFO. A release hands its permit to
/// the first waiter at once (the value drops back as the waiter is woken), and while
/// anyone waits a newcomer queues even if the value is above zero. Releasing more than
/// was acquired raises the value; [`BoundedSemaphore`] forbids it.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// let sem = aio_sync::Semaphore::new(2);
/// let _a = sem.permit().await; // async with sem:
/// sem.acquire().await;
/// assert!(sem.locked());
/// sem.release();
/// assert_eq!(sem.value(), 1);
/// # });
/// ```
#[derive(Default)]
pub struct Semaphore {
    state: Mutex<State>,
}

/// asyncio keeps one deque of futures, the woken ones left in it until their task runs.
/// Here a release takes the first waiter out of the list as it hands it a permit, so the
/// list only ever holds tasks still waiting: a release wakes the front entry without
/// skipping woken ones, and a woken task finds out it was served with one comparison
/// (`id < served`) instead of a search and a removal in the middle of the list.
#[derive(Default)]
struct State {
    value: usize,
    /// The tasks waiting for a permit, in arrival order (none of them woken yet).
    waiters: WaitList,
    /// Waiters handed a permit whose task has not run yet (asyncio's done futures still
    /// in the deque): they keep `locked()` true and newcomers in line.
    handed: usize,
    /// One past the id of the last waiter handed a permit (0: none yet). Permits are
    /// handed out in id order and a waiter leaves the list otherwise only by being
    /// dropped, so a live waiter was handed its permit exactly when `id < served`.
    served: u64,
}

impl State {
    /// Whether someone is in line: waiting, or handed a permit and not yet run.
    fn has_line(&self) -> bool {
        self.handed > 0 || !self.waiters.is_empty()
    }

    /// Takes a permit at once if one is free and nobody is in line (no barging).
    fn try_take(&mut self) -> bool {
        if self.value > 0 && !self.has_line() {
            self.value -= 1;
            true
        } else {
            false
        }
    }

    /// Hands a permit from the value to the first waiter; returns its waker, if there
    /// was a waiter, for the caller to wake once the lock is let go.
    ///
    /// Python: `asyncio.Semaphore._wake_up_next`
    ///
    /// Why not wake here: on a multi-threaded executor a wake-up may rouse a sleeping
    /// worker (a system call), and the woken task, started on the other core at once,
    /// would then find the lock still held. The waiter is already served when the lock
    /// is let go (out of the list, `served` past its id), so waking it a moment later
    /// changes nothing it can observe: it may even run first (polled by a `select!`)
    /// and find its permit, and the late wake-up is then a spurious one.
    #[must_use = "the waker must be woken once the lock is let go"]
    fn hand_off(&mut self) -> Option<Waker> {
        let (id, waker) = self.waiters.pop_front()?;
        self.value -= 1;
        self.handed += 1;
        self.served = id + 1;
        Some(waker)
    }

    /// Gives a permit back, handing it to the first waiter if there is one; returns
    /// that waiter's waker.
    #[must_use = "the waker must be woken once the lock is let go"]
    fn release(&mut self) -> Option<Waker> {
        self.value += 1;
        self.hand_off()
    }
}

impl Semaphore {
    /// A semaphore holding `value` permits.
    ///
    /// Python: `asyncio.Semaphore(value)` (a negative value, a ValueError there, cannot
    /// be written here)
    pub fn new(value: usize) -> Self {
        Semaphore {
            state: Mutex::new(State {
                value,
                ..State::default()
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Python: the `finally:` of `acquire`: wake as many waiters as the value allows.
    ///
    /// Takes the locked `state` and lets it go before each wake-up (see
    /// [`State::hand_off`]); each hand-off leaves the state consistent, so taking the
    /// lock again for the next one is safe. Mostly there is none: the value is zero.
    fn wake_while_value<'a>(&'a self, mut state: MutexGuard<'a, State>) {
        while state.value > 0 {
            let Some(waker) = state.hand_off() else {
                return;
            };
            let more = state.value > 0 && !state.waiters.is_empty();
            drop(state);
            waker.wake();
            if !more {
                return;
            }
            state = self.state();
        }
    }

    /// The permits left (those handed to woken waiters are already counted out).
    ///
    /// Python: `asyncio.Semaphore._value` (private there, often read in tests)
    pub fn value(&self) -> usize {
        self.state().value
    }

    /// Whether `acquire` would wait: no permit left, or someone is still in line
    /// (waiting, or woken and not yet run).
    ///
    /// Python: `asyncio.Semaphore.locked`
    pub fn locked(&self) -> bool {
        let state = self.state();
        state.value == 0 || state.has_line()
    }

    /// Waits for a permit, in arrival order, and takes it.
    ///
    /// Python: `await sem.acquire()`
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future before it completes takes no permit and gives
    /// up the task's place in line. If a permit had already been handed to it (woken,
    /// not yet run), the permit goes back and on to the next waiter: none leaks, and the
    /// line does not stall.
    #[inline]
    pub fn acquire(&self) -> Acquire<'_> {
        Acquire {
            sem: self,
            id: None,
        }
    }

    /// Takes a permit if one is free and nobody waits.
    ///
    /// Python: none (Rust only: asyncio's `acquire` fast path, as a non-blocking call)
    pub fn try_acquire(&self) -> bool {
        self.state().try_take()
    }

    /// Waits for a permit and returns a guard that releases it when dropped.
    ///
    /// Python: `async with sem:`
    ///
    /// # Cancel safety
    ///
    /// As [`acquire`](Semaphore::acquire).
    #[inline]
    pub fn permit(&self) -> PermitFuture<'_> {
        PermitFuture {
            acquire: self.acquire(),
        }
    }

    /// Gives a permit back, handing it to the first waiter if there is one.
    ///
    /// Python: `asyncio.Semaphore.release`
    pub fn release(&self) {
        // The guard is a temporary: it is let go at the end of this statement, before
        // the wake-up (see `State::hand_off`).
        let waker = self.state().release();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("Semaphore")
            .field("value", &state.value)
            .field("waiters", &(state.waiters.len() + state.handed))
            .finish()
    }
}

/// The future of [`Semaphore::acquire`].
///
/// Python: the coroutine `asyncio.Semaphore.acquire()`
#[must_use = "futures do nothing unless polled"]
pub struct Acquire<'a> {
    sem: &'a Semaphore,
    id: Option<u64>,
}

impl Future for Acquire<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let mut state = this.sem.state();
        match this.id {
            None => {
                if state.try_take() {
                    return Poll::Ready(());
                }
                this.id = Some(state.waiters.push(cx.waker()));
                Poll::Pending
            }
            Some(id) if id < state.served => {
                // Handed a permit (counted out of the value) and taken out of the list.
                this.id = None;
                state.handed -= 1;
                this.sem.wake_while_value(state);
                Poll::Ready(())
            }
            Some(id) => {
                // Polled again before its turn: keep the waker up to date.
                state.waiters.state(id, cx.waker());
                Poll::Pending
            }
        }
    }
}

impl Drop for Acquire<'_> {
    // `#[inline]` here and on `PermitFuture::poll`: as on the Lock, a caller in another
    // crate otherwise calls them out of line (callgrind: 1,017 -> 987 instructions per
    // acquire on tokio, `examples/profile_semaphore.rs`).
    #[inline]
    fn drop(&mut self) {
        if let Some(id) = self.id {
            self.leave_line(id);
        }
    }
}

impl Acquire<'_> {
    /// A dropped waiter gives up its place in line, or the permit it was handed.
    fn leave_line(&self, id: u64) {
        let mut state = self.sem.state();
        if id < state.served {
            // Handed a permit we will not use: give it back.
            state.handed -= 1;
            state.value += 1;
        } else {
            state.waiters.remove(id);
        }
        self.sem.wake_while_value(state);
    }
}

impl fmt::Debug for Acquire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire")
            .field("waiting", &self.id.is_some())
            .finish_non_exhaustive()
    }
}

/// The future of [`Semaphore::permit`] and [`BoundedSemaphore::permit`].
///
/// Python: `async with sem:` (entering)
#[must_use = "futures do nothing unless polled"]
#[derive(Debug)]
pub struct PermitFuture<'a> {
    acquire: Acquire<'a>,
}

impl<'a> Future for PermitFuture<'a> {
    type Output = Permit<'a>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Permit<'a>> {
        let this = self.get_mut();
        let sem = this.acquire.sem;
        Pin::new(&mut this.acquire)
            .poll(cx)
            .map(|()| Permit { sem })
    }
}

/// Holds one permit of a semaphore; releases it when dropped.
///
/// Python: the body of `async with sem:`
#[must_use = "the permit is released as soon as it is dropped"]
pub struct Permit<'a> {
    sem: &'a Semaphore,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.sem.release();
    }
}

impl fmt::Debug for Permit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit").finish_non_exhaustive()
    }
}

/// A [`Semaphore`] that refuses to be released above its initial value.
///
/// Python: `asyncio.BoundedSemaphore`
#[derive(Debug)]
pub struct BoundedSemaphore {
    sem: Semaphore,
    bound: usize,
}

impl BoundedSemaphore {
    /// A semaphore holding `value` permits, never more.
    ///
    /// Python: `asyncio.BoundedSemaphore(value)`
    pub fn new(value: usize) -> Self {
        BoundedSemaphore {
            sem: Semaphore::new(value),
            bound: value,
        }
    }

    /// The permits left.
    ///
    /// Python: `asyncio.BoundedSemaphore._value`
    pub fn value(&self) -> usize {
        self.sem.value()
    }

    /// Whether `acquire` would wait.
    ///
    /// Python: `asyncio.BoundedSemaphore.locked`
    pub fn locked(&self) -> bool {
        self.sem.locked()
    }

    /// Waits for a permit, in arrival order, and takes it.
    ///
    /// Python: `await sem.acquire()`
    ///
    /// # Cancel safety
    ///
    /// As [`Semaphore::acquire`].
    pub fn acquire(&self) -> Acquire<'_> {
        self.sem.acquire()
    }

    /// Takes a permit if one is free and nobody waits.
    ///
    /// Python: none (Rust only: the `acquire` fast path, as a non-blocking call)
    pub fn try_acquire(&self) -> bool {
        self.sem.try_acquire()
    }

    /// Waits for a permit and returns a guard that releases it when dropped.
    ///
    /// Python: `async with sem:`
    ///
    /// # Cancel safety
    ///
    /// As [`Semaphore::acquire`].
    pub fn permit(&self) -> PermitFuture<'_> {
        self.sem.permit()
    }

    /// Gives a permit back.
    ///
    /// Python: `asyncio.BoundedSemaphore.release`
    ///
    /// # Errors
    ///
    /// [`TooManyReleases`] if the value is already at its initial value; nothing changes.
    pub fn release(&self) -> Result<(), TooManyReleases> {
        let waker = {
            let mut state = self.sem.state();
            if state.value >= self.bound {
                return Err(TooManyReleases);
            }
            state.release()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{CountingWaker, poll_once};

    #[test]
    fn smoke() {
        let sem = Semaphore::new(1);
        assert!(poll_once(&mut sem.acquire()).is_ready());
        assert!(sem.locked());
        sem.release();
        sem.release();
        assert_eq!(sem.value(), 2, "extra releases raise the value");
    }

    #[test]
    fn bounded_refuses_extra_release() {
        let sem = BoundedSemaphore::new(1);
        assert_eq!(sem.release(), Err(TooManyReleases));
        assert!(sem.try_acquire());
        assert_eq!(sem.release(), Ok(()));
        assert_eq!(
            TooManyReleases.to_string(),
            "BoundedSemaphore released too many times"
        );
    }

    #[test]
    fn fifo_even_with_value_above_zero() {
        // gh-90155: a release with a waiter hands the permit on; a newcomer queues.
        let sem = Semaphore::new(0);
        let (wa, wb) = (CountingWaker::new(), CountingWaker::new());
        let mut a = sem.acquire();
        assert!(wa.poll(&mut a).is_pending());
        sem.release();
        assert_eq!(sem.value(), 0, "the permit went to the woken waiter");
        sem.release();
        assert_eq!(sem.value(), 1);
        assert!(
            sem.locked(),
            "a woken waiter still counts: asyncio's locked()"
        );
        let mut b = sem.acquire();
        assert!(
            wb.poll(&mut b).is_pending(),
            "b queues behind a although the value is 1"
        );
        assert!(wa.poll(&mut a).is_ready());
        assert_eq!(wb.count(), 1, "a, leaving, woke b with the spare permit");
        assert!(wb.poll(&mut b).is_ready());
        assert_eq!(sem.value(), 0);
    }

    #[test]
    fn a_woken_waiter_leaving_leaves_the_way_clear() {
        let sem = Semaphore::new(0);
        let (wa, wb) = (CountingWaker::new(), CountingWaker::new());
        let mut a = sem.acquire();
        assert!(wa.poll(&mut a).is_pending());
        sem.release();
        sem.release();
        assert!(wa.poll(&mut a).is_ready());
        assert!(!sem.locked());
        let mut b = sem.acquire();
        assert!(
            wb.poll(&mut b).is_ready(),
            "nobody is in line: b takes the free permit"
        );
        assert!(sem.locked());
    }

    #[test]
    fn a_spare_permit_behind_a_handed_waiter_is_passed_on_or_taken() {
        // a is handed a permit, one more is free: b queues behind a (no barging). a is
        // dropped before it runs: its permit comes back and one goes to b. Once b has
        // run, nobody is in line: c takes a free permit at once.
        let sem = Semaphore::new(0);
        let (wa, wb, wc) = (
            CountingWaker::new(),
            CountingWaker::new(),
            CountingWaker::new(),
        );
        let mut a = sem.acquire();
        assert!(wa.poll(&mut a).is_pending());
        sem.release();
        sem.release();
        let mut b = sem.acquire();
        assert!(wb.poll(&mut b).is_pending(), "a is still in line");
        drop(a);
        assert_eq!(
            wb.count(),
            1,
            "a, dropped, gave its permit back and b got one"
        );
        assert_eq!(sem.value(), 1);
        assert!(wb.poll(&mut b).is_ready());
        assert!(!sem.locked());
        let mut c = sem.acquire();
        assert!(wc.poll(&mut c).is_ready(), "the way is clear");
        assert_eq!(sem.value(), 0);
    }

    #[test]
    fn woken_then_cancelled_passes_the_permit_on() {
        let sem = Semaphore::new(0);
        let (wa, wb) = (CountingWaker::new(), CountingWaker::new());
        let mut a = sem.acquire();
        let mut b = sem.acquire();
        assert!(wa.poll(&mut a).is_pending());
        assert!(wb.poll(&mut b).is_pending());
        sem.release();
        assert_eq!((wa.count(), wb.count()), (1, 0));
        drop(a);
        assert_eq!(wb.count(), 1, "the permit passed to b");
        assert!(wb.poll(&mut b).is_ready());
        assert_eq!(sem.value(), 0);
    }

    #[test]
    fn cancelled_waiter_does_not_stall_the_line() {
        let sem = Semaphore::new(0);
        let (wa, wb) = (CountingWaker::new(), CountingWaker::new());
        let mut a = sem.acquire();
        let mut b = sem.acquire();
        assert!(wa.poll(&mut a).is_pending());
        assert!(wb.poll(&mut b).is_pending());
        drop(a);
        sem.release();
        assert_eq!(wb.count(), 1);
        assert!(wb.poll(&mut b).is_ready());
    }

    #[test]
    fn a_repoll_before_its_turn_moves_the_waker() {
        // The task moved (a select!, another executor): the hand-off must wake the
        // waker of the latest poll, and the waiter keeps its place.
        let sem = Semaphore::new(0);
        let (old, new, wb) = (
            CountingWaker::new(),
            CountingWaker::new(),
            CountingWaker::new(),
        );
        let mut a = sem.acquire();
        let mut b = sem.acquire();
        assert!(old.poll(&mut a).is_pending());
        assert!(wb.poll(&mut b).is_pending());
        assert!(new.poll(&mut a).is_pending(), "not served yet");
        sem.release();
        assert_eq!((old.count(), new.count(), wb.count()), (0, 1, 0));
        assert!(new.poll(&mut a).is_ready());
        assert!(sem.locked(), "b still waits");
        sem.release();
        assert_eq!(wb.count(), 1);
        assert!(sem.locked(), "b was handed the permit and has not run yet");
        assert!(wb.poll(&mut b).is_ready());
        assert_eq!(sem.value(), 0);
        sem.release();
        assert!(!sem.locked(), "nobody in line, one permit free");
    }

    #[test]
    fn futures_are_send() {
        fn assert_send<T: Send>(_: &T) {}
        let sem = Semaphore::new(1);
        assert_send(&sem.acquire());
        assert_send(&sem.permit());
    }
}
