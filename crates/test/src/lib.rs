//! Test your own async code on every runtime asyncio-rosetta supports, in virtual time:
//! one trace per runtime, asserted equal, optionally snapshotted with insta.
//!
//! A Python library is tested under `asyncio.run`; a Rust library written against
//! [`aio_rt::Runtime`] should behave the same on tokio, async-std, smol and aio-loop. This
//! crate runs a *case* (an async body generic over the runtime, which records what it sees
//! into a trace through its [`Cx`]) on each runtime this build enables, on the virtual
//! clock, and checks that:
//!
//! - the run is sound: no panic, no task left running at the end however it was spawned
//!   (`Runtime::spawn`, `create_task`, [`Cx::spawn`]), no task's panic lost;
//! - every runtime prints the same trace as aio-loop, the asyncio-style loop (the diff is
//!   printed when not);
//! - with the `insta` feature, that trace equals the snapshot.
//!
//! The harness of asyncio-rosetta runs its own scenarios with the same code.
//!
//! A case is a type implementing [`Case`] (its `run` an `async fn`) rather than a closure, because its body must be
//! generic over the runtime and a closure cannot be.
//!
//! ```
//! use aio_rt::Runtime;
//! use aio_test::{Case, Cx};
//!
//! /// The library function under test.
//! async fn countdown<R: Runtime>(cx: &Cx<R>, from: u64) {
//!     for n in (1..=from).rev() {
//!         cx.log("countdown", n);
//!         cx.sleep(1).await;
//!     }
//! }
//!
//! #[derive(Clone)]
//! struct Countdown;
//!
//! impl Case for Countdown {
//!     async fn run<R: Runtime>(self, cx: Cx<R>) {
//!         countdown(&cx, 3).await
//!     }
//! }
//!
//! // In a test file, `aio_test::matrix!(countdown_case, Countdown);` makes one #[test]
//! // per runtime; by hand:
//! let trace = aio_test::check(Countdown);
//! assert_eq!(trace, "[t=0] countdown: 3\n[t=1] countdown: 2\n[t=2] countdown: 1\n");
//! ```
//!
//! | item | Python |
//! |---|---|
//! | [`Case`], [`check`], [`check_on`], [`matrix!`] | one test, run under `asyncio.run` |
//! | [`Cx`], [`Trace`], [`Event`] | `print` of what the test sees, with `loop.time()` |
//! | [`run`], [`Run`], [`JOIN_LIMIT_TICKS`] | `asyncio.run(main())`, then `asyncio.all_tasks()` is empty |
//! | [`Backend`] | the event loop implementation |

use std::fmt;
use std::future::Future;
use std::time::Duration;

use aio_rt::{Clock, Runtime};

mod cx;
mod run;
mod trace;

pub use crate::cx::Cx;
pub use crate::run::{JOIN_LIMIT_TICKS, Run, panic_text, run};
pub use crate::trace::{Event, Trace};

#[cfg(feature = "insta")]
#[doc(hidden)]
pub use insta as __insta;

/// One test body, run on every runtime: record what it sees with [`Cx::log`].
///
/// Python: the `async def main()` of a test
pub trait Case: Clone + Send + 'static {
    /// The body, on the runtime of `cx`.
    ///
    /// Python: `async def main()`
    fn run<R: Runtime>(self, cx: Cx<R>) -> impl Future<Output = ()> + Send + 'static;
}

/// A runtime a [`Case`] runs on: aio-loop always, the others when this crate's feature of
/// the same name is on.
///
/// Python: an event loop implementation (asyncio's, uvloop)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// tokio's current_thread runtime (feature `tokio`).
    Tokio,
    /// tokio's multi_thread runtime (feature `tokio-mt`).
    TokioMt,
    /// async-std (feature `async-std`).
    AsyncStd,
    /// smol (feature `smol`).
    Smol,
    /// aio-loop, the asyncio-style event loop (always): the reference the others are
    /// compared with.
    AioLoop,
}

impl Backend {
    /// The runtimes this build enables, aio-loop first.
    ///
    /// Python: none
    pub fn enabled() -> Vec<Backend> {
        let mut all = vec![Backend::AioLoop];
        if cfg!(feature = "tokio") {
            all.push(Backend::Tokio);
        }
        if cfg!(feature = "tokio-mt") {
            all.push(Backend::TokioMt);
        }
        if cfg!(feature = "async-std") {
            all.push(Backend::AsyncStd);
        }
        if cfg!(feature = "smol") {
            all.push(Backend::Smol);
        }
        all
    }

    /// The runtime's name, as `Runtime::name` gives it.
    ///
    /// Python: `type(loop).__name__`
    pub fn name(self) -> &'static str {
        match self {
            Backend::Tokio => "tokio",
            Backend::TokioMt => "tokio-mt",
            Backend::AsyncStd => "async-std",
            Backend::Smol => "smol",
            Backend::AioLoop => "aio-loop",
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Runs `case` on `backend`, on the virtual clock with one-second ticks, and returns the
/// run (see [`run`]).
///
/// Python: `asyncio.run(main())`
///
/// # Panics
///
/// If `backend` is not enabled in this build (its feature is off).
pub fn run_case<C: Case>(backend: Backend, case: C) -> Run {
    let (clock, tick) = (Clock::Virtual, Duration::from_secs(1));
    match backend {
        Backend::AioLoop => run(aio_loop::EventLoop::with_config, clock, tick, move |cx| {
            case.run(cx)
        }),
        #[cfg(feature = "tokio")]
        Backend::Tokio => run(aio_rt::Tokio::current_thread_with, clock, tick, move |cx| {
            case.run(cx)
        }),
        #[cfg(feature = "tokio-mt")]
        Backend::TokioMt => run(aio_rt::Tokio::multi_thread_with, clock, tick, move |cx| {
            case.run(cx)
        }),
        #[cfg(feature = "async-std")]
        Backend::AsyncStd => run(aio_rt::AsyncStd::with_config, clock, tick, move |cx| {
            case.run(cx)
        }),
        #[cfg(feature = "smol")]
        Backend::Smol => run(aio_rt::Smol::with_config, clock, tick, move |cx| {
            case.run(cx)
        }),
        #[allow(unreachable_patterns)]
        other => panic!("aio-test: {other} is not enabled: turn on aio-test's `{other}` feature"),
    }
}

/// Runs `case` on aio-loop and on `backend`; panics unless both runs are sound and print the
/// same trace (printing the diff, aio-loop's trace against `backend`'s). Returns the trace.
///
/// Python: none (a test run on two event loops)
///
/// # Panics
///
/// When a run fails or the traces differ: the test fails.
#[track_caller]
pub fn check_on<C: Case>(backend: Backend, case: C) -> String {
    let reference = sound(Backend::AioLoop, run_case(Backend::AioLoop, case.clone()));
    if backend == Backend::AioLoop {
        return reference;
    }
    let trace = sound(backend, run_case(backend, case));
    if trace != reference {
        let diff = similar::TextDiff::from_lines(&reference, &trace)
            .unified_diff()
            .header("aio-loop", backend.name())
            .to_string();
        panic!("the trace on {backend} differs from aio-loop's:\n{diff}");
    }
    trace
}

/// Runs `case` on every enabled runtime ([`Backend::enabled`]) and checks, as [`check_on`]
/// does, that each run is sound and prints aio-loop's trace. Returns the trace.
///
/// Python: none
///
/// # Panics
///
/// When a run fails or a trace differs: the test fails.
#[track_caller]
pub fn check<C: Case>(case: C) -> String {
    let mut trace = String::new();
    for backend in Backend::enabled() {
        trace = check_on(backend, case.clone());
    }
    trace
}

#[track_caller]
fn sound(backend: Backend, run: Run) -> String {
    assert!(
        run.is_ok(),
        "the case failed on {backend}:\n{}\ntrace so far:\n{}",
        run.failures.join("\n"),
        run.trace
    );
    run.trace
}

/// One `#[test]` per enabled runtime for a [`Case`]: `matrix!(name, case)` makes a module
/// `name` with a test per runtime (`aio_loop`, `tokio`, `tokio_mt`, `async_std`, `smol`, as
/// enabled), each checking with [`check_on`] that the run is sound and prints aio-loop's
/// trace. `matrix!(name, case, snapshot)` also checks that trace against the insta
/// snapshot `name` (feature `insta`; the snapshot lives in the test crate's `snapshots/`).
///
/// Python: `@pytest.mark.parametrize` over event loops (anyio's `anyio_backend`)
///
/// ```ignore
/// aio_test::matrix!(countdown, Countdown);
/// // cargo test countdown::smol
/// ```
#[macro_export]
macro_rules! matrix {
    ($name:ident, $case:expr) => {
        $crate::matrix!(@tests $name, $case, |_trace: String| {});
    };
    ($name:ident, $case:expr, snapshot) => {
        $crate::matrix!(@tests $name, $case, |trace: String| {
            $crate::__insta::assert_snapshot!(stringify!($name), trace);
        });
    };
    (@tests $name:ident, $case:expr, $snapshot:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn aio_loop() {
                let trace = $crate::check_on($crate::Backend::AioLoop, $case);
                ($snapshot)(trace);
            }

            $crate::__if_tokio! {
                #[test]
                fn tokio() {
                    $crate::check_on($crate::Backend::Tokio, $case);
                }
            }
            $crate::__if_tokio_mt! {
                #[test]
                fn tokio_mt() {
                    $crate::check_on($crate::Backend::TokioMt, $case);
                }
            }
            $crate::__if_async_std! {
                #[test]
                fn async_std() {
                    $crate::check_on($crate::Backend::AsyncStd, $case);
                }
            }
            $crate::__if_smol! {
                #[test]
                fn smol() {
                    $crate::check_on($crate::Backend::Smol, $case);
                }
            }
        }
    };
}

// Whether a runtime is enabled is this crate's feature, decided here, not in the crate
// that expands `matrix!`.
macro_rules! gate {
    ($feature:literal, $d:tt $name:ident) => {
        #[cfg(feature = $feature)]
        #[doc(hidden)]
        #[macro_export]
        macro_rules! $name {
                                                    ($d($d tokens:tt)*) => { $d($d tokens)* };
                                                }
        #[cfg(not(feature = $feature))]
        #[doc(hidden)]
        #[macro_export]
        macro_rules! $name {
            ($d($d tokens:tt)*) => {};
        }
    };
}

gate!("tokio", $ __if_tokio);
gate!("tokio-mt", $ __if_tokio_mt);
gate!("async-std", $ __if_async_std);
gate!("smol", $ __if_smol);
