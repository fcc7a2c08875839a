//! asyncio's queues in Rust: [`Queue`], [`LifoQueue`] and [`PriorityQueue`], bounded or
//! not, with `task_done` / `join` and 3.13's `shutdown`; cancel-safe and
//! runtime-agnostic.
//!
//! Python:
//!
//! ```python
//! queue = asyncio.Queue(maxsize=2)
//!
//! async def worker():
//!     while True:
//!         item = await queue.get()
//!         print("got", item)
//!         queue.task_done()
//!
//! asyncio.create_task(worker())
//! for i in range(5):
//!     await queue.put(i)
//! await queue.join()
//! ```
//!
//! Rust (on any runtime; here futures-lite's `block_on` and a local executor):
//!
//! ```
//! # futures_lite::future::block_on(async {
//! use aio_queues::Queue;
//! let queue = Queue::new(2);
//! let worker = async {
//!     while let Ok(item) = queue.get().await {
//!         println!("got {item}");
//!         queue.task_done().unwrap();
//!     }
//! };
//! let producer = async {
//!     for i in 0..5 {
//!         queue.put(i).await.unwrap();
//!     }
//!     queue.join().await;
//!     queue.shutdown(false); // ends the worker's loop
//! };
//! futures_lite::future::zip(worker, producer).await;
//! # });
//! ```
//!
//! | asyncio | aio-queues |
//! |---|---|
//! | `asyncio.Queue(maxsize)` / `LifoQueue` / `PriorityQueue` | [`Queue::new`] / [`LifoQueue`] / [`PriorityQueue`] |
//! | `await q.put(item)` / `q.put_nowait(item)` | [`put`](BaseQueue::put) / [`put_nowait`](BaseQueue::put_nowait) |
//! | `await q.get()` / `q.get_nowait()` | [`get`](BaseQueue::get) / [`get_nowait`](BaseQueue::get_nowait) |
//! | `q.qsize()` / `q.empty()` / `q.full()` / `q.maxsize` | [`qsize`](BaseQueue::qsize) / [`empty`](BaseQueue::empty) / [`full`](BaseQueue::full) / [`maxsize`](BaseQueue::maxsize) |
//! | `q.task_done()` / `await q.join()` | [`task_done`](BaseQueue::task_done) / [`join`](BaseQueue::join) |
//! | `q.shutdown(immediate)` (3.13) | [`shutdown`](BaseQueue::shutdown) |
//! | `asyncio.QueueFull` / `QueueEmpty` / `QueueShutDown` | [`QueueFull`] (carries the item) / [`QueueEmpty`] / [`QueueShutDown`] |
//! | `ValueError('task_done() called too many times')` | [`TaskDoneError`] |
//!
//! The method names are asyncio's (`put_nowait`, not `try_put`): they read naturally
//! in Rust, and one rule holds for the whole crate.
//!
//! # How it works
//!
//! The items live in a [`Store`] that synchronises itself: for [`Queue`] a lock-free
//! ring (`concurrent-queue`, bounded to `maxsize` or unbounded), for [`LifoQueue`] and
//! [`PriorityQueue`] a `Vec` / binary heap behind a small mutex. The unfinished count is
//! an atomic. One `std::sync::Mutex` guards only the three
//! [`WaitList`](aio_sync::WaitList)s (getters, putters, joiners), and atomic copies of
//! the two list lengths let a put or a get skip the lock when nobody waits.
//!
//! - put: count the item, push it; if a getter waits, lock and wake the first one (as
//!   asyncio's `_wakeup_next`).
//! - get: pop; if a putter waits, lock and wake the first one.
//! - a get that finds nothing lines up under the lock, then pops once more before it
//!   sleeps: with a `SeqCst` fence on both sides, between "I lined up" and "I look
//!   again" here, "I pushed" and "does anyone wait?" in the put, one of the two always
//!   sees the other (Dekker's pattern), so no wake-up is lost. Putters facing a full
//!   queue do the same against gets.
//! - `task_done` lowers the count without the lock. The count shares its atomic word
//!   with the number of times it reached zero: a joiner remembers that number when it
//!   lines up and returns once it changed (as [`Event`](aio_sync::Event)'s waiters do with
//!   its `set`s), and the `task_done` that reached zero takes the lock only if a joiner
//!   waits (Dekker's pattern again).
//!
//! No runtime is involved, only `std::task::Waker`. See [`BaseQueue`] on whether a woken
//! waiter can be robbed (yes, as in asyncio), and on what threads change.
//!
//! # Performance
//!
//! ns per item through a [`Queue`] bounded to 1024 (ours with `task_done` per item and a
//! final `join`) against `async_channel::bounded(1024)`, from the full run of
//! `cargo run --release -p aio-harness -- bench` (docs/performance.md, 2 cores):
//!
//! | workload | tokio | tokio-mt | async-std | smol |
//! |---|---|---|---|---|
//! | 1 producer, 1 consumer: ours / async-channel | 38 / 73 | 42 / 65 | 64 / 165 | 40 / 75 |
//! | 4 producers, 4 consumers: ours / async-channel | 39 / 74 | 66 / 112 | 81 / 111 | 39 / 74 |
//!
//! On the two multi-threaded runtimes items cross between the worker threads, and
//! the figures follow the machine's core-to-core latency (the table's `handoff ns`
//! column): the run above had a round trip of about 50 ns. On the same virtual machine
//! it sometimes reads 430-470 ns, as the host places the two vCPUs further apart, and 4
//! pairs on tokio-mt then take 332 and 375 ns per item in two runs of
//! `examples/profile_queue.rs`, against 227 and 467 for async-channel in the same two.
//!
//! Why the design above: with the items under the waiters' mutex (one lock for
//! everything, as asyncio's single thread needs none), one thread was faster still
//! (21.0 ns against 23.1 now: a `VecDeque` under an uncontended mutex costs less than a
//! lock-free ring), but on two threads every put, get and `task_done` contended that
//! lock, and the queue was 1.3-1.8x async-channel. With the ring, on tokio's two
//! workers (`perf stat` of `examples/profile_queue.rs tokio-mt 5000000 P`, medians of
//! five): 4 pairs 125 -> 91 ns per item (async-channel 108), 1 pair 78 -> 50 (41).

mod error;
mod queue;
mod store;
/// The state locks: std's, or loom's under `--cfg aio_loom` (`just loom`), so that
/// tests/loom.rs can explore every interleaving of the primitives' critical sections.
mod sync {
    #[cfg(aio_loom)]
    pub(crate) use loom::sync::{
        Mutex, MutexGuard,
        atomic::{AtomicU64, AtomicUsize, fence},
    };
    pub(crate) use std::sync::PoisonError;
    #[cfg(not(aio_loom))]
    pub(crate) use std::sync::{
        Mutex, MutexGuard,
        atomic::{AtomicU64, AtomicUsize, fence},
    };
}

pub use error::{
    GetNowaitError, PutNowaitError, QueueEmpty, QueueFull, QueueShutDown, TaskDoneError,
};
pub use queue::{BaseQueue, Get, Join, LifoQueue, PriorityQueue, Put, Queue};
pub use store::{Fifo, Lifo, Priority, Store};
