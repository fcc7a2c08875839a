//! `asyncio.Queue`: producers put work in, consumers take it out; `join()` waits until
//! every item was marked done.
//!
//! ```python
//! import asyncio, time
//!
//! def say(text):
//!     print(f"[{time.perf_counter() - start:.1f}s] {text}")
//!
//! async def producer(queue):
//!     for n in range(4):
//!         await queue.put(n)              # waits while the queue is full
//!         say(f"put {n}")
//!
//! async def consumer(queue, name):
//!     while True:
//!         n = await queue.get()
//!         await asyncio.sleep(1)          # process the item
//!         say(f"{name} processed {n}")
//!         queue.task_done()
//!
//! async def main():
//!     queue = asyncio.Queue(maxsize=2)
//!     consumers = [asyncio.create_task(consumer(queue, c)) for c in ("c1", "c2")]
//!     await producer(queue)
//!     await queue.join()                  # every item processed: 2.0s
//!     for c in consumers:
//!         c.cancel()
//!     say("all items processed")
//!
//! start = time.perf_counter()
//! asyncio.run(main())
//! ```
//!
//! Run: `cargo run -p aio --example queue` (`AIO_CLOCK=virtual` for virtual time).
use aio::example::say;
use aio::prelude::*;
use std::sync::Arc;
use std::time::Duration;

async fn producer<R: Runtime>(rt: R, queue: Arc<Queue<u32>>) -> Result<(), PyError> {
    for n in 0..4 {
        queue.put(n).await.map_err(|e| PyError::from_py(&e))?; // waits while full
        say(&rt, format!("put {n}"));
    }
    Ok(())
}

async fn consumer<R: Runtime>(
    rt: R,
    queue: Arc<Queue<u32>>,
    name: &'static str,
) -> Result<(), PyError> {
    loop {
        let n = queue.get().await.map_err(|e| PyError::from_py(&e))?;
        sleep(&rt, Duration::from_secs(1)).await; // process the item
        say(&rt, format!("{name} processed {n}"));
        queue.task_done().map_err(|e| PyError::from_py(&e))?;
    }
}

/// Python: `asyncio.run(main())`
pub fn main() {
    aio::example::run(|rt| async move {
        let queue = Arc::new(Queue::new(2));
        let consumers =
            ["c1", "c2"].map(|name| create_task(&rt, consumer(rt.clone(), queue.clone(), name)));
        producer(rt.clone(), queue.clone()).await?;
        queue.join().await;
        for task in &consumers {
            task.cancel(None);
        }
        say(&rt, "all items processed");
        Ok::<_, PyError>(())
    })
    .expect("main failed");
}
