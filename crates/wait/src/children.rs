//! Definition of `Children`: the outcomes of n tasks, collected off the caller's task.

use std::collections::VecDeque;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};

use aio_rt::Runtime;
use aio_tasks::{Join, Task, TaskError};

use crate::ready::Ready;

type Outcome<T, E> = Result<T, TaskError<E>>;

/// The outcomes of n tasks in the order they finish.
///
/// A small collector future, spawned on the runtime (a plain runtime task, not an
/// `aio_tasks::Task`), awaits every task: each await has a waker of its own that pushes
/// the task's index on a ready queue, and a wake-up polls only those awaits, so n tasks
/// cost O(n) in total. Awaiting off the caller's task matters twice: cancelling the
/// caller does not reach the tasks (awaiting a task from a task links them for
/// cancellation), and dropping `Children` drops no await (which would cancel its task):
/// the collector runs on until every task has finished.
pub(crate) struct Children<T, E> {
    shared: Arc<Mutex<Shared<T, E>>>,
}

struct Shared<T, E> {
    outcomes: VecDeque<(usize, Outcome<T, E>)>,
    waker: Option<Waker>,
    /// Nobody listens any more: the collector drops the outcomes.
    closed: bool,
}

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
    remaining: usize,
    ready: Arc<Ready>,
    wakers: Vec<Waker>,
    batch: Vec<usize>,
    shared: Arc<Mutex<Shared<T, E>>>,
}

impl<T: Clone + Send + 'static, E: Clone + Send + 'static> Future for Collector<T, E> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let mut batch = std::mem::take(&mut this.batch);
        this.ready.drain(cx, &mut batch);
        if this.wakers.len() < this.joins.len() {
            // First poll: one waker per task, and every await polled once.
            this.wakers = (0..this.joins.len())
                .map(|index| {
                    Waker::from(Arc::new(ChildWaker {
                        index,
                        ready: Arc::clone(&this.ready),
                    }))
                })
                .collect();
            batch.clear();
            batch.extend(0..this.joins.len());
        }
        let mut finished = Vec::new();
        for index in batch.drain(..) {
            let Some(join) = &mut this.joins[index] else {
                continue; // a spurious wake-up of a finished task
            };
            let mut child_cx = Context::from_waker(&this.wakers[index]);
            if let Poll::Ready(outcome) = Pin::new(join).poll(&mut child_cx) {
                this.joins[index] = None;
                this.remaining -= 1;
                finished.push((index, outcome));
            }
        }
        this.batch = batch;
        if !finished.is_empty() {
            let mut shared = this.shared.lock().unwrap_or_else(PoisonError::into_inner);
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

impl<T: Clone + Send + 'static, E: Clone + Send + 'static> Children<T, E> {
    pub(crate) fn new<R: Runtime>(rt: &R, tasks: &[Task<T, E>]) -> Self {
        let shared = Arc::new(Mutex::new(Shared {
            outcomes: VecDeque::new(),
            waker: None,
            closed: false,
        }));
        if !tasks.is_empty() {
            let collector = Collector {
                joins: tasks.iter().map(|t| Some(t.into_future())).collect(),
                remaining: tasks.len(),
                ready: Arc::new(Ready::default()),
                wakers: Vec::new(),
                batch: Vec::new(),
                shared: Arc::clone(&shared),
            };
            // Dropping aio-rt's JoinHandle never cancels: the collector runs to the end.
            drop(rt.spawn(collector));
        }
        Children { shared }
    }

    /// Calls `on_done` with the index and outcome of each task that finished since the
    /// last call, in finishing order, and registers the caller's waker for the next.
    pub(crate) fn poll_done(
        &mut self,
        cx: &mut Context<'_>,
        mut on_done: impl FnMut(usize, Outcome<T, E>),
    ) {
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
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

    /// Stops listening; the tasks run on, nothing is cancelled.
    pub(crate) fn detach(&mut self) {
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        shared.closed = true;
        shared.outcomes.clear();
        shared.waker = None;
    }
}

impl<T, E> Drop for Children<T, E> {
    fn drop(&mut self) {
        let mut shared = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        shared.closed = true;
        shared.outcomes.clear();
    }
}
