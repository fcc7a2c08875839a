//! Async iterators and async generators, on stable Rust.
//!
//! Python's async generator, the asyncio notes' "lazy rows from a database":
//!
//! ```python
//! import asyncio
//!
//! async def rows(page_size):
//!     offset = 0
//!     while True:
//!         await asyncio.sleep(2)                 # the query's latency
//!         page = list(range(offset, min(offset + page_size, 5)))
//!         for row in page:
//!             yield row
//!         if len(page) < page_size:
//!             return
//!         offset += page_size
//!
//! async def main():
//!     async for row in rows(2):
//!         print(row)
//!
//! asyncio.run(main())
//! ```
//!
//! The same in Rust: an [`AsyncGenerator`] is an async body with a yielder ([`Co`]), run
//! lazily, and a [`Stream`](futures_lite::Stream), so `async for` is `while let`:
//!
//! ```
//! use aio_generators::{AsyncGenerator, Co};
//! use aio_rt::{Clock, Config, Runtime};
//! use futures_lite::StreamExt;
//! use std::time::Duration;
//!
//! async fn main_<R: Runtime>(rt: R) -> Vec<u32> {
//!     let page_size = 2;
//!     let mut rows = AsyncGenerator::new(|mut co: Co<u32>| async move {
//!         let mut offset = 0;
//!         loop {
//!             rt.sleep(Duration::from_secs(2)).await; // the query's latency
//!             let page: Vec<u32> = (offset..(offset + page_size).min(5)).collect();
//!             for &row in &page {
//!                 co.yield_(row).await?;
//!             }
//!             if page.len() < page_size as usize {
//!                 return Ok(());
//!             }
//!             offset += page_size;
//!         }
//!     });
//!     let mut seen = Vec::new();
//!     while let Some(Ok(row)) = rows.next().await {
//!         seen.push(row);
//!     }
//!     seen
//! }
//!
//! let rt = aio_rt::Smol::with_config(Config::default().clock(Clock::Virtual));
//! assert_eq!(rt.block_on(main_(rt.clone())), [0, 1, 2, 3, 4]);
//! ```
//!
//! [`Database::rows`] is that generator over a simulated database, and
//! [`Database::blocking_rows`] the blocking iterator that stalls the loop instead.
//!
//! # Python to Rust
//!
//! | Python | Rust |
//! |---|---|
//! | async iterator (`__aiter__`, `__anext__`) | [`Stream`](futures_lite::Stream) (`poll_next`); [`Counter`] is one by hand |
//! | `async for x in it:` | `while let Some(x) = it.next().await` ([`StreamExt::next`](futures_lite::StreamExt::next)) |
//! | `raise StopAsyncIteration` | `Poll::Ready(None)` |
//! | `aiter(it)` | `it` (a `Stream` is its own iterator) |
//! | `await anext(it)` / `await anext(it, default)` | `it.next().await` / [`anext_or`]`(&mut it, default).await` |
//! | `[f(x) async for x in it if p(x)]` | `it.filter(p).map(f).collect::<Vec<_>>().await` |
//! | `async def gen(): ... yield v` | [`AsyncGenerator::new`]`(\|mut co: Co<T>\| async move { ... co.yield_(v).await?; ... Ok(()) })` |
//! | `received = yield v` | `let received = co.yield_(v).await?;` (`None` after `anext`, `Some(s)` after `asend(s)`) |
//! | `await agen.asend(v)` | [`agen.asend(v).await`](AsyncGenerator::asend) |
//! | `await agen.athrow(exc)` | [`agen.athrow(e).await`](AsyncGenerator::athrow) |
//! | `await agen.aclose()` | [`agen.aclose().await`](AsyncGenerator::aclose) |
//! | `GeneratorExit` at the paused `yield` | [`Thrown::GeneratorExit`] from `co.yield_(v).await` |
//! | `StopAsyncIteration`, `RuntimeError`s of the protocol | [`GeneratorError`] |
//! | the loop's finalizer hook (`aclose` scheduled for a collected generator) | [`AsyncGenerator::close_on_drop`] |
//!
//! # The protocol, as a matrix
//!
//! What each request does, by where the generator is:
//!
//! | request | not started | paused at a yield | mid-step (another request runs it) | finished |
//! |---|---|---|---|---|
//! | `anext()` | runs to the first yield | yield evaluates to `None` | `AlreadyRunning` | `StopAsyncIteration` |
//! | `asend(v)` | `JustStarted` (nothing runs) | yield evaluates to `Some(v)` | `AlreadyRunning` | `StopAsyncIteration` |
//! | `athrow(e)` | finished, `Raised(e)` (nothing runs) | yield raises `e` | `AlreadyRunning` | `StopAsyncIteration` |
//! | `aclose()` | finished, `Ok` (nothing runs) | yield raises `GeneratorExit`; a yield during cleanup is `IgnoredGeneratorExit` | `AlreadyRunning` | `Ok` |
//!
//! # Dropping a paused generator
//!
//! Python cannot leave a generator's `finally` unrun: when a paused async generator is
//! garbage-collected, asyncio's finalizer hook schedules `aclose()` on the loop, and the
//! cleanup runs later, in a task of its own. Rust has no async drop: dropping a generator
//! drops its body, which runs the destructors of its locals at once, synchronously, but
//! nothing after the paused `yield_` (no `.await` can run in a destructor). So either close
//! it explicitly (`aclose().await`), or opt in to asyncio's behaviour with
//! [`close_on_drop`](AsyncGenerator::close_on_drop)`(rt)`, which moves the paused body
//! into a task on `rt` that closes it.
//!
//! # Why this design
//!
//! A generator is the body's future plus a small shared slot (an `Arc` of two cells): the
//! body's `co.yield_(v)` puts `v` in the slot and returns `Pending`; the generator, which
//! is polling the body, finds the value and returns it; the next request puts its input in
//! the slot and polls the body again, and the paused `yield_` reads it. No macro, no
//! thread-local: it is `Send` when its parts are, so it can be spawned, and its requests
//! can be shared (`&self`), which is what makes asyncio's "already running" a real,
//! testable state rather than a borrow error.
//!
//! - [async-stream](https://docs.rs/async-stream) gives the nicest syntax (`yield v`
//!   inside a `stream! { }` macro) and passes values through a thread-local slot with
//!   `unsafe` code; it has no `asend`/`athrow`/`aclose`.
//! - [genawaiter](https://docs.rs/genawaiter) is the closest relative: shared state
//!   between the body and the generator, resume arguments (like `asend`), with `Rc`
//!   (`rc`), `Arc` (`sync`) and stack-pinned (`stack`, with `unsafe`) flavours; it has no
//!   throw or close, and its generators are not `Stream`s unless the resume type is `()`.
//!
//! This crate needs the throw / close half of the protocol and asyncio's errors. The slot
//! is the one module of the workspace allowed `unsafe` code (`src/slot.rs`, every block
//! with the proof of why it is sound, and its tests run under Miri:
//! `cargo +nightly miri test -p aio-generators --lib`): an `UnsafeCell` handed over with
//! atomic acquire/release loads and stores, no lock. The safe version, an
//! `Arc<Mutex<..>>` locked twice per item, cost 13 ns per item against 6-7.5 now, where a
//! hand-written `Stream` takes 1.2-1.4 ns and async-stream's `stream!` 4.7-5.6 ns
//! (`aio bench async_generator async_generator_async_stream` on every runtime); by
//! callgrind, 72 instructions per item against 13 for the hand-written `Stream`
//! (`examples/items.rs` says how).
//!
//! # What is inside
//!
//! | item | Python |
//! |---|---|
//! | [`AsyncGenerator`], [`Request`], [`Close`] | `async_generator`, the awaitables of `anext`/`asend`/`athrow`/`aclose` |
//! | [`Co`], [`Yield`] | the `yield` expression |
//! | [`GeneratorError`], [`Thrown`] | `StopAsyncIteration`, the protocol's errors, `GeneratorExit` |
//! | [`Counter`], [`anext_or`] | an async iterator class, `anext(it, default)` |
//! | [`Database`], [`Row`], [`BlockingRows`] | the notes' database example, and a blocking driver |
//! | [`evolution`] | generators → `yield from` coroutines → `async`/`await` |

mod co;
mod error;
pub mod evolution;
mod generator;
mod iter;
mod rows;
mod slot;

pub use crate::co::{Co, Yield};
pub use crate::error::{GeneratorError, RequestKind, Thrown};
pub use crate::generator::{AsyncGenerator, Close, Request};
pub use crate::iter::{Counter, anext_or};
pub use crate::rows::{BlockingRows, Database, Row};
