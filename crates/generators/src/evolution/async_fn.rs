//! Step 3: `async fn`, which the compiler turns into step 2.

use std::time::Duration;

use aio_rt::Runtime;

/// Counts down from `n`, sleeping `nap` before each number, and returns the numbers.
///
/// Python: a native coroutine,
///
/// ```python
/// async def countdown(n, nap):
///     seen = []
///     while n > 0:
///         await asyncio.sleep(nap)
///         seen.append(n)
///         n -= 1
///     return seen
/// ```
///
/// The compiler writes [`CountdownFuture`](super::state_machine::CountdownFuture) for us:
/// the locals that live across an `.await` become fields, each `.await` becomes a state
/// that polls the awaited future and returns `Pending` while it is pending.
///
/// # Examples
///
/// ```
/// use aio_generators::evolution::async_fn::countdown;
/// use aio_rt::{Clock, Config, Runtime};
/// use std::time::Duration;
///
/// let rt = aio_rt::Smol::with_config(Config::default().clock(Clock::Virtual));
/// assert_eq!(rt.block_on(countdown(&rt, 3, Duration::from_secs(1))), [3, 2, 1]);
/// assert_eq!(rt.now().since_start(), Duration::from_secs(3));
/// ```
pub async fn countdown<R: Runtime>(rt: &R, mut n: u32, nap: Duration) -> Vec<u32> {
    let mut seen = Vec::new();
    while n > 0 {
        rt.sleep(nap).await;
        seen.push(n);
        n -= 1;
    }
    seen
}
