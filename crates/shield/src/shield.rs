//! Definition of [`shield`], [`shield_future`] and the [`Shield`] future.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

use aio_rt::Runtime;
use aio_tasks::{CancelledError, Task, TaskError, create_task};

/// Waits for `task` without cancelling it when the wait is cancelled.
///
/// Python: `asyncio.shield(task)`
///
/// The outcome is the task's: its value, its failure, or `Cancelled` if the task itself
/// was cancelled (cancelling the inner cancels the outer). A task already finished gives
/// its outcome at once.
///
/// # Cancel safety
///
/// Dropping the [`Shield`] leaves the task running to completion; await the task (or
/// another `shield` of it) later for its outcome.
pub fn shield<T, E>(task: &Task<T, E>) -> Shield<T, E>
where
    T: Clone + Send + 'static,
    E: Clone + Send + 'static,
{
    if task.done() {
        // Already finished: the shield is the task's outcome, at once.
        let slot = Slot {
            outcome: Some(task.result()),
            waker: None,
        };
        return Shield {
            slot: Arc::new(Mutex::new(slot)),
        };
    }
    let slot = Arc::new(Mutex::new(Slot {
        outcome: None,
        waker: None,
    }));
    let filler = Arc::clone(&slot);
    // As asyncio's shield: a done callback on the inner task completes the outer.
    task.add_done_callback(move |task| {
        let mut slot = filler.lock().unwrap_or_else(PoisonError::into_inner);
        // asyncio's shield cancels the outer without reading the inner (`outer.cancel()`):
        // a bare CancelledError, and the inner keeps its message for its own reader.
        slot.outcome = Some(if task.cancelled() {
            Err(TaskError::Cancelled(CancelledError::default()))
        } else {
            task.result()
        });
        if let Some(waker) = slot.waker.take() {
            drop(slot);
            waker.wake();
        }
    });
    Shield { slot }
}

/// Runs `fut` as a task and waits for it through [`shield`]; returns the task too, so
/// that its outcome can be awaited after the shield was dropped.
///
/// Python: `asyncio.shield(coro)` (which wraps the coroutine in a task)
pub fn shield_future<R, F, T, E>(rt: &R, fut: F) -> (Task<T, E>, Shield<T, E>)
where
    R: Runtime,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Clone + Send + 'static,
    E: Clone + aio_rt::PyException + Send + Sync + 'static,
{
    let task = create_task(rt, fut);
    let shield = shield(&task);
    (task, shield)
}

/// The future of [`shield`]: the task's outcome.
///
/// Python: the outer future `asyncio.shield` returns
#[must_use = "a Shield does nothing unless awaited; dropping it never cancels the task"]
pub struct Shield<T, E> {
    slot: Arc<Mutex<Slot<T, E>>>,
}

struct Slot<T, E> {
    outcome: Option<Result<T, TaskError<E>>>,
    waker: Option<Waker>,
}

impl<T, E> Future for Shield<T, E> {
    type Output = Result<T, TaskError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.outcome.take() {
            Some(outcome) => Poll::Ready(outcome),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl<T, E> fmt::Debug for Shield<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Shield { .. }")
    }
}
