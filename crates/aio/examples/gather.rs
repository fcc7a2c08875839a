//! `asyncio.gather(..., return_exceptions=True)`: every outcome, failures included, in
//! the order the awaitables were given (not the order they finished).
//!
//! ```python
//! import asyncio, time
//!
//! def say(text):
//!     print(f"[{time.perf_counter() - start:.1f}s] {text}")
//!
//! async def job(n):
//!     await asyncio.sleep(3 - n)      # the last one finishes first
//!     if n == 1:
//!         raise ValueError(f"job {n} failed")
//!     say(f"job {n} done")
//!     return n * 10
//!
//! async def main():
//!     results = await asyncio.gather(job(0), job(1), job(2), return_exceptions=True)
//!     for r in results:
//!         say(repr(r))               # 0, ValueError('job 1 failed'), 20
//!
//! start = time.perf_counter()
//! asyncio.run(main())
//! ```
//!
//! Without `return_exceptions=True` (Rust: without `.return_exceptions()`), `gather`
//! raises the first failure instead.
//!
//! Run: `cargo run -p aio --example gather` (`AIO_CLOCK=virtual` for virtual time).
use aio::example::say;
use aio::prelude::*;
use std::time::Duration;

async fn job<R: Runtime>(rt: R, n: u64) -> Result<u64, PyError> {
    sleep(&rt, Duration::from_secs(3 - n)).await; // the last one finishes first
    if n == 1 {
        return Err(PyError::new("ValueError", format!("job {n} failed")));
    }
    say(&rt, format!("job {n} done"));
    Ok(n * 10)
}

/// Python: `asyncio.run(main())`
pub fn main() {
    aio::example::run(|rt| async move {
        let jobs = [0, 1, 2].map(|n| create_task(&rt, job(rt.clone(), n)));
        let results = gather(&rt, jobs).return_exceptions().await;
        for result in results {
            match result {
                Ok(value) => say(&rt, value),
                Err(error) => say(&rt, error.py_repr()),
            }
        }
        Ok::<_, PyError>(())
    })
    .expect("main failed");
}
