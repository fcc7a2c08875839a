//! Definition of [`AsyncStd`]: the `Runtime` on async-std's global executor.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::core::Core;
use crate::sim::YieldNow;
use crate::{Clock, Config, Instant, JoinHandle, Runtime, Sleep, WeakRuntime};

/// The [`Runtime`] on async-std.
///
/// Python: none (an event loop implementation)
///
/// async-std has a single global executor (a thread pool), so every `AsyncStd` instance
/// shares it; what each instance owns is its clock, its task numbering and its exception
/// handler. Timers are async-io's, which async-std itself uses.
///
/// async-std is discontinued upstream in favour of smol (RUSTSEC-2025-0052). It stays
/// supported here behind the `async-std` feature.
///
/// # Examples
///
/// ```
/// use aio_rt::{AsyncStd, Runtime};
///
/// let rt = AsyncStd::new();
/// assert_eq!(rt.name(), "async-std");
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// ```
#[derive(Clone)]
pub struct AsyncStd {
    core: Arc<Core>,
}

impl AsyncStd {
    /// A runtime on the real clock.
    ///
    /// Python: `asyncio.new_event_loop()`
    pub fn new() -> AsyncStd {
        AsyncStd::with_config(Config::default())
    }

    /// A runtime with `config`.
    ///
    /// Python: `asyncio.new_event_loop()`
    pub fn with_config(config: Config) -> AsyncStd {
        AsyncStd {
            core: Core::new(config),
        }
    }
}

impl Default for AsyncStd {
    fn default() -> Self {
        AsyncStd::new()
    }
}

impl Runtime for AsyncStd {
    type Sleep = Sleep<async_io::Timer>;

    fn name(&self) -> &'static str {
        "async-std"
    }

    fn clock(&self) -> Clock {
        self.core.clock()
    }

    fn virtual_hooks(&self) -> Option<std::sync::Arc<dyn crate::VirtualHooks>> {
        self.core.virtual_hooks()
    }

    fn spawn<F>(&self, fut: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (task, handle) = self.core.spawn(fut);
        // Dropping async-std's JoinHandle detaches the task; ours carries the outcome.
        drop(async_std::task::spawn(task));
        handle
    }

    fn spawn_detached<F>(&self, fut: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        drop(async_std::task::spawn(self.core.spawn_detached(fut)));
    }

    fn spawn_blocking<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (job, handle) = self.core.blocking(f);
        drop(async_std::task::spawn_blocking(job));
        handle
    }

    fn sleep_until(&self, deadline: Instant) -> Self::Sleep {
        self.core.sleep_until(deadline, async_io::Timer::at)
    }

    fn now(&self) -> Instant {
        self.core.now()
    }

    fn yield_now(&self) -> impl Future<Output = ()> + Send + 'static {
        // The virtual and warp clocks schedule tasks themselves.
        let virtual_clock = self.clock() != Clock::Real;
        async move {
            if virtual_clock {
                YieldNow::default().await;
            } else {
                async_std::task::yield_now().await;
            }
        }
    }

    fn reporter(&self) -> &crate::Reporter {
        self.core.reporter()
    }

    fn all_tasks(&self) -> Vec<crate::LiveTask> {
        self.core.all_tasks()
    }

    fn downgrade(&self) -> WeakRuntime<Self> {
        let core = Arc::downgrade(&self.core);
        WeakRuntime::new(move || core.upgrade().map(|core| AsyncStd { core }))
    }

    fn block_on<F: Future>(&self, fut: F) -> F::Output {
        crate::adapter::assert_not_in_running_runtime("async-std");
        async_std::task::block_on(self.core.main(fut))
    }
}

impl fmt::Debug for AsyncStd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncStd")
            .field("clock", &self.clock())
            .finish()
    }
}
