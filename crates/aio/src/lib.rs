//! asyncio's names in one import.
//!
//! `aio` is the front door of asyncio-rosetta: one crate to depend on, one
//! `use aio::prelude::*;`, and the asyncio vocabulary a Python programmer already knows,
//! each name backed by the concept crate that teaches it (`aio-tasks`, `aio-gather`,
//! `aio-wait`, ...).
//!
//! ```python
//! import asyncio
//!
//! async def fetch(name, delay):
//!     await asyncio.sleep(delay)
//!     return name
//!
//! async def main():
//!     slow = asyncio.create_task(fetch("slow", 0.02))
//!     fast = asyncio.create_task(fetch("fast", 0.01))
//!     return await asyncio.gather(slow, fast)
//!
//! print(asyncio.run(main()))   # ['slow', 'fast']
//! ```
//!
//! ```
//! use aio::prelude::*;
//! use std::time::Duration;
//!
//! async fn fetch<R: Runtime>(rt: R, name: &'static str, delay: u64) -> Result<&'static str, PyError> {
//!     sleep(&rt, Duration::from_millis(delay)).await;
//!     Ok(name)
//! }
//!
//! let outcome = aio::run(|rt| async move {
//!     let slow = create_task(&rt, fetch(rt.clone(), "slow", 20));
//!     let fast = create_task(&rt, fetch(rt.clone(), "fast", 10));
//!     gather(&rt, [slow, fast]).await
//! });
//! assert_eq!(outcome.unwrap(), ["slow", "fast"]);
//! ```
//!
//! # The names
//!
//! | asyncio | `aio::prelude` |
//! |---|---|
//! | `asyncio.run(main())` | [`run`] (on [`DefaultRuntime`]), [`run_on`] (on a runtime you built) |
//! | `asyncio.create_task`, `Task`, `TaskGroup`, `current_task`, `all_tasks` | [`create_task`](prelude::create_task), [`Task`](prelude::Task), [`TaskGroup`](prelude::TaskGroup), [`current_task`](prelude::current_task), [`all_tasks`](prelude::all_tasks) |
//! | `asyncio.gather` | [`gather`](prelude::gather) |
//! | `asyncio.wait`, `wait_for`, `as_completed`, `timeout` | [`wait`](prelude::wait), [`wait_for`](prelude::wait_for), [`as_completed`](prelude::as_completed), [`timeout`](prelude::timeout) |
//! | `asyncio.shield` | [`shield`](prelude::shield) |
//! | `asyncio.sleep`, `asyncio.to_thread` | [`sleep`](prelude::sleep), [`to_thread`](prelude::to_thread) |
//! | `asyncio.Future` | [`AioFuture`](prelude::AioFuture) (`aio::futures::Future`; renamed so that the glob import does not hide `std::future::Future`) |
//! | `asyncio.Queue`, `LifoQueue`, `PriorityQueue` | [`Queue`](prelude::Queue), [`LifoQueue`](prelude::LifoQueue), [`PriorityQueue`](prelude::PriorityQueue) |
//! | `asyncio.Lock`, `Event`, `Condition`, `Semaphore`, `BoundedSemaphore`, `Barrier` | the same names |
//! | async generators (`async def` with `yield`) | [`AsyncGenerator`](prelude::AsyncGenerator), [`Co`](prelude::Co) |
//!
//! The concept crates stay reachable under their own names ([`tasks`], [`gather`],
//! [`wait`], ...) for everything the prelude leaves out.
//!
//! # Runnable examples
//!
//! One example per topic of the asyncio notes this project grew from, each with its
//! Python original in its doc comment and printing its trace with the elapsed time, as
//! the Python original does: `cargo run -p aio --example NAME`, for NAME in
//! `io_bound`, `create_task`, `gather` (with `return_exceptions`), `wait`, `wait_for`,
//! `as_completed`, `get_running_loop`, `callbacks`, `lock`, `semaphore`, `event`,
//! `queue`, `async_iterator`, `async_generator`, `future`, `shield`, `blocking_sleep`
//! (`time.sleep` against `asyncio.sleep`).
//!
//! They run on the warp clock (real time with idle waits skipped: sleeps cost nothing,
//! blocking code takes its real time); `AIO_CLOCK=virtual` puts them on the
//! deterministic virtual clock, `AIO_CLOCK=real` on the wall clock. [`example`] holds
//! what they share; `tests/examples.rs` runs every one in virtual time and checks its
//! trace.
//!
//! # Printing
//!
//! What a Python programmer prints shows asyncio's `repr()`, state included, through
//! `Display` (`println!("{lock}")`): `<asyncio.locks.Lock [locked, waiters:1]>`,
//! `<asyncio.locks.Barrier [filling, waiters:2/3]>`, `<Queue maxsize=0 tasks=2>`, `<Task
//! finished name='Task-2' result=42>`, `<Future cancelled>`, `<TaskGroup tasks=2
//! entered>`, `<Timeout [active] when=5.0>`. One rule for every type:
//!
//! - **No address.** Where CPython prints `object at 0x7f...` or `at 0x7f...`, nothing is
//!   printed: an address changes from run to run, even in CPython, and a trace must not.
//! - **Nothing that names Python code.** A task's `coro=<main() running at file.py:3>`
//!   and `wait_for=<Future pending ...>`, a future's `cb=[...]`, a stream's
//!   `transport=<_SelectorSocketTransport ...>` have no Rust counterpart and are left out
//!   (`<StreamReader 3 bytes eof>`, `<StreamWriter>`).
//! - **Values print with `Debug`**: a result `42` as in Python, a string `"a"` where
//!   Python shows `'a'`. Exceptions print as Python's `repr(e)`:
//!   [`rt::PyException::py_repr`] (`ValueError('boom')`, an
//!   `ExceptionGroup` with its members); an error's `Display` stays its `str()`.
//! - **`Debug` stays Rust's**: `{:?}` prints a struct with its fields (`Lock { locked:
//!   true, waiters: 1 }`), as Rust users expect.
//!
//! The parity scenarios `*_repr` (`lock_repr`, `queue_repr`, `task_repr`, ...) compare these
//! with CPython's reprs, which the twins print through `rosetta.repr_of` (the address and
//! the Python-only parts removed). Where a repr still differs (a FIFO `Queue` counts its
//! items, `Event` right after `set`), the type's `Display` docs say so and why.
//!
//! # Which runtime
//!
//! asyncio has one event loop; Rust has several runtimes, and every name here works on
//! each of them (they are generic over [`Runtime`]). The cargo features
//! choose which runtimes are built; [`run`] uses the [`DefaultRuntime`]:
//!
//! | features | `DefaultRuntime` |
//! |---|---|
//! | `tokio` (the default) | `aio_rt::Tokio`, current_thread |
//! | `smol` without `tokio` | `aio_rt::Smol` |
//! | `async-std` alone | `aio_rt::AsyncStd` (discontinued upstream; still supported) |
//! | none | `aio_loop::EventLoop`, this project's own asyncio-style loop (always built) |
//!
//! Why tokio's current_thread by default: asyncio's loop runs every task on one thread,
//! and so does this runtime, so a program translated from Python behaves the same (no
//! data race between tasks that asyncio would not have had either); and tokio is the
//! runtime most of the Rust ecosystem's async libraries expect, so a learner's next step
//! (an HTTP client, a database driver) works without a second runtime. Turn the default
//! off (`default-features = false`) and pick another feature: one runtime feature means
//! one runtime in your build.

pub use aio_futures as futures;
pub use aio_gather as gather;
pub use aio_generators as generators;
pub use aio_loop as event_loop;
pub use aio_queues as queues;
pub use aio_rt as rt;
pub use aio_shield as shield;
pub use aio_sleep as sleep;
pub use aio_sync as sync;
pub use aio_tasks as tasks;
pub use aio_wait as wait;

use std::future::Future;

use aio_rt::{PyException, Runtime};
use aio_tasks::TaskError;

/// The runtime [`run`] uses, chosen by the cargo features (see the crate docs).
///
/// Python: the event loop `asyncio.run` creates
#[cfg(feature = "tokio")]
pub type DefaultRuntime = aio_rt::Tokio;

/// The runtime [`run`] uses, chosen by the cargo features (see the crate docs).
///
/// Python: the event loop `asyncio.run` creates
#[cfg(all(not(feature = "tokio"), feature = "smol"))]
pub type DefaultRuntime = aio_rt::Smol;

/// The runtime [`run`] uses, chosen by the cargo features (see the crate docs).
///
/// Python: the event loop `asyncio.run` creates
#[cfg(all(not(feature = "tokio"), not(feature = "smol"), feature = "async-std"))]
pub type DefaultRuntime = aio_rt::AsyncStd;

/// The runtime [`run`] uses, chosen by the cargo features (see the crate docs).
///
/// Python: the event loop `asyncio.run` creates
#[cfg(not(any(feature = "tokio", feature = "smol", feature = "async-std")))]
pub type DefaultRuntime = aio_loop::EventLoop;

/// A new [`DefaultRuntime`] on the real clock.
///
/// Python: `asyncio.new_event_loop()`
pub fn default_runtime() -> DefaultRuntime {
    #[cfg(feature = "tokio")]
    return aio_rt::Tokio::current_thread();
    #[cfg(all(not(feature = "tokio"), feature = "smol"))]
    return aio_rt::Smol::new();
    #[cfg(all(not(feature = "tokio"), not(feature = "smol"), feature = "async-std"))]
    return aio_rt::AsyncStd::new();
    #[cfg(not(any(feature = "tokio", feature = "smol", feature = "async-std")))]
    return aio_loop::EventLoop::new();
}

/// Runs `main` as the main task on a new [`DefaultRuntime`], then shuts down as asyncio
/// does: the tasks still pending are cancelled and waited for. Gives main's outcome.
///
/// Python: `asyncio.run(main())`
///
/// `main` receives the runtime (asyncio's running loop), which every task needs to create
/// others. The details of the shutdown are [`aio_tasks::run`]'s.
///
/// # Errors
///
/// main's own outcome: [`TaskError::Failed`] with its `Err`, [`TaskError::Panicked`], or
/// [`TaskError::Cancelled`] if something cancelled it.
///
/// # Panics
///
/// As the runtime's `block_on`: called inside a running runtime it panics at once, naming
/// the fix (asyncio raises `RuntimeError: asyncio.run() cannot be called from a running
/// event loop`). Inside `#[tokio::main]`, use `aio::rt::Tokio::current()` and `.await`
/// instead of running a second runtime.
///
/// # Examples
///
/// ```
/// use aio::prelude::*;
///
/// let answer = aio::run(|rt| async move {
///     let task = create_task(&rt, async { Ok::<_, PyError>(42) });
///     task.await
/// });
/// assert_eq!(answer.unwrap(), 42);
/// ```
pub fn run<M, Fut, T, E>(main: M) -> Result<T, TaskError<E>>
where
    M: FnOnce(DefaultRuntime) -> Fut,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
    T: Clone + Send + 'static,
    E: Clone + PyException + Send + Sync + 'static,
{
    run_on(&default_runtime(), main)
}

/// [`run`] on a runtime you built (another runtime, or one on the virtual clock).
///
/// Python: `asyncio.Runner(loop_factory=...).run(main())` (3.12)
///
/// # Errors
///
/// As [`run`].
///
/// # Examples
///
/// On the virtual clock a ten-second sleep takes no time, and the clock says so:
///
/// ```
/// use aio::prelude::*;
/// use aio::rt::{Clock, Config};
/// use std::time::Duration;
///
/// let rt = aio::event_loop::EventLoop::with_config(Config::default().clock(Clock::Virtual));
/// let elapsed = aio::run_on(&rt, |rt| async move {
///     let start = rt.now();
///     sleep(&rt, Duration::from_secs(10)).await;
///     Ok::<_, PyError>(rt.now().since_start() - start.since_start())
/// });
/// assert_eq!(elapsed.unwrap(), Duration::from_secs(10));
/// ```
pub fn run_on<R, M, Fut, T, E>(rt: &R, main: M) -> Result<T, TaskError<E>>
where
    R: Runtime,
    M: FnOnce(R) -> Fut,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
    T: Clone + Send + 'static,
    E: Clone + PyException + Send + Sync + 'static,
{
    aio_tasks::run(rt, main(rt.clone()))
}

/// A new [`DefaultRuntime`] with `config` (its clock, its exception handler).
///
/// Python: `asyncio.new_event_loop()`, then `loop.set_exception_handler(...)`
pub fn default_runtime_with(config: aio_rt::Config) -> DefaultRuntime {
    #[cfg(feature = "tokio")]
    return aio_rt::Tokio::current_thread_with(config);
    #[cfg(all(not(feature = "tokio"), feature = "smol"))]
    return aio_rt::Smol::with_config(config);
    #[cfg(all(not(feature = "tokio"), not(feature = "smol"), feature = "async-std"))]
    return aio_rt::AsyncStd::with_config(config);
    #[cfg(not(any(feature = "tokio", feature = "smol", feature = "async-std")))]
    return aio_loop::EventLoop::with_config(config);
}

/// What the runnable examples (`cargo run -p aio --example NAME`) share: the clock they
/// run on, and a trace that prints the elapsed time.
///
/// Python: `start = time.perf_counter()` and `print(f"[{time.perf_counter() - start:.1f}s] ...")`
///
/// The clock comes from the environment variable `AIO_CLOCK`:
///
/// | `AIO_CLOCK` | clock |
/// |---|---|
/// | unset (or anything else) | [`Clock::Warp`](aio_rt::Clock::Warp): real time with idle waits skipped, so sleeps cost nothing and blocking code takes its real time |
/// | `virtual` | [`Clock::Virtual`](aio_rt::Clock::Virtual): deterministic, for tests (crates/aio/tests/examples.rs) |
/// | `real` | [`Clock::Real`](aio_rt::Clock::Real): the wall clock, sleeps take their time |
///
/// # Examples
///
/// ```
/// use aio::prelude::*;
/// use std::time::Duration;
///
/// aio::example::set_clock(Some(aio::rt::Clock::Virtual)); // as AIO_CLOCK=virtual
/// let outcome = aio::example::run(|rt| async move {
///     sleep(&rt, Duration::from_millis(500)).await;
///     aio::example::say(&rt, "done");   // prints "[0.5s] done"
///     Ok::<_, PyError>(())
/// });
/// assert!(outcome.is_ok());
/// assert_eq!(aio::example::take_trace(), ["[0.5s] done"]);
/// ```
pub mod example {
    use std::fmt::Display;
    use std::future::Future;
    use std::sync::Mutex;

    use aio_rt::{Clock, Config, PyException, Runtime};
    use aio_tasks::TaskError;

    use crate::DefaultRuntime;

    static TRACE: Mutex<Vec<String>> = Mutex::new(Vec::new());
    static CLOCK: Mutex<Option<Clock>> = Mutex::new(None);

    /// The clock `AIO_CLOCK` asks for: `virtual`, `real`, or [`Clock::Warp`] otherwise;
    /// [`set_clock`] overrides it.
    ///
    /// Python: none (asyncio has only the wall clock)
    pub fn clock() -> Clock {
        if let Some(clock) = *CLOCK.lock().unwrap_or_else(|e| e.into_inner()) {
            return clock;
        }
        match std::env::var("AIO_CLOCK").as_deref() {
            Ok("virtual") => Clock::Virtual,
            Ok("real") => Clock::Real,
            _ => Clock::Warp,
        }
    }

    /// Overrides `AIO_CLOCK` for this process (`None`: read it again), so that a test
    /// runs the examples on [`Clock::Virtual`] without touching the environment.
    ///
    /// Python: none
    pub fn set_clock(clock: Option<Clock>) {
        *CLOCK.lock().unwrap_or_else(|e| e.into_inner()) = clock;
    }

    /// A [`Config`] on [`clock`], for a runtime you build yourself
    /// (`aio::event_loop::EventLoop::with_config(aio::example::config())`).
    ///
    /// Python: none
    pub fn config() -> Config {
        Config::default().clock(clock())
    }

    /// A new [`DefaultRuntime`] on [`clock`].
    ///
    /// Python: `asyncio.new_event_loop()`
    pub fn runtime() -> DefaultRuntime {
        crate::default_runtime_with(config())
    }

    /// [`run`](crate::run) on [`runtime`]: `main` as the main task, on the clock
    /// `AIO_CLOCK` asks for.
    ///
    /// Python: `asyncio.run(main())`
    ///
    /// # Errors
    ///
    /// As [`run`](crate::run).
    pub fn run<M, Fut, T, E>(main: M) -> Result<T, TaskError<E>>
    where
        M: FnOnce(DefaultRuntime) -> Fut,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
        T: Clone + Send + 'static,
        E: Clone + PyException + Send + Sync + 'static,
    {
        crate::run_on(&runtime(), main)
    }

    /// Prints `[1.0s] text`: the seconds since `rt` started, then `text`; and keeps the
    /// line for [`take_trace`] (so a program that says a lot keeps every line: this is
    /// for examples and tests).
    ///
    /// Python: `print(f"[{time.perf_counter() - start:.1f}s] {text}")`
    pub fn say<R: Runtime>(rt: &R, text: impl Display) {
        let line = format!("[{:.1}s] {text}", rt.now().since_start().as_secs_f64());
        println!("{line}");
        TRACE.lock().unwrap_or_else(|e| e.into_inner()).push(line);
    }

    /// The lines [`say`] printed since the last call, in order (for tests).
    ///
    /// Python: none (a test would capture stdout)
    pub fn take_trace() -> Vec<String> {
        std::mem::take(&mut *TRACE.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// asyncio's names, for `use aio::prelude::*;`.
///
/// Python: `import asyncio` (and then `asyncio.<name>`)
pub mod prelude {
    pub use crate::{DefaultRuntime, run, run_on};
    pub use aio_futures::Future as AioFuture;
    pub use aio_gather::gather;
    pub use aio_generators::{AsyncGenerator, Co};
    pub use aio_queues::{LifoQueue, PriorityQueue, Queue};
    pub use aio_rt::{PyError, PyException, Runtime};
    pub use aio_shield::shield;
    pub use aio_sleep::{sleep, to_thread};
    pub use aio_sync::{Barrier, BoundedSemaphore, Condition, Event, Lock, Semaphore};
    pub use aio_tasks::{Task, TaskError, TaskGroup, all_tasks, create_task, current_task};
    pub use aio_wait::{ReturnWhen, as_completed, timeout, wait, wait_for};
}
