//! Callbacks: functions the loop calls later, when a timer fires or a task finishes.
//!
//! ```python
//! import asyncio, time
//!
//! def say(text):
//!     print(f"[{time.perf_counter() - start:.1f}s] {text}")
//!
//! async def download():
//!     await asyncio.sleep(2)
//!     return "data.csv"
//!
//! def on_done(task):
//!     say(f"callback: task finished with {task.result()!r}")
//!
//! async def main():
//!     loop = asyncio.get_running_loop()
//!     loop.call_soon(say, "call_soon: as soon as main yields")
//!     loop.call_later(1, say, "call_later: one second later")
//!     task = asyncio.create_task(download())
//!     task.add_done_callback(on_done)
//!     say("main: waiting")
//!     await asyncio.sleep(3)
//!     say("main: done")
//!
//! start = time.perf_counter()
//! asyncio.run(main())
//! ```
//!
//! Run: `cargo run -p aio --example callbacks` (`AIO_CLOCK=virtual` for virtual time).
use aio::event_loop::{EventLoop, get_running_loop};
use aio::example::say;
use aio::prelude::*;
use std::time::Duration;

async fn download<R: Runtime>(rt: R) -> Result<&'static str, PyError> {
    sleep(&rt, Duration::from_secs(2)).await;
    Ok("data.csv")
}

/// Python: `asyncio.run(main())`
pub fn main() {
    let event_loop = EventLoop::with_config(aio::example::config());
    aio::run_on(&event_loop, |rt| async move {
        let running = get_running_loop().map_err(|e| PyError::from_py(&e))?;
        let (a, b, c) = (rt.clone(), rt.clone(), rt.clone());
        running.call_soon(move || say(&a, "call_soon: as soon as main yields"));
        running.call_later(1.0, move || say(&b, "call_later: one second later"));
        let task = create_task(&rt, download(rt.clone()));
        task.add_done_callback(move |task| match task.result() {
            Ok(value) => say(&c, format!("callback: task finished with {value:?}")),
            Err(error) => say(&c, format!("callback: task failed: {error}")),
        });
        say(&rt, "main: waiting");
        sleep(&rt, Duration::from_secs(3)).await;
        say(&rt, "main: done");
        Ok::<_, PyError>(())
    })
    .expect("main failed");
}
