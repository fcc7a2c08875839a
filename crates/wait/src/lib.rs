//! asyncio's waiting tools in Rust: [`wait`] with a condition and a timeout,
//! [`wait_for`], [`as_completed`] (and 3.13's form, [`as_completed_tasks`]) as a stream,
//! and [`timeout`] / [`timeout_at`] scopes.
//!
//! ```python
//! import asyncio
//!
//! async def main():
//!     fast = asyncio.create_task(asyncio.sleep(1, result="fast"))
//!     slow = asyncio.create_task(asyncio.sleep(5, result="slow"))
//!     done, pending = await asyncio.wait({fast, slow}, return_when=asyncio.FIRST_COMPLETED)
//!     assert done == {fast} and pending == {slow}
//!     try:
//!         await asyncio.wait_for(slow, timeout=1)
//!     except TimeoutError:
//!         assert slow.cancelled()
//!
//! asyncio.run(main())
//! ```
//!
//! ```
//! use std::time::Duration;
//! use aio_rt::Runtime;
//! use aio_tasks::create_task;
//! use aio_wait::{wait, wait_for_task, ReturnWhen, WaitForError};
//!
//! let rt = aio_rt::Smol::with_config(aio_rt::Config::default().clock(aio_rt::Clock::Virtual));
//! rt.block_on(async {
//!     let after = |secs, value| {
//!         let rt = rt.clone();
//!         create_task(&rt.clone(), async move {
//!             rt.sleep(Duration::from_secs(secs)).await;
//!             Ok::<_, String>(value)
//!         })
//!     };
//!     let (fast, slow) = (after(1, "fast"), after(5, "slow"));
//!     let (done, pending) =
//!         wait(&rt, [fast.clone(), slow.clone()], ReturnWhen::FirstCompleted, None).await.unwrap();
//!     assert!(done == [fast] && pending == [slow.clone()]);
//!     let timed_out = wait_for_task(&rt, &slow, Some(Duration::from_secs(1))).await;
//!     assert!(matches!(timed_out, Err(WaitForError::Timeout(_))) && slow.cancelled());
//! });
//! ```
//!
//! # Python to Rust
//!
//! | asyncio | aio-wait |
//! |---|---|
//! | `await asyncio.wait(tasks, timeout=t, return_when=W)` | [`wait`]`(&rt, tasks, ReturnWhen::W, Some(t)).await`: `Ok((done, pending))` |
//! | `FIRST_COMPLETED`, `FIRST_EXCEPTION`, `ALL_COMPLETED` | [`ReturnWhen`] |
//! | `ValueError: Set of Tasks/Futures is empty.` | [`EmptyError`] |
//! | `await asyncio.wait_for(coro, t)` | [`wait_for`]`(&rt, fut, Some(t)).await`: `Result<_, TimeoutError>` |
//! | `await asyncio.wait_for(fut, t)` (an `asyncio.Future`) | [`wait_for_future`]`(&rt, &fut, Some(t)).await`: `Result<Result<T, FutureError>, TimeoutError>` |
//! | `await asyncio.wait_for(task, t)` | [`wait_for_task`]`(&rt, &task, Some(t)).await`: `Result<T, WaitForError<E>>` |
//! | `for f in asyncio.as_completed(tasks, timeout=t): await f` | `while let Some(item) = `[`as_completed`]`(&rt, tasks, Some(t)).next().await` |
//! | `async for task in asyncio.as_completed(tasks, timeout=t):` (3.13) | `while let Some(task) = `[`as_completed_tasks`]`(&rt, tasks, Some(t)).next().await`: the original tasks |
//! | `async with asyncio.timeout(d) as cm:` / `timeout_at(when)` | [`timeout`]`(&rt, Some(d)).run(body).await`: `Result<_, ScopeError>` / [`timeout_at`] |
//! | `cm.when()`, `cm.reschedule(w)`, `cm.expired()` | [`Timeout::when`], [`Timeout::reschedule`], [`Timeout::expired`] |
//! | `TimeoutError` | [`TimeoutError`] (from a scope: [`ScopeError::Timeout`]) |
//! | the `RuntimeError`s of `Timeout` (not entered, entered twice, outside a task) | [`TimeoutStateError`] (from a scope: [`ScopeError::State`]) |
//!
//! # Semantics matrix of `wait`
//!
//! | `return_when` | returns when | a cancellation | on the timeout | cancels anything |
//! |---|---|---|---|---|
//! | `FirstCompleted` | one task has finished, however | counts as finished | `(done, pending)`, no error | never |
//! | `FirstException` | one task failed (error or panic), or all finished | does not count as an exception | `(done, pending)`, no error | never |
//! | `AllCompleted` | every task finished | counts as finished | `(done, pending)`, no error | never |
//!
//! # Timeouts in Rust
//!
//! asyncio's timeout cancels the task running the body, and turns the `CancelledError`
//! into `TimeoutError` on the way out of the scope. Here the scope owns its body and
//! drops it when the deadline passes: the same effect without the bookkeeping of
//! "which cancellation was mine" (`Task.uncancel`). Nested scopes and cancellations
//! from outside follow: only the scope that owns the expired deadline reports it.
//!
//! # Cost
//!
//! `wait` and `as_completed` spawn one small collector on the runtime (a plain runtime
//! task, [`aio_tasks::Finished`], shared with `aio-gather`) that awaits every task, each await with a waker of its own that pushes the
//! task's index on a ready queue: a wake-up polls only the tasks woken since the last
//! one, O(n) work in total for n tasks, never a scan of every task per wake-up (only
//! `wait`'s final split into done and pending looks at each task once). Awaiting off
//! the caller's task keeps the promise that nothing is cancelled: cancelling the caller
//! does not reach the tasks, and the collector runs on after the caller has gone.

mod as_completed;
mod error;
mod timeout;
mod wait;
mod wait_for;

pub use crate::as_completed::{AsCompleted, AsCompletedTasks, as_completed, as_completed_tasks};
pub use crate::error::{EmptyError, ScopeError, TimeoutError, TimeoutStateError, WaitForError};
pub use crate::timeout::{Catching, Scoped, Timeout, timeout, timeout_at};
pub use crate::wait::{DonePending, ReturnWhen, Wait, wait};
pub use crate::wait_for::{wait_for, wait_for_future, wait_for_task};
