//! Shared by the aio-io tests: one test per runtime, and a deadline on every test.

#![allow(dead_code, unreachable_pub)]

use std::future::Future;
use std::time::Duration;

use aio_io::Net;

/// No test may take longer than this: it fails instead of hanging.
pub const TEST_DEADLINE: Duration = Duration::from_secs(60);

/// Runs `body` on `rt` under [`TEST_DEADLINE`].
pub fn run<R: Net, F, Fut>(rt: R, body: F) -> Fut::Output
where
    F: FnOnce(R) -> Fut,
    Fut: Future,
{
    let fut = body(rt.clone());
    rt.block_on(async {
        aio_io::wait_for(&rt, TEST_DEADLINE, fut)
            .await
            .unwrap_or_else(|e| panic!("the test did not finish: {e}"))
    })
}

/// `every_runtime!(name, body)`: a module `name` with one test per runtime, each running
/// `body(rt)` (a generic `fn<R: Net>(R)`), so that `cargo test smol` filters.
#[macro_export]
macro_rules! every_runtime {
    ($name:ident, $body:path) => {
        mod $name {
            #[test]
            fn tokio() {
                $body(aio_rt::Tokio::current_thread());
            }
            #[test]
            fn tokio_mt() {
                $body(aio_rt::Tokio::multi_thread());
            }
            #[test]
            fn async_std() {
                $body(aio_rt::AsyncStd::new());
            }
            #[test]
            fn smol() {
                $body(aio_rt::Smol::new());
            }
            #[test]
            fn aio_loop() {
                $body(aio_loop::EventLoop::new());
            }
        }
    };
}
