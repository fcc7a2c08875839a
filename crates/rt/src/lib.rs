//! One `Runtime` trait for asyncio-rosetta, on tokio, async-std and smol, with a virtual
//! clock that makes tests exact and deterministic.
//!
//! asyncio has one event loop; Rust has several runtimes that disagree in the details
//! (what dropping a task handle does, where a panic goes, how a yield is scheduled). This
//! crate is the layer between: the concept crates (`aio-tasks`, `aio-queues`, ...) are
//! written against [`Runtime`] and never name a runtime, and every adapter gives them the
//! same meaning.
//!
//! ```python
//! import asyncio
//!
//! async def main():
//!     task = asyncio.create_task(asyncio.sleep(1, result=42))
//!     print(await task, asyncio.get_running_loop().time())
//!
//! asyncio.run(main())
//! ```
//!
//! ```
//! use aio_rt::{Clock, Config, Runtime};
//! use std::time::Duration;
//!
//! async fn main_<R: Runtime>(rt: R) -> (u32, f64) {
//!     let sleeper = rt.clone();
//!     let task = rt.spawn(async move {
//!         sleeper.sleep(Duration::from_secs(1)).await;
//!         42
//!     });
//!     (task.await.unwrap(), rt.now().as_secs_f64())
//! }
//!
//! # #[cfg(feature = "smol")] {
//! let rt = aio_rt::Smol::with_config(Config::default().clock(Clock::Virtual));
//! assert_eq!(rt.block_on(main_(rt.clone())), (42, 1.0));
//! # }
//! ```
//!
//! # What is inside
//!
//! | item | Python |
//! |---|---|
//! | [`Runtime`] | the event loop, as a coroutine uses it |
//! | [`WeakRuntime`] | none (what a task keeps of its loop: no reference cycle) |
//! | [`JoinHandle`], [`JoinError`], [`TaskId`] | `asyncio.Task` (await, cancel), `CancelledError` |
//! | [`Runtime::all_tasks`], [`LiveTask`], [`spawn_named`], [`TaskName`], [`current_task_id`] | `asyncio.all_tasks()`, `create_task(name=...)`, `current_task()` |
//! | [`Instant`] | `loop.time()` |
//! | [`PyException`], [`PyError`], [`format_exception`] | an exception's class, `str()` and `__cause__`; `raise SomeError(msg)` |
//! | [`Sleep`] | `asyncio.sleep`, a timer handle |
//! | [`Awaited`], [`Awaiting`], [`current_awaiting`] | a task's `_fut_waiter`: cancelling a task cancels the future it awaits |
//! | [`Config`], [`Clock`] | the loop's clock, its first exception handler |
//! | [`Reporter`], [`ExceptionContext`], [`ContextObject`], [`ExceptionHandler`], [`default_exception_handler`], [`exception_repr`], [`string_repr`] | `loop.set_exception_handler`, `call_exception_handler`, the `context` dict, `default_exception_handler`, `repr(exc)`, `repr(str)` |
//! | [`Tokio`] (features `tokio`, `tokio-mt`), [`AsyncStd`] (`async-std`), [`Smol`] (`smol`) | event loop implementations |
//!
//! # Adapters
//!
//! | runtime | name | threads | executor |
//! |---|---|---|---|
//! | [`Tokio::current_thread`] | `tokio` | the caller of `block_on` | per instance |
//! | [`Tokio::multi_thread`] | `tokio-mt` | 2 workers | per instance |
//! | [`AsyncStd::new`] | `async-std` | async-std's pool | global (async-std has only one) |
//! | [`Smol::new`] | `smol` | the caller of `block_on` | per instance (`smol::Executor`) |
//!
//! | [`Tokio::current`], [`Tokio::from_handle`] | `tokio` or `tokio-mt` | the application's tokio runtime | the application's |
//! | [`Smol::from_executor`] | `smol` | wherever the application runs the executor | the application's |
//!
//! The last two rows attach to a runtime the application already runs (inside
//! `#[tokio::main]`, say) instead of building a second one, whose tasks would run only
//! inside its own `block_on`. `block_on` inside a running runtime panics at once, naming
//! the fix ([`adapter::assert_not_in_running_runtime`]).
//!
//! async-std is discontinued upstream in favour of smol (RUSTSEC-2025-0052); it stays
//! supported here, behind its own feature, so that dropping it later touches no test.
//!
//! # The virtual clock
//!
//! With [`Clock::Virtual`], time stands still while any task can run and jumps to the next
//! deadline when all are idle, and tasks run one at a time in the order they were woken,
//! as on asyncio's single-threaded loop. A scenario that sleeps for an hour finishes in
//! milliseconds, reads exact times, and prints the same trace on every runtime and every
//! run. How it works is explained in `src/sim.rs`. Before it moves, it asks the sockets
//! tasks wait on ([`VirtualHooks::io_wait`], used by `aio-io`'s streams): ready I/O is
//! ready work.
//!
//! # The warp clock
//!
//! With [`Clock::Warp`], the same scheduler reads real time, but skips idle waits: when
//! every task waits on a timer and no blocking job runs, the clock jumps to the next
//! deadline. Blocking and busy code take their real time, sleeps cost nothing: the clock
//! for runnable examples that print elapsed time (`time.sleep` against `asyncio.sleep`).
//! Tests and snapshots stay on the virtual clock.

pub mod adapter;
mod cleanup;
mod config;
mod core;
mod exception;
mod handler;
mod instant;
mod join;
mod registry;
mod runtime;
mod sim;
mod sleep;
mod sync;
mod task;
mod threadsafe;
mod waiter;
mod weak;

mod adapters;

pub use crate::cleanup::{Cleanup, accept_cleanup, cleanup_requested, poll_cleanup};
pub use crate::config::{Clock, Config};
pub use crate::exception::{PyError, PyException, format_exception};
pub use crate::handler::{
    ContextObject, ExceptionContext, ExceptionHandler, Reporter, default_exception_handler,
    exception_repr, string_repr,
};
pub use crate::instant::Instant;
pub use crate::join::{JoinError, JoinHandle, TaskId};
pub use crate::registry::{LiveTask, TaskName, current_task_id, spawn_named};
pub use crate::runtime::Runtime;
pub use crate::sleep::Sleep;
pub use crate::threadsafe::{ConcurrentFuture, Feeder, IoProbe, VirtualHooks, run_as_job};
pub use crate::waiter::{Awaited, Awaiting, current_awaiting, set_current_task_hook};
pub use crate::weak::WeakRuntime;

#[cfg(feature = "async-std")]
pub use crate::adapters::async_std::AsyncStd;
#[cfg(feature = "smol")]
pub use crate::adapters::smol::Smol;
#[cfg(feature = "tokio")]
pub use crate::adapters::tokio::Tokio;
