//! The runtime matrix for the harness's tests: the rstest template and the checks.

#![allow(dead_code, unreachable_pub, missing_docs, unused_macros)]

use aio_harness::{Group, Mode, RuntimeKind, Scenario, find, oracle};
use rstest_reuse::template;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aio_harness::Cx;
use aio_rt::Runtime;
use aio_tasks::{Task, create_task};

/// One case per runtime; `cargo test smol` runs only the smol cases. It holds no
/// `cfg(feature)`: a template expands in the crate that applies it.
#[template]
#[rstest]
#[case::tokio(RuntimeKind::Tokio)]
#[case::tokio_mt(RuntimeKind::TokioMt)]
#[case::async_std(RuntimeKind::AsyncStd)]
#[case::smol(RuntimeKind::Smol)]
#[case::aio_loop(RuntimeKind::AioLoop)]
pub fn runtimes(#[case] kind: RuntimeKind) {}

/// The third-party runtimes only: the `differences` group shows their raw APIs.
#[template]
#[rstest]
#[case::tokio(RuntimeKind::Tokio)]
#[case::tokio_mt(RuntimeKind::TokioMt)]
#[case::async_std(RuntimeKind::AsyncStd)]
#[case::smol(RuntimeKind::Smol)]
pub fn third_party_runtimes(#[case] kind: RuntimeKind) {}

fn scenario(name: &str) -> &'static Scenario {
    find(name).unwrap_or_else(|| panic!("no scenario '{name}' in the registry"))
}

fn settings(scenario: &Scenario) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("snapshots")
            .join(scenario.concept),
    );
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_description(scenario.description);
    settings
}

/// Runs a parity scenario on `kind` in virtual time, and checks that it is sound, that
/// its trace equals the one snapshot all runtimes share, and that it equals CPython's.
pub fn check_parity(name: &str, kind: RuntimeKind) {
    let scenario = scenario(name);
    assert_eq!(
        scenario.group,
        Group::Parity,
        "{name} is not a parity scenario"
    );
    let run = (scenario.run)(kind, Mode::Virtual);
    assert!(
        run.is_ok(),
        "{name} on {kind} failed:\n{}\ntrace so far:\n{}",
        run.failures.join("\n"),
        run.trace
    );
    settings(scenario).bind(|| insta::assert_snapshot!(scenario.snapshot_name(kind), run.trace));
    let cpython = oracle::committed(scenario).unwrap_or_else(|| {
        panic!(
            "{name} has no committed CPython trace at {}; run `just oracle`",
            oracle::trace_file(scenario).display()
        )
    });
    assert_eq!(
        run.trace, cpython,
        "{name} on {kind} differs from CPython's trace (left: Rust, right: CPython)"
    );
}

/// Runs a differences scenario on `kind`, and checks it against that runtime's snapshot.
pub fn check_differences(name: &str, kind: RuntimeKind) {
    let scenario = scenario(name);
    assert_eq!(
        scenario.group,
        Group::Differences,
        "{name} is not a differences scenario"
    );
    let run = (scenario.run)(kind, Mode::Real);
    assert!(
        run.is_ok(),
        "{name} on {kind} failed:\n{}\ntrace so far:\n{}",
        run.failures.join("\n"),
        run.trace
    );
    settings(scenario).bind(|| insta::assert_snapshot!(scenario.snapshot_name(kind), run.trace));
}

/// Runs the generic async port `$port` (an `async fn port<R: Runtime>(cx: Cx<R>)`) on the
/// runtime `$kind` in virtual time, and fails the test when it panicked (a failed
/// assertion), left a task running, or lost a task's panic.
macro_rules! port {
    ($kind:expr, $port:path) => {{
        let run = aio_harness::__on_runtime!($kind, aio_harness::Mode::Virtual, $port);
        assert!(
            run.is_ok(),
            "{} on {}:\n{}\ntrace:\n{}",
            stringify!($port),
            $kind,
            run.failures.join("\n"),
            run.trace
        );
    }};
}
#[allow(unused_imports)]
pub(crate) use port;

// The helpers of the conformance ports (harness/tests/conformance/*.rs).

/// `asyncio.create_task(fut)` for a body that cannot fail.
pub fn task<R: Runtime, T: Send + 'static>(
    rt: &R,
    body: impl Future<Output = T> + Send + 'static,
) -> Task<T, Infallible> {
    create_task(rt, async move { Ok(body.await) })
}

/// Creates the task, then lets it run up to its first wait (a millisecond of virtual
/// time: tasks started one after the other queue in that order on every runtime).
pub async fn start<R: Runtime, T: Send + 'static>(
    cx: &Cx<R>,
    body: impl Future<Output = T> + Send + 'static,
) -> Task<T, Infallible> {
    let t = task(cx.rt(), body);
    cx.rt().sleep(Duration::from_millis(1)).await;
    t
}

/// CPython's `gather_tasks(n, coro)`: starts `n` tasks in order and awaits them all.
pub async fn gather_n<R: Runtime, T: Clone + Send + 'static, F>(
    cx: &Cx<R>,
    n: usize,
    coro: impl Fn() -> F,
) -> Vec<T>
where
    F: Future<Output = T> + Send + 'static,
{
    let mut tasks = Vec::new();
    for _ in 0..n {
        tasks.push(start(cx, coro()).await);
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("the task ends normally"));
    }
    out
}

/// The list the CPython tests append to.
#[derive(Clone, Default)]
pub struct Log(Arc<Mutex<Vec<i32>>>);

impl Log {
    pub fn push(&self, v: i32) {
        self.0.lock().unwrap().push(v);
    }
    pub fn get(&self) -> Vec<i32> {
        self.0.lock().unwrap().clone()
    }
}

/// A flag raised when the guard is dropped while still armed: a Python `except
/// CancelledError:` (or `finally:`) block, for a Rust future that is cancelled by being
/// dropped.
#[derive(Debug)]
pub struct OnCancel {
    flag: Arc<std::sync::atomic::AtomicBool>,
    armed: bool,
}

impl OnCancel {
    /// A guard raising `flag` if it is dropped before [`OnCancel::disarm`].
    pub fn new(flag: &Arc<std::sync::atomic::AtomicBool>) -> Self {
        OnCancel {
            flag: flag.clone(),
            armed: true,
        }
    }

    /// The body got past the await: no cancellation to report.
    pub fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for OnCancel {
    fn drop(&mut self) {
        if self.armed {
            self.flag.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

/// A flag for [`OnCancel`].
pub fn flag() -> Arc<std::sync::atomic::AtomicBool> {
    Arc::default()
}

/// Whether `flag` was raised.
pub fn raised(flag: &Arc<std::sync::atomic::AtomicBool>) -> bool {
    flag.load(std::sync::atomic::Ordering::SeqCst)
}
