//! `asyncio.Future`: a result that is not there yet. Someone sets it later; whoever
//! awaits it waits until then.
//!
//! ```python
//! import asyncio, time
//!
//! def say(text):
//!     print(f"[{time.perf_counter() - start:.1f}s] {text}")
//!
//! async def set_later(future):
//!     await asyncio.sleep(1)
//!     future.set_result(42)
//!
//! async def main():
//!     future = asyncio.get_running_loop().create_future()
//!     say(f"{future}, done: {future.done()}")    # <Future pending>, done: False
//!     asyncio.create_task(set_later(future))
//!     say(f"result: {await future}")             # 42 at 1.0s
//!     say(f"{future}, done: {future.done()}")    # <Future finished result=42>, done: True
//!
//! start = time.perf_counter()
//! asyncio.run(main())
//! ```
//!
//! `set_exception(...)` instead of `set_result` makes the await raise.
//!
//! Run: `cargo run -p aio --example future` (`AIO_CLOCK=virtual` for virtual time).
use aio::example::say;
use aio::prelude::*;
use std::time::Duration;

async fn set_later<R: Runtime>(rt: R, future: AioFuture<u32>) -> Result<(), PyError> {
    sleep(&rt, Duration::from_secs(1)).await;
    future.set_result(42).map_err(|e| PyError::from_py(&e))
}

/// Python: `asyncio.run(main())`
pub fn main() {
    aio::example::run(|rt| async move {
        let future = AioFuture::<u32>::new(&rt);
        say(&rt, format!("{future}, done: {}", future.done()));
        let _setter = create_task(&rt, set_later(rt.clone(), future.clone()));
        let result = future.wait().await.map_err(|e| PyError::from_py(&e))?;
        say(&rt, format!("result: {result}"));
        say(&rt, format!("{future}, done: {}", future.done()));
        Ok::<_, PyError>(())
    })
    .expect("main failed");
}
