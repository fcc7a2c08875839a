//! Definition of [`sleep`] and [`sleep_with`].

use std::future::Future;
use std::time::Duration;

use aio_rt::Runtime;

/// Suspends the calling task for `delay`; a zero delay yields exactly once, with no
/// timer.
///
/// Python: `asyncio.sleep(delay)`
///
/// `sleep(Duration::ZERO)` is asyncio's `sleep(0)`: the task goes to the back of the
/// ready queue once (two tasks that loop on it alternate strictly on the virtual clock).
/// A non-zero delay sets one timer on the runtime's clock.
///
/// # Cancel safety
///
/// Dropping the future removes its timer: a cancelled sleep leaves nothing behind.
pub fn sleep<R: Runtime>(rt: &R, delay: Duration) -> impl Future<Output = ()> + Send + 'static {
    // Either a timer, or the runtime (to yield with) for a zero delay.
    let step = if delay.is_zero() {
        Err(rt.clone())
    } else {
        Ok(rt.sleep(delay))
    };
    async move {
        match step {
            Ok(timer) => timer.await,
            Err(rt) => rt.yield_now().await,
        }
    }
}

/// [`sleep`], then gives `result`.
///
/// Python: `asyncio.sleep(delay, result)`
///
/// # Cancel safety
///
/// As [`sleep`]; a cancelled sleep drops `result`.
pub fn sleep_with<R: Runtime, T: Send + 'static>(
    rt: &R,
    delay: Duration,
    result: T,
) -> impl Future<Output = T> + Send + 'static {
    let sleep = sleep(rt, delay);
    async move {
        sleep.await;
        result
    }
}
