//! Definition of [`as_completed`] and the [`AsCompleted`] stream, and of
//! [`as_completed_tasks`] and its [`AsCompletedTasks`] stream (3.13's `async for`).

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use aio_rt::Runtime;
use aio_tasks::{Finished, Task, TaskError};
use futures_lite::Stream;

use crate::{TimeoutError, WaitForError};

/// The tasks' outcomes as a stream, in the order they finish.
///
/// Python: `for next in asyncio.as_completed(tasks, timeout=None): await next`
///
/// Each item is the next task's value, or `Err(WaitForError::Task(..))` for its failure
/// or cancellation. When `timeout` passes first, the next item is
/// `Err(WaitForError::Timeout(..))` and the stream ends; the tasks still running keep
/// running (asyncio raises `TimeoutError` from every remaining await; one is enough
/// in a stream). No tasks: the stream is empty.
///
/// A failure is retrieved when it is yielded (asyncio's `await next` reads it); a task
/// whose failure is never yielded (the stream was dropped or timed out first) and that
/// nobody reads is reported as "Task exception was never retrieved", as in asyncio.
///
/// As in asyncio (and [`wait`](crate::wait)), a task given twice counts once: duplicates
/// collapse, so each task's outcome comes once.
///
/// # Cancel safety
///
/// Dropping the stream cancels nothing.
pub fn as_completed<R, T, E>(
    rt: &R,
    tasks: impl IntoIterator<Item = Task<T, E>>,
    timeout: Option<Duration>,
) -> AsCompleted<R, T, E>
where
    R: Runtime,
    T: Clone + Send + 'static,
    E: Clone + Send + 'static,
{
    let tasks = crate::wait::distinct(tasks);
    AsCompleted {
        remaining: tasks.len(),
        // Retrieved when yielded, as asyncio's `await next` calls `f.result()`.
        children: Finished::observing(rt, &tasks),
        deadline: timeout.map(|t| Box::pin(rt.sleep(t))),
        finished: VecDeque::new(),
        ended: false,
    }
}

/// The stream of [`as_completed`].
///
/// Python: the iterator `asyncio.as_completed` returns
#[must_use = "streams do nothing unless polled"]
pub struct AsCompleted<R: Runtime, T: Clone + Send + 'static, E: Clone + Send + 'static> {
    remaining: usize,
    children: Finished<T, E>,
    deadline: Option<Pin<Box<R::Sleep>>>,
    /// Finished, not yet yielded, in completion order, with their index in `tasks`.
    finished: VecDeque<(usize, Result<T, TaskError<E>>)>,
    ended: bool,
}

// No field is pinned (the sleep is boxed).
impl<R: Runtime, T: Clone + Send + 'static, E: Clone + Send + 'static> Unpin
    for AsCompleted<R, T, E>
{
}

impl<R, T, E> Stream for AsCompleted<R, T, E>
where
    R: Runtime,
    T: Clone + Send + 'static,
    E: Clone + Send + 'static,
{
    type Item = Result<T, WaitForError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.ended {
            return Poll::Ready(None);
        }
        if this.finished.is_empty() && this.remaining > 0 {
            let finished = &mut this.finished;
            this.children
                .poll_finished(cx, |index, outcome| finished.push_back((index, outcome)));
        }
        if let Some((index, outcome)) = this.finished.pop_front() {
            this.remaining -= 1;
            // Yielding is reading: the failure is retrieved, the cancel message handed out.
            let outcome = this.children.read(index).unwrap_or(outcome);
            return Poll::Ready(Some(outcome.map_err(WaitForError::Task)));
        }
        if this.remaining == 0 {
            this.end();
            return Poll::Ready(None);
        }
        if let Some(deadline) = &mut this.deadline {
            if deadline.as_mut().poll(cx).is_ready() {
                this.end();
                return Poll::Ready(Some(Err(WaitForError::Timeout(TimeoutError::unchained()))));
            }
        }
        Poll::Pending
    }
}

impl<R: Runtime, T: Clone + Send + 'static, E: Clone + Send + 'static> AsCompleted<R, T, E> {
    fn end(&mut self) {
        self.ended = true;
        self.children.close();
    }
}

impl<R: Runtime, T: Clone + Send + 'static, E: Clone + Send + 'static> fmt::Debug
    for AsCompleted<R, T, E>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted")
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}

/// The tasks themselves as a stream, each as it finishes: the original handles, not
/// their outcomes.
///
/// Python: `async for task in asyncio.as_completed(tasks, timeout=None):` (3.13+)
///
/// Each item is one of the given tasks, done (read it with [`Task::result`], or await
/// it); [`as_completed`] is the older form, which yields the outcomes. When `timeout`
/// passes first, the next item is `Err(TimeoutError)` (with no cause, as asyncio's) and
/// the stream ends; the tasks still running keep running. Duplicates collapse, as in
/// [`as_completed`]. No tasks: the stream is empty.
///
/// A yielded task's failure is not read by the stream: if nobody reads it (await, `result`,
/// `exception`), it is reported as "Task exception was never retrieved", as in asyncio.
///
/// # Cancel safety
///
/// Dropping the stream cancels nothing.
///
/// # Examples
///
/// ```
/// use aio_rt::Runtime;
/// use aio_tasks::create_task;
/// use aio_wait::as_completed_tasks;
/// use futures_lite::StreamExt;
///
/// let rt = aio_rt::Smol::new();
/// rt.block_on(async {
///     let a = create_task(&rt, async { Ok::<_, String>("a") });
///     let mut done = as_completed_tasks(&rt, [a.clone()], None);
///     let first = done.next().await.unwrap().unwrap();
///     assert!(first == a && first.result() == Ok("a"));
///     assert!(done.next().await.is_none());
/// });
/// ```
pub fn as_completed_tasks<R, T, E>(
    rt: &R,
    tasks: impl IntoIterator<Item = Task<T, E>>,
    timeout: Option<Duration>,
) -> AsCompletedTasks<R, T, E>
where
    R: Runtime,
    T: Clone + Send + 'static,
    E: Clone + Send + 'static,
{
    let tasks = crate::wait::distinct(tasks);
    AsCompletedTasks {
        // The tasks are yielded, not their outcomes: nothing is read here.
        children: Finished::observing(rt, &tasks),
        remaining: tasks.len(),
        tasks: tasks.into_iter().map(Some).collect(),
        deadline: timeout.map(|t| Box::pin(rt.sleep(t))),
        finished: VecDeque::new(),
        ended: false,
    }
}

/// The stream of [`as_completed_tasks`].
///
/// Python: the asynchronous iterator `asyncio.as_completed` returns (3.13+)
#[must_use = "streams do nothing unless polled"]
pub struct AsCompletedTasks<R: Runtime, T: Clone + Send + 'static, E: Clone + Send + 'static> {
    /// The tasks not yielded yet, by index (a yielded one is taken).
    tasks: Vec<Option<Task<T, E>>>,
    remaining: usize,
    children: Finished<T, E>,
    deadline: Option<Pin<Box<R::Sleep>>>,
    /// Indices of the tasks finished, not yet yielded, in completion order.
    finished: VecDeque<usize>,
    ended: bool,
}

// No field is pinned (the sleep is boxed).
impl<R: Runtime, T: Clone + Send + 'static, E: Clone + Send + 'static> Unpin
    for AsCompletedTasks<R, T, E>
{
}

impl<R, T, E> Stream for AsCompletedTasks<R, T, E>
where
    R: Runtime,
    T: Clone + Send + 'static,
    E: Clone + Send + 'static,
{
    type Item = Result<Task<T, E>, TimeoutError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.ended {
            return Poll::Ready(None);
        }
        if this.finished.is_empty() && this.remaining > 0 {
            let finished = &mut this.finished;
            this.children
                .poll_finished(cx, |index, _| finished.push_back(index));
        }
        while let Some(index) = this.finished.pop_front() {
            if let Some(task) = this.tasks.get_mut(index).and_then(Option::take) {
                this.remaining -= 1;
                return Poll::Ready(Some(Ok(task)));
            }
        }
        if this.remaining == 0 {
            this.end();
            return Poll::Ready(None);
        }
        if let Some(deadline) = &mut this.deadline {
            if deadline.as_mut().poll(cx).is_ready() {
                this.end();
                return Poll::Ready(Some(Err(TimeoutError::unchained())));
            }
        }
        Poll::Pending
    }
}

impl<R: Runtime, T: Clone + Send + 'static, E: Clone + Send + 'static> AsCompletedTasks<R, T, E> {
    fn end(&mut self) {
        self.ended = true;
        self.children.close();
    }
}

impl<R: Runtime, T: Clone + Send + 'static, E: Clone + Send + 'static> fmt::Debug
    for AsCompletedTasks<R, T, E>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompletedTasks")
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}
