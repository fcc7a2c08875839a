//! `asyncio.create_task`: the coroutine starts running as soon as main awaits something.
//!
//! ```python
//! import asyncio, time
//!
//! def say(text):
//!     print(f"[{time.perf_counter() - start:.1f}s] {text}")
//!
//! async def brew(name, seconds):
//!     say(f"{name}: start")
//!     await asyncio.sleep(seconds)
//!     say(f"{name}: done")
//!     return name
//!
//! async def main():
//!     tea = asyncio.create_task(brew("tea", 2))
//!     coffee = asyncio.create_task(brew("coffee", 1))
//!     say("tasks created")
//!     say(f"got {await tea} and {await coffee}")   # 2.0s: they ran together
//!
//! start = time.perf_counter()
//! asyncio.run(main())
//! ```
//!
//! Run: `cargo run -p aio --example create_task` (`AIO_CLOCK=virtual` for virtual time).
use aio::example::say;
use aio::prelude::*;
use std::time::Duration;

async fn brew<R: Runtime>(
    rt: R,
    name: &'static str,
    seconds: u64,
) -> Result<&'static str, PyError> {
    say(&rt, format!("{name}: start"));
    sleep(&rt, Duration::from_secs(seconds)).await;
    say(&rt, format!("{name}: done"));
    Ok(name)
}

/// Python: `asyncio.run(main())`
pub fn main() {
    aio::example::run(|rt| async move {
        let tea = create_task(&rt, brew(rt.clone(), "tea", 2));
        let coffee = create_task(&rt, brew(rt.clone(), "coffee", 1));
        say(&rt, "tasks created");
        let (tea, coffee) = (tea.await?, coffee.await?);
        say(&rt, format!("got {tea} and {coffee}"));
        Ok::<_, TaskError<PyError>>(())
    })
    .expect("main failed");
}
