//! Definition of [`Shieldable`]: what [`shield`](crate::shield) can wait for.

use aio_futures::{DoneCallback, FutureError};
use aio_tasks::{CancelledError, Task, TaskError};

/// What [`Shieldable::when_done`] calls: given a reader of the outcome.
pub(crate) type Fill<O> = dyn FnOnce(&dyn Fn() -> (O, bool)) + Send;

/// Keeps the trait's methods out of reach: only this crate implements it.
mod sealed {
    pub trait Sealed {}
    impl<T, E> Sealed for aio_tasks::Task<T, E> {}
    impl<T> Sealed for aio_futures::Future<T> {}
}

/// What [`shield`](crate::shield) can wait for: an [`aio_tasks::Task`] or an
/// [`aio_futures::Future`]. Sealed: implemented for these two only.
///
/// Python: the awaitable passed to `asyncio.shield(aw)` (a task, or a future)
pub trait Shieldable: sealed::Sealed {
    /// What awaiting it (and so its [`Shield`](crate::Shield)) gives.
    type Output: Clone + Send + 'static;

    /// The outcome, and whether it is a cancellation, if it is done. Reading a failure
    /// retrieves it.
    #[doc(hidden)]
    fn outcome_now(&self) -> Option<(Self::Output, bool)>;

    /// Calls `fill` once it is done, from a done callback, with a reader of the outcome
    /// (and whether it is a cancellation): `fill` reads it only if it still wants it (a
    /// shield whose outer was cancelled first does not, as asyncio's shield removes its
    /// callback from the inner). A cancelled inner reads as a bare cancellation (asyncio's
    /// shield calls `outer.cancel()` without reading the inner); any other outcome read
    /// retrieves a failure.
    #[doc(hidden)]
    fn when_done(&self, fill: Box<Fill<Self::Output>>);

    /// The outcome of a cancelled outer, with the message given to `cancel`.
    #[doc(hidden)]
    fn cancelled_outcome(message: Option<String>) -> Self::Output;
}

impl<T, E> Shieldable for Task<T, E>
where
    T: Clone + Send + 'static,
    E: Clone + Send + 'static,
{
    type Output = Result<T, TaskError<E>>;

    fn outcome_now(&self) -> Option<(Self::Output, bool)> {
        self.done().then(|| (self.result(), self.cancelled()))
    }

    fn when_done(&self, fill: Box<Fill<Self::Output>>) {
        self.add_done_callback(move |task| {
            fill(&|| {
                if task.cancelled() {
                    (Self::cancelled_outcome(None), true)
                } else {
                    (task.result(), false)
                }
            });
        });
    }

    fn cancelled_outcome(message: Option<String>) -> Self::Output {
        Err(TaskError::Cancelled(CancelledError { message }))
    }
}

impl<T> Shieldable for aio_futures::Future<T>
where
    T: Clone + Send + 'static,
{
    type Output = Result<T, FutureError>;

    fn outcome_now(&self) -> Option<(Self::Output, bool)> {
        self.done().then(|| (self.result(), self.cancelled()))
    }

    fn when_done(&self, fill: Box<Fill<Self::Output>>) {
        // A done callback is an `Fn` (it can be compared and removed); it runs once.
        let fill = std::sync::Mutex::new(Some(fill));
        self.add_done_callback(DoneCallback::new(move |future: &aio_futures::Future<T>| {
            let fill = fill
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take();
            if let Some(fill) = fill {
                fill(&|| {
                    if future.cancelled() {
                        (Self::cancelled_outcome(None), true)
                    } else {
                        (future.result(), false)
                    }
                });
            }
        }));
    }

    fn cancelled_outcome(message: Option<String>) -> Self::Output {
        Err(FutureError::Cancelled(aio_futures::CancelledError::new(
            message,
        )))
    }
}
