//! An async generator (`async def` with `yield`): rows fetched lazily from a database,
//! a page at a time, consumed with `async for`.
//!
//! ```python
//! import asyncio, time
//!
//! def say(text):
//!     print(f"[{time.perf_counter() - start:.1f}s] {text}")
//!
//! async def rows(page_size):
//!     offset = 0
//!     while True:
//!         await asyncio.sleep(1)          # the query's latency
//!         say(f"fetched page at offset {offset}")
//!         page = list(range(offset, min(offset + page_size, 5)))
//!         for row in page:
//!             yield row
//!         if len(page) < page_size:
//!             return
//!         offset += page_size
//!
//! async def main():
//!     async for row in rows(2):           # rows(2) is an <async_generator object>
//!         say(f"row {row}")
//!
//! start = time.perf_counter()
//! asyncio.run(main())
//! ```
//!
//! Rust: an `AsyncGenerator` runs an async body that yields through its `Co`; it is a
//! `Stream`, so `async for` is `while let Some(..) = rows.next().await`.
//!
//! Run: `cargo run -p aio --example async_generator` (`AIO_CLOCK=virtual` for virtual time).
use aio::example::say;
use aio::prelude::*;
use futures_lite::StreamExt;
use std::time::Duration;

/// Python: `asyncio.run(main())`
pub fn main() {
    aio::example::run(|rt| async move {
        let page_size = 2;
        let query_rt = rt.clone();
        let mut rows = AsyncGenerator::new(|mut co: Co<u32>| async move {
            let mut offset = 0;
            loop {
                sleep(&query_rt, Duration::from_secs(1)).await; // the query's latency
                say(&query_rt, format!("fetched page at offset {offset}"));
                let page: Vec<u32> = (offset..(offset + page_size).min(5)).collect();
                for &row in &page {
                    co.yield_(row).await?;
                }
                if page.len() < page_size as usize {
                    return Ok(());
                }
                offset += page_size;
            }
        });
        while let Some(row) = rows.next().await {
            match row {
                Ok(row) => say(&rt, format!("row {row}")),
                Err(error) => say(&rt, format!("the generator failed: {error}")),
            }
        }
        Ok::<_, PyError>(())
    })
    .expect("main failed");
}
