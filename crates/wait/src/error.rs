//! The errors of `aio-wait`: [`TimeoutError`], [`EmptyError`], [`WaitForError`],
//! [`TimeoutStateError`] and [`ScopeError`].

use std::fmt;

use aio_rt::PyException;

use aio_tasks::TaskError;

/// A deadline passed.
///
/// Python: `TimeoutError` (since 3.11 `asyncio.TimeoutError` is the builtin)
///
/// The `TimeoutError` of [`wait_for`](crate::wait_for) and [`timeout`](crate::timeout) is
/// raised from the `CancelledError` of the wait it ended, as CPython's is (`raise
/// TimeoutError from exc`): [`source`](std::error::Error::source) and
/// [`py_cause`](PyException::py_cause) give it. The one [`as_completed`](crate::as_completed)
/// yields has no cause, as CPython's has none.
///
/// # Examples
///
/// ```
/// use std::error::Error;
///
/// let error = aio_wait::TimeoutError::new();
/// assert!(error.source().is_some());
/// assert_eq!(aio_rt::format_exception(&error), "TimeoutError");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeoutError {
    /// Raised from the `CancelledError` of the wait (every case but `as_completed`).
    chained: bool,
}

impl TimeoutError {
    /// The `TimeoutError` of a deadline that cancelled a wait: raised from its
    /// `CancelledError`.
    ///
    /// Python: `raise TimeoutError from exc` (in `wait_for`, `timeout`)
    pub const fn new() -> TimeoutError {
        TimeoutError { chained: true }
    }

    /// The `TimeoutError` of `as_completed`, raised from nothing.
    pub(crate) const fn unchained() -> TimeoutError {
        TimeoutError { chained: false }
    }
}

impl Default for TimeoutError {
    fn default() -> TimeoutError {
        TimeoutError::new()
    }
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline passed")
    }
}

impl std::error::Error for TimeoutError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.chained.then_some(&DEADLINE_CANCEL as _)
    }
}

/// [`wait`](crate::wait) or [`as_completed`](crate::as_completed) was given no task.
///
/// Python: `ValueError("Set of Tasks/Futures is empty.")`
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EmptyError;

impl fmt::Display for EmptyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("set of tasks/futures is empty")
    }
}

impl std::error::Error for EmptyError {}

/// Why waiting for a task with a deadline gave no value: the deadline, or the task's own
/// outcome.
///
/// Python: `TimeoutError`, or what `await task` raises
#[derive(Clone, PartialEq, Eq)]
pub enum WaitForError<E> {
    /// The deadline passed (the task was cancelled and has finished cancelled).
    ///
    /// Python: `TimeoutError`
    Timeout(TimeoutError),
    /// The task failed, panicked or was cancelled by someone else.
    ///
    /// Python: the exception of the task
    Task(TaskError<E>),
}

impl<E> From<TaskError<E>> for WaitForError<E> {
    fn from(error: TaskError<E>) -> Self {
        WaitForError::Task(error)
    }
}

impl<E: fmt::Debug> fmt::Debug for WaitForError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitForError::Timeout(_) => f.write_str("Timeout"),
            WaitForError::Task(e) => f.debug_tuple("Task").field(e).finish(),
        }
    }
}

impl<E: fmt::Display> fmt::Display for WaitForError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitForError::Timeout(e) => e.fmt(f),
            WaitForError::Task(e) => e.fmt(f),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for WaitForError<E> {}

/// A [`Timeout`](crate::Timeout) scope used in a way asyncio refuses.
///
/// Python: the `RuntimeError` of `asyncio.Timeout`'s `reschedule` and `__aenter__`
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeoutStateError {
    /// [`reschedule`](crate::Timeout::reschedule) before the scope's body has started.
    ///
    /// Python: `RuntimeError("Timeout has not been entered")`
    NotEntered,
    /// The scope was entered already (a second [`run`](crate::Timeout::run) of a clone).
    ///
    /// Python: `RuntimeError("Timeout has already been entered")`
    AlreadyEntered,
    /// The scope was entered outside any [`aio_tasks`] task.
    ///
    /// Python: `RuntimeError("Timeout should be used inside a task")`
    OutsideTask,
    /// `reschedule` after the deadline passed.
    ///
    /// Python: `RuntimeError("Cannot change state of expired Timeout")`
    Expired,
    /// `reschedule` after the body ended (or was dropped).
    ///
    /// Python: `RuntimeError("Cannot change state of finished Timeout")`
    Finished,
}

impl fmt::Display for TimeoutStateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutStateError::NotEntered => "timeout has not been entered",
            TimeoutStateError::AlreadyEntered => "timeout has already been entered",
            TimeoutStateError::OutsideTask => "timeout should be used inside a task",
            TimeoutStateError::Expired => "cannot change state of expired timeout",
            TimeoutStateError::Finished => "cannot change state of finished timeout",
        })
    }
}

impl std::error::Error for TimeoutStateError {}

/// Why a [`Timeout`](crate::Timeout) scope's body gave no output: its deadline passed,
/// or the scope could not be entered.
///
/// Python: what `async with asyncio.timeout(...)` raises: `TimeoutError`, or the
/// `RuntimeError` of `__aenter__`
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeError {
    /// The deadline passed; the body was dropped.
    ///
    /// Python: `TimeoutError`
    Timeout(TimeoutError),
    /// The scope was entered before, or outside any task; the body never ran.
    ///
    /// Python: `RuntimeError`
    State(TimeoutStateError),
}

impl fmt::Display for ScopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScopeError::Timeout(e) => e.fmt(f),
            ScopeError::State(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ScopeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ScopeError::Timeout(e) => std::error::Error::source(e),
            ScopeError::State(_) => None,
        }
    }
}

/// The `CancelledError` a deadline's `TimeoutError` is raised from.
static DEADLINE_CANCEL: aio_tasks::CancelledError = aio_tasks::CancelledError { message: None };

/// Python: `TimeoutError()`, whose `str()` is empty, raised from the `CancelledError` of
/// the wait it ended (`raise TimeoutError from exc`, in `wait_for` and `timeout`; not in
/// `as_completed`)
impl PyException for TimeoutError {
    fn py_type(&self) -> &str {
        "TimeoutError"
    }

    fn py_str(&self) -> String {
        String::new()
    }

    fn py_cause(&self) -> Option<&dyn PyException> {
        self.chained.then_some(&DEADLINE_CANCEL as _)
    }
}

/// Python: `ValueError('Set of Tasks/Futures is empty.')`
impl PyException for EmptyError {
    fn py_type(&self) -> &str {
        "ValueError"
    }

    fn py_str(&self) -> String {
        "Set of Tasks/Futures is empty.".to_owned()
    }
}

/// Python: `TimeoutError`, or the task's exception
impl<E: PyException> PyException for WaitForError<E> {
    fn py_type(&self) -> &str {
        match self {
            WaitForError::Timeout(e) => e.py_type(),
            WaitForError::Task(e) => e.py_type(),
        }
    }

    fn py_str(&self) -> String {
        match self {
            WaitForError::Timeout(e) => e.py_str(),
            WaitForError::Task(e) => e.py_str(),
        }
    }

    fn py_cause(&self) -> Option<&dyn PyException> {
        match self {
            WaitForError::Timeout(e) => e.py_cause(),
            WaitForError::Task(e) => e.py_cause(),
        }
    }

    fn is_base_exception(&self) -> bool {
        match self {
            WaitForError::Timeout(_) => false,
            WaitForError::Task(e) => e.is_base_exception(),
        }
    }
}

/// Python: `RuntimeError('Timeout has not been entered')`, `('Timeout has already been
/// entered')`, `('Timeout should be used inside a task')`, `('Cannot change state of
/// expired Timeout')`, `('Cannot change state of finished Timeout')`
impl PyException for TimeoutStateError {
    fn py_type(&self) -> &str {
        "RuntimeError"
    }

    fn py_str(&self) -> String {
        match self {
            TimeoutStateError::NotEntered => "Timeout has not been entered",
            TimeoutStateError::AlreadyEntered => "Timeout has already been entered",
            TimeoutStateError::OutsideTask => "Timeout should be used inside a task",
            TimeoutStateError::Expired => "Cannot change state of expired Timeout",
            TimeoutStateError::Finished => "Cannot change state of finished Timeout",
        }
        .to_owned()
    }
}

/// Python: `TimeoutError` (raised from the `CancelledError`), or the `RuntimeError`
impl PyException for ScopeError {
    fn py_type(&self) -> &str {
        match self {
            ScopeError::Timeout(e) => e.py_type(),
            ScopeError::State(e) => e.py_type(),
        }
    }

    fn py_str(&self) -> String {
        match self {
            ScopeError::Timeout(e) => e.py_str(),
            ScopeError::State(e) => e.py_str(),
        }
    }

    fn py_cause(&self) -> Option<&dyn PyException> {
        match self {
            ScopeError::Timeout(e) => e.py_cause(),
            ScopeError::State(_) => None,
        }
    }
}
