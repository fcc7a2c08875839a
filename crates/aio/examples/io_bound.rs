//! I/O-bound work: while one request waits on the network, the others run.
//!
//! ```python
//! import asyncio, time
//!
//! async def fetch(url):
//!     print(f"[{time.perf_counter() - start:.1f}s] fetching {url}")
//!     await asyncio.sleep(1)          # the network
//!     print(f"[{time.perf_counter() - start:.1f}s] got {url}")
//!     return f"<page {url}>"
//!
//! async def main():
//!     urls = ["a.com", "b.com", "c.com"]
//!     pages = await asyncio.gather(*(fetch(u) for u in urls))
//!     print(f"[{time.perf_counter() - start:.1f}s] {len(pages)} pages")   # 1.0s, not 3.0s
//!
//! start = time.perf_counter()
//! asyncio.run(main())
//! ```
//!
//! Run: `cargo run -p aio --example io_bound` (`AIO_CLOCK=virtual` for virtual time).
use aio::example::say;
use aio::prelude::*;
use std::time::Duration;

async fn fetch<R: Runtime>(rt: R, url: &'static str) -> Result<String, PyError> {
    say(&rt, format!("fetching {url}"));
    sleep(&rt, Duration::from_secs(1)).await; // the network
    say(&rt, format!("got {url}"));
    Ok(format!("<page {url}>"))
}

/// Python: `asyncio.run(main())`
pub fn main() {
    aio::example::run(|rt| async move {
        let urls = ["a.com", "b.com", "c.com"];
        let tasks = urls.map(|url| create_task(&rt, fetch(rt.clone(), url)));
        let pages = gather(&rt, tasks).await?;
        say(&rt, format!("{} pages", pages.len()));
        Ok::<_, TaskError<PyError>>(())
    })
    .expect("main failed");
}
