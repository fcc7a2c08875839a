//! Definition of [`Tokio`]: the `Runtime` on tokio's current_thread or multi_thread runtime.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::core::Core;
use crate::sim::YieldNow;
use crate::{Clock, Config, Instant, JoinHandle, Runtime, Sleep, WeakRuntime};

/// The [`Runtime`] on a tokio runtime owned by this instance (and its clones).
///
/// Python: none (an event loop implementation, as `uvloop` is one for asyncio)
///
/// Two flavours, shown by the harness as two runtimes: [`current_thread`](Tokio::current_thread)
/// (`tokio`: every task runs on the thread inside `block_on`) and
/// [`multi_thread`](Tokio::multi_thread) (`tokio-mt`: two worker threads, feature
/// `tokio-mt`). The tokio runtime shuts down when the last clone is dropped: tasks still
/// pending are dropped, and the worker threads are joined (waiting at most a second for a
/// blocking job still running; not at all, leaving the threads to exit on their own, if
/// the last clone is dropped inside a tokio runtime).
///
/// # Examples
///
/// ```
/// use aio_rt::{Runtime, Tokio};
///
/// let rt = Tokio::current_thread();
/// assert_eq!(rt.name(), "tokio");
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// ```
#[derive(Clone)]
pub struct Tokio {
    inner: Arc<Inner>,
}

struct Inner {
    rt: Option<tokio::runtime::Runtime>,
    core: Arc<Core>,
    name: &'static str,
}

impl Drop for Inner {
    fn drop(&mut self) {
        let Some(rt) = self.rt.take() else { return };
        if tokio::runtime::Handle::try_current().is_ok() {
            // The last clone was dropped inside a task (of some tokio runtime), where a
            // blocking shutdown panics: the workers exit on their own, soon after.
            rt.shutdown_background();
        } else {
            // Tasks are dropped, then the worker threads are joined: once the runtime is
            // dropped, none of its threads is left. A blocking job still running is given
            // a second, then left behind (tokio cannot interrupt it).
            rt.shutdown_timeout(std::time::Duration::from_secs(1));
        }
    }
}

impl Tokio {
    /// A current_thread runtime on the real clock.
    ///
    /// Python: `asyncio.new_event_loop()`
    ///
    /// # Panics
    ///
    /// If the operating system refuses what tokio needs (a timer), as `Builder::build` reports.
    pub fn current_thread() -> Tokio {
        Tokio::current_thread_with(Config::default())
    }

    /// A current_thread runtime with `config`.
    ///
    /// Python: `asyncio.new_event_loop()`
    ///
    /// # Panics
    ///
    /// As [`current_thread`](Tokio::current_thread).
    pub fn current_thread_with(config: Config) -> Tokio {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            // The I/O driver, so that sockets (aio-io) work on this runtime.
            .enable_io()
            .build();
        Tokio::from_parts(rt, config, "tokio")
    }

    /// A multi_thread runtime with two workers, on the real clock.
    ///
    /// Python: none (asyncio's loop is single-threaded)
    ///
    /// # Panics
    ///
    /// If the operating system refuses a thread or a timer, as `Builder::build` reports.
    #[cfg(feature = "tokio-mt")]
    pub fn multi_thread() -> Tokio {
        Tokio::multi_thread_with(Config::default())
    }

    /// A multi_thread runtime with two workers and `config`.
    ///
    /// Python: none (asyncio's loop is single-threaded)
    ///
    /// # Panics
    ///
    /// As [`multi_thread`](Tokio::multi_thread).
    #[cfg(feature = "tokio-mt")]
    pub fn multi_thread_with(config: Config) -> Tokio {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_time()
            // The I/O driver, so that sockets (aio-io) work on this runtime.
            .enable_io()
            .build();
        Tokio::from_parts(rt, config, "tokio-mt")
    }

    fn from_parts(
        rt: std::io::Result<tokio::runtime::Runtime>,
        config: Config,
        name: &'static str,
    ) -> Tokio {
        let rt = rt.unwrap_or_else(|e| panic!("cannot build the {name} runtime: {e}"));
        Tokio {
            inner: Arc::new(Inner {
                rt: Some(rt),
                core: Core::new(config),
                name,
            }),
        }
    }

    /// The underlying tokio runtime's handle, for code that needs tokio itself.
    ///
    /// Python: none
    pub fn handle(&self) -> &tokio::runtime::Handle {
        self.rt().handle()
    }

    fn rt(&self) -> &tokio::runtime::Runtime {
        self.inner
            .rt
            .as_ref()
            .expect("the runtime lives until Inner is dropped")
    }
}

impl Runtime for Tokio {
    type Sleep = Sleep<tokio::time::Sleep>;

    fn name(&self) -> &'static str {
        self.inner.name
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
        // Dropping tokio's JoinHandle detaches the task; ours carries the outcome.
        drop(self.rt().spawn(task));
        handle
    }

    fn spawn_detached<F>(&self, fut: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        drop(self.rt().spawn(self.inner.core.spawn_detached(fut)));
    }

    fn spawn_blocking<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (job, handle) = self.inner.core.blocking(f);
        drop(self.rt().spawn_blocking(job));
        handle
    }

    fn sleep_until(&self, deadline: Instant) -> Self::Sleep {
        self.inner.core.sleep_until(deadline, |at| {
            // tokio's timer must be created inside the runtime's context.
            let _context = self.rt().enter();
            tokio::time::sleep_until(at.into())
        })
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
                tokio::task::yield_now().await;
            }
        }
    }

    fn reporter(&self) -> &crate::Reporter {
        self.inner.core.reporter()
    }

    fn downgrade(&self) -> WeakRuntime<Self> {
        let inner = Arc::downgrade(&self.inner);
        WeakRuntime::new(move || inner.upgrade().map(|inner| Tokio { inner }))
    }

    fn block_on<F: Future>(&self, fut: F) -> F::Output {
        self.rt().block_on(self.inner.core.main(fut))
    }
}

impl fmt::Debug for Tokio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokio")
            .field("name", &self.inner.name)
            .field("clock", &self.clock())
            .finish()
    }
}
