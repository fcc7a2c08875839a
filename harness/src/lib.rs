//! asyncio-rosetta's harness: every scenario on every runtime, compared with CPython.
//!
//! - [`Trace`]: what a scenario records, rendered as `[t=2] worker-1: got 3`.
//! - [`Scenario`] and [`registry`]: every scenario with its concept, group and description.
//! - [`Cx`]: what a scenario receives (the runtime, the trace, the tick) and
//!   [`Cx::spawn`], which lets the harness join every task at the end.
//! - [`run_parity`] and [`RuntimeKind`]: the runtime matrix.
//! - [`exc`] and [`exc_cause`]: an exception as every trace prints it, CPython's form.
//! - [`errors`]: the bad-input catalogue rendered into `docs/errors.md`.
//! - [`oracle`]: the CPython twins under `harness/oracle/` and their committed traces.
//! - [`conformance`]: CPython's own asyncio tests, classified and ported (`aio conformance`).
//! - The `aio` command (`src/main.rs`): `compare`, `list`, `docs`, `oracle`, `conformance`.
//!
//! A scenario is an async function generic over the runtime:
//!
//! ```
//! use aio_harness::Cx;
//! use aio_rt::Runtime;
//!
//! async fn hello<R: Runtime>(cx: Cx<R>) {
//!     cx.log("main", "hello");
//!     cx.sleep(2).await;
//!     cx.log("main", "world");
//! }
//!
//! let run = aio_harness::run_parity(aio_rt::Smol::with_config, aio_harness::Mode::Virtual, hello);
//! assert_eq!(run.trace, "[t=0] main: hello\n[t=2] main: world\n");
//! assert!(run.is_ok());
//! ```

pub mod bench;
pub mod docs;
pub mod errors;
mod exc;
pub mod fuzz;
pub mod oracle;
mod run;
mod runtimes;
mod scenario;
mod scenarios;

pub mod compare;
pub mod conformance;

pub use crate::exc::{exc, exc_cause};
pub use crate::run::{JOIN_LIMIT_TICKS, Run, run_parity};
pub use crate::runtimes::{Mode, RuntimeKind, UnknownRuntime};
pub use crate::scenario::{
    CONCEPTS, Concept, Group, Scenario, UnknownScenario, find, registry, select,
};
pub use aio_test::Cx;
pub use aio_test::{Event, Trace};
