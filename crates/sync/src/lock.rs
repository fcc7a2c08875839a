//! Definition of [`Lock`], asyncio's mutual-exclusion lock, and its futures.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::LockNotAcquired;
use crate::sync::{Mutex, MutexGuard, PoisonError};
use crate::waiters::{WaitList, WaiterState};

/// A mutual-exclusion lock for tasks.
///
/// Python: `asyncio.Lock`
///
/// As in asyncio: not re-entrant, not owned (any task may [`release`](Lock::release)
/// it), and strictly FIFO: once a task waits, a newcomer queues behind it even at a
/// moment when the lock is free (no barging). [`lock`](Lock::lock) gives a guard that
/// releases on drop, the `async with lock:` form.
///
/// Inside: a std mutex around `locked` and a [`WaitList`]. `release` marks the front
/// waiter woken and leaves it in the list until it runs, so `locked()` reads `false`
/// in between (as in asyncio) yet no newcomer can take the lock from it.
///
/// # Examples
///
/// ```
/// # futures_lite::future::block_on(async {
/// let lock = aio_sync::Lock::new();
/// {
///     let _guard = lock.lock().await; // async with lock:
///     assert!(lock.locked());
/// }
/// assert!(!lock.locked());
/// assert!(lock.release().is_err(), "Lock is not acquired");
/// # });
/// ```
#[derive(Default)]
pub struct Lock {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    locked: bool,
    /// Counts acquisitions, so that a guard can tell whether the lock it took is still
    /// the one held (asyncio lets any task release the lock; see [`LockGuard`]).
    generation: u64,
    /// The last generation handed out. Kept apart from `generation`, which a Condition's
    /// wait sets back to an older one: a new acquisition must never reuse the number of a
    /// guard still alive, or that guard's drop would release the new holder's lock.
    issued: u64,
    waiters: WaitList,
}

impl State {
    #[inline]
    fn take(&mut self) -> u64 {
        self.locked = true;
        self.issued += 1;
        self.generation = self.issued;
        self.generation
    }
}

impl Lock {
    /// An unlocked lock.
    ///
    /// Python: `asyncio.Lock()`
    pub fn new() -> Self {
        Self::default()
    }

    #[inline]
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether the lock is held.
    ///
    /// Python: `asyncio.Lock.locked`
    pub fn locked(&self) -> bool {
        self.state().locked
    }

    /// Waits until the lock is free and this task is first in line, then takes it.
    ///
    /// Python: `await lock.acquire()`
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future before it completes leaves the lock as it was
    /// and the task's place in line is given up. If the lock had already been handed to
    /// this task (woken, not yet run), the hand-off passes to the next waiter.
    #[inline]
    pub fn acquire(&self) -> Acquire<'_> {
        Acquire {
            lock: self,
            id: None,
            generation: 0,
        }
    }

    /// Takes the lock if it is free and nobody waits for it.
    ///
    /// Python: none (Rust only: asyncio's `acquire` fast path, as a non-blocking call)
    pub fn try_acquire(&self) -> bool {
        let mut state = self.state();
        if !state.locked && state.waiters.is_empty() {
            state.take();
            true
        } else {
            false
        }
    }

    /// Waits for the lock and returns a guard that releases it when dropped.
    ///
    /// Python: `async with lock:`
    ///
    /// # Cancel safety
    ///
    /// As [`acquire`](Lock::acquire).
    #[inline]
    pub fn lock(&self) -> LockFuture<'_> {
        LockFuture {
            acquire: self.acquire(),
        }
    }

    /// Releases the lock and hands it to the first waiter.
    ///
    /// Python: `asyncio.Lock.release`
    ///
    /// # Errors
    ///
    /// [`LockNotAcquired`] if the lock is not held.
    pub fn release(&self) -> Result<(), LockNotAcquired> {
        let mut state = self.state();
        if !state.locked {
            return Err(LockNotAcquired);
        }
        state.locked = false;
        state.waiters.wake_front();
        Ok(())
    }

    /// Releases the lock if it is held under `generation` (the holder has not changed).
    #[inline]
    fn release_if(&self, generation: u64) {
        let mut state = self.state();
        if state.locked && state.generation == generation {
            state.locked = false;
            state.waiters.wake_front();
        }
    }

    /// The current acquisition's generation.
    pub(crate) fn generation(&self) -> u64 {
        self.state().generation
    }

    /// Gives the current acquisition an earlier generation back: a Condition's wait
    /// re-takes the lock for the guard that held it before the wait.
    pub(crate) fn restore_generation(&self, generation: u64) {
        self.state().generation = generation;
    }
}

impl fmt::Debug for Lock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("Lock")
            .field("locked", &state.locked)
            .field("waiters", &state.waiters.len())
            .finish()
    }
}

/// asyncio's repr without the address (see the `aio` crate docs, "Printing"):
/// `<asyncio.locks.Lock [unlocked]>`, `<asyncio.locks.Lock [locked, waiters:1]>`.
///
/// Python: `repr(lock)`
impl fmt::Display for Lock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        let held = if state.locked { "locked" } else { "unlocked" };
        f.write_str("<asyncio.locks.Lock [")?;
        f.write_str(held)?;
        if !state.waiters.is_empty() {
            write!(f, ", waiters:{}", state.waiters.len())?;
        }
        f.write_str("]>")
    }
}

/// The future of [`Lock::acquire`].
///
/// Python: the coroutine `asyncio.Lock.acquire()`
#[must_use = "an acquire does nothing unless awaited, as in asyncio: \"coroutine 'Lock.acquire' was never awaited\""]
pub struct Acquire<'a> {
    lock: &'a Lock,
    id: Option<u64>,
    /// The generation this acquire took the lock under, once it has.
    generation: u64,
}

impl Future for Acquire<'_> {
    type Output = ();

    // `#[inline]` (here and on the other hot paths): without it another crate calls
    // these small functions out of line, and the calls cost about a third of an
    // uncontended lock + unlock (`examples/profile_lock.rs`: 159 -> 106 instructions).
    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let mut state = this.lock.state();
        if this.id.is_none() && !state.locked && state.waiters.is_empty() {
            this.generation = state.take();
            return Poll::Ready(());
        }
        this.poll_in_line(&mut state, cx)
    }
}

impl Acquire<'_> {
    /// The slow path of `poll`: join the line, or see whether our turn has come.
    fn poll_in_line(&mut self, state: &mut State, cx: &mut Context<'_>) -> Poll<()> {
        match self.id {
            None => {
                self.id = Some(state.waiters.push(cx.waker()));
                Poll::Pending
            }
            Some(id) => match state.waiters.poll_remove(id, cx.waker()) {
                WaiterState::Waiting => Poll::Pending,
                WaiterState::Woken | WaiterState::Gone => {
                    self.id = None;
                    self.generation = state.take();
                    Poll::Ready(())
                }
            },
        }
    }

    /// Completes the acquire now if it can (the lock is free with nobody in line, or it
    /// was already handed to this waiter); returns whether the lock is now held by us.
    /// Used where Rust cannot await: in a drop.
    pub(crate) fn try_finish(&mut self) -> bool {
        let mut state = self.lock.state();
        let ready = match self.id {
            None => !state.locked && state.waiters.is_empty(),
            Some(id) => state.waiters.peek(id) != WaiterState::Waiting,
        };
        if ready {
            if let Some(id) = self.id.take() {
                state.waiters.remove(id);
            }
            self.generation = state.take();
        }
        ready
    }
}

impl Drop for Acquire<'_> {
    #[inline]
    fn drop(&mut self) {
        if let Some(id) = self.id {
            self.leave_line(id);
        }
    }
}

impl Acquire<'_> {
    /// A dropped waiter gives up its place in line.
    fn leave_line(&self, id: u64) {
        let mut state = self.lock.state();
        state.waiters.remove(id);
        // As asyncio: if the lock is free, make sure the new front waiter runs.
        if !state.locked {
            state.waiters.wake_front();
        }
    }
}

impl fmt::Debug for Acquire<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acquire")
            .field("waiting", &self.id.is_some())
            .finish_non_exhaustive()
    }
}

/// The future of [`Lock::lock`].
///
/// Python: `async with lock:` (entering)
#[must_use = "a lock does nothing unless awaited, as in asyncio: \"coroutine 'Lock.__aenter__' was never awaited\""]
#[derive(Debug)]
pub struct LockFuture<'a> {
    acquire: Acquire<'a>,
}

impl<'a> Future for LockFuture<'a> {
    type Output = LockGuard<'a>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<LockGuard<'a>> {
        let this = self.get_mut();
        let lock = this.acquire.lock;
        match Pin::new(&mut this.acquire).poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(LockGuard {
                lock,
                generation: this.acquire.generation,
            }),
        }
    }
}

/// Holds a [`Lock`]; releases it when dropped.
///
/// Python: the body of `async with lock:`
///
/// The drop releases the lock only if it is still this guard's acquisition: if another
/// task released it meanwhile (asyncio allows it), or a cancelled
/// [`Condition::wait`](crate::Condition::wait) could not take it back, the drop does
/// nothing rather than release a lock someone else holds now.
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct LockGuard<'a> {
    lock: &'a Lock,
    generation: u64,
}

impl Drop for LockGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        self.lock.release_if(self.generation);
    }
}

impl fmt::Debug for LockGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockGuard").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{CountingWaker, poll_once};

    #[test]
    fn smoke() {
        let lock = Lock::new();
        assert!(poll_once(&mut lock.acquire()).is_ready());
        assert!(lock.locked());
        assert_eq!(lock.release(), Ok(()));
        assert_eq!(lock.release(), Err(LockNotAcquired));
        assert_eq!(LockNotAcquired.to_string(), "lock is not acquired");
        assert_eq!(
            aio_rt::format_exception(&LockNotAcquired),
            "RuntimeError: Lock is not acquired."
        );
    }

    #[test]
    fn fifo_and_no_barging() {
        let lock = Lock::new();
        assert!(lock.try_acquire());
        let (wa, wb) = (CountingWaker::new(), CountingWaker::new());
        let mut a = lock.acquire();
        let mut b = lock.acquire();
        assert!(wa.poll(&mut a).is_pending());
        assert!(wb.poll(&mut b).is_pending());
        lock.release().unwrap();
        assert_eq!(
            (wa.count(), wb.count()),
            (1, 0),
            "only the first waiter is woken"
        );
        assert!(
            !lock.locked(),
            "free until the woken waiter runs, as in asyncio"
        );
        assert!(
            !lock.try_acquire(),
            "a newcomer cannot barge past the woken waiter"
        );
        assert!(poll_once(&mut lock.acquire()).is_pending());
        assert!(wb.poll(&mut b).is_pending(), "b stays behind a");
        assert!(wa.poll(&mut a).is_ready());
        assert!(lock.locked());
    }

    #[test]
    fn woken_then_cancelled_passes_the_lock_on() {
        let lock = Lock::new();
        assert!(lock.try_acquire());
        let (wa, wb) = (CountingWaker::new(), CountingWaker::new());
        let mut a = lock.acquire();
        let mut b = lock.acquire();
        assert!(wa.poll(&mut a).is_pending());
        assert!(wb.poll(&mut b).is_pending());
        lock.release().unwrap();
        drop(a);
        assert_eq!(wb.count(), 1, "the wake-up passed to b");
        assert!(wb.poll(&mut b).is_ready());
        assert!(lock.locked());
        drop(b);
        assert!(
            lock.locked(),
            "a finished acquire is not undone by its drop"
        );
    }

    #[test]
    fn cancelled_waiter_leaves_no_trace() {
        let lock = Lock::new();
        let mut guard = poll_once(&mut lock.lock());
        let mut a = lock.acquire();
        assert!(poll_once(&mut a).is_pending());
        drop(a);
        assert!(guard.is_ready());
        if let Poll::Ready(g) = std::mem::replace(&mut guard, Poll::Pending) {
            drop(g);
        }
        assert!(!lock.locked());
        assert!(lock.try_acquire(), "nobody is left in line");
    }

    #[test]
    fn a_guard_does_not_release_someone_elses_acquisition() {
        let lock = Lock::new();
        let guard = poll_once(&mut lock.lock());
        lock.release().unwrap(); // any task may release
        assert!(lock.try_acquire(), "another task takes it");
        drop(guard);
        assert!(lock.locked(), "the old guard left the new holder alone");
    }

    #[test]
    fn futures_are_send() {
        fn assert_send<T: Send>(_: &T) {}
        let lock = Lock::new();
        assert_send(&lock.acquire());
        assert_send(&lock.lock());
    }
}
