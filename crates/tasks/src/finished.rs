//! Definition of [`Finished`]: the outcomes of n tasks in the order they finish, the
//! bookkeeping that `aio-gather`'s `gather` and `aio-wait`'s `wait` and `as_completed`
//! share.

use std::collections::VecDeque;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use aio_rt::Runtime;

use crate::{Join, Task, TaskError};

type Outcome<T, E> = Result<T, TaskError<E>>;

/// The outcomes of n tasks, delivered in the order the tasks finish.
///
/// Python: none (the done callback that `asyncio.gather`, `asyncio.wait` and
/// `asyncio.as_completed` each add to every task, written once)
///
/// A small collector future, spawned on the runtime (a plain runtime task, not a
/// [`Task`]), awaits every task: each await has a waker of its own that pushes the task's
/// index on a ready queue, and a wake-up polls only those awaits, so n tasks cost O(n)
/// in total (futures-rs's `FuturesUnordered` makes the same choice). Awaiting off the
/// caller's task matters twice: the caller's task is not linked to the tasks for
/// cancellation (awaiting a task from a task links them), and dropping `Finished` drops
/// no await (which would cancel its task): the collector runs on until every task has
/// finished.
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
/// A task given twice is awaited twice and delivered twice, once per index.
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
    /// Nobody listens any more: the collector drops the outcomes.
    closed: bool,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The indexes of the awaits that were woken, and the collector's waker.
#[derive(Default)]
struct Ready {
    state: Mutex<ReadyState>,
}

#[derive(Default)]
struct ReadyState {
    indexes: Vec<usize>,
    waker: Option<Waker>,
}

impl Ready {
    /// Records that await `index` was woken and wakes the collector.
    fn push(&self, index: usize) {
        let mut state = lock(&self.state);
        state.indexes.push(index);
        let waker = state.waker.take();
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Moves the woken indexes into `out` (empty on entry) and registers the collector's
    /// waker for the next ones.
    fn drain(&self, cx: &mut Context<'_>, out: &mut Vec<usize>) {
        let mut state = lock(&self.state);
        std::mem::swap(&mut state.indexes, out);
        match &state.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            _ => state.waker = Some(cx.waker().clone()),
        }
    }
}

/// The waker of one await: pushes its index on the ready queue.
struct ChildWaker {
    index: usize,
    ready: Arc<Ready>,
}

impl Wake for ChildWaker {
    fn wake(self: Arc<Self>) {
        self.ready.push(self.index);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.ready.push(self.index);
    }
}

/// The spawned collector.
struct Collector<T: Send + 'static, E: Send + 'static> {
    joins: Vec<Option<Join<T, E>>>,
    /// Whether a failure delivered is marked retrieved ([`Finished::new`]).
    retrieve: bool,
    remaining: usize,
    ready: Arc<Ready>,
    /// The waker of each await, made the first time the await is pending: a task already
    /// finished when first polled needs none.
    wakers: Vec<Option<Waker>>,
    started: bool,
    batch: Vec<usize>,
    shared: Arc<Mutex<Shared<T, E>>>,
}

impl<T: Clone + Send + 'static, E: Clone + Send + 'static> Collector<T, E> {
    /// Marks the failure of finished task `index` retrieved, when collecting for `new`.
    fn retrieve_failure(&self, index: usize) {
        if let (true, Some(join)) = (self.retrieve, &self.joins[index]) {
            let _ = join.inner.failure();
        }
    }
}

impl<T: Clone + Send + 'static, E: Clone + Send + 'static> Future for Collector<T, E> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let mut batch = std::mem::take(&mut this.batch);
        this.ready.drain(cx, &mut batch);
        if !this.started {
            // First poll: every await polled once.
            this.started = true;
            batch.clear();
            batch.extend(0..this.joins.len());
        }
        let mut finished = Vec::new();
        for index in batch.drain(..) {
            let Some(join) = &mut this.joins[index] else {
                continue; // a spurious wake-up of a finished task
            };
            // A finished task is ready at once, whatever the waker: the plain one is free.
            if let Some(outcome) = join.try_outcome() {
                this.retrieve_failure(index);
                this.joins[index] = None;
                this.remaining -= 1;
                finished.push((index, outcome));
                continue;
            }
            let ready = &this.ready;
            let waker = this.wakers[index].get_or_insert_with(|| {
                Waker::from(Arc::new(ChildWaker {
                    index,
                    ready: Arc::clone(ready),
                }))
            });
            if let Poll::Ready(outcome) = Pin::new(join).poll(&mut Context::from_waker(waker)) {
                this.retrieve_failure(index);
                this.joins[index] = None;
                this.remaining -= 1;
                finished.push((index, outcome));
            }
        }
        this.batch = batch;
        if !finished.is_empty() {
            let mut shared = lock(&this.shared);
            if !shared.closed {
                shared.outcomes.extend(finished);
                if let Some(waker) = shared.waker.take() {
                    drop(shared);
                    waker.wake();
                }
            }
        }
        if this.remaining == 0 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl<T: Clone + Send + 'static, E: Clone + Send + 'static> Finished<T, E> {
    /// Starts collecting the outcomes of `tasks` (nothing to collect when it is empty),
    /// marking each failure retrieved as it is delivered (or dropped after
    /// [`close`](Finished::close)). A cancelled task keeps its message: read it with
    /// [`read`](Finished::read).
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

    fn start<R: Runtime>(rt: &R, tasks: &[Task<T, E>], retrieve: bool) -> Self {
        let shared = Arc::new(Mutex::new(Shared {
            outcomes: VecDeque::new(),
            waker: None,
            closed: false,
        }));
        if !tasks.is_empty() {
            let collector = Collector {
                retrieve,
                joins: tasks
                    .iter()
                    .map(|t| Some(t.into_future().observe()))
                    .collect(),
                remaining: tasks.len(),
                ready: Arc::new(Ready::default()),
                wakers: std::iter::repeat_with(|| None).take(tasks.len()).collect(),
                started: false,
                batch: Vec::new(),
                shared: Arc::clone(&shared),
            };
            // Dropping aio-rt's JoinHandle never cancels: the collector runs to the end.
            rt.spawn_detached(collector);
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
