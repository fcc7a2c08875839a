//! `asyncio.Event`: one task signals, every task waiting on the event wakes up.
//!
//! ```python
//! import asyncio, time
//!
//! def say(text):
//!     print(f"[{time.perf_counter() - start:.1f}s] {text}")
//!
//! async def waiter(event, name):
//!     say(f"{name} waits")
//!     await event.wait()
//!     say(f"{name} woke up")
//!
//! async def main():
//!     event = asyncio.Event()
//!     tasks = [asyncio.create_task(waiter(event, n)) for n in ("a", "b")]
//!     await asyncio.sleep(2)              # e.g. the config is loaded
//!     say("set the event")
//!     event.set()
//!     await asyncio.gather(*tasks)
//!     say(f"is_set: {event.is_set()}")
//!
//! start = time.perf_counter()
//! asyncio.run(main())
//! ```
//!
//! Run: `cargo run -p aio --example event` (`AIO_CLOCK=virtual` for virtual time).
use aio::example::say;
use aio::prelude::*;
use std::sync::Arc;
use std::time::Duration;

async fn waiter<R: Runtime>(rt: R, event: Arc<Event>, name: &'static str) -> Result<(), PyError> {
    say(&rt, format!("{name} waits"));
    event.wait().await;
    say(&rt, format!("{name} woke up"));
    Ok(())
}

/// Python: `asyncio.run(main())`
pub fn main() {
    aio::example::run(|rt| async move {
        let event = Arc::new(Event::new());
        let tasks =
            ["a", "b"].map(|name| create_task(&rt, waiter(rt.clone(), event.clone(), name)));
        sleep(&rt, Duration::from_secs(2)).await; // e.g. the config is loaded
        say(&rt, "set the event");
        event.set();
        gather(&rt, tasks).await?;
        say(&rt, format!("is_set: {}", event.is_set()));
        Ok::<_, TaskError<PyError>>(())
    })
    .expect("main failed");
}
