//! asyncio's `shield` in Rust: wait for a task without cancelling it when the waiter is
//! cancelled.
//!
//! ```python
//! import asyncio
//!
//! async def main():
//!     task = asyncio.create_task(asyncio.sleep(3, result="done"))
//!     try:
//!         await asyncio.wait_for(asyncio.shield(task), 1)
//!     except TimeoutError:
//!         print("still running")
//!     print(await task)   # "done", at t=3
//!
//! asyncio.run(main())
//! ```
//!
//! ```
//! use aio_rt::Runtime;
//! use aio_shield::shield;
//! use futures_lite::future;
//! use std::time::Duration;
//!
//! async fn main_<R: Runtime>(rt: R) -> &'static str {
//!     let sleeper = rt.clone();
//!     let task = aio_tasks::create_task(&rt, async move {
//!         sleeper.sleep(Duration::from_secs(3)).await;
//!         Ok::<_, String>("done")
//!     });
//!     // A timeout around the shield: the shield is dropped at t=1, the task runs on.
//!     let timed_out = future::or(async { shield(&task).await.ok() }, async {
//!         rt.sleep(Duration::from_secs(1)).await;
//!         None
//!     })
//!     .await;
//!     assert_eq!(timed_out, None);
//!     task.await.unwrap()
//! }
//!
//! let rt = aio_rt::Smol::with_config(aio_rt::Config::default().clock(aio_rt::Clock::Virtual));
//! assert_eq!(rt.block_on(main_(rt.clone())), "done");
//! assert_eq!(rt.now().since_start(), Duration::from_secs(3));
//! ```
//!
//! # Python to Rust
//!
//! | asyncio | aio-shield |
//! |---|---|
//! | `await asyncio.shield(task)` | [`shield`]`(&task).await` |
//! | `await asyncio.shield(fut)` (an `asyncio.Future`) | [`shield`]`(&future).await` (an [`aio_futures::Future`]) |
//! | `outer = asyncio.shield(...)`; `outer.cancel()`, `outer.cancelled()`, `outer.done()` | [`Shield::cancel`], [`Shield::cancelled`], [`Shield::done`]: the inner runs on |
//! | `await asyncio.shield(coro)` | [`shield_future`]`(&rt, fut).await` (the task is made for you) |
//! | `wait_for(shield(task), t)` | a timeout around `shield(&task)`: the task runs on |
//!
//! # Why shield matters more in Rust
//!
//! A Python coroutine can catch `CancelledError` and finish its work anyway. A Rust
//! future cannot refuse being dropped. Work that must finish therefore runs as a task of
//! its own, and the code that might be cancelled waits for it through `shield`: dropping
//! the [`Shield`] (a timeout, a cancelled owner) stops the waiting, never the work.

mod shield;
mod shieldable;

pub use crate::shield::{Shield, TaskShield, shield, shield_future};
pub use crate::shieldable::Shieldable;
