//! Running one scenario on one runtime: [`run_parity`], on top of `aio_test::run`.

use std::future::Future;

use aio_rt::{Config, Runtime};

pub(crate) use aio_test::panic_text;
pub use aio_test::{JOIN_LIMIT_TICKS, Run};

use crate::{Cx, Mode};

/// Runs the parity scenario `scenario` on a runtime made by `make`, and checks it: the
/// harness joins every task of the runtime, however it was spawned, and fails the run on a
/// task still running at the end or on a lost panic, naming the task
/// ([`aio_test::run`] in `mode`'s clock and tick).
///
/// Python: `asyncio.run(main())` on the oracle's virtual-time loop
pub fn run_parity<R, F, Fut>(make: impl FnOnce(Config) -> R, mode: Mode, scenario: F) -> Run
where
    R: Runtime,
    F: FnOnce(Cx<R>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    aio_test::run(make, mode.clock(), mode.tick(), scenario)
}

/// Runs a generic parity scenario on the runtime `$kind` in mode `$mode`.
#[doc(hidden)]
#[macro_export]
macro_rules! __on_runtime {
    ($kind:expr, $mode:expr, $scenario:path) => {
        match $kind {
            $crate::RuntimeKind::Tokio => {
                $crate::run_parity(::aio_rt::Tokio::current_thread_with, $mode, $scenario)
            }
            $crate::RuntimeKind::TokioMt => {
                $crate::run_parity(::aio_rt::Tokio::multi_thread_with, $mode, $scenario)
            }
            $crate::RuntimeKind::AsyncStd => {
                $crate::run_parity(::aio_rt::AsyncStd::with_config, $mode, $scenario)
            }
            $crate::RuntimeKind::Smol => {
                $crate::run_parity(::aio_rt::Smol::with_config, $mode, $scenario)
            }
            $crate::RuntimeKind::AioLoop => {
                $crate::run_parity(::aio_loop::EventLoop::with_config, $mode, $scenario)
            }
        }
    };
}
