//! Definitions of [`Feeder`] and [`ConcurrentFuture`]: other threads handing work to a
//! runtime, as asyncio's `call_soon_threadsafe` and `run_coroutine_threadsafe` do, and
//! what the virtual clock makes of them.
//!
//! # Other threads and the virtual clock
//!
//! The virtual clock jumps to the next timer when no task is ready, as the oracle's
//! virtual-time loop does. Work from outside the runtime's tasks changes that:
//!
//! - **A blocking job that runs** (`spawn_blocking`, `to_thread`) holds the clock: the job
//!   is work in progress, and its result is what the tasks wait for.
//! - **A blocking job that waits on the runtime** (through
//!   [`ConcurrentFuture::result`]) does not: it can do nothing until the runtime
//!   delivers, so the clock moves on (a job that waits for a task that sleeps one second
//!   sees the task finish at 1.0, as in asyncio).
//! - **A [`Feeder`] alive in another thread** never holds the clock, but a run with
//!   nothing left to do waits for it instead of failing as stalled: the thread may still
//!   hand work in. The run fails as stalled only when nothing at all can deliver work.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use crate::{JoinError, Runtime};

/// What a runtime's virtual clock is told about work from outside its tasks.
///
/// Python: none (what asyncio's loop learns from its self-pipe and its executor)
///
/// Implemented by the virtual clocks (this crate's, and `aio-loop`'s); a runtime on the
/// real clock has none ([`Runtime::virtual_hooks`] gives `None`).
pub trait VirtualHooks: Send + Sync {
    /// A [`Feeder`] was made: until it is dropped, a run with nothing to do waits.
    fn feeder_begin(&self);
    /// A [`Feeder`] was dropped.
    fn feeder_end(&self);
    /// A blocking job now waits on the runtime: it no longer holds the clock.
    fn job_blocked(&self);
    /// A blocking job that waited on the runtime was given what it waited for: it holds
    /// the clock again. Called by the runtime's side, before the job is woken, so that the
    /// clock cannot move in between.
    fn job_unblocked(&self);

    /// Whether this clock looks at the sockets a task waits on through
    /// [`io_wait`](VirtualHooks::io_wait). `false` by default: a clock that sees its
    /// sockets itself (`aio-loop`'s selector) or does not see them at all.
    fn watches_io(&self) -> bool {
        false
    }

    /// A task waits on a socket: `probe` says, without waiting, whether the socket is
    /// ready for what the task waits for (a zero-timeout `poll`), and `waker` is the
    /// task's. Before the clock moves or the run is declared stalled, the clock asks every
    /// probe; a ready one is removed and its waker woken, as a reactor would, so that the
    /// clock moves only when nothing is ready, ready I/O included. Returns the wait's id
    /// for [`io_done`](VirtualHooks::io_done), or `None` when this clock does not watch
    /// sockets (the default).
    fn io_wait(&self, probe: IoProbe, waker: &std::task::Waker) -> Option<u64> {
        let _ = (probe, waker);
        None
    }

    /// The wait `id` is over (the task got its readiness, or gave up waiting).
    fn io_done(&self, id: u64) {
        let _ = id;
    }
}

/// A readiness check for [`VirtualHooks::io_wait`]: `true` when the socket is ready for
/// what the waiting task wants. It must not block.
///
/// Python: none (what asyncio's selector answers with `select(timeout=0)`)
pub type IoProbe = Arc<dyn Fn() -> bool + Send + Sync>;

thread_local! {
    /// The virtual clock of the blocking job this thread runs, if it runs one.
    static CURRENT_JOB: RefCell<Option<Arc<dyn VirtualHooks>>> = const { RefCell::new(None) };
}

/// Runs the blocking job `f` as a job of the runtime whose virtual clock is `hooks`: a
/// [`ConcurrentFuture::result`] it calls lets the clock move while it waits.
///
/// Python: none (the executor's worker thread)
///
/// Runtimes call this around every blocking job; user code has no need to.
pub fn run_as_job<T>(hooks: Option<Arc<dyn VirtualHooks>>, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<Arc<dyn VirtualHooks>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT_JOB.with(|job| *job.borrow_mut() = previous);
        }
    }
    let previous = CURRENT_JOB.with(|job| std::mem::replace(&mut *job.borrow_mut(), hooks));
    let _restore = Restore(previous);
    f()
}

fn same_hooks(a: &Arc<dyn VirtualHooks>, b: &Arc<dyn VirtualHooks>) -> bool {
    std::ptr::addr_eq(Arc::as_ptr(a), Arc::as_ptr(b))
}

/// A handle another thread holds to hand work to a runtime.
///
/// Python: the `loop` object given to another thread, for
/// `loop.call_soon_threadsafe(...)` and `asyncio.run_coroutine_threadsafe(coro, loop)`
///
/// Make it where the runtime is, move it to the thread. On the virtual clock, while a
/// `Feeder` exists a run with nothing left to do waits for it (see the module docs), so
/// drop it once the thread has nothing more to hand in.
///
/// # Examples
///
/// ```
/// use aio_rt::{Feeder, Runtime};
/// use std::time::Duration;
///
/// let rt = aio_rt::Smol::new();
/// let feeder = Feeder::new(&rt);
/// let worker = std::thread::spawn(move || {
///     let answer = feeder.run_coroutine_threadsafe(async { 21 * 2 });
///     answer.result()
/// });
/// // The runtime runs (here in `block_on`) until the thread has its answer.
/// rt.block_on(async {
///     while !worker.is_finished() {
///         rt.sleep(Duration::from_millis(1)).await;
///     }
/// });
/// assert_eq!(worker.join().unwrap(), Ok(42));
/// ```
pub struct Feeder<R: Runtime> {
    rt: R,
    hooks: Option<Arc<dyn VirtualHooks>>,
}

impl<R: Runtime> Feeder<R> {
    /// A handle to hand work to `rt` from another thread.
    ///
    /// Python: passing `asyncio.get_running_loop()` to a thread
    pub fn new(rt: &R) -> Self {
        let hooks = rt.virtual_hooks();
        if let Some(hooks) = &hooks {
            hooks.feeder_begin();
        }
        Feeder {
            rt: rt.clone(),
            hooks,
        }
    }

    /// The runtime this feeds.
    ///
    /// Python: the `loop` itself
    pub fn rt(&self) -> &R {
        &self.rt
    }

    /// Schedules `callback` to run on the runtime, from any thread.
    ///
    /// Python: `loop.call_soon_threadsafe(callback)`
    pub fn call_soon_threadsafe(&self, callback: impl FnOnce() + Send + 'static) {
        self.rt.spawn_detached(async move { callback() });
    }

    /// Runs `fut` as a task of the runtime and gives a handle this thread can block on.
    ///
    /// Python: `asyncio.run_coroutine_threadsafe(coro, loop)`
    pub fn run_coroutine_threadsafe<F>(&self, fut: F) -> ConcurrentFuture<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let shared = Arc::new(Shared {
            slot: Mutex::new(Slot {
                outcome: None,
                blocked_jobs: 0,
            }),
            done: Condvar::new(),
            hooks: self.hooks.clone(),
        });
        let task = self.rt.spawn(fut);
        let completer = Arc::clone(&shared);
        self.rt.spawn_detached(async move {
            completer.complete(task.await);
        });
        ConcurrentFuture { shared }
    }
}

impl<R: Runtime> Clone for Feeder<R> {
    fn clone(&self) -> Self {
        Feeder::new(&self.rt)
    }
}

impl<R: Runtime> Drop for Feeder<R> {
    fn drop(&mut self) {
        if let Some(hooks) = &self.hooks {
            hooks.feeder_end();
        }
    }
}

impl<R: Runtime> fmt::Debug for Feeder<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Feeder")
            .field("runtime", &self.rt.name())
            .finish_non_exhaustive()
    }
}

/// The result of work handed to a runtime from another thread, to block on.
///
/// Python: the `concurrent.futures.Future` that `run_coroutine_threadsafe` returns
#[must_use = "a ConcurrentFuture does nothing by itself: call result() to wait for the work"]
pub struct ConcurrentFuture<T> {
    shared: Arc<Shared<T>>,
}

struct Shared<T> {
    slot: Mutex<Slot<T>>,
    done: Condvar,
    hooks: Option<Arc<dyn VirtualHooks>>,
}

struct Slot<T> {
    outcome: Option<Result<T, JoinError>>,
    /// Blocking jobs of this runtime waiting in `result`.
    blocked_jobs: usize,
}

impl<T> Shared<T> {
    fn complete(&self, outcome: Result<T, JoinError>) {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        slot.outcome = Some(outcome);
        if let Some(hooks) = &self.hooks {
            for _ in 0..std::mem::take(&mut slot.blocked_jobs) {
                hooks.job_unblocked();
            }
        }
        drop(slot);
        self.done.notify_all();
    }
}

impl<T> ConcurrentFuture<T> {
    /// Whether the work has finished.
    ///
    /// Python: `concurrent.futures.Future.done()`
    pub fn done(&self) -> bool {
        self.shared
            .slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .outcome
            .is_some()
    }

    /// Blocks this thread until the work has finished, and gives its outcome.
    ///
    /// Python: `concurrent.futures.Future.result()`
    ///
    /// Never call it from inside the runtime's own tasks: it blocks the thread they run
    /// on (asyncio's `result()` would block the loop the same way).
    ///
    /// # Errors
    ///
    /// The task's [`JoinError`]: it panicked, or it was cancelled (the runtime was shut
    /// down before it finished).
    pub fn result(self) -> Result<T, JoinError> {
        let mut slot = self
            .shared
            .slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if slot.outcome.is_none() {
            let job = CURRENT_JOB.with(|job| job.borrow().clone());
            if let (Some(job), Some(hooks)) = (job, &self.shared.hooks) {
                if same_hooks(&job, hooks) {
                    // A job of this runtime now waits on it: the clock may move.
                    slot.blocked_jobs += 1;
                    hooks.job_blocked();
                }
            }
        }
        loop {
            if let Some(outcome) = slot.outcome.take() {
                return outcome;
            }
            slot = self
                .shared
                .done
                .wait(slot)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl<T> fmt::Debug for ConcurrentFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConcurrentFuture")
            .field("done", &self.done())
            .finish_non_exhaustive()
    }
}
