//! The task family (this crate's stand-in for "the running loop"), [`current_task`] and
//! [`all_tasks`].
//!
//! asyncio keeps its tasks in the running loop. Rust has no global running loop, so a
//! task created from outside any task (as `asyncio.run` creates the main task) starts a
//! new *family*, and every task created from inside a task joins its creator's family.
//! The family numbers the default names (`Task-1`, `Task-2`, ...), lists the unfinished
//! tasks for [`all_tasks`], runs done callbacks on the runtime, and reports to the
//! runtime's exception handler. Simplification, named: a family is found through the task that is running,
//! which a thread-local records while a task is polled.

use std::any::Any;
use std::cell::RefCell;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use aio_rt::{ContextObject, ExceptionContext, PyError, Reporter, exception_repr};

use crate::TaskRef;

/// A callback to run on the runtime, as `loop.call_soon` does.
pub(crate) type Job = Box<dyn FnOnce() + Send>;
type Spawner = Box<dyn Fn(Job) + Send + Sync>;

/// What every task sees of another task, whatever its output type. As [`aio_rt::Awaiting`]
/// it records what it awaits, so that cancelling it cancels that first (asyncio's
/// `_fut_waiter`).
pub(crate) trait Erased: aio_rt::Awaiting {
    fn name(&self) -> String;
    fn set_name(&self, name: String);
    /// This task as `Any`, to get its concrete type back.
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
    fn cancel(&self, message: Option<String>) -> bool;
    /// What the task awaits now (asyncio's `_fut_waiter`), if it is a task or a future.
    fn waiting_on(&self) -> Option<Arc<dyn aio_rt::Awaited>>;
    fn cancel_requests(&self) -> u32;
    fn uncancel(&self) -> u32;
    fn is_done(&self) -> bool;
    fn is_cancelled(&self) -> bool;
    fn family(&self) -> &Arc<Family>;
    /// This task as [`aio_rt::Awaiting`], for the futures it awaits.
    fn into_awaiting(self: Arc<Self>) -> Arc<dyn aio_rt::Awaiting>;
    /// Hands this task's cancellations to `group` until it is removed: a `TaskGroup`
    /// running in this task cancels its body and children, waits for them, then passes
    /// the cancellation on (asyncio's `__aexit__` catching the `CancelledError`).
    /// The innermost group takes them.
    fn push_interceptor(&self, group: Arc<dyn Interceptor>);
    /// The context the task runs in (made, empty, if it had none).
    fn context(&self) -> crate::Context;
    /// The context the task runs in, `None` while it has none (an empty one).
    fn context_if_set(&self) -> Option<crate::Context>;
    /// Removes `group` (pushed by `push_interceptor`).
    fn remove_interceptor(&self, group: &Arc<dyn Interceptor>);
    /// Sets a cancellation for a `catch_cancel` frame in the body to receive, counted or
    /// not (see `Inner::request_delivery`).
    fn request_delivery(&self, message: Option<String>, count: bool);
    /// As `request_delivery` (not counted), for a `CancelledError` the body raises in this
    /// very step: the driver drops the body at the end of the poll (see
    /// `Inner::raise_cancelled`).
    fn raise_cancelled(&self, message: Option<String>);
    /// Whether a cancellation is pending (requested, not yet delivered or acted on).
    fn cancel_pending(&self) -> bool;
    /// Consumes the pending cancellation, for a `catch_cancel` frame to return it.
    fn take_cancel(&self) -> Option<crate::CancelledError>;
    /// A `catch_cancel` frame is suspended in the body (`true`), or is not any more.
    fn catch_frame(&self, enter: bool);
    /// The waker of the `catch_cancel` frame suspended last, woken by `cancel`.
    fn set_catch_waker(&self, waker: &std::task::Waker);
    /// If the task failed: its failure, retrieved, as asyncio's `run` reports a task that
    /// failed while it was being cancelled at shutdown ("unhandled exception during
    /// asyncio.run() shutdown", the task under `task`).
    fn shutdown_report(&self) -> Option<ExceptionContext>;
}

/// A `TaskGroup` taking the cancellations of the task it runs in.
pub(crate) trait Interceptor: Send + Sync {
    /// The task was cancelled with `message`.
    fn intercept(&self, message: Option<String>);
}

/// One family of tasks: the part of asyncio's loop that tasks use.
pub(crate) struct Family {
    tasks: Mutex<Listing>,
    /// The runtime's exception handler.
    reporter: Reporter,
    spawner: Spawner,
}

impl Family {
    pub(crate) fn new(
        spawner: impl Fn(Job) + Send + Sync + 'static,
        reporter: Reporter,
    ) -> Arc<Family> {
        // From now on, a future awaited by a task can find it (`aio-futures` does).
        aio_rt::set_current_task_hook(|| current().map(Erased::into_awaiting));
        Arc::new(Family {
            tasks: Mutex::new(Listing::default()),
            reporter,
            spawner: Box::new(spawner),
        })
    }

    fn tasks(&self) -> MutexGuard<'_, Listing> {
        self.tasks.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Numbers a new task (the N of `Task-N`, given to `number_it`) and lists it, for
    /// `all_tasks`. A finished task is not unlisted (that would cost a second lock per task,
    /// taken by whichever thread finishes it): entries of tasks that are gone are swept
    /// when the list has doubled since the last sweep, O(1) amortized per task.
    pub(crate) fn list(&self, task: Weak<dyn Erased>, number_it: impl FnOnce(u64)) {
        let mut tasks = self.tasks();
        tasks.numbered += 1;
        number_it(tasks.numbered);
        if tasks.entries.len() >= tasks.sweep_at {
            tasks.entries.retain(|task| task.strong_count() > 0);
            tasks.sweep_at = (2 * tasks.entries.len()).max(SWEEP_MIN);
        }
        tasks.entries.push(task);
    }

    /// Every task of the family that has not finished, in creation order.
    pub(crate) fn unfinished(&self) -> Vec<Arc<dyn Erased>> {
        let listed: Vec<Arc<dyn Erased>> = self
            .tasks()
            .entries
            .iter()
            .filter_map(Weak::upgrade)
            .collect();
        // Asked outside the family's lock, as `all_tasks` does.
        listed.into_iter().filter(|task| !task.is_done()).collect()
    }

    /// Runs `job` as a callback of its own on the runtime: `loop.call_soon(job)`.
    pub(crate) fn call_soon(&self, job: Job) {
        (self.spawner)(job);
    }

    /// Reports to the runtime's exception handler.
    pub(crate) fn report(&self, context: &ExceptionContext) {
        self.reporter.report(context);
    }
}

/// The tasks of a family, in creation order: every unfinished task, and finished ones
/// not yet swept (`all_tasks` skips those).
pub(crate) struct Listing {
    entries: Vec<Weak<dyn Erased>>,
    /// The length at which `list` sweeps out the tasks that are gone.
    sweep_at: usize,
    /// Tasks numbered so far.
    numbered: u64,
}

/// The smallest list that is swept.
const SWEEP_MIN: usize = 1024;

impl Default for Listing {
    fn default() -> Self {
        Listing {
            entries: Vec::new(),
            sweep_at: SWEEP_MIN,
            numbered: 0,
        }
    }
}

impl fmt::Debug for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Family").finish_non_exhaustive()
    }
}

thread_local! {
    /// The task being polled on this thread, if any.
    static CURRENT: RefCell<Option<Arc<dyn Erased>>> = const { RefCell::new(None) };
}

/// Runs `poll` with `task` as the current task, then puts the previous one back and gives
/// `task` back: moved in and out, with no reference counting.
pub(crate) fn enter<R>(task: Arc<dyn Erased>, poll: impl FnOnce() -> R) -> (R, Arc<dyn Erased>) {
    let mut task = Some(task);
    // `try_with`: during thread teardown the slot may be gone; `poll` then runs with no
    // current task, and `task` stays here.
    let previous = CURRENT.try_with(|current| current.replace(task.take()));
    let result = poll();
    if let Ok(previous) = previous {
        task = CURRENT
            .try_with(|current| current.replace(previous))
            .ok()
            .flatten();
    }
    (
        result,
        task.expect("the slot that took the task gives it back"),
    )
}

pub(crate) fn current() -> Option<Arc<dyn Erased>> {
    CURRENT.with(|current| current.borrow().clone())
}

/// The current task's family, if a task is running.
pub(crate) fn family() -> Option<Arc<Family>> {
    CURRENT.with(|current| {
        current
            .borrow()
            .as_ref()
            .map(|task| Arc::clone(task.family()))
    })
}

/// The task running now, or `None` outside of any task (in the `block_on` future or in
/// a done callback).
///
/// Python: `asyncio.current_task()`
///
/// # Examples
///
/// ```
/// use aio_rt::Runtime;
/// let rt = aio_rt::Smol::new();
/// let name = rt.block_on(async {
///     assert!(aio_tasks::current_task().is_none());
///     let task = aio_tasks::create_task(&rt, async {
///         Ok::<_, String>(aio_tasks::current_task().unwrap().name())
///     });
///     task.await
/// });
/// assert_eq!(name, Ok("Task-1".to_owned()));
/// ```
pub fn current_task() -> Option<TaskRef> {
    current().map(TaskRef)
}

/// The unfinished tasks of the current task's family (see the crate docs), in creation
/// order; empty outside of any task.
///
/// Python: `asyncio.all_tasks()`
///
/// # Differences from Python
///
/// asyncio lists the tasks of the running loop, as a set; here the family plays the
/// loop, and the list keeps creation order.
pub fn all_tasks() -> Vec<TaskRef> {
    let Some(task) = current() else {
        return Vec::new();
    };
    let listed: Vec<Arc<dyn Erased>> = task
        .family()
        .tasks()
        .entries
        .iter()
        .filter_map(Weak::upgrade)
        .collect();
    // Listed in creation order already.
    listed
        .into_iter()
        .filter(|t| !t.is_done())
        .map(TaskRef)
        .collect()
}

/// What asyncio reports when a task failed and nobody retrieved its exception: "Task
/// exception was never retrieved", the task under `future`, its repr in asyncio's shape
/// (`coro` is the body's Rust type name, `...` where it is not known).
pub(crate) fn never_retrieved(
    name: &str,
    coro: Option<&str>,
    exception: &PyError,
) -> ExceptionContext {
    ExceptionContext::new("Task exception was never retrieved")
        .with_exception(exception)
        .with_future(failed_task(name, coro, exception))
}

/// A failed task as a context object: its repr in asyncio's shape, and its name.
pub(crate) fn failed_task(name: &str, coro: Option<&str>, exception: &PyError) -> ContextObject {
    let repr = format!(
        "<Task finished name='{name}' coro=<{}> exception={}>",
        coro.unwrap_or("..."),
        exception_repr(exception)
    );
    ContextObject::new(repr).named(name)
}
