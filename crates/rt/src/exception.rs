//! Definition of [`PyException`], the Python exception a Rust error stands for, and
//! [`PyError`], a plain Python exception for code that raises one of its own.
//!
//! Every public error of the workspace implements [`PyException`]: its class name, its
//! `str()` exactly as CPython gives it (empty where CPython's is empty), the exception it
//! is chained from (`__cause__`), and whether it is a `BaseException` that is not an
//! `Exception` (`CancelledError`). `Display` stays in Rust's style (`queue is full`); the
//! traces and the docs show CPython's form through [`format_exception`]:
//!
//! | Rust error | `Display` | [`format_exception`] |
//! |---|---|---|
//! | `aio_queues::QueueFull` | `queue is full` | `QueueFull` |
//! | `aio_wait::EmptyError` | `set of tasks/futures is empty` | `ValueError: Set of Tasks/Futures is empty.` |
//! | `PyError::new("ZeroDivisionError", "division by zero")` | `division by zero` | `ZeroDivisionError: division by zero` |

use std::borrow::Cow;
use std::fmt;

/// The Python exception a Rust error stands for.
///
/// Python: `BaseException` as a program sees it: `type(e).__name__`, `str(e)`,
/// `e.__cause__`, and `isinstance(e, Exception)`
///
/// Implement it for an error of your own so that it prints, in a trace, as the Python
/// exception it translates. A `String` or `&str` error stands for a bare
/// `Exception(message)`.
///
/// # Examples
///
/// ```
/// use aio_rt::{format_exception, PyException};
///
/// #[derive(Debug)]
/// struct OutOfStock;
///
/// impl PyException for OutOfStock {
///     fn py_type(&self) -> &str {
///         "LookupError"
///     }
///     fn py_str(&self) -> String {
///         "out of stock".to_owned()
///     }
/// }
///
/// assert_eq!(format_exception(&OutOfStock), "LookupError: out of stock");
/// ```
pub trait PyException {
    /// The class name, unqualified: `QueueFull`, `TimeoutError`, `RuntimeError`.
    ///
    /// Python: `type(e).__name__`
    fn py_type(&self) -> &str;

    /// The message exactly as CPython's `str(e)` gives it: empty where CPython's is empty
    /// (`str(asyncio.QueueFull())` is `''`).
    ///
    /// Python: `str(e)`
    fn py_str(&self) -> String;

    /// The exception this one was raised from, where CPython sets it (the `TimeoutError`
    /// of `wait_for` is raised from the `CancelledError` of the inner wait).
    ///
    /// Python: `e.__cause__`
    fn py_cause(&self) -> Option<&dyn PyException> {
        None
    }

    /// Whether it is a `BaseException` that is not an `Exception`, as `CancelledError`
    /// is since Python 3.8: `except Exception` does not catch it.
    ///
    /// Python: `not isinstance(e, Exception)`
    fn is_base_exception(&self) -> bool {
        false
    }

    /// The exception's repr: by default a one-argument exception's,
    /// [`exception_repr`](crate::exception_repr) (`ValueError('boom')`); an
    /// `ExceptionGroup` lists its members instead.
    ///
    /// Python: `repr(e)`
    fn py_repr(&self) -> String {
        crate::exception_repr(self)
    }
}

/// A plain message stands for Python's bare `Exception(message)`.
///
/// Python: `Exception(message)`
impl PyException for String {
    fn py_type(&self) -> &str {
        "Exception"
    }

    fn py_str(&self) -> String {
        self.clone()
    }
}

/// A plain message stands for Python's bare `Exception(message)`.
///
/// Python: `Exception(message)`
impl PyException for &str {
    fn py_type(&self) -> &str {
        "Exception"
    }

    fn py_str(&self) -> String {
        (*self).to_owned()
    }
}

/// Never raised: a body that cannot fail.
///
/// Python: none
impl PyException for std::convert::Infallible {
    fn py_type(&self) -> &str {
        match *self {}
    }

    fn py_str(&self) -> String {
        match *self {}
    }
}

impl<T: PyException + ?Sized> PyException for Box<T> {
    fn py_type(&self) -> &str {
        (**self).py_type()
    }

    fn py_str(&self) -> String {
        (**self).py_str()
    }

    fn py_cause(&self) -> Option<&dyn PyException> {
        (**self).py_cause()
    }

    fn is_base_exception(&self) -> bool {
        (**self).is_base_exception()
    }
}

impl<T: PyException + ?Sized> PyException for std::sync::Arc<T> {
    fn py_type(&self) -> &str {
        (**self).py_type()
    }

    fn py_str(&self) -> String {
        (**self).py_str()
    }

    fn py_cause(&self) -> Option<&dyn PyException> {
        (**self).py_cause()
    }

    fn is_base_exception(&self) -> bool {
        (**self).is_base_exception()
    }
}

/// Prints an exception as the traces print it: `Type: str(e)`, or `Type` alone when
/// `str(e)` is empty; every object repr (`<TaskGroup tasks=1 cancelling>`,
/// `<Task pending name='t' coro=<...> at 0x7f..>`) is collapsed to `<...>`, so that no
/// address and no repr detail reaches a trace.
///
/// Python: the oracle's `exc(e)` (`harness/oracle/rosetta.py`), the same rule
///
/// # Examples
///
/// ```
/// use aio_rt::format_exception;
///
/// assert_eq!(format_exception(&"boom"), "Exception: boom");
/// assert_eq!(format_exception(&aio_rt::JoinError::Cancelled), "CancelledError");
/// ```
pub fn format_exception(error: &(impl PyException + ?Sized)) -> String {
    let raw = error.py_str();
    let text = collapse_reprs(&raw);
    if text.is_empty() {
        error.py_type().to_owned()
    } else {
        format!("{}: {text}", error.py_type())
    }
}

/// Replaces every outermost `<...>` (an object repr, nested ones included) by `<...>`; an
/// unbalanced `<` is left as it is.
fn collapse_reprs(text: &str) -> Cow<'_, str> {
    if !text.contains('<') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let mut depth = 0usize;
        let close = rest[open..].char_indices().find_map(|(i, c)| {
            match c {
                '<' => depth += 1,
                '>' => depth -= 1,
                _ => return None,
            }
            (depth == 0).then_some(open + i)
        });
        match close {
            Some(close) => {
                out.push_str("<...>");
                rest = &rest[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// A Python exception raised by the program itself: a class name and a message.
///
/// Python: `raise ValueError("bad input")`, any exception class of the program's own
///
/// The translation of `raise SomeError(msg)` where the class matters to the trace; a
/// plain `String` error stands for a bare `Exception`.
///
/// # Examples
///
/// ```
/// use aio_rt::{format_exception, PyError};
///
/// let error = PyError::new("ZeroDivisionError", "division by zero");
/// assert_eq!(format_exception(&error), "ZeroDivisionError: division by zero");
/// assert_eq!(error.to_string(), "division by zero");
/// assert_eq!(format_exception(&PyError::new("KeyError", "")), "KeyError");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PyError {
    class: Cow<'static, str>,
    message: String,
}

impl PyError {
    /// An exception of class `class` with `str()` `message` (empty for none).
    ///
    /// Python: `class_(message)`
    pub fn new(class: impl Into<Cow<'static, str>>, message: impl Into<String>) -> PyError {
        PyError {
            class: class.into(),
            message: message.into(),
        }
    }

    /// The same class and message as any other exception: a `PyError` that stands for it.
    ///
    /// Python: none (Rust only: one error type for a body that may raise several)
    pub fn from_py(error: &(impl PyException + ?Sized)) -> PyError {
        PyError::new(error.py_type().to_owned(), error.py_str())
    }

    /// The class name.
    ///
    /// Python: `type(e).__name__`
    pub fn class(&self) -> &str {
        &self.class
    }

    /// The message.
    ///
    /// Python: `str(e)`
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for PyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            f.write_str(&self.class)
        } else {
            f.write_str(&self.message)
        }
    }
}

impl std::error::Error for PyError {}

impl PyException for PyError {
    fn py_type(&self) -> &str {
        &self.class
    }

    fn py_str(&self) -> String {
        self.message.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoke() {
        assert_eq!(
            format_exception(&PyError::new("QueueFull", "")),
            "QueueFull"
        );
        assert_eq!(format_exception(&"x".to_owned()), "Exception: x");
    }

    #[test]
    fn reprs_are_collapsed() {
        let error = PyError::new(
            "RuntimeError",
            "Task <Task pending coro=<main() running at x.py:3> at 0x7f> got Future <Future pending> attached",
        );
        assert_eq!(
            format_exception(&error),
            "RuntimeError: Task <...> got Future <...> attached"
        );
        let unbalanced = PyError::new("ValueError", "a <b");
        assert_eq!(format_exception(&unbalanced), "ValueError: a <b");
    }
}
