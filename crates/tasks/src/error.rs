//! The errors of `aio-tasks`: [`CancelledError`], [`InvalidStateError`], [`TaskError`],
//! [`ExceptionGroup`], [`SpawnError`] and the report [`UnretrievedFailure`].

use std::fmt;

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

/// Spawning into a [`TaskGroup`](crate::TaskGroup) that no longer accepts tasks.
///
/// Python: the `RuntimeError` of `TaskGroup.create_task`
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpawnError {
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
            SpawnError::Finished => "taskgroup is finished",
            SpawnError::ShuttingDown => "taskgroup is shutting down",
        })
    }
}

impl std::error::Error for SpawnError {}

/// A task failed and nobody retrieved the failure before the last handle to it was
/// dropped: what the exception handler receives.
///
/// Python: the context dict of "Task exception was never retrieved"
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnretrievedFailure {
    /// The task's name.
    pub task: String,
    /// The failure, as text (`Display` of the error, or `task panicked: ...`).
    pub error: String,
}

impl fmt::Display for UnretrievedFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "task exception was never retrieved: {}: {}",
            self.task, self.error
        )
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
