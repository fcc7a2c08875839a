//! The task family (this crate's stand-in for "the running loop"), [`current_task`],
//! [`all_tasks`] and [`set_exception_handler`].
//!
//! asyncio keeps its tasks in the running loop. Rust has no global running loop, so a
//! task created from outside any task (as `asyncio.run` creates the main task) starts a
//! new *family*, and every task created from inside a task joins its creator's family.
//! The family numbers the default names (`Task-1`, `Task-2`, ...), lists the unfinished
//! tasks for [`all_tasks`], runs done callbacks on the runtime, and holds the exception
//! handler. Simplification, named: a family is found through the task that is running,
//! which a thread-local records while a task is polled.

use std::cell::RefCell;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use crate::{TaskRef, UnretrievedFailure};

/// A callback to run on the runtime, as `loop.call_soon` does.
pub(crate) type Job = Box<dyn FnOnce() + Send>;
type Spawner = Box<dyn Fn(Job) + Send + Sync>;
type Handler = Arc<dyn Fn(&UnretrievedFailure) + Send + Sync>;

/// What every task sees of another task, whatever its output type.
pub(crate) trait Erased: Send + Sync {
    fn name(&self) -> String;
    fn set_name(&self, name: String);
    fn cancel(&self, message: Option<String>) -> bool;
    fn is_done(&self) -> bool;
    fn is_cancelled(&self) -> bool;
    fn family(&self) -> &Arc<Family>;
    /// Remembers (or forgets, with `None`) the task this one is awaiting, so that
    /// cancelling this one cancels that one first (asyncio's `_fut_waiter`).
    fn set_waiting_on(&self, on: Option<Arc<dyn Erased>>);
}

/// One family of tasks: the part of asyncio's loop that tasks use.
pub(crate) struct Family {
    next_number: AtomicU64,
    tasks: Mutex<Vec<Weak<dyn Erased>>>,
    handler: Mutex<Option<Handler>>,
    spawner: Spawner,
}

impl Family {
    pub(crate) fn new(spawner: impl Fn(Job) + Send + Sync + 'static) -> Arc<Family> {
        Arc::new(Family {
            next_number: AtomicU64::new(1),
            tasks: Mutex::new(Vec::new()),
            handler: Mutex::new(None),
            spawner: Box::new(spawner),
        })
    }

    pub(crate) fn next_number(&self) -> u64 {
        self.next_number.fetch_add(1, Ordering::Relaxed)
    }

    fn tasks(&self) -> MutexGuard<'_, Vec<Weak<dyn Erased>>> {
        self.tasks.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a task to the family's list; entries of dropped tasks are pruned whenever the
    /// list would grow, so it stays about as long as the live tasks.
    pub(crate) fn register(&self, task: Weak<dyn Erased>) {
        let mut tasks = self.tasks();
        if tasks.len() == tasks.capacity() {
            // Cheap: no task is locked. Finished tasks still referenced stay listed
            // until their handles go; `all_tasks` filters them out.
            tasks.retain(|t| t.strong_count() > 0);
        }
        tasks.push(task);
    }

    /// Runs `job` as a callback of its own on the runtime: `loop.call_soon(job)`.
    pub(crate) fn call_soon(&self, job: Job) {
        (self.spawner)(job);
    }

    pub(crate) fn report(&self, failure: &UnretrievedFailure) {
        let handler = self
            .handler
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        match handler {
            Some(handler) => handler(failure),
            None => eprintln!("aio-tasks: {failure}"),
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

/// Makes `task` the current task (`None`: no task); returns the previous one, which the
/// caller puts back after the poll.
pub(crate) fn swap(task: Option<Arc<dyn Erased>>) -> Option<Arc<dyn Erased>> {
    // `try_with`: during thread teardown the slot may be gone already.
    CURRENT
        .try_with(|current| current.replace(task))
        .unwrap_or(None)
}

pub(crate) fn current() -> Option<Arc<dyn Erased>> {
    CURRENT.with(|current| current.borrow().clone())
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
    let tasks = task.family().tasks();
    tasks
        .iter()
        .filter_map(Weak::upgrade)
        .filter(|t| !t.is_done())
        .map(TaskRef)
        .collect()
}

/// Sets the function called with each [`UnretrievedFailure`] of the current task's
/// family: a task that failed and whose failure nobody retrieved (by awaiting it, or
/// calling `result` or `exception`) before its last handle was dropped. Returns `false`,
/// doing nothing, outside of any task.
///
/// Python: `loop.set_exception_handler(handler)`
///
/// Without a handler the report is printed on stderr, as asyncio logs
/// "Task exception was never retrieved".
pub fn set_exception_handler(
    handler: impl Fn(&UnretrievedFailure) + Send + Sync + 'static,
) -> bool {
    let Some(task) = current() else { return false };
    *task
        .family()
        .handler
        .lock()
        .unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(handler));
    true
}
