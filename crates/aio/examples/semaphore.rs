//! `asyncio.Semaphore`: at most N tasks at a time (a connection limit).
//!
//! ```python
//! import asyncio, time
//!
//! def say(text):
//!     print(f"[{time.perf_counter() - start:.1f}s] {text}")
//!
//! async def fetch(sem, n):
//!     async with sem:                     # at most 2 requests at once
//!         say(f"request {n} starts")
//!         await asyncio.sleep(1)
//!     return n
//!
//! async def main():
//!     sem = asyncio.Semaphore(2)
//!     results = await asyncio.gather(*(fetch(sem, n) for n in range(5)))
//!     say(f"all done: {results}")         # 3.0s: 5 requests, 2 at a time
//!
//! start = time.perf_counter()
//! asyncio.run(main())
//! ```
//!
//! Run: `cargo run -p aio --example semaphore` (`AIO_CLOCK=virtual` for virtual time).
use aio::example::say;
use aio::prelude::*;
use std::sync::Arc;
use std::time::Duration;

async fn fetch<R: Runtime>(rt: R, sem: Arc<Semaphore>, n: u32) -> Result<u32, PyError> {
    let _permit = sem.permit().await; // async with sem:
    say(&rt, format!("request {n} starts"));
    sleep(&rt, Duration::from_secs(1)).await;
    Ok(n)
}

/// Python: `asyncio.run(main())`
pub fn main() {
    aio::example::run(|rt| async move {
        let sem = Arc::new(Semaphore::new(2));
        let tasks: Vec<_> = (0..5)
            .map(|n| create_task(&rt, fetch(rt.clone(), sem.clone(), n)))
            .collect();
        let results = gather(&rt, tasks).await?;
        say(&rt, format!("all done: {results:?}"));
        Ok::<_, TaskError<PyError>>(())
    })
    .expect("main failed");
}
