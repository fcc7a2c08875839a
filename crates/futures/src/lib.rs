//! `asyncio.Future` in Rust: a result set later by someone else, awaited by any number of
//! tasks, with done callbacks. Written against `aio_rt::Runtime` only, so it works on
//! every runtime of the matrix.
//!
//! ```python
//! import asyncio
//!
//! async def main():
//!     loop = asyncio.get_running_loop()
//!     future = loop.create_future()
//!     future.add_done_callback(lambda f: print("callback:", f.result()))
//!     loop.call_later(1, future.set_result, 42)
//!     print("awaited:", await future)
//!
//! asyncio.run(main())
//! ```
//!
//! ```
//! use aio_futures::{DoneCallback, Future};
//! use aio_rt::Runtime;
//! use std::time::Duration;
//!
//! async fn main_<R: Runtime>(rt: R) {
//!     let future = Future::new(&rt);
//!     future.add_done_callback(DoneCallback::new(|f: &Future<u32>| {
//!         println!("callback: {}", f.result().unwrap())
//!     }));
//!     let (setter, sleeper) = (future.clone(), rt.clone());
//!     rt.spawn(async move {
//!         sleeper.sleep(Duration::from_secs(1)).await;
//!         setter.set_result(42).unwrap();
//!     });
//!     println!("awaited: {}", (&future).await.unwrap());
//! }
//!
//! let rt = aio_loop::EventLoop::new();
//! # let rt = aio_loop::EventLoop::with_config(aio_rt::Config::default().clock(aio_rt::Clock::Virtual));
//! rt.block_on(main_(rt.clone()));
//! ```
//!
//! | Python | Rust |
//! |---|---|
//! | `loop.create_future()` | [`Future::new(&rt)`](Future::new) |
//! | `fut.set_result(v)` / `fut.set_exception(e)` | [`Future::set_result`] / [`Future::set_exception`] |
//! | `fut.cancel()` / `fut.cancel(msg)` | [`Future::cancel`] / [`Future::cancel_with`] |
//! | `fut.done()` / `fut.cancelled()` | [`Future::done`] / [`Future::cancelled`] |
//! | `fut.result()` / `fut.exception()` | [`Future::result`] / [`Future::exception`] |
//! | `fut.add_done_callback(cb)` / `fut.remove_done_callback(cb)` | [`Future::add_done_callback`] / [`Future::remove_done_callback`] with a [`DoneCallback`] |
//! | `await fut` | `(&fut).await`, [`Future::wait`] |
//! | `InvalidStateError`, `CancelledError` | [`InvalidStateError`], [`CancelledError`], inside [`FutureError`] |
//! | an exception object | [`Exception`] |
//!
//! # The rules
//!
//! - A future is completed once; completing it again is an [`InvalidStateError`]
//!   ("invalid state"), and so is reading the result of a pending one ("result is not
//!   set").
//! - Awaiters resume in the order they started waiting, each with the outcome; awaiting a
//!   done future does not suspend.
//! - Done callbacks are scheduled on the runtime, in registration order, never called
//!   inline, also when added to a future that is already done. How: see [`Future`].

mod callback;
mod error;
mod future;

pub use crate::callback::DoneCallback;
pub use crate::error::{CancelledError, Exception, FutureError, InvalidStateError};
pub use crate::future::{Future, Wait};
