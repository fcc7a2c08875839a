//! asyncio's `sleep` in Rust: [`sleep`], [`sleep_with`] (`sleep(delay, result)`),
//! `sleep(0)` as exactly one yield, and [`to_thread`] for blocking work.
//!
//! ```python
//! import asyncio, time
//!
//! async def main():
//!     await asyncio.sleep(1)                      # suspends this task; others run
//!     value = await asyncio.sleep(1, result="hi") # the same, giving a value
//!     await asyncio.sleep(0)                      # one trip through the ready queue
//!     n = await asyncio.to_thread(sum, range(10)) # blocking work off the loop
//!     time.sleep(0.01)                            # blocks the whole loop: never in a coroutine
//!
//! asyncio.run(main())
//! ```
//!
//! ```
//! use aio_rt::Runtime;
//! use std::time::Duration;
//!
//! async fn main_<R: Runtime>(rt: R) {
//!     aio_sleep::sleep(&rt, Duration::from_secs(1)).await;
//!     let value = aio_sleep::sleep_with(&rt, Duration::from_secs(1), "hi").await;
//!     aio_sleep::sleep(&rt, Duration::ZERO).await;
//!     let n = aio_sleep::to_thread(&rt, || (0..10).sum::<u32>()).await;
//!     assert_eq!((value, n), ("hi", Ok(45)));
//!     assert_eq!(rt.now().since_start(), Duration::from_secs(2));
//! }
//!
//! let rt = aio_rt::Smol::with_config(aio_rt::Config::default().clock(aio_rt::Clock::Virtual));
//! rt.block_on(main_(rt.clone()));
//! ```
//!
//! # Python to Rust
//!
//! | asyncio | aio-sleep |
//! |---|---|
//! | `await asyncio.sleep(delay)` | [`sleep`]`(&rt, delay).await` |
//! | `await asyncio.sleep(delay, result)` | [`sleep_with`]`(&rt, delay, result).await` |
//! | `await asyncio.sleep(0)` | [`sleep`]`(&rt, Duration::ZERO).await`: one yield, no timer |
//! | `await asyncio.to_thread(f)` | [`to_thread`]`(&rt, f).await` |
//! | `await loop.run_in_executor(None, f)` | [`run_in_executor`]`(&rt, f).await` |
//! | `time.sleep(s)` in a coroutine | `std::thread::sleep(d)` in a task: the same mistake |
//!
//! # Blocking versus non-blocking
//!
//! `sleep(...).await` suspends the task: the runtime runs the others meanwhile.
//! `std::thread::sleep` inside a task suspends nothing: it holds the thread, so on a
//! single-threaded runtime (asyncio's loop, tokio's current_thread, smol's `block_on`)
//! every other task waits for it; on a multi-threaded one it holds a worker. The
//! `blocking_sleep_stalls_others` scenario shows it in a trace. Blocking work belongs in
//! [`to_thread`].
//!
//! A negative delay, which asyncio treats as zero, cannot be written: `Duration` is never
//! negative.

mod sleep;
mod to_thread;

pub use crate::sleep::{sleep, sleep_with};
pub use crate::to_thread::{run_in_executor, to_thread};
