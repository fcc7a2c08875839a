//! `asyncio.wait`: more control than gather. Return when the first task finishes, look
//! at what is done and what is pending, then decide.
//!
//! ```python
//! import asyncio, time
//!
//! def say(text):
//!     print(f"[{time.perf_counter() - start:.1f}s] {text}")
//!
//! async def download(seconds):
//!     await asyncio.sleep(seconds)
//!     return f"file{seconds}"
//!
//! async def main():
//!     tasks = [asyncio.create_task(download(s)) for s in (3, 1, 2)]
//!     done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
//!     say(f"first: {[t.result() for t in done]}, still pending: {len(pending)}")
//!     done, pending = await asyncio.wait(pending, timeout=1.5)
//!     say(f"then: {[t.result() for t in done]}, still pending: {len(pending)}")
//!     for t in pending:
//!         t.cancel()
//!     say("cancelled the rest")
//!
//! start = time.perf_counter()
//! asyncio.run(main())
//! ```
//!
//! Run: `cargo run -p aio --example wait` (`AIO_CLOCK=virtual` for virtual time).
use aio::example::say;
use aio::prelude::*;
use std::time::Duration;

async fn download<R: Runtime>(rt: R, seconds: u64) -> Result<String, PyError> {
    sleep(&rt, Duration::from_secs(seconds)).await;
    Ok(format!("file{seconds}"))
}

fn results(done: &[Task<String, PyError>]) -> Vec<String> {
    done.iter().filter_map(|t| t.result().ok()).collect()
}

/// Python: `asyncio.run(main())`
pub fn main() {
    aio::example::run(|rt| async move {
        let tasks = [3, 1, 2].map(|s| create_task(&rt, download(rt.clone(), s)));
        let (done, pending) = wait(&rt, tasks, ReturnWhen::FirstCompleted, None)
            .await
            .map_err(|e| PyError::from_py(&e))?;
        say(
            &rt,
            format!(
                "first: {:?}, still pending: {}",
                results(&done),
                pending.len()
            ),
        );
        let timeout = Some(Duration::from_secs_f64(1.5));
        let (done, pending) = wait(&rt, pending, ReturnWhen::AllCompleted, timeout)
            .await
            .map_err(|e| PyError::from_py(&e))?;
        say(
            &rt,
            format!(
                "then: {:?}, still pending: {}",
                results(&done),
                pending.len()
            ),
        );
        for task in &pending {
            task.cancel(None);
        }
        say(&rt, "cancelled the rest");
        Ok::<_, PyError>(())
    })
    .expect("main failed");
}
