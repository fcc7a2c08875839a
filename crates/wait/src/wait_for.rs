//! Definition of [`wait_for`], [`wait_for_task`] and [`wait_for_future`].

use std::future::{IntoFuture, poll_fn};
use std::pin::pin;
use std::time::Duration;

use aio_futures::FutureError;
use aio_rt::Runtime;
use aio_tasks::{Task, TaskError};

use crate::{TimeoutError, WaitForError, timeout};

/// Awaits `fut` with a deadline: its output, or [`TimeoutError`] once `timeout` has
/// passed and `fut` has been dropped.
///
/// Python: `await asyncio.wait_for(coro, timeout)` (3.12 semantics)
///
/// - `None`: a plain await, never a timeout.
/// - Zero: `fut` is dropped before it ever runs, and the result is `TimeoutError`
///   (asyncio cancels the task it wrapped the coroutine in before it starts).
/// - Otherwise `fut` runs in a [`timeout`] scope; when the deadline passes it is
///   dropped, which in Rust *is* waiting until it has really finished: its destructors
///   run before `wait_for` returns.
/// - Unless an [`aio_tasks::catch_cancel`] is suspended in `fut` at the deadline: it
///   receives the cancellation and `fut` goes on; whatever `fut` then returns is
///   returned, as asyncio 3.12's `wait_for` returns what a coroutine returns after
///   catching its `CancelledError`. (`fut`'s output is opaque here, so a re-raise cannot
///   be told from a value: for a body that re-raises into a `TimeoutError`, use
///   [`Timeout::run_catching`](crate::Timeout::run_catching).)
///
/// For a [`Task`], use [`wait_for_task`]: awaiting a task here and dropping the await
/// requests its cancellation but does not wait for it to end. For an
/// [`aio_futures::Future`], use [`wait_for_future`]: a Rust future cannot be asked
/// whether it is done without running it, so here a zero delay never looks at `fut`
/// (right for a coroutine, which must not start; a done `asyncio.Future` would give its
/// result).
///
/// # Cancel safety
///
/// Dropping the future drops `fut` with it.
pub async fn wait_for<R, F>(
    rt: &R,
    fut: F,
    timeout: Option<Duration>,
) -> Result<F::Output, TimeoutError>
where
    R: Runtime,
    F: IntoFuture,
{
    match timeout {
        None => Ok(fut.await),
        Some(delay) if delay.is_zero() => Err(TimeoutError::new()),
        Some(delay) => {
            // A fresh scope entered once, without the task check: only its deadline can
            // end it early.
            // A body that caught the deadline's cancellation and ended gives its output,
            // whatever it is (its output is opaque: no re-raise can be seen in it).
            let mut scoped = pin!(self::timeout(rt, Some(delay)).scoped(fut.into_future(), false));
            poll_fn(|cx| scoped.as_mut().poll_output(cx))
                .await
                .map_err(|_| TimeoutError::new())
        }
    }
}

/// Awaits `task` with a deadline; on the deadline cancels it, waits until it has really
/// finished, and then gives [`WaitForError::Timeout`].
///
/// Python: `await asyncio.wait_for(task, timeout)` (3.12 semantics)
///
/// - `None`: a plain `task.await`.
/// - Zero: the task's outcome if it has already finished; otherwise it is cancelled
///   (before it starts, if it has not) and waited for.
/// - If the task does not end cancelled after the cancellation (it finished in the same
///   step, or its destructor panicked), that outcome replaces the `TimeoutError`, as in
///   asyncio where an exception raised while the inner is being cancelled wins.
///
/// # Cancel safety
///
/// Dropping the future while it waits cancels the task (as cancelling `wait_for`
/// cancels the inner in asyncio). If the caller is cancelled in the very step the
/// task finishes, the cancellation wins (3.12): the task's result stays on the task,
/// where `task.result()` reads it.
pub async fn wait_for_task<R, T, E>(
    rt: &R,
    task: &Task<T, E>,
    timeout: Option<Duration>,
) -> Result<T, WaitForError<E>>
where
    R: Runtime,
    T: Clone + Send + 'static,
    E: Clone + Send + 'static,
{
    match timeout {
        None => return Ok(task.await?),
        Some(delay) if delay.is_zero() => {
            if task.done() {
                return Ok(task.result()?);
            }
            task.cancel(None);
        }
        Some(delay) => {
            if let Ok(outcome) = self::timeout(rt, Some(delay))
                .scoped(task.into_future(), false)
                .await
            {
                return Ok(outcome?);
            }
            // The deadline dropped the await, which cancelled the task (one request, as
            // asyncio's cancellation reaches the awaited task once).
        }
    }
    // The deadline passed: wait until the cancelled task has really finished; a task
    // that catches the cancellation (`aio_tasks::catch_cancel`) and returns a value
    // gives that value.
    match task.await {
        Err(TaskError::Cancelled(_)) => Err(WaitForError::Timeout(TimeoutError::new())),
        outcome => Ok(outcome?),
    }
}

/// Awaits `future` with a deadline: its outcome, or [`TimeoutError`] once `timeout` has
/// passed and the future has been cancelled.
///
/// Python: `await asyncio.wait_for(fut, timeout)` (`fut` an `asyncio.Future`)
///
/// - `None`: a plain `future.wait()`.
/// - Zero: the outcome if the future is already done (its value, exception or
///   cancellation); otherwise it is cancelled, and the result is `TimeoutError`.
/// - Otherwise: the outcome, or, when the deadline passes first, the future is cancelled
///   and the result is `TimeoutError`.
///
/// # Cancel safety
///
/// Dropping the future of this call stops waiting; `future` stays as it is (cancelling
/// the `aio_tasks` task that awaits cancels it, as in asyncio).
pub async fn wait_for_future<R, T>(
    rt: &R,
    future: &aio_futures::Future<T>,
    timeout: Option<Duration>,
) -> Result<Result<T, FutureError>, TimeoutError>
where
    R: Runtime,
    T: Clone + Send + 'static,
{
    match timeout {
        None => return Ok(future.wait().await),
        Some(delay) if delay.is_zero() => {
            if future.done() {
                return Ok(future.result());
            }
        }
        Some(delay) => {
            if let Ok(outcome) = self::timeout(rt, Some(delay))
                .scoped(future.wait(), false)
                .await
            {
                return Ok(outcome);
            }
        }
    }
    // The deadline passed: the future is cancelled, and that cancellation becomes the
    // `TimeoutError` (asyncio: `raise TimeoutError from exc`).
    future.cancel();
    Err(TimeoutError::new())
}
