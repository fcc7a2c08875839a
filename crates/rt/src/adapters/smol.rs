//! Definition of [`Smol`]: the `Runtime` on a `smol::Executor` owned by the instance.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::core::Core;
use crate::sim::YieldNow;
use crate::{Clock, Config, Instant, JoinHandle, Runtime, Sleep, WeakRuntime};

/// The [`Runtime`] on smol, with its own `smol::Executor` or on one the application runs.
///
/// Python: none (an event loop implementation)
///
/// Tasks run on the thread that calls [`block_on`](Runtime::block_on), while it runs:
/// like asyncio's loop, nothing runs between two `block_on` calls. Blocking jobs go to
/// smol's `unblock` thread pool, timers are async-io's. An application that already runs a
/// `smol::Executor` attaches to it with [`from_executor`](Smol::from_executor): tasks then
/// run wherever the application runs that executor.
///
/// # Examples
///
/// ```
/// use aio_rt::{Runtime, Smol};
///
/// let rt = Smol::new();
/// assert_eq!(rt.name(), "smol");
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// ```
#[derive(Clone)]
pub struct Smol {
    inner: Arc<Inner>,
}

struct Inner {
    executor: Arc<smol::Executor<'static>>,
    core: Arc<Core>,
}

impl Smol {
    /// A runtime on the real clock.
    ///
    /// Python: `asyncio.new_event_loop()`
    pub fn new() -> Smol {
        Smol::with_config(Config::default())
    }

    /// A runtime with `config`.
    ///
    /// Python: `asyncio.new_event_loop()`
    pub fn with_config(config: Config) -> Smol {
        Smol {
            inner: Arc::new(Inner {
                executor: Arc::new(smol::Executor::new()),
                core: Core::new(config),
            }),
        }
    }

    /// The [`Runtime`] on `executor`, which the application owns and runs (with
    /// `executor.run(...)` on one thread or several): tasks spawned through it are tasks of
    /// that executor. On the real clock.
    ///
    /// Python: `asyncio.get_running_loop()` (the loop that already runs, not a new one)
    ///
    /// It has its own task numbering and exception handler. Its
    /// [`block_on`](Runtime::block_on) runs the same executor on the calling thread until
    /// the future is done, as a second `executor.run` would (from a thread outside any
    /// runtime).
    ///
    /// ```
    /// use aio_rt::{Runtime, Smol};
    /// use std::sync::Arc;
    ///
    /// // The application's own executor.
    /// let ex = Arc::new(smol::Executor::new());
    /// let rt = Smol::from_executor(Arc::clone(&ex));
    /// let task = rt.spawn(async { 6 * 7 });
    /// assert_eq!(smol::block_on(ex.run(task)), Ok(42));
    /// ```
    pub fn from_executor(executor: Arc<smol::Executor<'static>>) -> Smol {
        Smol {
            inner: Arc::new(Inner {
                executor,
                core: Core::new(Config::default()),
            }),
        }
    }

    /// The underlying executor, for code that needs smol itself.
    ///
    /// Python: none
    pub fn executor(&self) -> &smol::Executor<'static> {
        &self.inner.executor
    }
}

impl Default for Smol {
    fn default() -> Self {
        Smol::new()
    }
}

impl Runtime for Smol {
    type Sleep = Sleep<async_io::Timer>;

    fn name(&self) -> &'static str {
        "smol"
    }

    fn clock(&self) -> Clock {
        self.inner.core.clock()
    }

    fn virtual_hooks(&self) -> Option<std::sync::Arc<dyn crate::VirtualHooks>> {
        self.inner.core.virtual_hooks()
    }

    fn spawn<F>(&self, fut: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (task, handle) = self.inner.core.spawn(fut);
        // Dropping a smol Task cancels it; detached, it runs on and ours carries the outcome.
        self.inner.executor.spawn(task).detach();
        handle
    }

    fn spawn_detached<F>(&self, fut: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let task = self.inner.core.spawn_detached(fut);
        self.inner.executor.spawn(task).detach();
    }

    fn spawn_blocking<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (job, handle) = self.inner.core.blocking(f);
        smol::unblock(job).detach();
        handle
    }

    fn sleep_until(&self, deadline: Instant) -> Self::Sleep {
        self.inner.core.sleep_until(deadline, async_io::Timer::at)
    }

    fn now(&self) -> Instant {
        self.inner.core.now()
    }

    fn yield_now(&self) -> impl Future<Output = ()> + Send + 'static {
        // The virtual and warp clocks schedule tasks themselves.
        let virtual_clock = self.clock() != Clock::Real;
        async move {
            if virtual_clock {
                YieldNow::default().await;
            } else {
                futures_lite::future::yield_now().await;
            }
        }
    }

    fn reporter(&self) -> &crate::Reporter {
        self.inner.core.reporter()
    }

    fn all_tasks(&self) -> Vec<crate::LiveTask> {
        self.inner.core.all_tasks()
    }

    fn downgrade(&self) -> WeakRuntime<Self> {
        let inner = Arc::downgrade(&self.inner);
        WeakRuntime::new(move || inner.upgrade().map(|inner| Smol { inner }))
    }

    fn block_on<F: Future>(&self, fut: F) -> F::Output {
        crate::adapter::assert_not_in_running_runtime("smol");
        smol::block_on(self.inner.executor.run(self.inner.core.main(fut)))
    }
}

impl fmt::Debug for Smol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Smol")
            .field("clock", &self.clock())
            .finish()
    }
}
