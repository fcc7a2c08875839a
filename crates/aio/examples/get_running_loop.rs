//! `asyncio.get_running_loop()`: the loop that runs the current task. Outside a running
//! loop it raises `RuntimeError` (the old `get_event_loop()` would hand out a loop that
//! is not running instead, a common surprise).
//!
//! ```python
//! import asyncio, time
//!
//! def say(text):
//!     print(f"[{time.perf_counter() - start:.1f}s] {text}")
//!
//! async def main():
//!     loop = asyncio.get_running_loop()
//!     t0 = loop.time()
//!     loop.call_soon(say, "a callback on the running loop")
//!     await asyncio.sleep(1)
//!     say(f"loop.time() moved by {loop.time() - t0:.1f}")
//!
//! start = time.perf_counter()
//! try:
//!     asyncio.get_running_loop()
//! except RuntimeError as e:
//!     say(f"outside: RuntimeError: {e}")    # no running event loop
//! asyncio.run(main())
//! ```
//!
//! `aio::run` hands main the runtime (`|rt|`), which is how most code here reaches the
//! loop; `get_running_loop` is the event loop crate's (`aio::event_loop`) own version.
//!
//! Run: `cargo run -p aio --example get_running_loop` (`AIO_CLOCK=virtual` for virtual time).
use aio::event_loop::{EventLoop, get_running_loop};
use aio::example::say;
use aio::prelude::*;
use std::time::Duration;

/// Python: `asyncio.run(main())`
pub fn main() {
    let event_loop = EventLoop::with_config(aio::example::config());
    if let Err(error) = get_running_loop() {
        say(&event_loop, format!("outside: RuntimeError: {error}"));
    }
    aio::run_on(&event_loop, |rt| async move {
        let running = get_running_loop().map_err(|e| PyError::from_py(&e))?;
        let t0 = running.time();
        let rt2 = rt.clone();
        running.call_soon(move || say(&rt2, "a callback on the running loop"));
        sleep(&rt, Duration::from_secs(1)).await;
        say(
            &rt,
            format!("loop.time() moved by {:.1}", running.time() - t0),
        );
        Ok::<_, PyError>(())
    })
    .expect("main failed");
}
