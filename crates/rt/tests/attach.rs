//! Attaching to a runtime the application already runs (`Tokio::from_handle`,
//! `Tokio::current`, `Smol::from_executor`), and `block_on` inside a running runtime,
//! which fails at once on every adapter instead of blocking the thread that runs the tasks.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc;

use aio_rt::{AsyncStd, Clock, Config, JoinError, Runtime, Smol, Tokio};
use rstest::rstest;

fn panic_text(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

/// The message `block_on` inside a running runtime panics with, or `None` if it returned.
fn nested(block_on: impl FnOnce() -> u32) -> Option<String> {
    catch_unwind(AssertUnwindSafe(block_on))
        .err()
        .map(|payload| panic_text(&*payload))
}

#[test]
fn a_task_spawned_through_from_handle_runs_on_the_callers_runtime() {
    // The application's runtime: built by the caller, its workers running the whole time.
    let app = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let rt = Tokio::from_handle(app.handle().clone());
    assert_eq!(rt.name(), "tokio-mt");
    let (ran_tx, ran_rx) = mpsc::channel();
    let task = rt.spawn(async move {
        // A tokio task of the application's runtime: tokio's own context is there.
        let on_app = tokio::runtime::Handle::try_current().is_ok();
        ran_tx.send(on_app).unwrap();
        6 * 7
    });
    // Nobody calls block_on: the application's workers run the task.
    assert_eq!(ran_rx.recv(), Ok(true));
    assert_eq!(app.block_on(task), Ok(42));
    // Dropping ours leaves the application's runtime running.
    drop(rt);
    assert_eq!(
        app.block_on(async { tokio::spawn(async { 1 }).await.unwrap() }),
        1
    );
}

#[test]
fn current_inside_a_tokio_main_spawns_on_that_runtime() {
    // What `#[tokio::main(flavor = "current_thread")]` expands to.
    let app = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (name, outcome, cancelled) = app.block_on(async {
        let rt = Tokio::current();
        let helper = rt.clone();
        let outcome = rt
            .spawn(async move {
                helper.yield_now().await;
                helper.sleep(std::time::Duration::ZERO).await;
                "done"
            })
            .await;
        let pending = rt.spawn(std::future::pending::<()>());
        pending.cancel();
        (rt.name(), outcome, pending.await)
    });
    assert_eq!(name, "tokio");
    assert_eq!(outcome, Ok("done"));
    assert_eq!(cancelled, Err(JoinError::Cancelled));
}

#[test]
fn try_current_is_none_outside_a_tokio_runtime() {
    assert!(Tokio::try_current().is_none());
    let message = nested(|| {
        Tokio::current();
        0
    });
    assert!(
        message
            .as_deref()
            .is_some_and(|m| m.contains("Tokio::current() called outside a tokio runtime")),
        "{message:?}"
    );
}

#[test]
fn a_task_spawned_through_from_executor_runs_on_the_callers_executor() {
    let ex = Arc::new(smol::Executor::new());
    let rt = Smol::from_executor(Arc::clone(&ex));
    assert_eq!(rt.name(), "smol");
    let helper = rt.clone();
    let task = rt.spawn(async move {
        helper.yield_now().await;
        6 * 7
    });
    // The application runs its executor; ours never called block_on.
    assert_eq!(smol::block_on(ex.run(task)), Ok(42));
    // A task spawned directly on the executor and one of ours share it.
    let both = smol::block_on(ex.run(async {
        let theirs = ex.spawn(async { 1 });
        let ours = rt.spawn(async { 2 });
        theirs.await + ours.await.unwrap()
    }));
    assert_eq!(both, 3);
}

#[test]
fn block_on_inside_a_foreign_tokio_runtime_keeps_tokios_own_refusal() {
    let app = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let message = app.block_on(async { nested(|| Tokio::current().block_on(async { 1 })) });
    assert!(
        message
            .as_deref()
            .is_some_and(|m| m.contains("Cannot start a runtime from within a runtime")),
        "{message:?}"
    );
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Tokio,
    TokioMt,
    AsyncStd,
    Smol,
}

/// Runs the generic test function `$test` on a runtime of kind `$kind` built with `$config`.
macro_rules! on {
    ($kind:expr, $config:expr, $test:ident) => {
        match $kind {
            Kind::Tokio => $test(Tokio::current_thread_with($config)),
            Kind::TokioMt => $test(Tokio::multi_thread_with($config)),
            Kind::AsyncStd => $test(AsyncStd::with_config($config)),
            Kind::Smol => $test(Smol::with_config($config)),
        }
    };
}

fn refused(message: Option<String>, runtime: &str) -> bool {
    message.is_some_and(|m| {
        m.starts_with(&format!(
            "{runtime}: block_on cannot be called from a running runtime"
        )) && m.contains(".await the future")
    })
}

/// `block_on` of the same runtime, of a new runtime of each kind, from the main future and
/// from a spawned task: every one panics at once, naming the fix.
fn refuses_nested_block_on<R: Runtime>(rt: R) {
    let name = rt.name();
    let same = rt.clone();
    let (in_main, others, in_task) = rt.block_on(async move {
        let in_main = nested(|| same.block_on(async { 1 }));
        let others = [
            ("smol", nested(|| Smol::new().block_on(async { 1 }))),
            (
                "tokio",
                nested(|| Tokio::current_thread().block_on(async { 1 })),
            ),
            (
                "async-std",
                nested(|| AsyncStd::new().block_on(async { 1 })),
            ),
        ];
        let inner = same.clone();
        let in_task = same
            .spawn(async move { nested(|| inner.block_on(async { 1 })) })
            .await
            .unwrap();
        (in_main, others, in_task)
    });
    assert!(refused(in_main.clone(), name), "{name}: {in_main:?}");
    assert!(refused(in_task.clone(), name), "{name}: {in_task:?}");
    for (other, message) in others {
        assert!(
            refused(message.clone(), other),
            "{other} in {name}: {message:?}"
        );
    }
}

#[rstest]
fn block_on_inside_a_running_runtime_fails_at_once(
    #[values(Kind::Tokio, Kind::TokioMt, Kind::AsyncStd, Kind::Smol)] kind: Kind,
    #[values(Clock::Real, Clock::Virtual)] clock: Clock,
) {
    on!(
        kind,
        Config::default().clock(clock),
        refuses_nested_block_on
    );
}

/// A blocking job is outside the runtime: `block_on` there is allowed, as `asyncio.run` is
/// in a thread of `asyncio.to_thread`.
fn allows_block_on_in_a_blocking_job<R: Runtime>(rt: R) {
    let outcome = rt.block_on(rt.spawn_blocking(|| Smol::new().block_on(async { 5 })));
    assert_eq!(outcome, Ok(5));
}

#[rstest]
fn block_on_in_a_blocking_job_is_allowed(
    #[values(Kind::Tokio, Kind::TokioMt, Kind::AsyncStd, Kind::Smol)] kind: Kind,
) {
    on!(kind, Config::default(), allows_block_on_in_a_blocking_job);
}

#[test]
fn a_runtime_can_run_again_after_a_refused_nested_block_on() {
    let rt = Smol::new();
    let same = rt.clone();
    let message = rt.block_on(async move { nested(|| same.block_on(async { 1 })) });
    assert!(refused(message, "smol"));
    assert!(!aio_rt::adapter::in_running_runtime());
    assert_eq!(rt.block_on(async { 2 }), 2);
}
