//! The Rust side of the shared exception formatter: what every scenario prints for an
//! error. The Python side is `exc(e)` in `harness/oracle/rosetta.py`; both follow one
//! rule, so a trace line with an exception is CPython's line or a difference.

use aio_rt::PyException;

/// An exception as the traces print it: `Type: str(e)`, or `Type` alone when `str(e)` is
/// empty, with every object repr collapsed to `<...>`.
///
/// Python: the oracle's `exc(e)`
///
/// No scenario types an exception's class or text by hand: it prints the error through
/// this, and the twin prints CPython's through `exc(e)` (`harness/tests/suite/exceptions.rs`
/// scans both for hand-written texts).
///
/// # Examples
///
/// ```
/// use aio_harness::exc;
///
/// assert_eq!(exc(&aio_queues::QueueEmpty), "QueueEmpty");
/// assert_eq!(exc(&aio_wait::EmptyError), "ValueError: Set of Tasks/Futures is empty.");
/// ```
pub fn exc(error: &(impl PyException + ?Sized)) -> String {
    aio_rt::format_exception(error)
}

/// The exception `error` was raised from, printed by [`exc`]; `None` when there is none.
///
/// Python: the oracle's `exc(e.__cause__)`
///
/// # Examples
///
/// ```
/// use aio_harness::{exc_cause};
///
/// assert_eq!(exc_cause(&aio_wait::TimeoutError::new()), "CancelledError");
/// assert_eq!(exc_cause(&aio_wait::EmptyError), "None");
/// ```
pub fn exc_cause(error: &(impl PyException + ?Sized)) -> String {
    match error.py_cause() {
        Some(cause) => exc(cause),
        None => "None".to_owned(),
    }
}
