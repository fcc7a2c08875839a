//! The errors: what asyncio raises as RuntimeError, ValueError or BrokenBarrierError.

use std::error::Error;
use std::fmt;

/// Releasing a lock that is not held.
///
/// Python: `RuntimeError('Lock is not acquired.')` from `asyncio.Lock.release`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockNotAcquired;

impl fmt::Display for LockNotAcquired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Lock is not acquired")
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
        f.write_str("BoundedSemaphore released too many times")
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

/// A [`Barrier`](crate::Barrier) was aborted or reset while a task waited on it, or is
/// broken.
///
/// Python: `asyncio.BrokenBarrierError`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BrokenBarrierError;

impl fmt::Display for BrokenBarrierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("barrier is broken")
    }
}

impl Error for BrokenBarrierError {}
