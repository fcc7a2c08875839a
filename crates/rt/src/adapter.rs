//! Building blocks for implementing [`Runtime`](crate::Runtime) on another executor.
//!
//! The adapters of this crate are made of these pieces, and so is `aio-loop`, the event
//! loop written from scratch: wrap each future with [`Tasks::spawn`] before handing it to
//! the executor, and return the [`JoinHandle`] it gives, and every runtime has the same
//! `JoinHandle` meaning (panics caught, cancellation, lost panics reported).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::core::{Core, Scheduled};
use crate::task::{DetachedFuture, TaskFuture};
use crate::{Clock, Config, Instant, JoinHandle, Sleep};

/// The task bookkeeping of one runtime instance: task numbering, the exception handler,
/// and, with [`Clock::Virtual`], the virtual clock and its scheduler.
///
/// Python: none (the part of `BaseEventLoop` that creates tasks and reports their
/// unretrieved exceptions)
///
/// An executor with a clock of its own (such as `aio-loop`, which keeps a timer heap)
/// builds `Tasks` with [`Clock::Real`]: the futures are then wrapped for the `JoinHandle`
/// meaning only, and time is the executor's business.
#[derive(Clone)]
pub struct Tasks {
    core: Arc<Core>,
}

impl Tasks {
    /// The bookkeeping for a runtime configured with `config`.
    ///
    /// Python: none
    pub fn new(config: Config) -> Tasks {
        Tasks {
            core: Core::new(config),
        }
    }

    /// The clock chosen in the configuration.
    ///
    /// Python: none
    pub fn clock(&self) -> Clock {
        self.core.clock()
    }

    /// The runtime's exception handler: what [`Runtime::reporter`](crate::Runtime::reporter)
    /// gives.
    ///
    /// Python: the loop's `_exception_handler`
    pub fn reporter(&self) -> &crate::Reporter {
        self.core.reporter()
    }

    /// Every task spawned through these `Tasks` and not finished, in spawn order: what
    /// [`Runtime::all_tasks`](crate::Runtime::all_tasks) gives.
    ///
    /// Python: `asyncio.all_tasks()`
    pub fn all_tasks(&self) -> Vec<crate::LiveTask> {
        self.core.all_tasks()
    }

    /// Wraps `fut` as a task: give the returned [`Task`] to the executor, and the handle
    /// to the caller of `spawn`.
    ///
    /// Python: `loop.create_task(coro)`
    pub fn spawn<F: Future>(&self, fut: F) -> (Task<F>, JoinHandle<F::Output>) {
        let (inner, handle) = self.core.spawn(fut);
        (Task { inner }, handle)
    }

    /// Wraps `fut` as a task without a handle: give the returned [`Detached`] to the
    /// executor. What [`Runtime::spawn_detached`](crate::Runtime::spawn_detached) needs.
    ///
    /// Python: `loop.create_task(coro)`, the task object dropped
    pub fn spawn_detached<F: Future<Output = ()>>(&self, fut: F) -> Detached<F> {
        Detached {
            inner: self.core.spawn_detached(fut),
        }
    }

    /// Wraps the blocking closure `f`: run the returned job on a thread, and give the handle
    /// to the caller of `spawn_blocking`.
    ///
    /// Python: `loop.run_in_executor(None, f)`
    pub fn blocking<F, T>(&self, f: F) -> (impl FnOnce() + Send + 'static, JoinHandle<T>)
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.core.blocking(f)
    }

    /// Wraps the future given to `block_on`.
    ///
    /// Python: `loop.run_until_complete(fut)` (the wrapping part)
    pub fn main<F: Future>(&self, fut: F) -> Main<F> {
        Main {
            inner: self.core.main(fut),
        }
    }

    /// The time on the configured clock.
    ///
    /// Python: `loop.time()`
    pub fn now(&self) -> Instant {
        self.core.now()
    }

    /// A sleep until `deadline` on the configured clock; on the real clock, `real` makes the
    /// executor's own timer from the wall-clock deadline.
    ///
    /// Python: `loop.call_at(when, ...)`
    pub fn sleep_until<T>(
        &self,
        deadline: Instant,
        real: impl FnOnce(std::time::Instant) -> T,
    ) -> Sleep<T> {
        self.core.sleep_until(deadline, real)
    }
}

impl fmt::Debug for Tasks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tasks")
            .field("clock", &self.clock())
            .finish()
    }
}

pin_project! {
    /// A spawned future, wrapped: hand it to the executor. It completes with `()`; its
    /// outcome goes to the [`JoinHandle`].
    ///
    /// Python: `asyncio.Task` (the part the loop steps)
    #[must_use = "a Task does nothing until an executor polls it"]
    pub struct Task<F: Future> {
        #[pin]
        inner: Scheduled<TaskFuture<F>>,
    }
}

impl<F: Future> Future for Task<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.project().inner.poll(cx)
    }
}

impl<F: Future> fmt::Debug for Task<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Task { .. }")
    }
}

pin_project! {
    /// A future spawned without a handle, wrapped: hand it to the executor. A panic is
    /// caught and reported to the exception handler.
    ///
    /// Python: `asyncio.Task` (the part the loop steps), for a task object nobody keeps
    #[must_use = "a Detached task does nothing until an executor polls it"]
    pub struct Detached<F> {
        #[pin]
        inner: Scheduled<DetachedFuture<F>>,
    }
}

impl<F: Future<Output = ()>> Future for Detached<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.project().inner.poll(cx)
    }
}

impl<F> fmt::Debug for Detached<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Detached { .. }")
    }
}

pin_project! {
    /// The future given to `block_on`, wrapped: poll it in place of the original.
    ///
    /// Python: none
    #[must_use = "a Main future does nothing until it is polled"]
    pub struct Main<F> {
        #[pin]
        inner: Scheduled<F>,
    }
}

impl<F: Future> Future for Main<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.project().inner.poll(cx)
    }
}

impl<F> fmt::Debug for Main<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Main { .. }")
    }
}

/// Whether this thread is running a task, or the future given to `block_on`, of a runtime
/// of this crate or of one built from [`Tasks`] (aio-loop): where blocking the thread
/// would stop the tasks it runs.
///
/// Python: `asyncio._get_running_loop() is not None`
///
/// A blocking job (`spawn_blocking`, `to_thread`) is not inside the runtime: it may call
/// `block_on`, as `asyncio.run` may be called from a thread of `asyncio.to_thread`.
pub fn in_running_runtime() -> bool {
    crate::core::polling()
}

/// Panics if [`in_running_runtime`]: what every adapter's `block_on` calls first, so that a
/// `block_on` inside a task fails at once instead of blocking (or deadlocking) the thread
/// that should run the tasks. `runtime` names the caller in the message.
///
/// Python: the check at the top of `asyncio.run()` ("cannot be called from a running
/// event loop")
///
/// # Panics
///
/// Inside a running runtime, with a message that names the fix.
///
/// ```
/// # #[cfg(feature = "smol")] {
/// use aio_rt::{Runtime, Smol};
/// use std::panic::{AssertUnwindSafe, catch_unwind};
///
/// let rt = Smol::new();
/// let inner = rt.clone();
/// let nested = rt.block_on(async move {
///     catch_unwind(AssertUnwindSafe(|| inner.block_on(async { 1 }))).is_err()
/// });
/// assert!(nested, "block_on inside block_on panics");
/// # }
/// ```
#[track_caller]
pub fn assert_not_in_running_runtime(runtime: &str) {
    if in_running_runtime() {
        panic!("{}", nested_block_on_message(runtime));
    }
}

/// The message of [`assert_not_in_running_runtime`].
fn nested_block_on_message(runtime: &str) -> String {
    format!(
        "{runtime}: block_on cannot be called from a running runtime (inside a task or \
         another block_on; Python: \"asyncio.run() cannot be called from a running event \
         loop\"): it would block the thread that runs the tasks. In async code, .await the \
         future instead, or spawn it on the runtime already running (aio_rt::Tokio::current(), \
         Tokio::from_handle, Smol::from_executor); blocking code belongs in spawn_blocking"
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_message_names_the_fix() {
        let message = super::nested_block_on_message("smol");
        assert!(message.starts_with("smol: block_on cannot be called from a running runtime"));
        assert!(message.contains(".await the future"));
        assert!(message.contains("Tokio::current()"));
        assert!(!super::in_running_runtime());
    }
}
