//! The errors: asyncio's QueueFull, QueueEmpty, QueueShutDown, and task_done's ValueError.

use std::error::Error;
use std::fmt;

use aio_rt::PyException;

/// `put_nowait` on a full queue; carries the item back.
///
/// Python: `asyncio.QueueFull`
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct QueueFull<T>(pub T);

impl<T> QueueFull<T> {
    /// The item that was not put.
    ///
    /// Python: none (Rust only: Python keeps the item in the caller's variable)
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for QueueFull<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("QueueFull(..)")
    }
}

impl<T> fmt::Display for QueueFull<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("queue is full")
    }
}

impl<T> Error for QueueFull<T> {}

/// `get_nowait` on an empty queue.
///
/// Python: `asyncio.QueueEmpty`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueEmpty;

impl fmt::Display for QueueEmpty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("queue is empty")
    }
}

impl Error for QueueEmpty {}

/// The queue is shut down: a put fails (and carries its item back), a get fails once
/// the queue is empty (with `T = ()`).
///
/// Python: `asyncio.QueueShutDown` (3.13)
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct QueueShutDown<T = ()>(pub T);

impl<T> QueueShutDown<T> {
    /// The item that was not put (`()` for a get).
    ///
    /// Python: none (Rust only: Python keeps the item in the caller's variable)
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> fmt::Debug for QueueShutDown<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("QueueShutDown(..)")
    }
}

impl<T> fmt::Display for QueueShutDown<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("queue is shut down")
    }
}

impl<T> Error for QueueShutDown<T> {}

/// Why `put_nowait` failed; either way the item comes back.
///
/// Python: `asyncio.QueueFull` or `asyncio.QueueShutDown` raised by `put_nowait`
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PutNowaitError<T> {
    /// The queue is full.
    Full(QueueFull<T>),
    /// The queue is shut down.
    ShutDown(QueueShutDown<T>),
}

impl<T> PutNowaitError<T> {
    /// The item that was not put.
    ///
    /// Python: none (Rust only)
    pub fn into_inner(self) -> T {
        match self {
            PutNowaitError::Full(QueueFull(item))
            | PutNowaitError::ShutDown(QueueShutDown(item)) => item,
        }
    }
}

impl<T> fmt::Debug for PutNowaitError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PutNowaitError::Full(e) => f.debug_tuple("Full").field(e).finish(),
            PutNowaitError::ShutDown(e) => f.debug_tuple("ShutDown").field(e).finish(),
        }
    }
}

impl<T> fmt::Display for PutNowaitError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PutNowaitError::Full(e) => e.fmt(f),
            PutNowaitError::ShutDown(e) => e.fmt(f),
        }
    }
}

impl<T> Error for PutNowaitError<T> {}

/// Why `get_nowait` failed.
///
/// Python: `asyncio.QueueEmpty` or `asyncio.QueueShutDown` raised by `get_nowait`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GetNowaitError {
    /// The queue is empty.
    Empty(QueueEmpty),
    /// The queue is empty and shut down.
    ShutDown(QueueShutDown),
}

impl fmt::Display for GetNowaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GetNowaitError::Empty(e) => e.fmt(f),
            GetNowaitError::ShutDown(e) => e.fmt(f),
        }
    }
}

impl Error for GetNowaitError {}

/// `task_done` called more often than items were put.
///
/// Python: `ValueError('task_done() called too many times')`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskDoneError;

impl fmt::Display for TaskDoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task_done() called too many times")
    }
}

impl Error for TaskDoneError {}

/// Python: `asyncio.QueueFull()`, whose `str()` is empty
impl<T> PyException for QueueFull<T> {
    fn py_type(&self) -> &str {
        "QueueFull"
    }

    fn py_str(&self) -> String {
        String::new()
    }
}

/// Python: `asyncio.QueueEmpty()`, whose `str()` is empty
impl PyException for QueueEmpty {
    fn py_type(&self) -> &str {
        "QueueEmpty"
    }

    fn py_str(&self) -> String {
        String::new()
    }
}

/// Python: `asyncio.QueueShutDown()` (3.13), whose `str()` is empty
impl<T> PyException for QueueShutDown<T> {
    fn py_type(&self) -> &str {
        "QueueShutDown"
    }

    fn py_str(&self) -> String {
        String::new()
    }
}

/// Python: `QueueFull()` or `QueueShutDown()`
impl<T> PyException for PutNowaitError<T> {
    fn py_type(&self) -> &str {
        match self {
            PutNowaitError::Full(e) => e.py_type(),
            PutNowaitError::ShutDown(e) => e.py_type(),
        }
    }

    fn py_str(&self) -> String {
        String::new()
    }
}

/// Python: `QueueEmpty()` or `QueueShutDown()`
impl PyException for GetNowaitError {
    fn py_type(&self) -> &str {
        match self {
            GetNowaitError::Empty(e) => e.py_type(),
            GetNowaitError::ShutDown(e) => e.py_type(),
        }
    }

    fn py_str(&self) -> String {
        String::new()
    }
}

/// Python: `ValueError('task_done() called too many times')`
impl PyException for TaskDoneError {
    fn py_type(&self) -> &str {
        "ValueError"
    }

    fn py_str(&self) -> String {
        "task_done() called too many times".to_owned()
    }
}
