//! Definition of [`gather`], [`gather_futures`] and the [`Gather`] / [`GatherAll`] futures.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use aio_rt::Runtime;
use aio_tasks::{CancelledError, Finished, Task, TaskError, create_task};

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
/// asyncio. Once the gather has returned, dropping it cancels nothing.
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
    let tasks: Vec<Task<T, E>> = tasks.into_iter().collect();
    Gather {
        slots: std::iter::repeat_with(|| None).take(tasks.len()).collect(),
        remaining: tasks.len(),
        children: Finished::new(rt, &tasks),
        tasks,
        finished: false,
        cancel_requested: None,
        outer_cancelled: Arc::new(AtomicBool::new(false)),
        awaiting: None,
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
    E: Clone + aio_rt::PyException + Send + Sync + 'static,
{
    gather(rt, futures.into_iter().map(|f| create_task(rt, f)))
}

/// The future of [`gather`]: `Ok(values)` in argument order, or the first failure.
///
/// Python: the `_GatheringFuture` that `asyncio.gather` returns
#[must_use = "a Gather does nothing unless awaited; dropping it cancels the tasks still running"]
pub struct Gather<T: Clone + Send + 'static, E: Clone + Send + 'static> {
    /// The children, to cancel them if the gather is cancelled.
    tasks: Vec<Task<T, E>>,
    /// The outcome of each child, once it has finished.
    slots: Vec<Option<Result<T, TaskError<E>>>>,
    remaining: usize,
    /// The outcomes, in finishing order, from a collector on the runtime.
    children: Finished<T, E>,
    finished: bool,
    /// `cancel` was accepted, with this message: the gather ends cancelled, whatever its
    /// children give (asyncio's `_cancel_requested`).
    cancel_requested: Option<Option<String>>,
    /// The awaiting task was cancelled and passed it on to the children (through
    /// [`Outer`]): asyncio's `_cancel_requested` set by the task's `_fut_waiter.cancel()`.
    outer_cancelled: Arc<AtomicBool>,
    /// The task awaiting the gather, which records it as what it awaits (asyncio's
    /// `_fut_waiter`): cancelling that task cancels the children at once.
    awaiting: Option<Arc<dyn aio_rt::Awaiting>>,
}

/// The gather as the awaiting task sees it: cancelling the task cancels the children.
struct Outer<T: Send + 'static, E: Send + 'static>(Vec<Task<T, E>>, Arc<AtomicBool>);

impl<T: Send + 'static, E: Send + 'static> aio_rt::Awaited for Outer<T, E> {
    fn cancel(&self, message: Option<String>) -> bool {
        let mut accepted = false;
        for task in &self.0 {
            accepted |= task.cancel(message.as_deref());
        }
        if accepted {
            self.1.store(true, Ordering::Release);
        }
        accepted
    }

    fn done(&self) -> bool {
        self.0.iter().all(Task::done)
    }
}

impl<T: Clone + Send + 'static, E: Clone + Send + 'static> Gather<T, E> {
    /// Gives every outcome, in argument order, instead of stopping at the first failure.
    ///
    /// Python: `asyncio.gather(*tasks, return_exceptions=True)`
    ///
    /// Cancellations are outcomes too: a cancelled child gives
    /// `Err(TaskError::Cancelled(..))` in its slot.
    ///
    /// A gather [`cancel`](Gather::cancel)led before this call, or after it with
    /// [`GatherAll::cancel`], ends cancelled: see there.
    pub fn return_exceptions(self) -> GatherAll<T, E> {
        GatherAll { inner: self }
    }

    /// Cancels every child still running, in argument order; returns `true` if at least
    /// one accepted, `false` if the gather has returned or every child is done.
    ///
    /// Python: `gather(...).cancel(msg=None)`
    ///
    /// Once a child accepted, awaiting the gather gives a cancellation (the first child
    /// to end cancelled gives its own, with `message`), never the values: asyncio raises
    /// `CancelledError` from a cancelled gather even if every child went on to finish.
    /// Usually the gather is cancelled by cancelling (or dropping) what awaits it; this is
    /// the method for a gather held by value, as `gather(...)` is held in Python.
    ///
    /// # Examples
    ///
    /// ```
    /// use aio_rt::Runtime;
    /// use aio_tasks::{TaskError, create_task};
    /// let rt = aio_rt::Smol::new();
    /// rt.block_on(async {
    ///     let task = create_task(&rt, std::future::pending::<Result<u32, String>>());
    ///     let mut gathering = aio_gather::gather(&rt, [task.clone()]);
    ///     assert!(gathering.cancel(Some("stop")));
    ///     assert!(matches!(gathering.await, Err(TaskError::Cancelled(_))));
    ///     assert!(task.cancelled());
    /// });
    /// ```
    pub fn cancel(&mut self, message: Option<&str>) -> bool {
        if self.finished {
            return false;
        }
        let mut accepted = false;
        for task in &self.tasks {
            accepted |= task.cancel(message);
        }
        if accepted {
            self.cancel_requested = Some(message.map(str::to_owned));
        }
        accepted
    }

    /// Takes the outcomes of the children finished since the last poll. `Err` at the
    /// first failure when `stop_at_failure`; `Ok(true)` once every child has finished.
    fn collect(
        &mut self,
        cx: &mut Context<'_>,
        stop_at_failure: bool,
    ) -> Result<bool, TaskError<E>> {
        let mut failure = None;
        let mut done = Vec::new();
        self.children
            .poll_finished(cx, |index, outcome| done.push((index, outcome)));
        for (index, mut outcome) in done {
            if stop_at_failure && failure.is_none() {
                if let Err(error) = &outcome {
                    if matches!(error, TaskError::Cancelled(_)) {
                        // The child's own `CancelledError`, message and all, as asyncio's
                        // `fut._make_cancelled_error()`; with `return_exceptions` the slot
                        // gets one without the message (CPython: `CancelledError('')`),
                        // which stays for the child's own reader.
                        outcome = self.children.read(index).unwrap_or(outcome);
                    }
                    failure = outcome.as_ref().err().cloned();
                }
            }
            self.slots[index] = Some(outcome);
            self.remaining -= 1;
        }
        if let Some(error) = failure {
            self.finish();
            return Err(error);
        }
        if stop_at_failure && self.remaining == 0 && self.cancel_requested.take().is_some() {
            // Cancelled, yet no child ended cancelled: still a cancellation.
            let cancelled = self.cancelled_by_last_child();
            self.finish();
            return Err(TaskError::Cancelled(cancelled));
        }
        Ok(self.remaining == 0)
    }

    /// The gather returns: the callbacks on the children still running go on (and
    /// retrieve a late failure, as asyncio's gather marks it), cancelling nothing.
    fn finish(&mut self) {
        self.finished = true;
        self.children.close();
        self.unlink();
    }

    /// The gather is pending: the task awaiting it, if any, records it as what it awaits.
    fn link(&mut self) {
        if self.awaiting.is_none() && !self.tasks.is_empty() {
            if let Some(awaiting) = aio_rt::current_awaiting() {
                let outer = Outer(self.tasks.clone(), Arc::clone(&self.outer_cancelled));
                awaiting.set_waiting_on(Some(Arc::new(outer)));
                self.awaiting = Some(awaiting);
            }
        }
    }

    fn unlink(&mut self) {
        if let Some(awaiting) = self.awaiting.take() {
            awaiting.set_waiting_on(None);
        }
    }

    /// The `CancelledError` a cancelled gather ends with once every child has finished:
    /// asyncio's `outer.set_exception(fut._make_cancelled_error())`, where `fut` is the
    /// last child (the loop variable left over from building the results). So its message
    /// if that child was cancelled, read as a first reader reads it (its own later reader
    /// gets a bare `CancelledError`), and no message otherwise, whatever message the
    /// gather itself was cancelled with.
    fn cancelled_by_last_child(&mut self) -> CancelledError {
        let last = self.slots.len().checked_sub(1);
        let cancelled =
            last.is_some_and(|i| matches!(self.slots[i], Some(Err(TaskError::Cancelled(_)))));
        let message = match (last, cancelled) {
            (Some(i), true) => match self.children.read(i) {
                Some(Err(TaskError::Cancelled(error))) => error.message,
                _ => None,
            },
            _ => None,
        };
        CancelledError { message }
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
            Ok(false) => {
                this.link();
                Poll::Pending
            }
            Ok(true) => Poll::Ready(this.take_slots().collect()),
        }
    }
}

impl<T: Clone + Send + 'static, E: Clone + Send + 'static> Drop for Gather<T, E> {
    fn drop(&mut self) {
        self.unlink();
        if !self.finished {
            // Cancelling the gather cancels the children still running, in argument
            // order, as `_GatheringFuture.cancel` does.
            for task in &self.tasks {
                task.cancel(None);
            }
        }
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
/// A child that ended cancelled fills its slot with a [`TaskError::Cancelled`] without
/// its message (CPython puts `CancelledError('')` in the list): the message stays for
/// whoever awaits the child, as asyncio leaves it.
///
/// # Cancel safety
///
/// As [`Gather`]: dropping it unfinished cancels the tasks still running.
///
/// # Cancellation
///
/// [`cancel`](GatherAll::cancel) is [`Gather::cancel`]: once a child accepted, the gather
/// ends cancelled, whatever its children give, as asyncio's cancelled gather raises
/// `CancelledError` even with `return_exceptions=True`. The output, every outcome, has
/// no place for that `CancelledError`, so the gather raises it the Rust way: once every
/// child has finished, it cancels the task awaiting it, with the message, and that task
/// ends cancelled at its next turn (as a coroutine that does not catch the
/// `CancelledError` of `await gather(...)`). A `TaskGroup` running in that task takes the
/// cancellation first, as it takes any. Awaited outside any task (a bare `block_on`),
/// where there is no task to cancel, it gives the outcomes, each cancelled child in its
/// slot.
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
        if !matches!(this.collect(cx, false), Ok(true)) {
            this.link();
            return Poll::Pending;
        }
        if this.cancel_requested.take().is_some() {
            if let Some(task) = aio_tasks::current_task() {
                // The `CancelledError` asyncio raises into the awaiting coroutine: the
                // awaiting task is cancelled, and its driver drops us at its next turn.
                let cancelled = this.cancelled_by_last_child();
                this.finish();
                task.cancel(cancelled.message.as_deref());
                return Poll::Pending;
            }
        }
        if this.outer_cancelled.load(Ordering::Acquire) {
            // The awaiting task was cancelled through us: its own pending cancellation
            // ends it (with the message it was given, which it passed to the children),
            // and, as asyncio's gather, we read the last child's cancellation on the way.
            let _ = this.cancelled_by_last_child();
        }
        Poll::Ready(this.take_slots().collect())
    }
}

impl<T: Clone + Send + 'static, E: Clone + Send + 'static> GatherAll<T, E> {
    /// Cancels every child still running, in argument order; returns `true` if at least
    /// one accepted, `false` if the gather has returned or every child is done.
    ///
    /// Python: `gather(..., return_exceptions=True).cancel(msg=None)`
    ///
    /// As [`Gather::cancel`]; once a child accepted, the gather ends cancelled, which
    /// here cancels the task that awaits it (see the type's docs).
    ///
    /// # Examples
    ///
    /// ```
    /// use aio_rt::Runtime;
    /// use aio_tasks::{TaskError, create_task};
    /// let rt = aio_rt::Smol::new();
    /// let r = rt.clone();
    /// rt.block_on(async {
    ///     let child = create_task(&rt, std::future::pending::<Result<u32, String>>());
    ///     let waiter = create_task(&rt, async move {
    ///         let mut gathering = aio_gather::gather(&r, [child]).return_exceptions();
    ///         assert!(gathering.cancel(Some("stop")));
    ///         Ok::<_, String>(gathering.await.len())
    ///     });
    ///     match waiter.await {
    ///         Err(TaskError::Cancelled(e)) => assert_eq!(e.message.as_deref(), Some("stop")),
    ///         other => panic!("the waiter ends cancelled, not with {other:?}"),
    ///     }
    /// });
    /// ```
    pub fn cancel(&mut self, message: Option<&str>) -> bool {
        self.inner.cancel(message)
    }
}

impl<T: Clone + Send + 'static, E: Clone + Send + 'static> fmt::Debug for GatherAll<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("GatherAll").field(&self.inner).finish()
    }
}
