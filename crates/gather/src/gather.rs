//! Definition of [`gather`], [`gather_futures`] and the [`Gather`] / [`GatherAll`] futures.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use aio_rt::Runtime;
use aio_tasks::{Join, Task, TaskError, create_task};

use crate::ready::Ready;

/// Waits for every task and gives their values in argument order; the first failure to
/// happen is returned at once.
///
/// Python: `asyncio.gather(*tasks)`
///
/// The result is `Ok(values)` in the order of `tasks`, whatever the order they finish
/// in, or the first [`TaskError`] to happen (a child's failure, panic or cancellation).
/// After a failure the other tasks keep running, as in asyncio: nothing is cancelled.
/// [`return_exceptions`](Gather::return_exceptions) gives every outcome instead. The
/// same task may appear twice; its outcome fills both slots. `gather` of nothing gives
/// `Ok(vec![])` on the first poll.
///
/// # Cancel safety
///
/// Dropping an unfinished `Gather` (its task was cancelled, or a timeout around it
/// fired) cancels every task that is still running, as cancelling a gather does in
/// asyncio. Once the gather has returned, dropping it cancels nothing. A gather dropped
/// before its first poll cancels nothing either (it has not started awaiting).
///
/// # Examples
///
/// ```
/// use aio_rt::Runtime;
/// use aio_tasks::create_task;
/// let rt = aio_rt::Smol::new();
/// let values = rt.block_on(async {
///     let tasks = (1..=3).map(|i| create_task(&rt, async move { Ok::<_, String>(i * 10) }));
///     aio_gather::gather(&rt, tasks).await
/// });
/// assert_eq!(values, Ok(vec![10, 20, 30]));
/// ```
pub fn gather<R, T, E>(rt: &R, tasks: impl IntoIterator<Item = Task<T, E>>) -> Gather<T, E>
where
    R: Runtime,
    T: Clone + Send + 'static,
    E: Clone + Send + 'static,
{
    let rt = rt.clone();
    let joins: Vec<Option<Join<T, E>>> = tasks.into_iter().map(|t| Some(t.into_future())).collect();
    Gather {
        slots: std::iter::repeat_with(|| None).take(joins.len()).collect(),
        remaining: joins.len(),
        tasks: joins,
        ready: Arc::new(Ready::default()),
        wakers: Vec::new(),
        batch: Vec::new(),
        finished: false,
        detach: Box::new(move |rest| drop(rt.spawn(rest))),
    }
}

/// Wraps each future in a task ([`create_task`]) and gathers them.
///
/// Python: `asyncio.gather(*coros)` (which wraps each coroutine in a task)
///
/// The tasks start when the caller next yields, in argument order, as in asyncio.
/// See [`gather`] for the semantics.
pub fn gather_futures<R, F, T, E>(rt: &R, futures: impl IntoIterator<Item = F>) -> Gather<T, E>
where
    R: Runtime,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Clone + Send + 'static,
    E: Clone + fmt::Display + Send + Sync + 'static,
{
    gather(rt, futures.into_iter().map(|f| create_task(rt, f)))
}

/// The future of [`gather`]: `Ok(values)` in argument order, or the first failure.
///
/// Python: the `_GatheringFuture` that `asyncio.gather` returns
#[must_use = "a Gather does nothing unless awaited; dropping it cancels the tasks still running"]
pub struct Gather<T: Clone + Send + 'static, E: Clone + Send + 'static> {
    /// The awaits of the children still running.
    tasks: Vec<Option<Join<T, E>>>,
    /// The outcome of each child, once it has finished.
    slots: Vec<Option<Result<T, TaskError<E>>>>,
    remaining: usize,
    /// Indexes of the children whose await was woken.
    ready: Arc<Ready>,
    /// One waker per child, made on the first poll: waking it pushes the child's index.
    wakers: Vec<Waker>,
    /// Reused buffer for the indexes drained from `ready`.
    batch: Vec<usize>,
    finished: bool,
    /// Spawns a future on the runtime: after an early return, the children still running
    /// are awaited there, so that dropping their awaits does not cancel them.
    detach: Box<dyn Fn(Detached) + Send>,
}

type Detached = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A child's waker: pushes the child's index on the ready queue.
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

impl<T: Clone + Send + 'static, E: Clone + Send + 'static> Gather<T, E> {
    /// Gives every outcome, in argument order, instead of stopping at the first failure.
    ///
    /// Python: `asyncio.gather(*tasks, return_exceptions=True)`
    ///
    /// Cancellations are outcomes too: a cancelled child gives
    /// `Err(TaskError::Cancelled(..))` in its slot.
    pub fn return_exceptions(self) -> GatherAll<T, E> {
        GatherAll { inner: self }
    }

    /// Polls the children that were woken (all of them on the first poll). `Err` at the
    /// first failure when `stop_at_failure`; `Ok(true)` once every child has finished.
    fn collect(
        &mut self,
        cx: &mut Context<'_>,
        stop_at_failure: bool,
    ) -> Result<bool, TaskError<E>> {
        let mut batch = std::mem::take(&mut self.batch);
        self.ready.drain(cx, &mut batch);
        if self.wakers.is_empty() && self.remaining > 0 {
            // First poll: make the wakers and poll every child once.
            self.wakers = (0..self.tasks.len())
                .map(|index| {
                    Waker::from(Arc::new(ChildWaker {
                        index,
                        ready: Arc::clone(&self.ready),
                    }))
                })
                .collect();
            batch.clear();
            batch.extend(0..self.tasks.len());
        }
        for index in batch.drain(..) {
            let Some(join) = &mut self.tasks[index] else {
                continue; // a spurious wake-up of a finished child
            };
            let mut child_cx = Context::from_waker(&self.wakers[index]);
            let Poll::Ready(outcome) = Pin::new(join).poll(&mut child_cx) else {
                continue;
            };
            self.tasks[index] = None;
            if stop_at_failure {
                if let Err(error) = &outcome {
                    self.finish();
                    return Err(error.clone());
                }
            }
            self.slots[index] = Some(outcome);
            self.remaining -= 1;
        }
        self.batch = batch;
        Ok(self.remaining == 0)
    }

    /// The gather returns: the children still running are awaited elsewhere, so that
    /// they run on (dropping an await would cancel its task).
    fn finish(&mut self) {
        self.finished = true;
        self.ready.close();
        let rest: Vec<Join<T, E>> = self.tasks.drain(..).flatten().collect();
        if !rest.is_empty() {
            (self.detach)(Box::pin(async move {
                for join in rest {
                    // Awaiting retrieves a late failure, as asyncio's gather marks it.
                    let _ = join.await;
                }
            }));
        }
    }

    fn take_slots(&mut self) -> impl Iterator<Item = Result<T, TaskError<E>>> + '_ {
        self.finish();
        // Every slot is filled once `remaining` is 0; an empty one cannot happen.
        self.slots.drain(..).flatten()
    }
}

// No field is pinned: the children run as tasks of their own.
impl<T: Clone + Send + 'static, E: Clone + Send + 'static> Unpin for Gather<T, E> {}

impl<T: Clone + Send + 'static, E: Clone + Send + 'static> Future for Gather<T, E> {
    type Output = Result<Vec<T>, TaskError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.finished {
            return Poll::Pending;
        }
        match this.collect(cx, true) {
            Err(error) => Poll::Ready(Err(error)),
            Ok(false) => Poll::Pending,
            Ok(true) => Poll::Ready(this.take_slots().collect()),
        }
    }
}

impl<T: Clone + Send + 'static, E: Clone + Send + 'static> Drop for Gather<T, E> {
    fn drop(&mut self) {
        // Unfinished: dropping each child's await cancels the child (`Join`'s cancel
        // safety), which is how cancelling a gather cancels its children.
        self.ready.close();
    }
}

impl<T: Clone + Send + 'static, E: Clone + Send + 'static> fmt::Debug for Gather<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gather")
            .field("tasks", &self.slots.len())
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}

/// The future of [`Gather::return_exceptions`]: every outcome, in argument order.
///
/// Python: `asyncio.gather(*tasks, return_exceptions=True)`
///
/// # Cancel safety
///
/// As [`Gather`]: dropping it unfinished cancels the tasks still running.
#[must_use = "a GatherAll does nothing unless awaited; dropping it cancels the tasks still running"]
pub struct GatherAll<T: Clone + Send + 'static, E: Clone + Send + 'static> {
    inner: Gather<T, E>,
}

impl<T: Clone + Send + 'static, E: Clone + Send + 'static> Future for GatherAll<T, E> {
    type Output = Vec<Result<T, TaskError<E>>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut self.get_mut().inner;
        if this.finished {
            return Poll::Pending;
        }
        match this.collect(cx, false) {
            Ok(true) => Poll::Ready(this.take_slots().collect()),
            _ => Poll::Pending,
        }
    }
}

impl<T: Clone + Send + 'static, E: Clone + Send + 'static> fmt::Debug for GatherAll<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("GatherAll").field(&self.inner).finish()
    }
}
