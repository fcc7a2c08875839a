//! The errors: what asyncio raises as RuntimeError, ValueError or BrokenBarrierError.

use std::error::Error;
use std::fmt;

use aio_rt::PyException;

/// Releasing a lock that is not held.
///
/// Python: `RuntimeError('Lock is not acquired.')` from `asyncio.Lock.release`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockNotAcquired;

impl fmt::Display for LockNotAcquired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("lock is not acquired")
    }
}

impl Error for LockNotAcquired {}

/// Releasing a [`BoundedSemaphore`](crate::BoundedSemaphore) above its initial value.
///
/// Python: `ValueError('BoundedSemaphore released too many times')`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyReleases;

impl fmt::Display for TooManyReleases {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("bounded semaphore released too many times")
    }
}

impl Error for TooManyReleases {}

/// Waiting on, or notifying, a [`Condition`](crate::Condition) whose lock is not held.
///
/// Python: `RuntimeError('cannot wait on un-acquired lock')` /
/// `RuntimeError('cannot notify on un-acquired lock')`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionError {
    /// `wait` or `wait_for` without the lock.
    WaitUnacquired,
    /// `notify` or `notify_all` without the lock.
    NotifyUnacquired,
}

impl fmt::Display for ConditionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConditionError::WaitUnacquired => "cannot wait on un-acquired lock",
            ConditionError::NotifyUnacquired => "cannot notify on un-acquired lock",
        })
    }
}

impl Error for ConditionError {}

/// A [`Barrier`](crate::Barrier) is broken: aborted before this wait began, or aborted or
/// reset while this task waited.
///
/// Python: `asyncio.BrokenBarrierError`, with `'Barrier aborted'` or
/// `'Abort or reset of barrier'`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrokenBarrierError {
    /// The barrier was already aborted when `wait` was called.
    ///
    /// Python: `BrokenBarrierError('Barrier aborted')`
    Aborted,
    /// This wait was in the round when [`abort`](crate::Barrier::abort) or
    /// [`reset`](crate::Barrier::reset) was called.
    ///
    /// Python: `BrokenBarrierError('Abort or reset of barrier')`
    Interrupted,
}

impl fmt::Display for BrokenBarrierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BrokenBarrierError::Aborted => "barrier aborted",
            BrokenBarrierError::Interrupted => "barrier aborted or reset while waiting",
        })
    }
}

impl Error for BrokenBarrierError {}

/// Python: `RuntimeError('Lock is not acquired.')`
impl PyException for LockNotAcquired {
    fn py_type(&self) -> &str {
        "RuntimeError"
    }

    fn py_str(&self) -> String {
        "Lock is not acquired.".to_owned()
    }
}

/// Python: `ValueError('BoundedSemaphore released too many times')`
impl PyException for TooManyReleases {
    fn py_type(&self) -> &str {
        "ValueError"
    }

    fn py_str(&self) -> String {
        "BoundedSemaphore released too many times".to_owned()
    }
}

/// Python: `RuntimeError('cannot wait on un-acquired lock')` /
/// `RuntimeError('cannot notify on un-acquired lock')`
impl PyException for ConditionError {
    fn py_type(&self) -> &str {
        "RuntimeError"
    }

    fn py_str(&self) -> String {
        match self {
            ConditionError::WaitUnacquired => "cannot wait on un-acquired lock",
            ConditionError::NotifyUnacquired => "cannot notify on un-acquired lock",
        }
        .to_owned()
    }
}

/// Python: `BrokenBarrierError('Barrier aborted')` / `('Abort or reset of barrier')`
impl PyException for BrokenBarrierError {
    fn py_type(&self) -> &str {
        "BrokenBarrierError"
    }

    fn py_str(&self) -> String {
        match self {
            BrokenBarrierError::Aborted => "Barrier aborted",
            BrokenBarrierError::Interrupted => "Abort or reset of barrier",
        }
        .to_owned()
    }
}
