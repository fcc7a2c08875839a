//! `asyncio.shield`: a timeout that does not cancel the work. `wait_for` gives up on
//! waiting, the shielded task runs on, and we can still await it.
//!
//! ```python
//! import asyncio, time
//!
//! def say(text):
//!     print(f"[{time.perf_counter() - start:.1f}s] {text}")
//!
//! async def delay(seconds):
//!     await asyncio.sleep(seconds)
//!     return seconds
//!
//! async def main():
//!     task = asyncio.create_task(delay(10))
//!     try:
//!         result = await asyncio.wait_for(asyncio.shield(task), 5)
//!         say(result)
//!     except TimeoutError:
//!         say("Task took longer than 5s, it will finish soon!")
//!         result = await task
//!         say(result)                     # 10 at 10.0s
//!
//! start = time.perf_counter()
//! asyncio.run(main())
//! ```
//!
//! We keep the task (not a bare coroutine) so that we can await it after the timeout.
//!
//! Run: `cargo run -p aio --example shield` (`AIO_CLOCK=virtual` for virtual time).
use aio::example::say;
use aio::prelude::*;
use std::time::Duration;

async fn delay<R: Runtime>(rt: R, seconds: u64) -> Result<u64, PyError> {
    sleep(&rt, Duration::from_secs(seconds)).await;
    Ok(seconds)
}

/// Python: `asyncio.run(main())`
pub fn main() {
    aio::example::run(|rt| async move {
        let task = create_task(&rt, delay(rt.clone(), 10));
        match wait_for(&rt, shield(&task), Some(Duration::from_secs(5))).await {
            Ok(result) => say(&rt, format!("{result:?}")),
            Err(_timeout) => {
                say(&rt, "Task took longer than 5s, it will finish soon!");
                let result = task.await?;
                say(&rt, result);
            }
        }
        Ok::<_, TaskError<PyError>>(())
    })
    .expect("main failed");
}
