//! asyncio's synchronisation primitives in Rust: [`Lock`], [`Semaphore`],
//! [`BoundedSemaphore`], [`Event`], [`Condition`] and [`Barrier`], with asyncio's
//! semantics (strict FIFO, no barging), cancel-safe, and runtime-agnostic.
//!
//! Python:
//!
//! ```python
//! lock = asyncio.Lock()
//! async with lock:
//!     shared += 1
//!
//! sem = asyncio.Semaphore(10)
//! async with sem:
//!     await fetch(url)
//!
//! ready = asyncio.Event()
//! await ready.wait()            # elsewhere: ready.set()
//! ```
//!
//! Rust:
//!
//! ```
//! # futures_lite::future::block_on(async {
//! let lock = aio_sync::Lock::new();
//! {
//!     let _guard = lock.lock().await;
//!     // shared += 1
//! }
//!
//! let sem = aio_sync::Semaphore::new(10);
//! {
//!     let _permit = sem.permit().await;
//!     // fetch(url).await
//! }
//!
//! let ready = aio_sync::Event::new();
//! ready.set();
//! ready.wait().await;
//! # });
//! ```
//!
//! | asyncio | aio-sync |
//! |---|---|
//! | `asyncio.Lock()` / `await lock.acquire()` / `lock.release()` | [`Lock::new`] / [`Lock::acquire`] / [`Lock::release`] |
//! | `async with lock:` | [`Lock::lock`] (a guard) |
//! | `asyncio.Semaphore(n)` / `async with sem:` | [`Semaphore::new`] / [`Semaphore::permit`] |
//! | `asyncio.BoundedSemaphore(n)` | [`BoundedSemaphore`] |
//! | `asyncio.Event()` / `set` / `clear` / `wait` / `is_set` | [`Event`] |
//! | `asyncio.Condition()` / `wait` / `wait_for` / `notify(n)` / `notify_all` | [`Condition`] |
//! | `asyncio.Barrier(n)` / `wait` / `reset` / `abort` | [`Barrier`] (parties as `NonZeroUsize`) |
//! | `RuntimeError('Lock is not acquired.')` | [`LockNotAcquired`] |
//! | `ValueError('BoundedSemaphore released too many times')` | [`TooManyReleases`] |
//! | `RuntimeError('cannot wait on un-acquired lock')` | [`ConditionError`] |
//! | `asyncio.BrokenBarrierError` | [`BrokenBarrierError`] |
//!
//! # How they work
//!
//! Each primitive is a `std::sync::Mutex` around its state and a [`WaitList`]: a FIFO of
//! parked tasks, each with a stable id and a waker. No runtime is involved, only
//! `std::task::Waker`, so these work on tokio, async-std, smol or a hand-written loop
//! alike (smol-rs/async-lock takes the same approach, with atomics where this crate
//! keeps a mutex for readability). There is no `unsafe`.
//!
//! # Cancellation
//!
//! Cancelling is dropping the future. Every future here is cancel-safe: a dropped
//! acquire never leaves the lock held and never leaks a permit, and a waiter that was
//! woken (handed the lock, a permit or a notification) and then dropped passes the
//! wake-up on to the next in line, as asyncio's `except CancelledError:` branches do.
//! The one place Rust cannot mean the same is [`Condition::wait`]: see its docs.
//!
//! # Performance
//!
//! Single thread, ns per operation, measured with
//! `cargo run --release -q -p aio-harness -- bench --quick --runtime tokio lock semaphore
//! semaphore_fifo` (and `--runtime smol`; medians of three quick runs, 2 shared cores):
//!
//! | workload | tokio current_thread | smol |
//! |---|---|---|
//! | Lock, 100 tasks lock+unlock: aio-sync / async-lock | 10.6 / 13 | 10.4 / 13 |
//! | Semaphore(10), 1000 tasks acquire+yield+release: aio-sync | 125 | 159 |
//! | the same with async-lock (barging: a releaser takes its permit back) | 75 | 99 |
//! | the same with tokio::sync::Semaphore (FIFO, as here) | 158 | 202 |
//!
//! Strict FIFO costs the semaphore a task switch per acquire that a barging semaphore
//! skips: the releasing task must queue behind the waiters, so each acquire is a park,
//! a wake-up and a second poll. Most of the time is the executor's; aio-sync's own part
//! is about a fifth (callgrind: `examples/profile_semaphore.rs`, 947 instructions per
//! acquire on tokio, about 230 of them aio-sync's before the change below; tokio's
//! FIFO semaphore 1,271). smol is slower than tokio here for every semaphore alike:
//! its executor's wake-ups go through a shared concurrent queue.
//!
//! The hot paths are `#[inline]`: these functions are not generic, so without it a
//! caller in another crate calls them out of line. For the Lock that was a third of the
//! work: 159 instructions per uncontended lock + unlock, 90 with it
//! (`examples/profile_lock.rs` under callgrind), 13.9 ns -> 10.5 ns on tokio.
//!
//! Fewer instructions are not always less time, and one thread is not two. Letting the
//! woken waiter leave without the mutex (its two counters atomic, and a flag telling it
//! when a spare permit still has to be passed on) cut 7% of the instructions per
//! acquire on tokio, yet on one thread tokio's wall-clock time did not move: there the
//! mutex it skips is uncontended and cheap, and most of an acquire's time is the
//! executor's task switch. On two worker threads the mutex is contended, and what
//! happens while it is held is what costs: a release that woke the waiter under the
//! lock could rouse the other worker, which then found the lock still held. So a
//! release now wakes the waiter after letting the lock go, and the woken waiter leaves
//! without it. `aio bench --quick semaphore_fifo`, 12 interleaved rounds on a quiet
//! machine, ours / tokio::sync::Semaphore (median):
//!
//! | runtime | mutex for all, wake under it | wake after the lock | and the woken leave without it |
//! |---|---|---|---|
//! | tokio-mt (2 workers) | 1.01 | 0.86 | 0.64 |
//! | async-std (2 threads) | 1.21 | 0.90 | 0.88 |
//! | tokio current_thread | 0.79 | 0.81 | 0.75 |
//!
//! (callgrind, tokio current_thread: 987, 1,005 and 947 instructions per acquire.)
//!
//! The Event needed neither: its woken waiters already leave without the lock (the
//! `sets` counter), so on two threads nobody waits for the lock while `set` wakes them.
//! `aio bench --quick event`, 30 interleaved rounds, ours / tokio Notify (median [quartiles]):
//! tokio-mt 1.07 [0.94..1.21], async-std 0.96 [0.91..1.00]; the time is the executor's
//! (under `perf`, Event::set and Wait::poll take a fifth of the samples
//! Notify::notify_waiters and its poll take). Taking the list out under the lock and
//! waking after letting it go measured the same (1.02 [0.91..1.07], 0.97 [0.90..1.03]),
//! so `set` still wakes under the lock.

mod barrier;
mod condition;
mod error;
mod event;
mod lock;
mod semaphore;
/// The state locks: std's, or loom's under `--cfg aio_loom` (`just loom`), so that
/// tests/loom.rs can explore every interleaving of the primitives' critical sections.
mod sync {
    #[cfg(aio_loom)]
    pub(crate) use loom::sync::atomic::AtomicU64;
    #[cfg(aio_loom)]
    pub(crate) use loom::sync::{Mutex, MutexGuard};
    pub(crate) use std::sync::PoisonError;
    #[cfg(not(aio_loom))]
    pub(crate) use std::sync::atomic::AtomicU64;
    #[cfg(not(aio_loom))]
    pub(crate) use std::sync::{Mutex, MutexGuard};
}
#[cfg(test)]
mod test_util;
pub mod waiters;

pub use barrier::{Barrier, Wait as BarrierWait};
pub use condition::{Condition, Wait as ConditionWait};
pub use error::{BrokenBarrierError, ConditionError, LockNotAcquired, TooManyReleases};
pub use event::{Event, Wait as EventWait};
pub use lock::{Acquire as LockAcquire, Lock, LockFuture, LockGuard};
pub use semaphore::{
    Acquire as SemaphoreAcquire, BoundedSemaphore, Permit, PermitFuture, Semaphore,
};
pub use waiters::{WaitList, WaiterState};
