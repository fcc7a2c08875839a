//! `asyncio.wait_for`: a timeout for one awaitable. When the time is up, the awaitable is
//! cancelled and `TimeoutError` is raised.
//!
//! ```python
//! import asyncio, time
//!
//! def say(text):
//!     print(f"[{time.perf_counter() - start:.1f}s] {text}")
//!
//! async def slow_query():
//!     await asyncio.sleep(10)
//!     return "rows"
//!
//! async def main():
//!     try:
//!         rows = await asyncio.wait_for(slow_query(), timeout=2)
//!         say(f"got {rows}")
//!     except TimeoutError:
//!         say("timed out")           # 2.0s
//!     rows = await asyncio.wait_for(slow_query(), timeout=None)
//!     say(f"without a timeout: {rows}")   # 12.0s
//!
//! start = time.perf_counter()
//! asyncio.run(main())
//! ```
//!
//! Run: `cargo run -p aio --example wait_for` (`AIO_CLOCK=virtual` for virtual time).
use aio::example::say;
use aio::prelude::*;
use std::time::Duration;

async fn slow_query<R: Runtime>(rt: R) -> &'static str {
    sleep(&rt, Duration::from_secs(10)).await;
    "rows"
}

/// Python: `asyncio.run(main())`
pub fn main() {
    aio::example::run(|rt| async move {
        match wait_for(&rt, slow_query(rt.clone()), Some(Duration::from_secs(2))).await {
            Ok(rows) => say(&rt, format!("got {rows}")),
            Err(_timeout) => say(&rt, "timed out"),
        }
        if let Ok(rows) = wait_for(&rt, slow_query(rt.clone()), None).await {
            say(&rt, format!("without a timeout: {rows}"));
        }
        Ok::<_, PyError>(())
    })
    .expect("main failed");
}
