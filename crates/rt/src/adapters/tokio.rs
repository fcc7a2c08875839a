//! Definition of [`Tokio`]: the `Runtime` on tokio's current_thread or multi_thread runtime.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use crate::core::Core;
use crate::sim::YieldNow;
use crate::{Clock, Config, Instant, JoinHandle, Runtime, Sleep, WeakRuntime};

/// The [`Runtime`] on a tokio runtime: one owned by this instance (and its clones), or one
/// the application already runs.
///
/// Python: none (an event loop implementation, as `uvloop` is one for asyncio)
///
/// Two flavours, shown by the harness as two runtimes: [`current_thread`](Tokio::current_thread)
/// (`tokio`: every task runs on the thread inside `block_on`) and
/// [`multi_thread`](Tokio::multi_thread) (`tokio-mt`: two worker threads, feature
/// `tokio-mt`). An owned tokio runtime shuts down when the last clone is dropped: tasks
/// still pending are dropped, and the worker threads are joined (waiting at most a second
/// for a blocking job still running; not at all, leaving the threads to exit on their own,
/// if the last clone is dropped inside a tokio runtime).
///
/// Code that already runs on tokio (inside `#[tokio::main]`, or a runtime it built) does
/// not build a second runtime: [`current`](Tokio::current) and
/// [`from_handle`](Tokio::from_handle) attach to the running one, whose tasks then include
/// ours.
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
    /// The runtime, when this instance owns it; `None` when attached to one the caller
    /// owns (`from_handle`, `current`).
    rt: Option<tokio::runtime::Runtime>,
    handle: tokio::runtime::Handle,
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
    /// It is a new tokio runtime, and its tasks run only inside its own
    /// [`block_on`](Runtime::block_on), on the thread that calls it: as asyncio's loop, it
    /// runs nothing while nobody runs it. Code already inside a tokio runtime (under
    /// `#[tokio::main]`) that spawns on a new `current_thread()` and awaits the task from
    /// its own runtime waits forever; it wants [`Tokio::current`] (or
    /// [`from_handle`](Tokio::from_handle)) instead, which puts the tasks on the runtime
    /// that already runs.
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
    /// On [`Clock::Virtual`] (with the feature `tokio-paused-clock`, a default), tokio's own
    /// clock starts paused and the virtual clock moves through it: timers made with tokio's
    /// API (`tokio::time::sleep`, `tokio::time::timeout`, a dependency's) follow virtual
    /// time too, in deadline order with [`Runtime::sleep`]'s. (tokio's timers count whole
    /// milliseconds: a raw tokio timer fires at the next millisecond.)
    ///
    /// # Panics
    ///
    /// As [`current_thread`](Tokio::current_thread).
    pub fn current_thread_with(config: Config) -> Tokio {
        let mut builder = tokio::runtime::Builder::new_current_thread();
        builder
            .enable_time()
            // The I/O driver, so that sockets (aio-io) work on this runtime.
            .enable_io();
        #[cfg(feature = "tokio-paused-clock")]
        if config.clock == Clock::Virtual {
            builder.start_paused(true);
        }
        let rt = builder
            .build()
            .unwrap_or_else(|e| panic!("cannot build the tokio runtime: {e}"));
        #[cfg(feature = "tokio-paused-clock")]
        let runtime_clock = (config.clock == Clock::Virtual).then(|| {
            let handle = rt.handle().clone();
            let base = {
                let _context = handle.enter();
                tokio::time::Instant::now()
            };
            Arc::new(PausedClock { handle, base }) as Arc<dyn crate::sim::RuntimeClock>
        });
        #[cfg(not(feature = "tokio-paused-clock"))]
        let runtime_clock = None;
        Tokio {
            inner: Arc::new(Inner {
                handle: rt.handle().clone(),
                rt: Some(rt),
                core: Core::with_runtime_clock(config, runtime_clock),
                name: "tokio",
            }),
        }
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
    /// Unlike [`current_thread_with`](Tokio::current_thread_with), tokio's own timers stay
    /// on the real clock under [`Clock::Virtual`]: tokio pauses its clock only on a
    /// current_thread runtime (`Builder::start_paused` panics on a multi_thread one). A
    /// task waiting on a raw tokio timer there looks idle to the virtual clock; if nothing
    /// else is pending, the run stops with the stall message, which names
    /// [`Runtime::sleep`].
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

    #[cfg(feature = "tokio-mt")]
    fn from_parts(
        rt: std::io::Result<tokio::runtime::Runtime>,
        config: Config,
        name: &'static str,
    ) -> Tokio {
        let rt = rt.unwrap_or_else(|e| panic!("cannot build the {name} runtime: {e}"));
        Tokio {
            inner: Arc::new(Inner {
                handle: rt.handle().clone(),
                rt: Some(rt),
                core: Core::new(config),
                name,
            }),
        }
    }

    /// The [`Runtime`] on the tokio runtime `handle` belongs to, which the caller owns and
    /// runs: tasks spawned through it are tokio tasks of that runtime, and run as its other
    /// tasks do. On the real clock.
    ///
    /// Python: `asyncio.get_running_loop()` (the loop that already runs, not a new one)
    ///
    /// Its name is `tokio` or `tokio-mt` after the runtime's flavour. It has its own task
    /// numbering and exception handler: two `from_handle` on one tokio runtime are two
    /// runtimes of ours on the same threads. Dropping it leaves the tokio runtime alone.
    ///
    /// Where the tasks run is the tokio runtime's business: on a multi_thread runtime, on
    /// its workers, at once; on a current_thread runtime, only while its owner is inside
    /// its `Runtime::block_on` (a `#[tokio::main]` function, for one).
    /// [`block_on`](Runtime::block_on) on it is tokio's `Handle::block_on`, for a thread
    /// outside the runtime.
    ///
    /// ```
    /// use aio_rt::{Runtime, Tokio};
    ///
    /// // The application's own runtime.
    /// let app = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// let rt = Tokio::from_handle(app.handle().clone());
    /// let task = rt.spawn(async { 6 * 7 });
    /// assert_eq!(app.block_on(task), Ok(42));
    /// ```
    pub fn from_handle(handle: tokio::runtime::Handle) -> Tokio {
        let name = match handle.runtime_flavor() {
            tokio::runtime::RuntimeFlavor::CurrentThread => "tokio",
            _ => "tokio-mt",
        };
        Tokio {
            inner: Arc::new(Inner {
                rt: None,
                handle,
                core: Core::new(Config::default()),
                name,
            }),
        }
    }

    /// The [`Runtime`] on the tokio runtime this code runs in: [`from_handle`] with
    /// `tokio::runtime::Handle::current()`. What code inside `#[tokio::main]` wants.
    ///
    /// Python: `asyncio.get_running_loop()`
    ///
    /// [`from_handle`]: Tokio::from_handle
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, as `Handle::current` does; [`try_current`](Tokio::try_current)
    /// returns `None` there instead.
    ///
    /// ```
    /// use aio_rt::{Runtime, Tokio};
    ///
    /// # let app = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// # app.block_on(async {
    /// // Inside #[tokio::main] async fn main():
    /// let rt = Tokio::current();
    /// assert_eq!(rt.spawn(async { 6 * 7 }).await, Ok(42));
    /// # });
    /// ```
    #[track_caller]
    pub fn current() -> Tokio {
        Tokio::try_current().unwrap_or_else(|| {
            panic!(
                "aio_rt::Tokio::current() called outside a tokio runtime: call it inside one \
                 (#[tokio::main]), or build a runtime with Tokio::current_thread()"
            )
        })
    }

    /// The [`Runtime`] on the tokio runtime this code runs in, or `None` outside one.
    ///
    /// Python: `asyncio.get_running_loop()` (which raises `RuntimeError: no running event
    /// loop` where this gives `None`)
    pub fn try_current() -> Option<Tokio> {
        tokio::runtime::Handle::try_current()
            .ok()
            .map(Tokio::from_handle)
    }

    /// The underlying tokio runtime's handle, for code that needs tokio itself.
    ///
    /// Python: none
    pub fn handle(&self) -> &tokio::runtime::Handle {
        &self.inner.handle
    }
}

/// tokio's paused clock, which the virtual clock moves through (see `crate::sim`, rule 7).
#[cfg(feature = "tokio-paused-clock")]
#[derive(Debug)]
struct PausedClock {
    handle: tokio::runtime::Handle,
    /// tokio's reading at the virtual clock's zero.
    base: tokio::time::Instant,
}

#[cfg(feature = "tokio-paused-clock")]
impl crate::sim::RuntimeClock for PausedClock {
    fn now(&self) -> std::time::Duration {
        // The paused clock belongs to the runtime: read it in the runtime's context.
        let _context = self.handle.enter();
        tokio::time::Instant::now().saturating_duration_since(self.base)
    }

    fn arm(
        &self,
        sim: std::sync::Weak<crate::sim::Sim>,
        deadline: std::time::Duration,
        force: bool,
    ) {
        let at = self.base + deadline;
        // A tokio task of its own, unseen by the virtual clock: tokio advances its paused
        // clock to the earliest timer it holds, this one or a raw one, when nothing runs.
        drop(self.handle.spawn(async move {
            if force {
                // A job blocks on the runtime: tokio counts it as running and would never
                // advance; the virtual clock knows the job waits, and moves tokio's.
                let now = tokio::time::Instant::now();
                if at > now {
                    tokio::time::advance(at - now).await;
                }
            } else {
                tokio::time::sleep_until(at).await;
            }
            if let Some(sim) = sim.upgrade() {
                sim.alarm(deadline);
            }
        }));
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
        drop(self.handle().spawn(task));
        handle
    }

    fn spawn_detached<F>(&self, fut: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        drop(self.handle().spawn(self.inner.core.spawn_detached(fut)));
    }

    fn spawn_blocking<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (job, handle) = self.inner.core.blocking(f);
        drop(self.handle().spawn_blocking(job));
        handle
    }

    fn sleep_until(&self, deadline: Instant) -> Self::Sleep {
        self.inner.core.sleep_until(deadline, |at| {
            // tokio's timer must be created inside the runtime's context.
            let _context = self.handle().enter();
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

    fn all_tasks(&self) -> Vec<crate::LiveTask> {
        self.inner.core.all_tasks()
    }

    fn downgrade(&self) -> WeakRuntime<Self> {
        let inner = Arc::downgrade(&self.inner);
        WeakRuntime::new(move || inner.upgrade().map(|inner| Tokio { inner }))
    }

    fn block_on<F: Future>(&self, fut: F) -> F::Output {
        crate::adapter::assert_not_in_running_runtime(self.inner.name);
        match &self.inner.rt {
            Some(rt) => rt.block_on(self.inner.core.main(fut)),
            None => self.inner.handle.block_on(self.inner.core.main(fut)),
        }
    }
}

impl fmt::Debug for Tokio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokio")
            .field("name", &self.inner.name)
            .field("owned", &self.inner.rt.is_some())
            .field("clock", &self.clock())
            .finish()
    }
}
