//! A small library built on aio: fetch pages concurrently, at most `limit` at a time.
//!
//! What it would be in Python:
//!
//! ```python
//! import asyncio
//!
//! async def crawl(pages, limit):
//!     sem = asyncio.Semaphore(limit)
//!     loop = asyncio.get_running_loop()
//!
//!     async def fetch(name, seconds):
//!         async with sem:
//!             await asyncio.sleep(seconds)   # the network, in this example
//!             return name, loop.time()
//!
//!     return await asyncio.gather(*(fetch(name, s) for name, s in pages))
//! ```
//!
//! The function is generic over [`Runtime`]: the caller chooses the runtime, this crate
//! names none.

use std::sync::Arc;
use std::time::Duration;

use aio::prelude::*;

/// A page fetched: its name and the time its fetch finished, in seconds on the runtime's
/// clock.
pub type Fetched = (&'static str, f64);

/// Fetches every page of `pages` (a name and how long its fetch takes), at most `limit`
/// at a time; the pages in the order given, each with the time its fetch finished.
///
/// # Errors
///
/// A fetch that failed, as `asyncio.gather` reports the first one.
pub async fn crawl<R: Runtime>(
    rt: R,
    pages: Vec<(&'static str, Duration)>,
    limit: usize,
) -> Result<Vec<Fetched>, TaskError<PyError>> {
    let sem = Arc::new(Semaphore::new(limit));
    let tasks: Vec<_> = pages
        .into_iter()
        .map(|(name, took)| {
            let (rt2, sem) = (rt.clone(), Arc::clone(&sem));
            create_task(&rt, async move {
                let _permit = sem.permit().await;
                sleep(&rt2, took).await;
                Ok::<_, PyError>((name, rt2.now().as_secs_f64()))
            })
        })
        .collect();
    gather(&rt, tasks).await
}
