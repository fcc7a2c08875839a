//! The road from generators to `async`/`await`, in three runnable steps.
//!
//! asyncio "is written on generators": Python went from generators (`yield`), to
//! generator-based coroutines (`yield from`), to `async`/`await`. Rust's `async fn` is the
//! same idea compiled ahead of time. The same countdown, three times:
//!
//! 1. [`iterator::Countdown`]: a generator is an object that remembers where it stopped;
//!    in Rust, a struct implementing [`Iterator`], resumed by each `next()`.
//! 2. [`state_machine::CountdownFuture`]: a hand-written [`Future`](std::future::Future):
//!    a state machine whose `poll` delegates to the sleep it waits on and returns
//!    `Pending` up to the loop, which is exactly what `yield from asyncio.sleep(1)` did.
//! 3. [`async_fn::countdown`]: the `async fn` that the compiler turns into step 2.
//!
//! `docs/generators.md` walks through them; `cargo run -p aio-generators --example
//! evolution` runs them.

pub mod async_fn;
pub mod iterator;
pub mod state_machine;
