//! Definition of [`to_thread`] and [`run_in_executor`]: blocking work off the tasks' threads.

use aio_rt::{JoinHandle, Runtime};

/// Runs the blocking closure `f` on the runtime's blocking thread pool; await the handle
/// for its value.
///
/// Python: `asyncio.to_thread(f)`
///
/// The awaiting task is suspended, so the other tasks run while `f` does. A panic in
/// `f` gives [`JoinError::Panicked`](aio_rt::JoinError::Panicked).
///
/// # Cancel safety
///
/// A thread cannot be interrupted: cancelling the handle reports `Cancelled` at once
/// and `f` runs on, its value dropped, as asyncio's executor future does.
pub fn to_thread<R, F, T>(rt: &R, f: F) -> JoinHandle<T>
where
    R: Runtime,
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    rt.spawn_blocking(f)
}

/// The same as [`to_thread`], under the loop method's name.
///
/// Python: `loop.run_in_executor(None, f)`
pub fn run_in_executor<R, F, T>(rt: &R, f: F) -> JoinHandle<T>
where
    R: Runtime,
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    rt.spawn_blocking(f)
}
