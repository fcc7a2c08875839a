//! The errors of `aio-wait`: [`TimeoutError`], [`EmptyError`] and [`WaitForError`].

use std::fmt;

use aio_tasks::TaskError;

/// A deadline passed.
///
/// Python: `TimeoutError` (since 3.11 `asyncio.TimeoutError` is the builtin)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeoutError;

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("timed out")
    }
}

impl std::error::Error for TimeoutError {}

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
