//! The loop's errors: [`NoRunningLoop`] and [`RunError`]; and [`CallbackException`], what a
//! callback that panicked raised.

use std::fmt;

use aio_rt::{PyError, PyException};

/// [`get_running_loop`](crate::get_running_loop) was called on a thread that runs no loop.
///
/// Python: `RuntimeError("no running event loop")`
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoRunningLoop;

impl fmt::Display for NoRunningLoop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no running event loop")
    }
}

impl std::error::Error for NoRunningLoop {}

/// Why [`run_until_complete`](crate::EventLoop::run_until_complete) or
/// [`run_forever`](crate::EventLoop::run_forever) could not run, or stopped without a result.
///
/// Python: the `RuntimeError`s of `BaseEventLoop.run_forever` / `run_until_complete`
///
/// Display follows asyncio's wording, lowercase with no full stop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// This loop is already running (on this thread or another one).
    ///
    /// Python: `RuntimeError("This event loop is already running")`
    AlreadyRunning,
    /// This thread already runs another loop: one loop per thread.
    ///
    /// Python: `RuntimeError("Cannot run the event loop while another loop is running")`
    AnotherLoopRunning,
    /// [`stop`](crate::EventLoop::stop) was called before the future completed.
    ///
    /// Python: `RuntimeError("Event loop stopped before Future completed.")`
    Stopped,
    /// Virtual clock only: nothing is ready, no timer is pending and no executor job runs,
    /// so nothing can ever happen again and the run can never finish.
    ///
    /// Python: none (asyncio's loop would wait forever; this project's CPython oracle
    /// raises after 10 s of nothing)
    Stalled,
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RunError::AlreadyRunning => "this event loop is already running",
            RunError::AnotherLoopRunning => {
                "cannot run the event loop while another loop is running"
            }
            RunError::Stopped => "event loop stopped before future completed",
            RunError::Stalled => {
                "virtual clock: nothing is ready, no timer is pending and no executor job \
                 runs, so the run can never finish"
            }
        })
    }
}

impl std::error::Error for RunError {}

/// Python: `RuntimeError('no running event loop')`
impl PyException for NoRunningLoop {
    fn py_type(&self) -> &str {
        "RuntimeError"
    }

    fn py_str(&self) -> String {
        "no running event loop".to_owned()
    }
}

/// Python: the `RuntimeError`s of `run_forever` / `run_until_complete`; `Stalled` has no
/// Python counterpart (asyncio would wait forever) and is a `RuntimeError` with this
/// project's words
impl PyException for RunError {
    fn py_type(&self) -> &str {
        "RuntimeError"
    }

    fn py_str(&self) -> String {
        match self {
            RunError::AlreadyRunning => "This event loop is already running".to_owned(),
            RunError::AnotherLoopRunning => {
                "Cannot run the event loop while another loop is running".to_owned()
            }
            RunError::Stopped => "Event loop stopped before Future completed.".to_owned(),
            RunError::Stalled => self.to_string(),
        }
    }
}

/// What a callback that panicked raised, as the exception handler gets it.
///
/// Python: `context["exception"]`, the exception a `call_soon` / `call_later` callback
/// raised
///
/// A callback has no error to return, so it raises by panicking. A panic with an
/// [`aio_rt::PyError`] payload (`std::panic::panic_any(PyError::new("ValueError",
/// "boom"))`) keeps its class, as `raise ValueError("boom")` does; a panic with a message
/// (`panic!("boom")`) stands for a bare `Exception("boom")`, as a task's panic does
/// ([`aio_rt::JoinError`]). `Display` is the message.
///
/// # Examples
///
/// ```
/// use aio_loop::CallbackException;
/// use aio_rt::{PyError, format_exception};
///
/// let raised = CallbackException::from(PyError::new("ValueError", "boom"));
/// assert_eq!(format_exception(&raised), "ValueError: boom");
/// assert_eq!(raised.to_string(), "boom");
/// assert_eq!(format_exception(&CallbackException::from("boom")), "Exception: boom");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallbackException(PyError);

impl CallbackException {
    /// The exception a panic payload stands for: a `PyError` as it is, a message as a bare
    /// `Exception`.
    pub(crate) fn from_panic(payload: &(dyn std::any::Any + Send)) -> CallbackException {
        if let Some(error) = payload.downcast_ref::<PyError>() {
            CallbackException(error.clone())
        } else if let Some(message) = payload.downcast_ref::<&str>() {
            CallbackException::from(*message)
        } else if let Some(message) = payload.downcast_ref::<String>() {
            CallbackException::from(message.clone())
        } else {
            CallbackException::from("<non-string panic payload>")
        }
    }
}

/// A message: a bare `Exception(message)`.
impl From<&str> for CallbackException {
    fn from(message: &str) -> CallbackException {
        CallbackException(PyError::new("Exception", message))
    }
}

/// A message: a bare `Exception(message)`.
impl From<String> for CallbackException {
    fn from(message: String) -> CallbackException {
        CallbackException(PyError::new("Exception", message))
    }
}

/// The exception the callback raised, class kept.
impl From<PyError> for CallbackException {
    fn from(error: PyError) -> CallbackException {
        CallbackException(error)
    }
}

impl fmt::Display for CallbackException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for CallbackException {}

/// Python: the callback's exception, `ValueError('boom')`, or `Exception('boom')` for a
/// plain panic
impl PyException for CallbackException {
    fn py_type(&self) -> &str {
        self.0.py_type()
    }

    fn py_str(&self) -> String {
        self.0.py_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_follow_asyncio() {
        assert_eq!(NoRunningLoop.to_string(), "no running event loop");
        assert_eq!(
            RunError::AlreadyRunning.to_string(),
            "this event loop is already running"
        );
        assert!(
            RunError::Stalled
                .to_string()
                .contains("the run can never finish")
        );
    }
}
