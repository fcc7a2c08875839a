//! Definition of [`catch_cancel`] and its [`CatchCancel`] future: asyncio's
//! `try: await x` / `except CancelledError:`, the opt-in second cancellation model, and
//! [`poll_catching`], which lets a scope (a `timeout`, a `TaskGroup`) see whether its body
//! catches.

use std::cell::Cell;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::CancelledError;
use crate::current::{self, Erased};

thread_local! {
    /// The `catch_cancel` frames that stayed suspended during the poll under way: each
    /// frame (and each scope polling its body through [`poll_catching`]) counts the frames
    /// below it this way.
    static SUSPENDED: Cell<u32> = const { Cell::new(0) };
}

/// Awaits `fut`, and hands the task's cancellation to the caller as a value if it comes
/// while the task is suspended in `fut`.
///
/// Python: `try: await fut` / `except asyncio.CancelledError as e:`
///
/// Outside `catch_cancel`, a cancelled task is dropped where it is suspended (Rust's
/// model, the default). Inside it, a cancellation drops only `fut`, and this returns
/// `Err(CancelledError)` with the cancel message; the body goes on, as an asyncio
/// coroutine goes on in its `except CancelledError:` block: it may clean up with awaits
/// (the request was delivered, so they are not cancelled again), then re-raise by
/// returning the error (an error whose Python class is `CancelledError` ends the task
/// cancelled), or swallow it and carry on (calling [`TaskRef::uncancel`](crate::TaskRef::uncancel)
/// when it means to, as asyncio's structured code does).
///
/// - A cancel requested while the task runs (it cancelled itself, or another thread did)
///   is delivered at its next suspension inside `catch_cancel`, as asyncio's
///   `_must_cancel` throws at the next `await` that suspends.
/// - If `fut` finishes without suspending, its value is returned and the request stays
///   pending, for the next suspension (inside or outside `catch_cancel`).
/// - Nested `catch_cancel`s: the innermost one suspended receives it, as the innermost
///   `try` catches.
/// - Outside any task (a bare `block_on`), nothing can cancel it: it is `fut`.
///
/// # Cancel safety
///
/// Dropping a `CatchCancel` drops `fut`, as any Rust future; a cancellation is only
/// delivered to one that is awaited.
///
/// # Examples
///
/// A task that cleans up with an await when it is cancelled, then re-raises:
///
/// ```
/// use std::time::Duration;
/// use aio_rt::Runtime;
/// use aio_tasks::{CancelledError, catch_cancel, create_task};
///
/// let rt = aio_rt::Smol::with_config(aio_rt::Config::default().clock(aio_rt::Clock::Virtual));
/// let r = rt.clone();
/// rt.block_on(async {
///     let task = create_task(&rt, async move {
///         match catch_cancel(r.sleep(Duration::from_secs(10))).await {
///             Ok(()) => Ok("slept"),
///             Err(cancelled) => {
///                 // The cleanup may await: the cancellation was delivered.
///                 r.sleep(Duration::from_secs(1)).await;
///                 Err::<&str, CancelledError>(cancelled)
///             }
///         }
///     });
///     rt.sleep(Duration::from_secs(1)).await;
///     task.cancel(Some("stop"));
///     let outcome = (&task).await;
///     assert!(task.cancelled());
///     assert_eq!(outcome.unwrap_err().to_string(), "task was cancelled: stop");
/// });
/// ```
pub fn catch_cancel<F: IntoFuture>(fut: F) -> CatchCancel<F::IntoFuture> {
    CatchCancel {
        fut: Some(fut.into_future()),
        task: None,
        suspended: false,
        nested: false,
        cleaning: None,
    }
}

pin_project! {
    #[project = CatchCancelProj]
    /// The future of [`catch_cancel`]: `fut`'s output, or the task's cancellation.
    ///
    /// Python: an `await` inside `try: ... except asyncio.CancelledError:`
    #[must_use = "a CatchCancel does nothing unless awaited"]
    pub struct CatchCancel<F> {
        #[pin]
        fut: Option<F>,
        // The task it runs in, found at the first poll.
        task: Option<Arc<dyn Erased>>,
        // Counted in the task's `catching` (suspended in `fut` since its last poll).
        suspended: bool,
        // A frame inside `fut` stayed suspended at the last poll: it takes the delivery.
        nested: bool,
        // The cancellation delivered, while `fut` finishes its cleanup (it accepted
        // `aio_rt::poll_cleanup`'s request: a `Condition::wait` taking its lock back).
        cleaning: Option<CancelledError>,
    }

    impl<F> PinnedDrop for CatchCancel<F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if *this.suspended {
                if let Some(task) = this.task.as_ref() {
                    task.catch_frame(false);
                }
            }
        }
    }
}

impl<F: Future> Future for CatchCancel<F> {
    type Output = Result<F::Output, CancelledError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let Some(fut) = this.fut.as_mut().as_pin_mut() else {
            return Poll::Pending;
        };
        if this.task.is_none() {
            *this.task = current::current();
        }
        let Some(task) = this.task.clone() else {
            // Outside any task nothing cancels it.
            return fut.poll(cx).map(Ok);
        };
        if this.cleaning.is_some() {
            // Cancellations made meanwhile are absorbed, as asyncio's `Condition.wait`
            // absorbs those that hit its `await self.acquire()` in its `finally`.
            let _ = task.take_cancel();
            task.set_catch_waker(cx.waker());
            // Asked again at each poll: a future that no longer accepts has finished its
            // cleanup (`wait_for` about to start a new `wait`) and is dropped.
            return match aio_rt::poll_cleanup(fut, cx, true) {
                aio_rt::Cleanup::Pending => Poll::Pending,
                _ => Poll::Ready(Err(this.finish(&task))),
            };
        }
        // Suspended here when the request came, and the innermost frame: the request is
        // delivered without running `fut` further (asyncio throws at the `await`), once
        // `fut` has done the cleanup it has to await, if any.
        if *this.suspended && !*this.nested {
            if let Some(cancelled) = task.take_cancel() {
                *this.cleaning = Some(cancelled);
                return match aio_rt::poll_cleanup(fut, cx, true) {
                    aio_rt::Cleanup::Pending => {
                        task.set_catch_waker(cx.waker());
                        Poll::Pending
                    }
                    _ => Poll::Ready(Err(this.finish(&task))),
                };
            }
        }
        let (polled, inside) = poll_counting(fut, cx);
        match polled {
            Poll::Ready(output) => {
                if std::mem::take(this.suspended) {
                    task.catch_frame(false);
                }
                this.fut.set(None);
                Poll::Ready(Ok(output))
            }
            Poll::Pending => {
                if !*this.suspended {
                    *this.suspended = true;
                    task.catch_frame(true);
                }
                *this.nested = inside > 0;
                task.set_catch_waker(cx.waker());
                SUSPENDED.with(|count| count.set(count.get() + 1));
                if task.cancel_pending() && !*this.nested {
                    // Requested during this poll: delivered at the next one, a loop turn
                    // later, as asyncio's task is rescheduled to receive it.
                    cx.waker().wake_by_ref();
                }
                Poll::Pending
            }
        }
    }
}

impl<F> CatchCancelProj<'_, F> {
    /// Drops `fut` and leaves the task's frames: the cancellation delivered is returned.
    fn finish(&mut self, task: &Arc<dyn Erased>) -> CancelledError {
        *self.suspended = false;
        task.catch_frame(false);
        self.fut.set(None);
        self.cleaning.take().unwrap_or_default()
    }
}

impl<F> std::fmt::Debug for CatchCancel<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatchCancel")
            .field("suspended", &self.suspended)
            .finish_non_exhaustive()
    }
}

/// Polls `fut`, counting the `catch_cancel` frames that stay suspended inside it; the
/// count is also added to the enclosing frame's.
fn poll_counting<F: Future + ?Sized>(
    fut: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> (Poll<F::Output>, u32) {
    let saved = SUSPENDED.with(|count| count.replace(0));
    let polled = fut.poll(cx);
    let inside = SUSPENDED.with(|count| count.replace(saved.saturating_add(count.get())));
    (polled, inside)
}

/// Polls a scope's body, and tells whether a [`catch_cancel`] frame stays suspended in it:
/// a scope that cancels its body (a `timeout`, a `TaskGroup`) then delivers the
/// cancellation to that frame ([`TaskRef::deliver_cancel`](crate::TaskRef::deliver_cancel))
/// instead of dropping the body.
///
/// Python: none (Rust only: asyncio always throws into the body; here the body is dropped
/// unless it catches, and only a scope that polls through this can tell)
pub fn poll_catching<F: Future + ?Sized>(
    fut: Pin<&mut F>,
    cx: &mut Context<'_>,
) -> (Poll<F::Output>, bool) {
    let (polled, inside) = poll_counting(fut, cx);
    (polled, inside > 0)
}
