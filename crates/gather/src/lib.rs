//! asyncio's `gather` in Rust: run tasks concurrently and collect their results in
//! argument order.
//!
//! ```python
//! import asyncio
//!
//! async def double(n):
//!     await asyncio.sleep(3 - n)
//!     return n * 2
//!
//! async def main():
//!     print(await asyncio.gather(*(double(n) for n in range(3))))   # [0, 2, 4]
//!     print(await asyncio.gather())                                  # []
//!
//! asyncio.run(main())
//! ```
//!
//! ```
//! use std::time::Duration;
//! use aio_rt::Runtime;
//! use aio_gather::gather_futures;
//!
//! let rt = aio_rt::Smol::with_config(aio_rt::Config::default().clock(aio_rt::Clock::Virtual));
//! rt.block_on(async {
//!     let double = |n: u64| {
//!         let rt = rt.clone();
//!         async move {
//!             rt.sleep(Duration::from_secs(3 - n)).await;
//!             Ok::<_, String>(n * 2)
//!         }
//!     };
//!     assert_eq!(gather_futures(&rt, (0..3).map(double)).await, Ok(vec![0, 2, 4]));
//!     assert_eq!(aio_gather::gather(&rt, Vec::<aio_tasks::Task<u64, String>>::new()).await, Ok(vec![]));
//! });
//! ```
//!
//! # Python to Rust
//!
//! | asyncio | aio-gather |
//! |---|---|
//! | `await asyncio.gather(*tasks)` | [`gather`]`(&rt, tasks).await`: `Result<Vec<T>, TaskError<E>>` |
//! | `await asyncio.gather(*coros)` | [`gather_futures`]`(&rt, futures).await` (each future becomes a task) |
//! | `await asyncio.gather(*aws, return_exceptions=True)` | [`gather`]`(&rt, tasks).`[`return_exceptions`](Gather::return_exceptions)`().await`: `Vec<Result<T, TaskError<E>>>` |
//! | `a, b = await asyncio.gather(a, b)` (mixed types) | [`gather_tuple`]`((a, b)).await`: `Result<(A, B), TaskError<E>>` (2 to 8 tasks) |
//! | `gather(...).cancel()` | [`Gather::cancel`] ([`GatherAll::cancel`] with `return_exceptions`), or cancel the task awaiting the gather, or drop the gather |
//!
//! # Semantics matrix
//!
//! | mode | a child fails (error, panic, cancellation) | the siblings | output |
//! |---|---|---|---|
//! | default | the gather returns that first failure at once | keep running, not cancelled | `Result<Vec<T>, TaskError<E>>` |
//! | `return_exceptions()` | its outcome fills its slot; the gather goes on | keep running; the gather waits for all | `Vec<Result<T, TaskError<E>>>` |
//! | the gather is cancelled (dropped unfinished), either mode | | every child still running is cancelled | none: the awaiting task is cancelled |
//! | no children, either mode | | | `Ok(vec![])` / `vec![]` on the first poll |
//!
//! # How futures and tasks enter
//!
//! asyncio's gather wraps each coroutine in a task (`ensure_future`) and adds a done
//! callback to each child. Here [`gather`] takes [`aio_tasks::Task`]s, so the caller
//! keeps handles to them (to look at the siblings after a failure, or await them
//! again), and [`gather_futures`] wraps futures in tasks first, as asyncio does with
//! coroutines. Children always are tasks: they run concurrently on the runtime, not
//! inside the gather's poll, so a failure returned early leaves them running.
//!
//! # Cost
//!
//! The gather spawns one small collector on the runtime (a plain runtime task,
//! [`aio_tasks::Finished`], shared with `aio-wait`) that awaits every child, each await with a waker of its own that pushes the child's index
//! on a ready queue; a wake-up polls only the children in the queue. Gathering n tasks
//! is O(n) work in total, never a scan of every child per wake-up (futures-rs's
//! `FuturesUnordered` makes the same choice). `aio-rt`'s `JoinHandle` has no
//! cooperative budget, so tokio's coop budget cannot turn a big gather into repeated
//! full scans. Awaiting in the collector rather than in the caller's task keeps the
//! siblings of an early failure running (the collector goes on awaiting them; dropping
//! an await would cancel its task) and leaves cancelling to the gather's `Drop`, in
//! argument order. [`gather_tuple`] (at most 8 children) uses done callbacks instead.
//! The figures are in the docs page and `examples/gather_bench.rs`.
//!
//! Simplification, named: the children's outcomes are cloned out of the tasks
//! (`Task::result`), so gathering needs `T: Clone` and `E: Clone`, as awaiting a task
//! does.

mod gather;
mod ready;
mod tuple;

pub use crate::gather::{Gather, GatherAll, gather, gather_futures};
pub use crate::tuple::{GatherTuple, GatherTupleAll, Push, TaskTuple, gather_tuple};
