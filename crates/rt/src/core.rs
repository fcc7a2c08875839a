//! Definition of `Core`: the state every adapter shares (the clock, task numbering, the
//! exception handler) and the wrapping every adapter applies before handing a future to
//! its runtime.

use std::collections::BTreeMap;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::Instant;
use crate::config::{Clock, Config};
use crate::handler::{ContextObject, ExceptionContext, Reporter, default_exception_handler};
use crate::join::{Completer, JoinError, JoinHandle, Shared, TaskId, panic_message};
use crate::registry::{LiveTask, Registry};
use crate::sim::{Sim, SimSlot, VirtualSleep};
use crate::sleep::Sleep;
use crate::task::{DetachedFuture, TaskFuture};

/// What one runtime instance knows beyond its executor.
pub(crate) struct Core {
    clock: ClockState,
    /// The runtime's one exception handler.
    reporter: Reporter,
    next_task: AtomicU64,
    /// The live tasks, for `Runtime::all_tasks`, and this runtime's key in [`CORES`].
    registry: Arc<Registry>,
}

/// A runtime instance's key in [`CORES`]: how a task (detached, or behind a
/// `JoinHandle`) finds its exception handler without holding a reference count. Once the
/// runtime is gone, a panic reported through its key goes to the default handler.
/// (`Default`, key 0, is no runtime's: its panics go to the default handler.)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct CoreKey(u64);

/// Every runtime instance alive, by key. A detached task (`spawn_detached`, what every
/// `aio_tasks::create_task` uses) needs its runtime only to report a panic, which is
/// rare; holding an `Arc<Core>` would cost two atomic operations on one shared counter per
/// task, bouncing its cache line between the spawning thread and the worker that drops
/// the task. So it keeps the key, looked up here when a panic happens.
static CORES: Mutex<BTreeMap<CoreKey, Weak<Core>>> = Mutex::new(BTreeMap::new());
static NEXT_CORE: AtomicU64 = AtomicU64::new(1);

fn cores() -> std::sync::MutexGuard<'static, BTreeMap<CoreKey, Weak<Core>>> {
    CORES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl CoreKey {
    /// A panic nobody retrieved (asyncio's "Task exception was never retrieved"),
    /// reported to the runtime if it is still alive, else to the default handler.
    pub(crate) fn report_panic(self, task: TaskId, message: String) {
        let core = cores().get(&self).and_then(Weak::upgrade);
        let context = lost_panic(task, &message);
        match core {
            Some(core) => core.reporter.report(&context),
            None => default_exception_handler(&context),
        }
    }
}

impl Drop for Core {
    fn drop(&mut self) {
        cores().remove(&self.registry.key());
        // The runtime is gone: its tasks still waiting drop their futures (see `sim.rs`).
        if let ClockState::Virtual(sim) = &self.clock {
            sim.shutdown();
        }
    }
}

/// What the handler is told about a runtime task's panic nobody retrieved: asyncio's
/// "Task exception was never retrieved", the task under `future`.
fn lost_panic(task: TaskId, message: &str) -> ExceptionContext {
    let exception = JoinError::Panicked(message.to_owned());
    let repr = format!(
        "<Task finished id={task} exception={}>",
        crate::exception_repr(&exception)
    );
    ExceptionContext::new("Task exception was never retrieved")
        .with_exception(&exception)
        .with_future(ContextObject::new(repr).with_id(task))
}

enum ClockState {
    Real { epoch: std::time::Instant },
    Virtual(Arc<Sim>),
}

impl Core {
    pub(crate) fn new(config: Config) -> Arc<Core> {
        Core::with_runtime_clock(config, None)
    }

    /// As [`new`](Core::new); on the virtual clock, moving through the runtime's own paused
    /// clock `runtime_clock` when there is one (see `crate::sim`, rule 7).
    pub(crate) fn with_runtime_clock(
        config: Config,
        runtime_clock: Option<Arc<dyn crate::sim::RuntimeClock>>,
    ) -> Arc<Core> {
        let clock = match config.clock {
            Clock::Real => ClockState::Real {
                epoch: std::time::Instant::now(),
            },
            Clock::Virtual => ClockState::Virtual(match runtime_clock {
                Some(runtime_clock) => Sim::paced(runtime_clock),
                None => Arc::default(),
            }),
            Clock::Warp => ClockState::Virtual(Sim::warp()),
        };
        let key = CoreKey(NEXT_CORE.fetch_add(1, Ordering::Relaxed));
        let reporter = Reporter::new();
        reporter.set_handler(config.exception_handler);
        let core = Arc::new(Core {
            clock,
            reporter,
            next_task: AtomicU64::new(1),
            registry: Arc::new(Registry::new(key)),
        });
        cores().insert(key, Arc::downgrade(&core));
        core
    }

    pub(crate) fn clock(&self) -> Clock {
        match &self.clock {
            ClockState::Real { .. } => Clock::Real,
            ClockState::Virtual(sim) if sim.is_warp() => Clock::Warp,
            ClockState::Virtual(_) => Clock::Virtual,
        }
    }

    /// The virtual clock as other threads see it; `None` on the real clock.
    pub(crate) fn virtual_hooks(&self) -> Option<Arc<dyn crate::threadsafe::VirtualHooks>> {
        self.sim()
            .map(|sim| Arc::clone(sim) as Arc<dyn crate::threadsafe::VirtualHooks>)
    }

    fn sim(&self) -> Option<&Arc<Sim>> {
        match &self.clock {
            ClockState::Virtual(sim) => Some(sim),
            ClockState::Real { .. } => None,
        }
    }

    pub(crate) fn next_task_id(&self) -> TaskId {
        TaskId(self.next_task.fetch_add(1, Ordering::Relaxed))
    }

    /// Every task spawned and not finished, in spawn order.
    pub(crate) fn all_tasks(&self) -> Vec<LiveTask> {
        self.registry.list()
    }

    /// This runtime's key in [`CORES`].
    pub(crate) fn key(&self) -> CoreKey {
        self.registry.key()
    }

    /// The runtime's exception handler.
    pub(crate) fn reporter(&self) -> &Reporter {
        &self.reporter
    }

    pub(crate) fn now(&self) -> Instant {
        match &self.clock {
            ClockState::Real { epoch } => Instant::from_start(epoch.elapsed()),
            ClockState::Virtual(sim) => Instant::from_start(sim.now()),
        }
    }

    /// A sleep until `deadline`: on the virtual clock, or a real timer made by `real` from
    /// the wall-clock deadline.
    pub(crate) fn sleep_until<T>(
        &self,
        deadline: Instant,
        real: impl FnOnce(std::time::Instant) -> T,
    ) -> Sleep<T> {
        match &self.clock {
            ClockState::Real { epoch } => {
                let at = epoch
                    .checked_add(deadline.since_start())
                    .unwrap_or_else(|| *epoch + std::time::Duration::from_secs(86_400 * 365 * 30));
                Sleep::real(real(at), deadline)
            }
            ClockState::Virtual(sim) => {
                Sleep::virtual_(VirtualSleep::new(sim, deadline.since_start()), deadline)
            }
        }
    }

    /// Lists the task `id` among the runtime's live tasks until the registration drops.
    pub(crate) fn register(&self, id: crate::TaskId) -> crate::registry::Registration {
        self.registry.register(id)
    }

    /// Wraps a future to be spawned: the task and its handle.
    pub(crate) fn spawn<F>(
        self: &Arc<Self>,
        fut: F,
    ) -> (Scheduled<TaskFuture<F>>, JoinHandle<F::Output>)
    where
        F: Future,
    {
        let shared = Shared::new(self, false);
        let handle = shared.handle();
        let registration = self.register(handle.id());
        (
            self.schedule(TaskFuture::new(fut, shared, registration), false),
            handle,
        )
    }

    /// Wraps a future to be spawned without a handle: no outcome slot is allocated; a
    /// panic is caught and reported to the exception handler at once.
    pub(crate) fn spawn_detached<F>(self: &Arc<Self>, fut: F) -> Scheduled<DetachedFuture<F>>
    where
        F: Future<Output = ()>,
    {
        // Numbered as `spawn` numbers, before the scheduler sees it, so that ids and the
        // virtual clock's ready queue are the same whichever way a task was spawned.
        let id = self.next_task_id();
        let registration = self.registry.register(id);
        self.schedule(DetachedFuture::new(fut, registration), false)
    }

    /// Wraps a closure to be run on a blocking thread: the job and its handle.
    pub(crate) fn blocking<F, T>(
        self: &Arc<Self>,
        f: F,
    ) -> (impl FnOnce() + Send + 'static, JoinHandle<T>)
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let shared = Shared::new(self, true);
        let handle = shared.handle();
        let mut completer = Completer::new(shared);
        let work = self.sim().map(|sim| sim.external_begin());
        let hooks = self.virtual_hooks();
        let job = move || {
            // On the virtual clock the job is this runtime's (a `ConcurrentFuture` it waits
            // on lets the clock move); on the real clock it leaves the thread's marker as
            // it is (aio-loop's executor sets its own).
            let caught = match hooks {
                Some(hooks) => {
                    crate::threadsafe::run_as_job(Some(hooks), || catch_unwind(AssertUnwindSafe(f)))
                }
                None => catch_unwind(AssertUnwindSafe(f)),
            };
            let result = caught.map_err(|payload| JoinError::Panicked(panic_message(&*payload)));
            completer.complete(result);
            // Only now, with the waiter woken, may the virtual clock move on.
            drop(work);
        };
        (job, handle)
    }

    /// Wraps the future given to `block_on`.
    pub(crate) fn main<F: Future>(self: &Arc<Self>, fut: F) -> Scheduled<F> {
        self.schedule(fut, true)
    }

    fn schedule<F: Future>(&self, fut: F, main: bool) -> Scheduled<F> {
        Scheduled {
            fut: Some(fut),
            sim: self.sim().map(|sim| SimSlot::new(sim, main)),
        }
    }
}

pin_project! {
    /// A future as handed to the runtime: on the real clock polled as is; on the virtual
    /// clock only when the scheduler gives it its turn (and dropped, `None`, when the
    /// runtime is dropped before it finished).
    pub(crate) struct Scheduled<F> {
        #[pin]
        fut: Option<F>,
        sim: Option<Box<SimSlot>>,
    }
}

std::thread_local! {
    /// Whether this thread is polling a task or a `block_on` future of some runtime of
    /// ours: where a `block_on` would block the thread that runs the tasks.
    static POLLING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this thread is inside a poll of a [`Scheduled`] future (a task, or the future
/// given to `block_on`) of any runtime of this crate, aio-loop's included.
pub(crate) fn polling() -> bool {
    POLLING.with(std::cell::Cell::get)
}

/// Marks the thread as polling until dropped (also when the poll unwinds), restoring what
/// it was: polls nest when a future polls another runtime's future in place.
struct PollingGuard {
    before: bool,
}

impl PollingGuard {
    fn enter() -> PollingGuard {
        PollingGuard {
            before: POLLING.with(|polling| polling.replace(true)),
        }
    }
}

impl Drop for PollingGuard {
    fn drop(&mut self) {
        let before = self.before;
        POLLING.with(|polling| polling.set(before));
    }
}

impl<F: Future> Future for Scheduled<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let _polling = PollingGuard::enter();
        let this = self.project();
        match this.sim {
            None => match this.fut.as_pin_mut() {
                Some(fut) => fut.poll(cx),
                None => Poll::Pending,
            },
            Some(slot) => slot.poll(this.fut, cx),
        }
    }
}
