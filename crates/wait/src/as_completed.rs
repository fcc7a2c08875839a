//! Definition of [`as_completed`] and the [`AsCompleted`] stream.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use aio_rt::Runtime;
use aio_tasks::Task;
use futures_lite::Stream;

use crate::ready::Ready;
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
/// # Differences from Python
///
/// As [`wait`](crate::wait): a task given twice is not merged (a task has no hash).
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
    let tasks: Vec<Task<T, E>> = tasks.into_iter().collect();
    let ready = Arc::new(Ready::default());
    for (index, task) in tasks.iter().enumerate() {
        let ready = Arc::clone(&ready);
        task.add_done_callback(move |_| {
            ready.push(index);
        });
    }
    AsCompleted {
        remaining: tasks.len(),
        tasks,
        ready,
        deadline: timeout.map(|t| Box::pin(rt.sleep(t))),
        finished: VecDeque::new(),
        batch: Vec::new(),
        ended: false,
    }
}

/// The stream of [`as_completed`].
///
/// Python: the iterator `asyncio.as_completed` returns
#[must_use = "streams do nothing unless polled"]
pub struct AsCompleted<R: Runtime, T: Send + 'static, E: Send + 'static> {
    tasks: Vec<Task<T, E>>,
    remaining: usize,
    ready: Arc<Ready>,
    deadline: Option<Pin<Box<R::Sleep>>>,
    /// Finished, not yet yielded, in completion order.
    finished: VecDeque<usize>,
    batch: Vec<usize>,
    ended: bool,
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
            let mut batch = std::mem::take(&mut this.batch);
            this.ready.drain(cx, &mut batch);
            this.finished.extend(batch.drain(..));
            this.batch = batch;
        }
        if let Some(index) = this.finished.pop_front() {
            this.remaining -= 1;
            return Poll::Ready(Some(this.tasks[index].result().map_err(WaitForError::Task)));
        }
        if this.remaining == 0 {
            this.end();
            return Poll::Ready(None);
        }
        if let Some(deadline) = &mut this.deadline {
            if deadline.as_mut().poll(cx).is_ready() {
                this.end();
                return Poll::Ready(Some(Err(WaitForError::Timeout(TimeoutError))));
            }
        }
        Poll::Pending
    }
}

impl<R: Runtime, T: Send + 'static, E: Send + 'static> AsCompleted<R, T, E> {
    fn end(&mut self) {
        self.ended = true;
        self.ready.close();
    }
}

impl<R: Runtime, T: Send + 'static, E: Send + 'static> Drop for AsCompleted<R, T, E> {
    fn drop(&mut self) {
        self.ready.close();
    }
}

impl<R: Runtime, T: Send + 'static, E: Send + 'static> fmt::Debug for AsCompleted<R, T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted")
            .field("tasks", &self.tasks.len())
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}
