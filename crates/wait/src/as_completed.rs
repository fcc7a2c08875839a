//! Definition of [`as_completed`] and the [`AsCompleted`] stream.

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
            this.children.retrieve(index);
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
