//! `time.sleep` against `asyncio.sleep`: a blocking call stops the whole loop, so the
//! tasks run one after the other; `await asyncio.sleep` lets the others run meanwhile.
//! Blocking code that cannot be rewritten goes to a thread with `asyncio.to_thread`.
//!
//! ```python
//! import asyncio, time
//!
//! def say(text):
//!     print(f"[{time.perf_counter() - start:.1f}s] {text}")
//!
//! async def blocking(n):
//!     time.sleep(1)                       # BLOCKS the loop
//!     say(f"blocking {n} done")
//!
//! async def non_blocking(n):
//!     await asyncio.sleep(1)              # lets other tasks run
//!     say(f"non-blocking {n} done")
//!
//! async def in_thread(n):
//!     await asyncio.to_thread(time.sleep, 1)
//!     say(f"in a thread {n} done")
//!
//! async def main():
//!     await asyncio.gather(*(blocking(n) for n in range(3)))       # 3 seconds
//!     await asyncio.gather(*(non_blocking(n) for n in range(3)))   # 1 second
//!     await asyncio.gather(*(in_thread(n) for n in range(3)))      # 1 second
//!
//! start = time.perf_counter()
//! asyncio.run(main())
//! ```
//!
//! The default (warp) clock shows it as Python would: 1.0, 2.0, 3.0, then 4.0, then 5.0.
//! The three threads finish in any order. On the virtual clock (`AIO_CLOCK=virtual`)
//! blocking code and threads take no virtual time at all (only timers move that clock),
//! so the blocking lines read 0.0 there and the thread lines 1.0.
//!
//! Run: `cargo run -p aio --example blocking_sleep`.
use aio::example::say;
use aio::prelude::*;
use std::time::Duration;

async fn blocking<R: Runtime>(rt: R, n: u32) -> Result<(), PyError> {
    std::thread::sleep(Duration::from_secs(1)); // BLOCKS the loop
    say(&rt, format!("blocking {n} done"));
    Ok(())
}

async fn non_blocking<R: Runtime>(rt: R, n: u32) -> Result<(), PyError> {
    sleep(&rt, Duration::from_secs(1)).await; // lets other tasks run
    say(&rt, format!("non-blocking {n} done"));
    Ok(())
}

async fn in_thread<R: Runtime>(rt: R, n: u32) -> Result<(), PyError> {
    let job = to_thread(&rt, || std::thread::sleep(Duration::from_secs(1)));
    job.await.map_err(|e| PyError::from_py(&e))?;
    say(&rt, format!("in a thread {n} done"));
    Ok(())
}

/// Python: `asyncio.run(main())`
pub fn main() {
    aio::example::run(|rt| async move {
        let tasks = [0, 1, 2].map(|n| create_task(&rt, blocking(rt.clone(), n)));
        gather(&rt, tasks).await?;
        let tasks = [0, 1, 2].map(|n| create_task(&rt, non_blocking(rt.clone(), n)));
        gather(&rt, tasks).await?;
        let tasks = [0, 1, 2].map(|n| create_task(&rt, in_thread(rt.clone(), n)));
        gather(&rt, tasks).await?;
        Ok::<_, TaskError<PyError>>(())
    })
    .expect("main failed");
}
