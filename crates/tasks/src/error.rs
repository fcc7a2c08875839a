//! The errors of `aio-tasks`: [`CancelledError`], [`InvalidStateError`], [`TaskError`],
//! [`ExceptionGroup`], [`GroupError`] and [`SpawnError`].

use std::fmt;

use aio_rt::PyException;

/// A task was cancelled; the message is the one given to [`cancel`](crate::Task::cancel).
///
/// Python: `asyncio.CancelledError` (its `args[0]` is the message)
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CancelledError {
    /// The message passed to `cancel`, if any.
    pub message: Option<String>,
}

impl fmt::Display for CancelledError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(message) => write!(f, "task was cancelled: {message}"),
            None => f.write_str("task was cancelled"),
        }
    }
}

impl std::error::Error for CancelledError {}

/// The task has not finished, so it has no result or exception yet.
///
/// Python: `asyncio.InvalidStateError` ("Result is not set." / "Exception is not set.")
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvalidStateError {
    /// `result()` of an unfinished task.
    ResultNotSet,
    /// `exception()` of an unfinished task.
    ExceptionNotSet,
}

impl fmt::Display for InvalidStateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InvalidStateError::ResultNotSet => "result is not set",
            InvalidStateError::ExceptionNotSet => "exception is not set",
        })
    }
}

impl std::error::Error for InvalidStateError {}

/// Why a task gave no value.
///
/// Python: what `await task` / `task.result()` raise
///
/// A task's body returns `Result<T, E>`: `Err(e)` is the Python exception (the main
/// path), a panic is caught and kept as [`TaskError::Panicked`] (the secondary path: a
/// bug, not an expected failure). Awaiting a task never gives
/// [`InvalidState`](TaskError::InvalidState); only [`Task::result`](crate::Task::result)
/// and [`Task::exception`](crate::Task::exception) do, on an unfinished task.
#[derive(Clone, PartialEq, Eq)]
pub enum TaskError<E> {
    /// The task was cancelled.
    ///
    /// Python: `asyncio.CancelledError`
    Cancelled(CancelledError),
    /// The body returned `Err`.
    ///
    /// Python: the exception the coroutine raised
    Failed(E),
    /// The body panicked; the panic's message.
    ///
    /// Python: the exception the coroutine raised (an unexpected one)
    Panicked(String),
    /// The task has not finished.
    ///
    /// Python: `asyncio.InvalidStateError`
    InvalidState(InvalidStateError),
    /// The task awaited itself (it goes on; the awaited task, itself, is unaffected).
    ///
    /// Python: `RuntimeError("Task cannot await on itself")`
    SelfAwait(SelfAwaitError),
}

impl<E> TaskError<E> {
    /// Whether this is a cancellation.
    ///
    /// Python: `isinstance(exc, asyncio.CancelledError)`
    pub fn is_cancelled(&self) -> bool {
        matches!(self, TaskError::Cancelled(_))
    }

    /// Whether this is a failure of the task itself (`Failed` or `Panicked`), the kind
    /// asyncio reports when nobody retrieves it.
    ///
    /// Python: `task.exception() is not None`
    pub fn is_failure(&self) -> bool {
        matches!(self, TaskError::Failed(_) | TaskError::Panicked(_))
    }
}

impl<E: fmt::Debug> fmt::Debug for TaskError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Cancelled(e) => f.debug_tuple("Cancelled").field(&e.message).finish(),
            TaskError::Failed(e) => f.debug_tuple("Failed").field(e).finish(),
            TaskError::Panicked(m) => f.debug_tuple("Panicked").field(m).finish(),
            TaskError::InvalidState(e) => f.debug_tuple("InvalidState").field(e).finish(),
            TaskError::SelfAwait(e) => f.debug_tuple("SelfAwait").field(e).finish(),
        }
    }
}

impl<E: fmt::Display> fmt::Display for TaskError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskError::Cancelled(e) => e.fmt(f),
            TaskError::Failed(e) => e.fmt(f),
            TaskError::Panicked(m) => write!(f, "task panicked: {m}"),
            TaskError::InvalidState(e) => e.fmt(f),
            TaskError::SelfAwait(e) => e.fmt(f),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for TaskError<E> {}

/// Every failure of a [`TaskGroup`](crate::TaskGroup)'s children (and of its body), in
/// the order they happened; never a cancellation.
///
/// Python: `ExceptionGroup("unhandled errors in a TaskGroup", errors)`
///
/// Each entry is [`TaskError::Failed`] or [`TaskError::Panicked`].
#[derive(Clone, PartialEq, Eq)]
pub struct ExceptionGroup<E> {
    /// The failures, first first.
    pub errors: Vec<TaskError<E>>,
}

impl<E: fmt::Debug> fmt::Debug for ExceptionGroup<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.errors).finish()
    }
}

impl<E> fmt::Display for ExceptionGroup<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.errors.len();
        let plural = if n == 1 { "" } else { "s" };
        write!(
            f,
            "unhandled errors in a TaskGroup ({n} sub-exception{plural})"
        )
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for ExceptionGroup<E> {}

/// Why a [`TaskGroup`](crate::TaskGroup)'s [`run`](crate::TaskGroup::run) gave no value.
///
/// Python: what `async with asyncio.TaskGroup()` raises
#[derive(Clone, PartialEq, Eq)]
pub enum GroupError<E> {
    /// A child or the body failed: every failure.
    ///
    /// Python: `ExceptionGroup`
    Failed(ExceptionGroup<E>),
    /// `run` was polled outside any task (a raw runtime task, a bare `block_on`), so the
    /// group has no task to cancel when a child fails; the body never ran.
    ///
    /// Python: `RuntimeError("TaskGroup ... cannot determine the parent task")`
    NoParentTask,
}

impl<E> GroupError<E> {
    /// The failures, if the group failed (`None` for [`GroupError::NoParentTask`]).
    pub fn exceptions(&self) -> Option<&ExceptionGroup<E>> {
        match self {
            GroupError::Failed(group) => Some(group),
            GroupError::NoParentTask => None,
        }
    }
}

impl<E> From<ExceptionGroup<E>> for GroupError<E> {
    fn from(group: ExceptionGroup<E>) -> Self {
        GroupError::Failed(group)
    }
}

impl<E: fmt::Debug> fmt::Debug for GroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupError::Failed(group) => f.debug_tuple("Failed").field(group).finish(),
            GroupError::NoParentTask => f.write_str("NoParentTask"),
        }
    }
}

impl<E> fmt::Display for GroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupError::Failed(group) => group.fmt(f),
            GroupError::NoParentTask => f.write_str("taskgroup cannot determine the parent task"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for GroupError<E> {}

/// Spawning into a [`TaskGroup`](crate::TaskGroup) that no longer accepts tasks.
///
/// Python: the `RuntimeError` of `TaskGroup.create_task`
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpawnError {
    /// The group's `run` has not started.
    ///
    /// Python: `RuntimeError("TaskGroup ... has not been entered")`
    NotEntered,
    /// The group has ended.
    ///
    /// Python: `RuntimeError("TaskGroup ... is finished")`
    Finished,
    /// A child failed and the group is cancelling the others.
    ///
    /// Python: `RuntimeError("TaskGroup ... is shutting down")`
    ShuttingDown,
}

impl fmt::Display for SpawnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SpawnError::NotEntered => "taskgroup has not been entered",
            SpawnError::Finished => "taskgroup is finished",
            SpawnError::ShuttingDown => "taskgroup is shutting down",
        })
    }
}

impl std::error::Error for SpawnError {}

/// Python: `CancelledError(message)`: `str()` is the message, empty without one; a
/// `BaseException`, not an `Exception`
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

/// Python: `InvalidStateError('Result is not set.')` / `('Exception is not set.')`
impl PyException for InvalidStateError {
    fn py_type(&self) -> &str {
        "InvalidStateError"
    }

    fn py_str(&self) -> String {
        match self {
            InvalidStateError::ResultNotSet => "Result is not set.",
            InvalidStateError::ExceptionNotSet => "Exception is not set.",
        }
        .to_owned()
    }
}

/// A failure keeps its own class (`Failed(e)` is `e`'s exception); a panic is a bare
/// `Exception(message)`, as [`aio_rt::JoinError`] maps it: Rust keeps no class for a
/// panic, so a body that must raise a particular class returns it as its error.
///
/// Python: what `await task` raises
impl<E: PyException> PyException for TaskError<E> {
    fn py_type(&self) -> &str {
        match self {
            TaskError::Cancelled(e) => e.py_type(),
            TaskError::Failed(e) => e.py_type(),
            TaskError::Panicked(_) => "Exception",
            TaskError::InvalidState(e) => e.py_type(),
            TaskError::SelfAwait(e) => e.py_type(),
        }
    }

    fn py_str(&self) -> String {
        match self {
            TaskError::Cancelled(e) => e.py_str(),
            TaskError::Failed(e) => e.py_str(),
            TaskError::Panicked(message) => message.clone(),
            TaskError::InvalidState(e) => e.py_str(),
            TaskError::SelfAwait(e) => e.py_str(),
        }
    }

    fn py_cause(&self) -> Option<&dyn PyException> {
        match self {
            TaskError::Failed(e) => e.py_cause(),
            _ => None,
        }
    }

    fn py_repr(&self) -> String {
        match self {
            TaskError::Failed(e) => e.py_repr(),
            other => aio_rt::exception_repr(other),
        }
    }

    fn is_base_exception(&self) -> bool {
        match self {
            TaskError::Cancelled(_) => true,
            TaskError::Failed(e) => e.is_base_exception(),
            TaskError::Panicked(_) | TaskError::InvalidState(_) | TaskError::SelfAwait(_) => false,
        }
    }
}

/// Python: `ExceptionGroup('unhandled errors in a TaskGroup', errors)`, whose `str()` is
/// `unhandled errors in a TaskGroup (N sub-exceptions)`
impl<E: PyException> PyException for ExceptionGroup<E> {
    fn py_type(&self) -> &str {
        "ExceptionGroup"
    }

    fn py_str(&self) -> String {
        let n = self.errors.len();
        let plural = if n == 1 { "" } else { "s" };
        format!("unhandled errors in a TaskGroup ({n} sub-exception{plural})")
    }

    /// `ExceptionGroup('unhandled errors in a TaskGroup', [ValueError('boom')])`
    fn py_repr(&self) -> String {
        let members: Vec<String> = self.errors.iter().map(PyException::py_repr).collect();
        format!(
            "ExceptionGroup('unhandled errors in a TaskGroup', [{}])",
            members.join(", ")
        )
    }
}

/// Python: the `ExceptionGroup`, or `RuntimeError('TaskGroup <TaskGroup ...> cannot
/// determine the parent task')` (the group's repr collapsed to `<...>`, as in the traces)
impl<E: PyException> PyException for GroupError<E> {
    fn py_type(&self) -> &str {
        match self {
            GroupError::Failed(group) => group.py_type(),
            GroupError::NoParentTask => "RuntimeError",
        }
    }

    fn py_str(&self) -> String {
        match self {
            GroupError::Failed(group) => group.py_str(),
            GroupError::NoParentTask => {
                "TaskGroup <...> cannot determine the parent task".to_owned()
            }
        }
    }
}

/// Python: `RuntimeError('TaskGroup <TaskGroup ...> is finished')` / `is shutting down`;
/// the group's repr is `<...>` here, as the traces collapse every repr with an address
impl PyException for SpawnError {
    fn py_type(&self) -> &str {
        "RuntimeError"
    }

    fn py_str(&self) -> String {
        match self {
            SpawnError::NotEntered => "TaskGroup <...> has not been entered",
            SpawnError::Finished => "TaskGroup <...> is finished",
            SpawnError::ShuttingDown => "TaskGroup <...> is shutting down",
        }
        .to_owned()
    }
}

/// A task awaited itself: it would wait for its own end forever.
///
/// Python: `RuntimeError("Task cannot await on itself")`
///
/// What awaiting the task gives the task itself, at once ([`TaskError::SelfAwait`]);
/// the task goes on, as the coroutine that catches the `RuntimeError` does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SelfAwaitError;

impl fmt::Display for SelfAwaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task cannot await on itself")
    }
}

impl std::error::Error for SelfAwaitError {}

/// Python: `RuntimeError('Task cannot await on itself: <Task pending ...>')`; the task's
/// repr is `<Task pending>` here (the traces collapse every repr to `<...>`)
impl PyException for SelfAwaitError {
    fn py_type(&self) -> &str {
        "RuntimeError"
    }

    fn py_str(&self) -> String {
        "Task cannot await on itself: <Task pending>".to_owned()
    }
}
