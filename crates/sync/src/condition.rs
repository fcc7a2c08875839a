//! Definition of [`Condition`], asyncio's condition variable, and its `wait` future.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::lock::{self, LockFuture};
use crate::sync::{Mutex, MutexGuard, PoisonError};
use crate::waiters::{WaitList, WaiterState};
use crate::{ConditionError, Lock, LockNotAcquired};

/// A lock plus a list of tasks waiting to be notified.
///
/// Python: `asyncio.Condition`
///
/// As in asyncio the API is the lock's (`acquire`, `release`, `locked`, and
/// [`lock`](Condition::lock) for `async with cond:`) plus `wait`, `wait_for`, `notify`
/// and `notify_all`, which need the lock held: otherwise they return a
/// [`ConditionError`] (asyncio's RuntimeError). `wait` releases the lock, waits for a
/// notification, and takes the lock again before it returns.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// let cond = aio_sync::Condition::new();
/// assert!(cond.notify(1).is_err(), "cannot notify on un-acquired lock");
/// let _guard = cond.lock().await; // async with cond:
/// cond.notify_all().unwrap();
/// let ready = cond.wait_for(|| Some(42)).await.unwrap(); // already true: no wait
/// assert_eq!(ready, 42);
/// # });
/// ```
#[derive(Default)]
pub struct Condition {
    lock: Lock,
    waiters: Mutex<WaitList>,
}

impl Condition {
    /// A condition with its own unlocked lock.
    ///
    /// Python: `asyncio.Condition()`
    pub fn new() -> Self {
        Self::default()
    }

    fn waiters(&self) -> MutexGuard<'_, WaitList> {
        self.waiters.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the lock is held.
    ///
    /// Python: `asyncio.Condition.locked`
    pub fn locked(&self) -> bool {
        self.lock.locked()
    }

    /// Waits for the lock and takes it.
    ///
    /// Python: `await cond.acquire()`
    ///
    /// # Cancel safety
    ///
    /// As [`Lock::acquire`].
    pub fn acquire(&self) -> lock::Acquire<'_> {
        self.lock.acquire()
    }

    /// Waits for the lock and returns a guard that releases it when dropped.
    ///
    /// Python: `async with cond:`
    ///
    /// # Cancel safety
    ///
    /// As [`Lock::acquire`].
    pub fn lock(&self) -> LockFuture<'_> {
        self.lock.lock()
    }

    /// Releases the lock.
    ///
    /// Python: `asyncio.Condition.release`
    ///
    /// # Errors
    ///
    /// [`LockNotAcquired`] if the lock is not held.
    pub fn release(&self) -> Result<(), LockNotAcquired> {
        self.lock.release()
    }

    /// Releases the lock, waits to be notified, then takes the lock again.
    ///
    /// Python: `await cond.wait()`
    ///
    /// # Errors
    ///
    /// [`ConditionError::WaitUnacquired`] if the lock is not held (checked on the first
    /// poll; nothing changes).
    ///
    /// # Cancel safety
    ///
    /// A notification this task received and will not use passes to the next waiter
    /// (asyncio 3.13; 3.11 loses it). Unlike 3.13 there is no spurious wake-up for a
    /// waiter that was never notified.
    ///
    /// # Differences from Python
    ///
    /// asyncio's cancelled `wait` awaits the lock before the CancelledError leaves it,
    /// so the `async with` around it still holds the lock. Rust cannot await inside a
    /// drop: a dropped `wait` takes the lock back at once when it is free with nobody in
    /// line (or already handed to it), which is the case in the usual timeout pattern;
    /// otherwise it leaves the lock to the tasks in line, and a [`LockGuard`](crate::LockGuard)
    /// taken before the wait knows it no longer holds the lock (its drop does nothing).
    /// Awaited inside `aio_tasks::catch_cancel` (`catch_cancel(cond.wait())`), a cancelled
    /// `wait` does as asyncio's: it waits for the lock and takes it back before the
    /// `CancelledError` reaches the body (further cancellations meanwhile are absorbed).
    pub fn wait(&self) -> Wait<'_> {
        Wait {
            cond: self,
            phase: Phase::Start,
        }
    }

    /// Waits until `predicate` gives `Some`, and returns that value; `predicate` is
    /// called with the lock held, first before any wait.
    ///
    /// Python: `await cond.wait_for(predicate)` (the truthy value it returns)
    ///
    /// # Errors
    ///
    /// [`ConditionError::WaitUnacquired`] if it has to wait without holding the lock.
    ///
    /// # Cancel safety
    ///
    /// As [`wait`](Condition::wait).
    pub async fn wait_for<T, F>(&self, mut predicate: F) -> Result<T, ConditionError>
    where
        F: FnMut() -> Option<T>,
    {
        loop {
            if let Some(value) = predicate() {
                return Ok(value);
            }
            self.wait().await?;
            if aio_rt::cleanup_requested() {
                // The wait was cancelled inside `aio_tasks::catch_cancel` and has taken the
                // lock back: the `CancelledError` leaves here, as asyncio's leaves
                // `wait_for` (no further predicate call, no new wait).
                std::future::poll_fn(end_cleanup::<()>).await;
            }
        }
    }

    /// Wakes up to `n` waiters, in the order they started waiting.
    ///
    /// Python: `asyncio.Condition.notify(n)`
    ///
    /// # Errors
    ///
    /// [`ConditionError::NotifyUnacquired`] if the lock is not held.
    pub fn notify(&self, n: usize) -> Result<(), ConditionError> {
        if !self.locked() {
            return Err(ConditionError::NotifyUnacquired);
        }
        let mut waiters = self.waiters();
        for _ in 0..n {
            if !waiters.wake_first() {
                break;
            }
        }
        Ok(())
    }

    /// Wakes every waiter.
    ///
    /// Python: `asyncio.Condition.notify_all`
    ///
    /// # Errors
    ///
    /// [`ConditionError::NotifyUnacquired`] if the lock is not held.
    pub fn notify_all(&self) -> Result<(), ConditionError> {
        if !self.locked() {
            return Err(ConditionError::NotifyUnacquired);
        }
        self.waiters().wake_all();
        Ok(())
    }
}

impl fmt::Debug for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition")
            .field("lock", &self.lock)
            .field("waiters", &self.waiters().len())
            .finish()
    }
}

/// asyncio's repr without the address (see the `aio` crate docs, "Printing"):
/// `<asyncio.locks.Condition [unlocked, waiters:1]>`, `<asyncio.locks.Condition [locked]>`.
///
/// Python: `repr(condition)`
impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let held = if self.locked() { "locked" } else { "unlocked" };
        let waiters = self.waiters().len();
        f.write_str("<asyncio.locks.Condition [")?;
        f.write_str(held)?;
        if waiters > 0 {
            write!(f, ", waiters:{waiters}")?;
        }
        f.write_str("]>")
    }
}

enum Phase<'a> {
    Start,
    /// Waiting for a notification: our id in the waiters, the lock's generation before.
    Waiting(u64, u64),
    /// Notified, waiting for the lock.
    Reacquire(lock::Acquire<'a>, u64),
    Done,
}

/// The future of [`Condition::wait`].
///
/// Python: the coroutine `asyncio.Condition.wait()`
#[must_use = "a wait does nothing unless awaited, as in asyncio: \"coroutine 'Condition.wait' was never awaited\""]
pub struct Wait<'a> {
    cond: &'a Condition,
    phase: Phase<'a>,
}

/// Ends a cleanup (see `aio_rt::poll_cleanup`): pending without accepting it, so that the
/// `catch_cancel` polling it drops the future at its next cleanup poll, which this wake
/// brings (in this very poll, an inner wait may have accepted already).
fn end_cleanup<T>(cx: &mut Context<'_>) -> Poll<T> {
    cx.waker().wake_by_ref();
    Poll::Pending
}

impl Future for Wait<'_> {
    type Output = Result<(), ConditionError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        loop {
            match &mut this.phase {
                Phase::Start => {
                    if aio_rt::cleanup_requested() {
                        // A cancelled wait before this one has taken the lock back and the
                        // code around it goes on in cleanup mode: no new wait starts.
                        return end_cleanup(cx);
                    }
                    let generation = this.cond.lock.generation();
                    // In line first, then release: on a multi-threaded runtime another
                    // task may take the lock and notify the moment it is released, and
                    // that notification must find us (found by the stress test).
                    let id = this.cond.waiters().push(cx.waker());
                    if this.cond.lock.release().is_err() {
                        let mut waiters = this.cond.waiters();
                        if waiters.remove(id) == WaiterState::Woken {
                            waiters.wake_first(); // not ours to use: pass it on
                        }
                        this.phase = Phase::Done;
                        return Poll::Ready(Err(ConditionError::WaitUnacquired));
                    }
                    this.phase = Phase::Waiting(id, generation);
                    return Poll::Pending;
                }
                Phase::Waiting(id, generation) => {
                    let mut waiters = this.cond.waiters();
                    if aio_rt::cleanup_requested() {
                        // Cancelled inside `aio_tasks::catch_cancel`: take the lock back
                        // before the error reaches the body, as asyncio's `finally:
                        // await self.acquire()`; a notification we will not use goes on.
                        aio_rt::accept_cleanup();
                        if waiters.remove(*id) != WaiterState::Waiting {
                            waiters.wake_first();
                        }
                    } else if waiters.state(*id, cx.waker()) == WaiterState::Waiting {
                        return Poll::Pending;
                    } else {
                        waiters.remove(*id);
                    }
                    drop(waiters);
                    this.phase = Phase::Reacquire(this.cond.lock.acquire(), *generation);
                }
                Phase::Reacquire(acquire, generation) => {
                    // Already taking the lock back: that is the cleanup, too.
                    aio_rt::accept_cleanup();
                    return match Pin::new(acquire).poll(cx) {
                        Poll::Pending => Poll::Pending,
                        Poll::Ready(()) => {
                            // Held again on behalf of whoever held it before the wait.
                            this.cond.lock.restore_generation(*generation);
                            this.phase = Phase::Done;
                            Poll::Ready(Ok(()))
                        }
                    };
                }
                Phase::Done => panic!("`Condition::wait` polled after it completed"),
            }
        }
    }
}

impl Drop for Wait<'_> {
    fn drop(&mut self) {
        let (notified, retaken, generation) = match std::mem::replace(&mut self.phase, Phase::Done)
        {
            Phase::Start | Phase::Done => return,
            Phase::Waiting(id, generation) => {
                let notified = self.cond.waiters().remove(id) != WaiterState::Waiting;
                // Take the lock back, as asyncio's `finally: await self.acquire()` does,
                // if that needs no waiting.
                (notified, self.cond.lock.try_acquire(), generation)
            }
            Phase::Reacquire(mut acquire, generation) => (true, acquire.try_finish(), generation),
        };
        if retaken {
            self.cond.lock.restore_generation(generation);
        }
        if notified {
            // 3.13: a notification we will not use goes to the next waiter.
            self.cond.waiters().wake_first();
        }
    }
}

impl fmt::Debug for Wait<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let phase = match self.phase {
            Phase::Start => "start",
            Phase::Waiting(..) => "waiting",
            Phase::Reacquire(..) => "reacquire",
            Phase::Done => "done",
        };
        f.debug_struct("Wait")
            .field("phase", &phase)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{CountingWaker, poll_once};

    #[test]
    fn smoke() {
        let cond = Condition::new();
        assert_eq!(
            poll_once(&mut cond.wait()),
            Poll::Ready(Err(ConditionError::WaitUnacquired))
        );
        assert_eq!(cond.notify(1), Err(ConditionError::NotifyUnacquired));
        assert_eq!(cond.notify_all(), Err(ConditionError::NotifyUnacquired));
        assert_eq!(
            ConditionError::WaitUnacquired.to_string(),
            "cannot wait on un-acquired lock"
        );
        assert_eq!(
            ConditionError::NotifyUnacquired.to_string(),
            "cannot notify on un-acquired lock"
        );
    }

    #[test]
    fn wait_releases_then_reacquires() {
        let cond = Condition::new();
        assert!(cond.lock.try_acquire());
        let wa = CountingWaker::new();
        let mut a = cond.wait();
        assert!(wa.poll(&mut a).is_pending());
        assert!(!cond.locked(), "wait released the lock");
        assert!(cond.lock.try_acquire());
        cond.notify(1).unwrap();
        assert_eq!(wa.count(), 1);
        assert!(
            wa.poll(&mut a).is_pending(),
            "notified, now waiting for the lock"
        );
        cond.release().unwrap();
        assert!(wa.poll(&mut a).is_ready());
        assert!(cond.locked());
    }

    #[test]
    fn notified_then_cancelled_passes_the_notification_on() {
        let cond = Condition::new();
        assert!(cond.lock.try_acquire());
        let (wa, wb) = (CountingWaker::new(), CountingWaker::new());
        let mut a = cond.wait();
        assert!(wa.poll(&mut a).is_pending());
        assert!(cond.lock.try_acquire());
        let mut b = cond.wait();
        assert!(wb.poll(&mut b).is_pending());
        assert!(cond.lock.try_acquire());
        cond.notify(1).unwrap();
        assert_eq!((wa.count(), wb.count()), (1, 0));
        drop(a);
        assert_eq!(wb.count(), 1, "b got a's notification");
        cond.release().unwrap();
        assert!(wb.poll(&mut b).is_ready());
    }

    #[test]
    fn cancelled_wait_retakes_a_free_lock() {
        let cond = Condition::new();
        assert!(cond.lock.try_acquire());
        let mut a = cond.wait();
        assert!(poll_once(&mut a).is_pending());
        assert!(!cond.locked());
        drop(a);
        assert!(
            cond.locked(),
            "the lock is held again, as after asyncio's cancelled wait"
        );
    }

    #[test]
    fn a_dropped_wait_that_cannot_retake_the_lock_leaves_the_holder_alone() {
        let cond = Condition::new();
        let guard = poll_once(&mut cond.lock());
        let mut a = cond.wait();
        assert!(poll_once(&mut a).is_pending());
        let other = poll_once(&mut cond.lock()); // another task takes the lock
        assert!(other.is_ready());
        drop(a);
        drop(guard);
        assert!(
            cond.locked(),
            "the waiter's guard did not release the other task's lock"
        );
        drop(other);
        assert!(!cond.locked());
    }

    #[test]
    fn a_guard_releases_after_a_completed_wait() {
        let cond = Condition::new();
        let guard = poll_once(&mut cond.lock());
        let mut a = cond.wait();
        assert!(poll_once(&mut a).is_pending());
        assert!(cond.lock.try_acquire());
        cond.notify(1).unwrap();
        cond.release().unwrap();
        assert!(poll_once(&mut a).is_ready());
        drop(guard);
        assert!(
            !cond.locked(),
            "the guard released the lock its wait took back"
        );
    }

    #[test]
    fn futures_are_send() {
        fn assert_send<T: Send>(_: &T) {}
        let cond = Condition::new();
        assert_send(&cond.wait());
        assert_send(&cond.wait_for(|| Some(1)));
    }

    /// Found by the stress test (harness/tests/suite/stress.rs, condition): a wait sets the
    /// lock's generation back to its guard's, and the next acquisition used to count on
    /// from there, reusing the number of a stale guard still alive, whose drop then
    /// released the new holder's lock.
    #[test]
    fn a_stale_guard_never_releases_a_later_holder() {
        let cond = Condition::new();
        let Poll::Ready(a) = poll_once(&mut cond.lock()) else {
            panic!("the lock is free")
        };
        let mut wait = cond.wait();
        assert!(poll_once(&mut wait).is_pending());
        let Poll::Ready(b) = poll_once(&mut cond.lock()) else {
            panic!("the wait released the lock")
        };
        cond.notify(1).unwrap();
        cond.release().unwrap(); // any task may release: `b` is now stale
        assert_eq!(poll_once(&mut wait), Poll::Ready(Ok(())));
        drop(wait);
        drop(a);
        assert!(!cond.locked());
        let Poll::Ready(c) = poll_once(&mut cond.lock()) else {
            panic!("the lock is free")
        };
        drop(b);
        assert!(
            cond.locked(),
            "the stale guard released the new holder's lock"
        );
        drop(c);
        assert!(!cond.locked());
    }
}
