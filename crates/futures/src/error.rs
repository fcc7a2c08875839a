//! The errors of a future: [`InvalidStateError`], [`CancelledError`], [`Exception`] and
//! [`FutureError`], which is one of the three.

use std::fmt;

use aio_rt::PyException;
use std::sync::Arc;

/// An operation that the future's state does not allow.
///
/// Python: `asyncio.InvalidStateError`
///
/// Display is asyncio's message, lowercase with no full stop: `invalid state` (setting a
/// done future), `result is not set` / `exception is not set` (reading a pending one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidStateError {
    message: &'static str,
    /// CPython's `str()`, capitalised and with its full stop.
    python: &'static str,
}

impl InvalidStateError {
    pub(crate) const DONE: InvalidStateError = InvalidStateError {
        message: "invalid state",
        python: "invalid state",
    };
    pub(crate) const NO_RESULT: InvalidStateError = InvalidStateError {
        message: "result is not set",
        python: "Result is not set.",
    };
    pub(crate) const NO_EXCEPTION: InvalidStateError = InvalidStateError {
        message: "exception is not set",
        python: "Exception is not set.",
    };

    /// The message.
    ///
    /// Python: `str(error)`
    pub fn message(&self) -> &'static str {
        self.message
    }
}

impl fmt::Display for InvalidStateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for InvalidStateError {}

/// The future was cancelled, with an optional message.
///
/// Python: `asyncio.CancelledError(msg)`
///
/// Display: `cancelled`, or `cancelled: <message>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancelledError {
    message: Option<String>,
}

impl CancelledError {
    /// A cancellation with an optional message.
    ///
    /// Python: `asyncio.CancelledError(msg)`
    pub fn new(message: Option<String>) -> CancelledError {
        CancelledError { message }
    }

    /// The message given to [`cancel_with`](crate::Future::cancel_with), if any.
    ///
    /// Python: `error.args[0]` (`str(error)`, empty without a message)
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
}

impl fmt::Display for CancelledError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(message) => write!(f, "cancelled: {message}"),
            None => f.write_str("cancelled"),
        }
    }
}

impl std::error::Error for CancelledError {}

/// The error a future was completed with, shared by everyone who reads it.
///
/// Python: the exception object passed to `future.set_exception(exc)`
///
/// Cloning shares the same error (an `Arc`), as every awaiter of a Python future gets the
/// same exception object.
///
/// # Examples
///
/// ```
/// use aio_futures::Exception;
///
/// let error = Exception::msg("bad input");
/// assert_eq!(error.to_string(), "bad input");
/// let io = Exception::new(std::io::Error::other("disk full"));
/// assert!(io.downcast_ref::<std::io::Error>().is_some());
/// ```
#[derive(Clone)]
pub struct Exception(
    Arc<dyn std::error::Error + Send + Sync>,
    Option<Arc<dyn PyException + Send + Sync>>,
);

impl Exception {
    /// Wraps an error.
    ///
    /// Python: `SomeError(...)`
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> Exception {
        Exception(Arc::new(error), None)
    }

    /// Wraps an error that says which Python exception it stands for: it keeps its class
    /// and `str()` in the traces (`Exception::new` gives a bare `Exception`).
    ///
    /// Python: `future.set_exception(ValueError("bad"))`
    ///
    /// # Examples
    ///
    /// ```
    /// use aio_futures::Exception;
    /// use aio_rt::{PyError, format_exception};
    ///
    /// let error = Exception::py(PyError::new("ValueError", "bad"));
    /// assert_eq!(format_exception(&error), "ValueError: bad");
    /// ```
    pub fn py<E>(error: E) -> Exception
    where
        E: std::error::Error + PyException + Send + Sync + 'static,
    {
        let error = Arc::new(error);
        Exception(error.clone(), Some(error))
    }

    /// An error that is just a message.
    ///
    /// Python: `Exception("message")`
    pub fn msg(message: impl Into<String>) -> Exception {
        Exception(Arc::new(Message(message.into())), None)
    }

    /// The error, if it is an `E`.
    ///
    /// Python: `isinstance(exc, E)`
    pub fn downcast_ref<E: std::error::Error + 'static>(&self) -> Option<&E> {
        self.0.downcast_ref()
    }
}

impl From<&str> for Exception {
    fn from(message: &str) -> Exception {
        Exception::msg(message)
    }
}

impl From<String> for Exception {
    fn from(message: String) -> Exception {
        Exception::msg(message)
    }
}

impl fmt::Display for Exception {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for Exception {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Exception")
            .field(&self.0.to_string())
            .finish()
    }
}

impl std::error::Error for Exception {}

/// An error that is only a message.
#[derive(Debug)]
struct Message(String);

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Message {}

/// What reading a future can raise.
///
/// Python: what `future.result()`, `future.exception()` and `await future` raise
///
/// | | pending | result set | exception set | cancelled |
/// |---|---|---|---|---|
/// | `result()` | `InvalidState` (result is not set) | `Ok(value)` | `Exception` | `Cancelled` |
/// | `exception()` | `InvalidState` (exception is not set) | `Ok(None)` | `Ok(Some(e))` | `Cancelled` |
/// | `.await` | waits | `Ok(value)` | `Exception` | `Cancelled` |
#[derive(Clone, Debug)]
pub enum FutureError {
    /// The future is not done yet.
    ///
    /// Python: `asyncio.InvalidStateError`
    InvalidState(InvalidStateError),
    /// The future was cancelled.
    ///
    /// Python: `asyncio.CancelledError`
    Cancelled(CancelledError),
    /// The future was completed with an error.
    ///
    /// Python: the exception set with `set_exception`, re-raised
    Exception(Exception),
}

impl fmt::Display for FutureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FutureError::InvalidState(error) => error.fmt(f),
            FutureError::Cancelled(error) => error.fmt(f),
            FutureError::Exception(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for FutureError {}

/// Python: `InvalidStateError('invalid state')`, `('Result is not set.')`,
/// `('Exception is not set.')`
impl PyException for InvalidStateError {
    fn py_type(&self) -> &str {
        "InvalidStateError"
    }

    fn py_str(&self) -> String {
        self.python.to_owned()
    }
}

/// Python: `CancelledError(message)`, a `BaseException`
impl PyException for CancelledError {
    fn py_type(&self) -> &str {
        "CancelledError"
    }

    fn py_str(&self) -> String {
        self.message.clone().unwrap_or_default()
    }

    fn is_base_exception(&self) -> bool {
        true
    }
}

/// The exception set keeps its class when it was built from a [`PyException`]
/// ([`Exception::py`]); any other error, and a message, is a bare `Exception`.
///
/// Python: the exception object passed to `set_exception`
impl PyException for Exception {
    fn py_type(&self) -> &str {
        match &self.1 {
            Some(py) => py.py_type(),
            None => "Exception",
        }
    }

    fn py_str(&self) -> String {
        match &self.1 {
            Some(py) => py.py_str(),
            None => self.0.to_string(),
        }
    }
}

/// Python: what `future.result()` raises
impl PyException for FutureError {
    fn py_type(&self) -> &str {
        match self {
            FutureError::InvalidState(e) => e.py_type(),
            FutureError::Cancelled(e) => e.py_type(),
            FutureError::Exception(e) => e.py_type(),
        }
    }

    fn py_str(&self) -> String {
        match self {
            FutureError::InvalidState(e) => e.py_str(),
            FutureError::Cancelled(e) => e.py_str(),
            FutureError::Exception(e) => e.py_str(),
        }
    }

    fn is_base_exception(&self) -> bool {
        matches!(self, FutureError::Cancelled(_))
    }
}
