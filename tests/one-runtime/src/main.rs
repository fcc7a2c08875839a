//! `create_task` on smol, in a build that has no other runtime.

use aio_rt::{PyError, Runtime};

fn main() {
    let rt = aio_rt::Smol::new();
    let value = rt.block_on(async {
        aio_tasks::create_task(&rt, async { Ok::<u8, PyError>(1) }).await
    });
    println!("{value:?}");
}
