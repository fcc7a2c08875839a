//! `asyncio.as_completed`: handle each result as soon as it is ready.
//!
//! ```python
//! import asyncio, time
//!
//! def say(text):
//!     print(f"[{time.perf_counter() - start:.1f}s] {text}")
//!
//! async def fetch(name, seconds):
//!     await asyncio.sleep(seconds)
//!     return name
//!
//! async def main():
//!     tasks = [fetch("slow", 3), fetch("fast", 1), fetch("medium", 2)]
//!     for next_done in asyncio.as_completed(tasks):
//!         say(f"got {await next_done}")      # fast at 1.0s, medium at 2.0s, slow at 3.0s
//!
//! start = time.perf_counter()
//! asyncio.run(main())
//! ```
//!
//! Rust: `as_completed` is a stream, so `for ... in` becomes `while let ... next().await`.
//!
//! Run: `cargo run -p aio --example as_completed` (`AIO_CLOCK=virtual` for virtual time).
use aio::example::say;
use aio::prelude::*;
use futures_lite::StreamExt;
use std::time::Duration;

async fn fetch<R: Runtime>(
    rt: R,
    name: &'static str,
    seconds: u64,
) -> Result<&'static str, PyError> {
    sleep(&rt, Duration::from_secs(seconds)).await;
    Ok(name)
}

/// Python: `asyncio.run(main())`
pub fn main() {
    aio::example::run(|rt| async move {
        let tasks = [("slow", 3), ("fast", 1), ("medium", 2)]
            .map(|(name, s)| create_task(&rt, fetch(rt.clone(), name, s)));
        let mut finished = as_completed(&rt, tasks, None);
        while let Some(outcome) = finished.next().await {
            match outcome {
                Ok(name) => say(&rt, format!("got {name}")),
                Err(error) => say(&rt, format!("failed: {error}")),
            }
        }
        Ok::<_, PyError>(())
    })
    .expect("main failed");
}
