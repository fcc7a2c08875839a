//! asyncio's `Task` in Rust: [`create_task`], cancellation with a message, done
//! callbacks, names, [`current_task`], [`all_tasks`], and [`TaskGroup`].
//!
//! ```python
//! import asyncio
//!
//! async def fetch(n):
//!     await asyncio.sleep(n)
//!     if n == 0:
//!         raise ValueError("no zero")
//!     return n * 10
//!
//! async def main():
//!     task = asyncio.create_task(fetch(1), name="fetch-1")
//!     print(task.get_name(), await task)
//!     bad = asyncio.create_task(fetch(0))
//!     try:
//!         await bad
//!     except ValueError as e:
//!         print("failed:", e)
//!
//! asyncio.run(main())
//! ```
//!
//! ```
//! use aio_rt::Runtime;
//! use aio_tasks::{create_task, create_task_named, TaskError};
//! use std::time::Duration;
//!
//! async fn fetch<R: Runtime>(rt: R, n: u64) -> Result<u64, String> {
//!     rt.sleep(Duration::from_secs(n)).await;
//!     if n == 0 {
//!         return Err("no zero".to_owned());
//!     }
//!     Ok(n * 10)
//! }
//!
//! let rt = aio_rt::Smol::with_config(aio_rt::Config::default().clock(aio_rt::Clock::Virtual));
//! rt.block_on(async {
//!     let task = create_task_named(&rt, "fetch-1", fetch(rt.clone(), 1));
//!     assert_eq!(task.name(), "fetch-1");
//!     assert_eq!(task.await, Ok(10));
//!     let bad = create_task(&rt, fetch(rt.clone(), 0));
//!     assert_eq!(bad.await, Err(TaskError::Failed("no zero".to_owned())));
//! });
//! ```
//!
//! # Python to Rust
//!
//! | asyncio | aio-tasks |
//! |---|---|
//! | `asyncio.run(main())` | [`run`] |
//! | `asyncio.create_task(coro, name=...)` | [`create_task`], [`create_task_named`] |
//! | `loop.set_task_factory(asyncio.eager_task_factory)`, then `create_task` (3.12) | [`create_eager_task`], [`create_eager_task_named`] |
//! | `await task` | `task.await` ([`Join`]): `Result<T, TaskError<E>>` |
//! | raising an exception in the coroutine | returning `Err(e)`: [`TaskError::Failed`] (a panic: [`TaskError::Panicked`]) |
//! | `task.cancel(msg)`, `CancelledError` | [`Task::cancel`], [`TaskError::Cancelled`] ([`CancelledError`]) |
//! | `task.cancelling()`, `task.uncancel()` | [`Task::cancelling`], [`Task::uncancel`] (the count only: see there) |
//! | `try: await x` / `except CancelledError:` | [`catch_cancel`] (`Err(CancelledError)`; see "Cancellation: two models") |
//! | `task.done()`, `cancelled()`, `result()`, `exception()` | [`Task::done`], [`Task::cancelled`], [`Task::result`], [`Task::exception`] |
//! | `InvalidStateError` | [`TaskError::InvalidState`] ([`InvalidStateError`]) |
//! | `RuntimeError("Task cannot await on itself")` | [`TaskError::SelfAwait`] ([`SelfAwaitError`]) |
//! | `task.add_done_callback(f)` | [`Task::add_done_callback`] |
//! | `task.get_name()` / `set_name()` | [`Task::name`], [`Task::set_name`] |
//! | `asyncio.current_task()`, `asyncio.all_tasks()` | [`current_task`], [`all_tasks`] ([`TaskRef`]) |
//! | `contextvars.ContextVar`, `copy_context()`, `create_task(coro, context=ctx)` | [`ContextVar`], [`copy_context`], [`create_task_with_context`] ([`Context`], [`Token`]) |
//! | "Task exception was never retrieved", `loop.set_exception_handler` | reported to the runtime's handler: [`Runtime::set_exception_handler`](aio_rt::Runtime::set_exception_handler) |
//! | `async with asyncio.TaskGroup() as tg` | [`TaskGroup::run`] |
//! | `ExceptionGroup`, the TaskGroup's `RuntimeError`s | [`GroupError`] ([`ExceptionGroup`], or no parent task), [`SpawnError`] |
//! | the done callbacks of `gather`, `wait`, `as_completed` | [`Finished`] (what `aio-gather` and `aio-wait` share) |
//!
//! # Choices, named
//!
//! - **Failure is `Err`.** A coroutine can raise; a task body returns `Result<T, E>`,
//!   and `Err(e)` is its exception. A panic is caught too and kept as
//!   [`TaskError::Panicked`]: a bug rather than an expected failure, but the task still
//!   ends and every awaiter hears of it.
//! - **The outcome is shared by cloning.** Every awaiter, and `result()`, gets a clone of
//!   the outcome, so awaiting needs `T: Clone` and `E: Clone` (use `Arc<T>` otherwise).
//! - **Unretrieved failures** are reported when the last handle to a failed task is
//!   dropped (asyncio: when the task is garbage-collected), to the runtime's one
//!   exception handler ([`Runtime::set_exception_handler`](aio_rt::Runtime::set_exception_handler)),
//!   whose default prints asyncio's report on stderr:
//!   `Task exception was never retrieved`, then
//!   `future: <Task finished name='Task-2' coro=<...> exception=Exception('not consumed')>`.
//! - **Eager is chosen per call.** asyncio 3.12 makes tasks eager for a whole loop
//!   (`loop.set_task_factory(asyncio.eager_task_factory)`): every `create_task` then runs
//!   the coroutine's first step inside the call. Rust has no running loop to hold such a
//!   setting, and a global switch would change what every `create_task` in every library
//!   does, unseen at the call site. So eagerness is a function of its own,
//!   [`create_eager_task`]: the call says what it does, and code that relies on a lazy
//!   start (a task that must not run before its creator yields) cannot be changed from
//!   afar. A program that sets the factory once calls it wherever it created tasks;
//!   [`TaskGroup::create_task`] stays lazy.
//! - **Context variables are kept by the task.** A [`ContextVar`] has a value per task:
//!   each task holds its [`Context`], a copy of its creator's made by `create_task`, as
//!   asyncio copies `contextvars.copy_context()` into every task. tokio's `task_local!`
//!   is the native neighbour with another contract: a value bound to one future by
//!   `scope`, inherited by no spawned task, tokio only; docs/tasks.md compares the two.
//! - **Families play the loop.** A task created outside any task (as `asyncio.run`
//!   creates the main task) starts a family; tasks created inside a task join it. The
//!   family numbers the default names (`Task-1`, ...), lists [`all_tasks`], runs done
//!   callbacks (each as a callback of its own on the runtime, like `loop.call_soon`) and
//!   reports to the runtime's exception handler.
//!
//! # Cancellation: two models
//!
//! asyncio cancels by throwing `CancelledError` into the coroutine, which can catch it,
//! clean up with awaits, re-raise it, or even carry on. Rust cancels by dropping the
//! future where it is suspended: destructors run, nothing else. Both are offered here
//! (docs/cancellation.md compares them):
//!
//! - **Drop, the default.** A cancelled task is dropped at its next suspension:
//!   `finally:` becomes a guard whose `Drop` does the cleanup. Awaiting a task (or an
//!   `aio_futures::Future`) from a task that is cancelled cancels the awaited one first,
//!   as asyncio's cancellation reaches the future a task waits on; dropping an
//!   unfinished `task.await` (a timeout around it) cancels the task too.
//! - **Catch, opt-in: [`catch_cancel`].** An await wrapped in `catch_cancel` receives the
//!   cancellation as `Err(CancelledError)`; only the wrapped future is dropped, and the
//!   body goes on: cleanup that awaits, re-raise by returning the error (an error whose
//!   Python class is `CancelledError` ends the task cancelled, as asyncio's does), or
//!   swallow it, with [`Task::uncancel`] where asyncio calls `uncancel()`.
//!
//! ## DESIGN note: why an opt-in await, and not async drop or a second task
//!
//! - *Where* the cancellation may land is the body's choice, as asyncio's `try` is:
//!   everything outside `catch_cancel` keeps Rust's drop model, so every future that is
//!   cancel-safe today stays so, and code that never asks for the exception never sees
//!   it. A global switch ("deliver every cancellation") would make every `.await` a
//!   place where the body goes on after a cancel, which no Rust future is written for.
//! - The request is a flag on the task plus a count of the `catch_cancel` frames
//!   suspended in the body (in the task's rarely-allocated extra state). The driver
//!   reads the flag as before; only when it is set does it look at the count: a task
//!   that never uses `catch_cancel` pays nothing (figure: `catch_bench` example,
//!   docs/cancellation.md). With a frame suspended, the driver polls the body instead
//!   of dropping it; the innermost suspended frame consumes the request (asyncio's
//!   `_must_cancel = False`) and returns it. A request made while the task runs is
//!   delivered at the next suspension inside a frame, a loop turn later, as asyncio's.
//! - No async drop is needed: the wrapped future is dropped as always. A future that
//!   must await its cleanup before the error reaches the body (`Condition::wait` taking
//!   its lock back) opts into `aio_rt::poll_cleanup`'s handshake: the frame polls it
//!   once more in cleanup mode and, if it accepts, until it is done.
//! - Scopes keep their own mechanism where it is simpler and say why (see
//!   `aio_wait::Timeout`, [`TaskGroup`]): they drop their body, unless
//!   [`poll_catching`] shows a frame suspended in it; then they cancel their task as
//!   asyncio does ([`TaskRef::deliver_cancel`]), and count and `uncancel` as 3.11 does.
//! - `uncancel` keeps CPython 3.11's meaning (the count only; scenario
//!   `task_uncancel_keeps_request`): 3.13 also withdraws an undelivered request.
//!
//! Work that must finish whatever happens can also go in a task of its own, awaited
//! through `aio_shield::shield`, so that cancelling the waiter does not cancel the work.
//!
//! # What a task costs
//!
//! Two allocations: the runtime's own task (the body, wrapped in a small driver, spawned
//! with `Runtime::spawn_detached`, so without a `JoinHandle` of its own) and one shared
//! state, 88 bytes for a task giving a `u64`: the outcome, the first awaiter's waker, the
//! driver's waker (cancelling wakes it). A custom name, done callbacks, further awaiters,
//! a cancellation (its message and count) and the task being awaited go in a box
//! allocated on first use. The
//! family lists its tasks, one 16-byte entry each, swept of finished ones as the list
//! doubles. Measure it against the raw spawn with
//! `cargo run --release -p aio-harness -- bench create_task create_task_memory` (figures in
//! docs/tasks.md), or with `cargo run --release -p aio-tasks --example tasks_bench`.
//!
//! Simplification, named: this is a reference implementation for learning; every task
//! holds one mutex, and done callbacks cost a spawn each.

mod catch;
mod context;
mod current;
mod error;
mod finished;
mod group;
mod inner;
mod run;
mod sync;
mod task;

pub use crate::catch::{CatchCancel, catch_cancel, poll_catching};
pub use crate::context::{Context, ContextVar, LookupError, ResetError, Token, copy_context};
pub use crate::current::{all_tasks, current_task};
pub use crate::error::{
    CancelledError, ExceptionGroup, GroupError, InvalidStateError, SelfAwaitError, SpawnError,
    TaskError,
};
pub use crate::finished::Finished;
pub use crate::group::{Run, TaskGroup};
pub use crate::run::run;
pub use crate::task::{
    Join, Task, TaskRef, create_eager_task, create_eager_task_named, create_task,
    create_task_named, create_task_with_context,
};
