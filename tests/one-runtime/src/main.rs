//! `create_task` on the one runtime the build has.

use aio_rt::{PyError, Runtime};

#[cfg(feature = "smol")]
fn runtime() -> aio_rt::Smol {
    aio_rt::Smol::new()
}

#[cfg(all(feature = "tokio", not(feature = "smol")))]
fn runtime() -> aio_rt::Tokio {
    aio_rt::Tokio::current_thread()
}

#[cfg(all(feature = "async-std", not(feature = "smol"), not(feature = "tokio")))]
fn runtime() -> aio_rt::AsyncStd {
    aio_rt::AsyncStd::new()
}

fn main() {
    let rt = runtime();
    let value =
        rt.block_on(async { aio_tasks::create_task(&rt, async { Ok::<u8, PyError>(1) }).await });
    println!("{value:?}");
}
