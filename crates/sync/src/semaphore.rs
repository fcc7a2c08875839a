//! Definition of [`Semaphore`] and [`BoundedSemaphore`], asyncio's counting semaphores.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll, Waker};

use crate::TooManyReleases;
use crate::sync::{AtomicU64, Mutex, MutexGuard, PoisonError};
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
    /// One past the id of the last waiter handed a permit (0: none yet). Permits are
    /// handed out in id order and a waiter leaves the list otherwise only by being
    /// dropped, so a live waiter was handed its permit exactly when `id < served`.
    /// Written only under the lock (a plain store, `Release`), read without it by a
    /// woken waiter (`Acquire`): that pair is the edge along which the permit, and
    /// everything its releaser did before releasing it, reaches the woken task.
    served: AtomicU64,
    /// `handed << 1 | SPARE`. `handed`: waiters handed a permit whose task has not run
    /// yet (asyncio's done futures still in the deque); they keep `locked()` true and
    /// newcomers in line. A woken waiter gives up its mark without the lock, with one
    /// `fetch_sub`; it takes the lock only if `SPARE` says a permit may be stuck
    /// behind it (see [`SPARE`]). Raised and `SPARE` set under the lock only.
    line: AtomicU64,
}

/// One handed waiter in [`Semaphore::line`].
const HANDED: u64 = 2;

/// Set in [`Semaphore::line`] when a newcomer queued although a permit was free (only
/// handed waiters that had not run yet stood in its way): the value is above zero with
/// tasks waiting, and only a leaving handed waiter can pass that permit on (asyncio's
/// `finally:` in `acquire`). A handed waiter that finds the bit set in its `fetch_sub`
/// takes the lock to do so; otherwise nothing can be stuck and it leaves without the
/// lock. Cleared under the lock once no permit is free or nobody waits. The newcomer
/// sets it with a compare-exchange against the `handed` it saw: if the last handed
/// waiter left in between, the exchange fails and the newcomer takes the permit itself.
const SPARE: u64 = 1;

/// asyncio keeps one deque of futures, the woken ones left in it until their task runs.
/// Here a release takes the first waiter out of the list as it hands it a permit, so the
/// list only ever holds tasks still waiting: a release wakes the front entry without
/// skipping woken ones, and a woken task finds out it was served with one comparison
/// (`id < served`) instead of a search and a removal in the middle of the list, without
/// taking the lock (`served` and the count of handed waiters live beside it, atomic).
#[derive(Default)]
struct State {
    value: usize,
    /// The tasks waiting for a permit, in arrival order (none of them woken yet).
    waiters: WaitList,
}

/// The state under the lock, with the semaphore's two counters beside it.
struct Locked<'a> {
    state: MutexGuard<'a, State>,
    sem: &'a Semaphore,
}

impl Locked<'_> {
    /// How many waiters were handed a permit and have not run yet.
    fn handed(&self) -> u64 {
        // Relaxed: only a woken waiter changes it outside the lock, and a stale read
        // is what the compare-exchange in `take_or_queue` guards against.
        self.sem.line.load(Ordering::Relaxed) / HANDED
    }

    /// Whether someone is in line: waiting, or handed a permit and not yet run.
    fn has_line(&self) -> bool {
        self.handed() > 0 || !self.state.waiters.is_empty()
    }

    /// Takes a permit at once if one is free and nobody is in line (no barging).
    fn try_take(&mut self) -> bool {
        if self.state.value > 0 && !self.has_line() {
            self.state.value -= 1;
            true
        } else {
            false
        }
    }

    /// A newcomer: takes a permit if it may (as `try_take`), or joins the line with
    /// `waker` and returns its id. Queuing while a permit is free sets [`SPARE`].
    fn take_or_queue(&mut self, waker: &Waker) -> Option<u64> {
        let mut line = self.sem.line.load(Ordering::Relaxed);
        while self.state.value > 0 {
            if line < HANDED && self.state.waiters.is_empty() {
                self.state.value -= 1;
                return None;
            }
            if line & SPARE != 0 {
                break; // already set: a leaving handed waiter will take the lock
            }
            // Only handed waiters are in the way (a free permit with tasks waiting has
            // SPARE set already). Relaxed, as every access to `line`: all that matters
            // is that this exchange and the handed waiters' fetch_sub fall in one
            // order on `line`; the waiter that then sees the bit takes the lock, and
            // the lock orders the rest.
            match self.sem.line.compare_exchange_weak(
                line,
                line | SPARE,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => break,
                // A handed waiter left meanwhile: look again, the way may be clear.
                Err(now) => line = now,
            }
        }
        Some(self.state.waiters.push(waker))
    }

    /// Hands a permit from the value to the first waiter; returns its waker, if there
    /// was a waiter, for the caller to wake once the lock is let go.
    ///
    /// Python: `asyncio.Semaphore._wake_up_next`
    ///
    /// Why not wake here: on a multi-threaded executor a wake-up may rouse a sleeping
    /// worker (a system call), and the woken task, started on the other core at once,
    /// would find the lock still held. The waiter is served as soon as `served` passes
    /// its id, so waking it a moment later changes nothing it can observe: it may even
    /// run first (polled by a `select!`) and find its permit; the late wake-up is then
    /// a spurious one.
    #[must_use = "the waker must be woken once the lock is let go"]
    fn hand_off(&mut self) -> Option<Waker> {
        let (id, waker) = self.state.waiters.pop_front()?;
        self.state.value -= 1;
        self.sem.line.fetch_add(HANDED, Ordering::Relaxed);
        // Release: publishes the hand-off (and the releaser's work before it) to the
        // woken waiter's Acquire load. The fetch_add above is ordered before it, so the
        // waiter's fetch_sub can never come first.
        self.sem.served.store(id + 1, Ordering::Release);
        Some(waker)
    }

    /// Python: the `finally:` of `acquire`: wake as many waiters as the value allows.
    ///
    /// Lets the lock go before each wake-up (see [`hand_off`](Locked::hand_off)) and
    /// takes it again only if more permits are to be handed out (mostly none are: the
    /// value is zero). Each hand-off leaves the state consistent, so the gaps are safe.
    /// When it stops, no permit is free with tasks waiting, so [`SPARE`] is cleared
    /// (still under the lock).
    fn wake_while_value(mut self) {
        loop {
            let waker = if self.state.value > 0 {
                self.hand_off()
            } else {
                None
            };
            let more = waker.is_some() && self.state.value > 0 && !self.state.waiters.is_empty();
            if !more && self.sem.line.load(Ordering::Relaxed) & SPARE != 0 {
                self.sem.line.fetch_and(!SPARE, Ordering::Relaxed);
            }
            let sem = self.sem;
            drop(self);
            let Some(waker) = waker else { return };
            waker.wake();
            if !more {
                return;
            }
            self = sem.state();
        }
    }

    /// A handed waiter leaves, holding the lock (it was dropped, or polled on a path
    /// that took the lock): gives up its mark and passes on any spare permit.
    fn leave_handed(self) {
        self.sem.line.fetch_sub(HANDED, Ordering::Relaxed);
        self.wake_while_value();
    }

    /// Gives a permit back, handing it to the first waiter if there is one; returns
    /// that waiter's waker, to be woken once the lock is let go.
    #[must_use = "the waker must be woken once the lock is let go"]
    fn release(&mut self) -> Option<Waker> {
        self.state.value += 1;
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
            ..Semaphore::default()
        }
    }

    fn state(&self) -> Locked<'_> {
        Locked {
            state: self.state.lock().unwrap_or_else(PoisonError::into_inner),
            sem: self,
        }
    }

    /// Whether the waiter `id` was handed a permit; `Acquire` pairs with the `Release`
    /// store in `hand_off` (see [`Semaphore::served`]).
    fn was_served(&self, id: u64) -> bool {
        id < self.served.load(Ordering::Acquire)
    }

    /// The permits left (those handed to woken waiters are already counted out).
    ///
    /// Python: `asyncio.Semaphore._value` (private there, often read in tests)
    pub fn value(&self) -> usize {
        self.state().state.value
    }

    /// Whether `acquire` would wait: no permit left, or someone is still in line
    /// (waiting, or woken and not yet run).
    ///
    /// Python: `asyncio.Semaphore.locked`
    pub fn locked(&self) -> bool {
        let locked = self.state();
        locked.state.value == 0 || locked.has_line()
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
            bound: None,
        }
    }

    /// Gives a permit back unless the value is already `bound` (a bounded semaphore's
    /// check); nothing changes when it is.
    fn release_bounded(&self, bound: usize) -> Result<(), TooManyReleases> {
        let waker = {
            let mut locked = self.state();
            if locked.state.value >= bound {
                return Err(TooManyReleases);
            }
            locked.release()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// Gives a permit back, handing it to the first waiter if there is one.
    ///
    /// Python: `asyncio.Semaphore.release`
    pub fn release(&self) {
        // The guard is a temporary: it is let go at the end of this statement, before
        // the wake-up (see `Locked::hand_off`).
        let waker = self.state().release();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let locked = self.state();
        let waiters = locked.state.waiters.len() as u64 + locked.handed();
        f.debug_struct("Semaphore")
            .field("value", &locked.state.value)
            .field("waiters", &waiters)
            .finish()
    }
}

/// asyncio's repr without the address (see the `aio` crate docs, "Printing"):
/// `<asyncio.locks.Semaphore [unlocked, value:1]>`, `<asyncio.locks.Semaphore [locked,
/// waiters:1]>`.
///
/// Python: `repr(semaphore)`
impl fmt::Display for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.repr("Semaphore", f)
    }
}

impl Semaphore {
    /// asyncio's repr under the class name `class`.
    fn repr(&self, class: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (locked, value, waiters) = {
            let state = self.state();
            let waiters = state.state.waiters.len() as u64 + state.handed();
            let locked = state.state.value == 0 || state.has_line();
            (locked, state.state.value, waiters)
        };
        write!(f, "<asyncio.locks.{class} [")?;
        if locked {
            f.write_str("locked")?;
        } else {
            write!(f, "unlocked, value:{value}")?;
        }
        if waiters > 0 {
            write!(f, ", waiters:{waiters}")?;
        }
        f.write_str("]>")
    }
}

/// The future of [`Semaphore::acquire`].
///
/// Python: the coroutine `asyncio.Semaphore.acquire()`
#[must_use = "an acquire does nothing unless awaited, as in asyncio: \"coroutine 'Semaphore.acquire' was never awaited\""]
pub struct Acquire<'a> {
    sem: &'a Semaphore,
    id: Option<u64>,
}

impl Acquire<'_> {
    /// Every poll but a woken waiter's: under the lock.
    fn poll_locked(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let mut locked = self.sem.state();
        match self.id {
            None => {
                self.id = locked.take_or_queue(cx.waker());
                if self.id.is_some() {
                    Poll::Pending
                } else {
                    Poll::Ready(())
                }
            }
            // Served between the check in `poll` and the lock.
            Some(id) if self.sem.was_served(id) => {
                self.id = None;
                locked.leave_handed();
                Poll::Ready(())
            }
            Some(id) => {
                // Polled again before its turn: keep the waker up to date.
                locked.state.waiters.state(id, cx.waker());
                Poll::Pending
            }
        }
    }

    /// Drop of a waiter still in line or handed a permit it will not use.
    fn cancel(&self, id: u64) {
        let mut locked = self.sem.state();
        if self.sem.was_served(id) {
            // Handed a permit we will not use: give it back, and on.
            locked.state.value += 1;
            locked.leave_handed();
        } else {
            locked.state.waiters.remove(id);
            locked.wake_while_value();
        }
    }
}

impl Future for Acquire<'_> {
    type Output = ();

    // Inlined into the caller's future (another crate): a woken waiter's poll is then a
    // load, a comparison and a fetch_sub, with no call; the rest stays out of line.
    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if let Some(id) = this.id {
            if this.sem.was_served(id) {
                // Handed a permit (counted out of the value) and taken out of the list
                // by a release: leave the line without the lock, unless a spare permit
                // waits to be passed on (SPARE). Relaxed: the permit came through
                // `served`; this only has to fall before or after a newcomer's
                // compare-exchange on `line` (see `take_or_queue`).
                this.id = None;
                if this.sem.line.fetch_sub(HANDED, Ordering::Relaxed) & SPARE != 0 {
                    this.sem.state().wake_while_value();
                }
                return Poll::Ready(());
            }
        }
        this.poll_locked(cx)
    }
}

impl Drop for Acquire<'_> {
    // `#[inline]` here and on `PermitFuture::poll`: as on the Lock, a caller in another
    // crate otherwise calls them out of line.
    #[inline]
    fn drop(&mut self) {
        if let Some(id) = self.id {
            self.cancel(id);
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

/// The future of [`Semaphore::permit`] and [`BoundedSemaphore::permit`].
///
/// Python: `async with sem:` (entering)
#[must_use = "a permit does nothing unless awaited, as in asyncio: \"coroutine 'Semaphore.__aenter__' was never awaited\""]
#[derive(Debug)]
pub struct PermitFuture<'a> {
    acquire: Acquire<'a>,
    /// A bounded semaphore's initial value, which its permits never release above.
    bound: Option<usize>,
}

impl<'a> Future for PermitFuture<'a> {
    type Output = Permit<'a>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Permit<'a>> {
        let this = self.get_mut();
        let (sem, bound) = (this.acquire.sem, this.bound);
        Pin::new(&mut this.acquire).poll(cx).map(|()| Permit {
            sem,
            bound,
            released: false,
        })
    }
}

/// Holds one permit of a semaphore; releases it when dropped, or with
/// [`release`](Permit::release).
///
/// Python: the body of `async with sem:`
///
/// A permit of a [`BoundedSemaphore`] never raises the value above the initial one. If
/// someone released the semaphore once too often while the permit was held, asyncio's
/// `async with` raises `ValueError` on the way out; a drop cannot raise, so it leaves the
/// value as it is (as asyncio does) and says nothing. Call [`release`](Permit::release)
/// to get the error where the block ends.
#[must_use = "the permit is released as soon as it is dropped"]
pub struct Permit<'a> {
    sem: &'a Semaphore,
    /// A bounded semaphore's initial value.
    bound: Option<usize>,
    released: bool,
}

impl Permit<'_> {
    /// Gives the permit back now, with the bounded semaphore's check.
    ///
    /// Python: the end of `async with sem:` (`sem.release()` in `__aexit__`)
    ///
    /// # Errors
    ///
    /// [`TooManyReleases`] for a [`BoundedSemaphore`] whose value is already at its
    /// initial value (someone released it once too often); nothing changes. A
    /// [`Semaphore`]'s permit never fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use aio_sync::{BoundedSemaphore, TooManyReleases};
    ///
    /// futures_lite::future::block_on(async {
    ///     let sem = BoundedSemaphore::new(1);
    ///     let permit = sem.permit().await;
    ///     assert_eq!(sem.release(), Ok(())); // someone else's extra release
    ///     assert_eq!(permit.release(), Err(TooManyReleases));
    ///     assert_eq!(sem.value(), 1);
    /// });
    /// ```
    pub fn release(mut self) -> Result<(), TooManyReleases> {
        self.released = true;
        match self.bound {
            Some(bound) => self.sem.release_bounded(bound),
            None => {
                self.sem.release();
                Ok(())
            }
        }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if !self.released {
            match self.bound {
                Some(bound) => {
                    let _ = self.sem.release_bounded(bound);
                }
                None => self.sem.release(),
            }
        }
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

/// asyncio's repr without the address (see the `aio` crate docs, "Printing"):
/// `<asyncio.locks.BoundedSemaphore [unlocked, value:2]>`.
///
/// Python: `repr(bounded_semaphore)`
impl fmt::Display for BoundedSemaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.sem.repr("BoundedSemaphore", f)
    }
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
        PermitFuture {
            acquire: self.sem.acquire(),
            bound: Some(self.bound),
        }
    }

    /// Gives a permit back.
    ///
    /// Python: `asyncio.BoundedSemaphore.release`
    ///
    /// # Errors
    ///
    /// [`TooManyReleases`] if the value is already at its initial value; nothing changes.
    pub fn release(&self) -> Result<(), TooManyReleases> {
        self.sem.release_bounded(self.bound)
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
    fn a_bounded_permit_never_releases_above_the_bound() {
        let sem = BoundedSemaphore::new(1);
        let permit = poll_once(&mut sem.permit());
        let Poll::Ready(permit) = permit else {
            panic!("a free permit is taken at once")
        };
        assert_eq!(sem.release(), Ok(()), "the extra release fills the value");
        drop(permit);
        assert_eq!(
            sem.value(),
            1,
            "the guard's drop left the value at the bound"
        );
        let Poll::Ready(permit) = poll_once(&mut sem.permit()) else {
            panic!("a free permit is taken at once")
        };
        assert_eq!(permit.release(), Ok(()));
        assert_eq!(sem.value(), 1);
    }

    #[test]
    fn bounded_refuses_extra_release() {
        let sem = BoundedSemaphore::new(1);
        assert_eq!(sem.release(), Err(TooManyReleases));
        assert!(sem.try_acquire());
        assert_eq!(sem.release(), Ok(()));
        assert_eq!(
            TooManyReleases.to_string(),
            "bounded semaphore released too many times"
        );
        assert_eq!(
            aio_rt::format_exception(&TooManyReleases),
            "ValueError: BoundedSemaphore released too many times"
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
    fn a_spare_permit_behind_a_handed_waiter_is_passed_on_or_taken() {
        // a is handed a permit, one more is free: b queues behind a (no barging, and
        // SPARE is set). a is dropped before it runs: its permit comes back and one
        // goes to b. Once b has run, nobody is in line: c takes a free permit at once.
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
    fn a_woken_waiter_leaving_without_the_lock_leaves_the_way_clear() {
        let sem = Semaphore::new(0);
        let (wa, wb) = (CountingWaker::new(), CountingWaker::new());
        let mut a = sem.acquire();
        assert!(wa.poll(&mut a).is_pending());
        sem.release();
        sem.release();
        assert!(wa.poll(&mut a).is_ready(), "served: no SPARE, no lock");
        assert!(!sem.locked());
        let mut b = sem.acquire();
        assert!(
            wb.poll(&mut b).is_ready(),
            "a's mark is gone: b takes the free permit"
        );
        assert!(sem.locked());
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
