//! Definition of [`wait_for`]: a deadline on any operation, through the runtime's sleep.

use std::future::Future;
use std::time::Duration;

use aio_rt::Runtime;

use crate::TimeoutError;

/// Runs `fut` for at most `timeout`; past it, `fut` is dropped (cancelled) and the result
/// is a [`TimeoutError`].
///
/// Python: `asyncio.wait_for(aw, timeout)`
///
/// The deadline is the runtime's own sleep, so it works on every runtime. This is the
/// small version the I/O demos need; `aio-wait` is where `wait_for` and `timeout()` live
/// in full.
///
/// # Cancel safety
///
/// On timeout `fut` is dropped at its await point; what that leaves behind is `fut`'s own
/// cancel safety (every read of [`StreamReader`](crate::StreamReader) keeps its data).
///
/// # Examples
///
/// A read that would wait forever gives up after its deadline.
///
/// ```
/// use aio_rt::Runtime;
/// use std::time::Duration;
///
/// let rt = aio_rt::Smol::new();
/// let result = rt.block_on(aio_io::wait_for(&rt, Duration::from_millis(10), std::future::pending::<()>()));
/// assert_eq!(result.unwrap_err().to_string(), "timed out after 10ms");
/// ```
pub async fn wait_for<R: Runtime, F: Future>(
    rt: &R,
    timeout: Duration,
    fut: F,
) -> Result<F::Output, TimeoutError> {
    let deadline = rt.sleep(timeout);
    // `or` polls the operation first: one that is ready wins over an expired deadline.
    futures_lite::future::or(async { Ok(fut.await) }, async {
        deadline.await;
        Err(TimeoutError { after: timeout })
    })
    .await
}
