//! Definition of [`Finished`]: the outcomes of n tasks in the order they finish, the
//! bookkeeping that `aio-gather`'s `gather` and `aio-wait`'s `wait` and `as_completed`
//! share.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Waker};

use aio_rt::Runtime;

use crate::{Task, TaskError};

type Outcome<T, E> = Result<T, TaskError<E>>;

/// The outcomes of n tasks, delivered in the order the tasks finish.
///
/// Python: none (the done callback that `asyncio.gather`, `asyncio.wait` and
/// `asyncio.as_completed` each add to every task, written once)
///
/// Each task gets a done callback, as asyncio's combinators add one: when the task
/// finishes, the callback is scheduled as a callback of its own on the runtime (asyncio's
/// `call_soon`), and when it runs it queues the outcome and wakes the caller. So the
/// caller resumes two turns after the task's last step, as in asyncio (the callback, then
/// the caller's own wake-up), and the outcomes arrive in the order the tasks finished.
/// Callbacks matter twice more: the caller's task is not linked to the tasks for
/// cancellation (awaiting a task from a task links them), and dropping `Finished` cancels
/// nothing: the callbacks still run, and drop what they find.
///
/// Whether a failure is retrieved (and so never reported as "Task exception was never
/// retrieved") follows asyncio: [`new`](Finished::new) retrieves every failure, also
/// those that come after [`close`](Finished::close), as asyncio's `gather` does;
/// [`observing`](Finished::observing) retrieves none, as the done callbacks of `wait`
/// and `as_completed` do not: the caller retrieves what it reads
/// ([`retrieve`](Finished::retrieve)). Neither takes a cancelled task's message: a
/// cancellation is delivered without it, and the message stays for the task's first
/// reader ([`read`](Finished::read) reads as that reader).
///
/// A task given twice gets two callbacks and is delivered twice, once per index.
///
/// # Examples
///
/// ```
/// use aio_rt::Runtime;
/// use aio_tasks::{Finished, create_task};
/// use std::future::poll_fn;
/// use std::task::Poll;
///
/// let rt = aio_rt::Smol::new();
/// let order = rt.block_on(async {
///     let tasks = [
///         create_task(&rt, async { Ok::<_, String>("a") }),
///         create_task(&rt, async { Ok::<_, String>("b") }),
///     ];
///     let mut finished = Finished::new(&rt, &tasks);
///     let mut order = Vec::new();
///     poll_fn(|cx| {
///         finished.poll_finished(cx, |index, outcome| order.push((index, outcome)));
///         if order.len() == tasks.len() { Poll::Ready(()) } else { Poll::Pending }
///     })
///     .await;
///     order
/// });
/// assert_eq!(order, vec![(0, Ok("a")), (1, Ok("b"))]);
/// ```
pub struct Finished<T, E> {
    shared: Arc<Mutex<Shared<T, E>>>,
    /// The tasks, for [`retrieve`](Finished::retrieve) and [`read`](Finished::read).
    tasks: Vec<Task<T, E>>,
}

struct Shared<T, E> {
    outcomes: VecDeque<(usize, Outcome<T, E>)>,
    waker: Option<Waker>,
    /// Nobody listens any more: the callbacks drop the outcomes.
    closed: bool,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<T: Clone + Send + 'static, E: Clone + Send + 'static> Finished<T, E> {
    /// Starts collecting the outcomes of `tasks` (nothing to collect when it is empty),
    /// marking each failure retrieved as it is delivered (or dropped after
    /// [`close`](Finished::close)). A cancelled task keeps its message: read it with
    /// [`read`](Finished::read). `rt` is the runtime the caller runs on (the callbacks
    /// run on the tasks' own).
    ///
    /// Python: `for fut in fs: fut.add_done_callback(_done_callback)`, in `gather`
    pub fn new<R: Runtime>(rt: &R, tasks: &[Task<T, E>]) -> Self {
        Finished::start(rt, tasks, true)
    }

    /// Starts collecting the outcomes of `tasks` without retrieving them: a failure
    /// delivered here is still reported if nobody reads it, unless the caller calls
    /// [`retrieve`](Finished::retrieve).
    ///
    /// Python: the done callbacks of `asyncio.wait` and `asyncio.as_completed`, which learn
    /// that a task is done without reading its exception
    pub fn observing<R: Runtime>(rt: &R, tasks: &[Task<T, E>]) -> Self {
        Finished::start(rt, tasks, false)
    }

    /// Marks the failure of task `index` (in `tasks`) retrieved, if it failed: the caller
    /// read it ([`new`](Finished::new) has already).
    ///
    /// Python: `fut.exception()` on a task that is not cancelled (called for its side
    /// effect, as `wait(FIRST_EXCEPTION)` does)
    pub fn retrieve(&self, index: usize) {
        if let Some(task) = self.tasks.get(index) {
            let _ = task.inner.failure();
        }
    }

    /// Reads the outcome of finished task `index` (in `tasks`) as the caller's own: a
    /// failure is marked retrieved, a cancellation hands out its message if nobody took
    /// it yet. `None` while the task runs.
    ///
    /// Python: `await fut` on a future `as_completed` found done; `gather`'s
    /// `fut._make_cancelled_error()`
    pub fn read(&self, index: usize) -> Option<Result<T, TaskError<E>>> {
        self.tasks.get(index)?.inner.outcome(true)
    }

    fn start<R: Runtime>(_rt: &R, tasks: &[Task<T, E>], retrieve: bool) -> Self {
        let shared = Arc::new(Mutex::new(Shared {
            outcomes: VecDeque::new(),
            waker: None,
            closed: false,
        }));
        for (index, task) in tasks.iter().enumerate() {
            let shared = Arc::clone(&shared);
            task.inner
                .add_internal_callback(Box::new(move |task: &Task<T, E>| {
                    // Observed: no failure retrieved, no cancel message taken.
                    let Some(outcome) = task.inner.outcome(false) else {
                        return;
                    };
                    if retrieve {
                        let _ = task.inner.failure();
                    }
                    let mut shared = lock(&shared);
                    if shared.closed {
                        return;
                    }
                    shared.outcomes.push_back((index, outcome));
                    // The waker stays registered: a caller that stopped polling (a timeout
                    // waiting for a cancelled gather to end) still hears of every child.
                    let waker = shared.waker.clone();
                    drop(shared);
                    if let Some(waker) = waker {
                        waker.wake();
                    }
                }));
        }
        Finished {
            shared,
            tasks: tasks.to_vec(),
        }
    }

    /// Calls `on_done` with the index (in `tasks`) and outcome of each task that finished
    /// since the last call, in finishing order, and registers the caller's waker for the
    /// next ones.
    ///
    /// Python: the body of `_on_completion`, run for each task done
    pub fn poll_finished(
        &mut self,
        cx: &mut Context<'_>,
        mut on_done: impl FnMut(usize, Result<T, TaskError<E>>),
    ) {
        let mut shared = lock(&self.shared);
        let outcomes = std::mem::take(&mut shared.outcomes);
        match &shared.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            _ => shared.waker = Some(cx.waker().clone()),
        }
        drop(shared);
        for (index, outcome) in outcomes {
            on_done(index, outcome);
        }
    }
}

impl<T, E> Finished<T, E> {
    /// Stops listening: outcomes not yet taken and those to come are dropped (each still
    /// retrieved); the tasks run on, nothing is cancelled.
    ///
    /// Python: `fut.remove_done_callback(_on_completion)` for each task
    pub fn close(&mut self) {
        let mut shared = lock(&self.shared);
        shared.closed = true;
        shared.outcomes.clear();
        shared.waker = None;
    }
}

impl<T, E> Drop for Finished<T, E> {
    fn drop(&mut self) {
        self.close();
    }
}

impl<T, E> fmt::Debug for Finished<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = lock(&self.shared);
        f.debug_struct("Finished")
            .field("undelivered", &shared.outcomes.len())
            .field("closed", &shared.closed)
            .finish()
    }
}
