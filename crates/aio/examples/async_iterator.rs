//! An async iterator: a class with `__aiter__` and `__anext__`, walked with `async for`.
//!
//! ```python
//! import asyncio, time
//!
//! def say(text):
//!     print(f"[{time.perf_counter() - start:.1f}s] {text}")
//!
//! class Ticker:
//!     def __init__(self, stop):
//!         self.n, self.stop = 0, stop
//!
//!     def __aiter__(self):
//!         return self
//!
//!     async def __anext__(self):
//!         if self.n == self.stop:
//!             raise StopAsyncIteration
//!         await asyncio.sleep(1)          # waiting for the next value
//!         self.n += 1
//!         return self.n
//!
//! async def main():
//!     async for tick in Ticker(3):
//!         say(f"tick {tick}")             # at 1.0s, 2.0s, 3.0s
//!
//! start = time.perf_counter()
//! asyncio.run(main())
//! ```
//!
//! Rust: `__anext__` is an `async fn` giving `Option` (`None` is `StopAsyncIteration`),
//! and `async for` is `while let Some(..) = ...await`. Libraries expose the same
//! protocol as a `Stream` (`futures_lite::StreamExt::next`); the `async_generator`
//! example builds one without writing a struct.
//!
//! Run: `cargo run -p aio --example async_iterator` (`AIO_CLOCK=virtual` for virtual time).
use aio::example::say;
use aio::prelude::*;
use std::time::Duration;

struct Ticker<R> {
    rt: R,
    n: u32,
    stop: u32,
}

impl<R: Runtime> Ticker<R> {
    /// Python: `__anext__`
    async fn anext(&mut self) -> Option<u32> {
        if self.n == self.stop {
            return None; // raise StopAsyncIteration
        }
        sleep(&self.rt, Duration::from_secs(1)).await; // waiting for the next value
        self.n += 1;
        Some(self.n)
    }
}

/// Python: `asyncio.run(main())`
pub fn main() {
    aio::example::run(|rt| async move {
        let mut ticker = Ticker {
            rt: rt.clone(),
            n: 0,
            stop: 3,
        };
        while let Some(tick) = ticker.anext().await {
            say(&rt, format!("tick {tick}"));
        }
        Ok::<_, PyError>(())
    })
    .expect("main failed");
}
