//! The road from generators to `async`/`await`, runnable: the same countdown as an
//! `Iterator` (a generator), a hand-written `Future` (a `yield from` coroutine) and an
//! `async fn` (an `async def`), on the virtual clock.
//!
//! `cargo run -p aio-generators --example evolution`

use std::time::Duration;

use aio_generators::evolution::{async_fn, iterator, state_machine};
use aio_rt::{Clock, Config, Runtime};

fn main() {
    let rt = aio_rt::Smol::with_config(Config::default().clock(Clock::Virtual));
    let nap = Duration::from_secs(1);

    // Step 1: a generator. `next()` resumes it where it stopped.
    let numbers: Vec<u32> = iterator::Countdown::new(3).collect();
    println!(
        "[t={}] step 1, generator: {numbers:?}",
        rt.now().since_start().as_secs()
    );

    // Step 2: a hand-written Future: `poll` is `send(None)`, `Pending` is `yield`.
    let numbers = rt.block_on(state_machine::CountdownFuture::new(rt.clone(), 3, nap));
    println!(
        "[t={}] step 2, yield from coroutine (hand-written Future): {numbers:?}",
        rt.now().since_start().as_secs()
    );

    // Step 3: the async fn the compiler turns into step 2.
    let numbers = rt.block_on(async_fn::countdown(&rt, 3, nap));
    println!(
        "[t={}] step 3, async fn: {numbers:?}",
        rt.now().since_start().as_secs()
    );
}
