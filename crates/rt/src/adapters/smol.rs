//! Definition of [`Smol`]: the `Runtime` on a `smol::Executor` owned by the instance.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::core::Core;
use crate::sim::YieldNow;
use crate::{Clock, Config, Instant, JoinHandle, Runtime, Sleep, WeakRuntime};

/// The [`Runtime`] on smol, with its own `smol::Executor`.
///
/// Python: none (an event loop implementation)
///
/// Tasks run on the thread that calls [`block_on`](Runtime::block_on), while it runs:
/// like asyncio's loop, nothing runs between two `block_on` calls. Blocking jobs go to
/// smol's `unblock` thread pool, timers are async-io's.
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
    executor: smol::Executor<'static>,
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
                executor: smol::Executor::new(),
                core: Core::new(config),
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

    fn downgrade(&self) -> WeakRuntime<Self> {
        let inner = Arc::downgrade(&self.inner);
        WeakRuntime::new(move || inner.upgrade().map(|inner| Smol { inner }))
    }

    fn block_on<F: Future>(&self, fut: F) -> F::Output {
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
