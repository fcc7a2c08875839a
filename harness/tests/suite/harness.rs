//! The harness itself catches what a scenario must not do: lose a panic, leave a task
//! running, or stall.

use aio_harness::{Cx, JOIN_LIMIT_TICKS, Mode, RuntimeKind, run_parity};
use aio_rt::Runtime;

async fn loses_a_panic<R: Runtime>(cx: Cx<R>) {
    let task = cx.spawn("doomed", async {
        if true {
            panic!("kaboom");
        }
    });
    drop(task);
    cx.sleep(1).await;
}

async fn leaves_a_task_running<R: Runtime>(cx: Cx<R>) {
    let cx2 = cx.clone();
    drop(cx.spawn("sleeper", async move { cx2.sleep(10_000).await }));
    cx.log("main", "returns");
}

/// A task spawned with the runtime's own `spawn`, not through `Cx::spawn`: the harness
/// still sees it (`Runtime::all_tasks`).
async fn leaves_a_runtime_task_running<R: Runtime>(cx: Cx<R>) {
    let cx2 = cx.clone();
    drop(cx.rt().spawn(async move { cx2.sleep(10_000).await }));
    cx.log("main", "returns");
}

/// A task made with `create_task` (and a name), left running.
async fn leaves_a_created_task_running<R: Runtime>(cx: Cx<R>) {
    let cx2 = cx.clone();
    let task = aio_tasks::create_task_named(cx.rt(), "ticker", async move {
        cx2.sleep(10_000).await;
        Ok::<_, std::convert::Infallible>(())
    });
    drop(task);
    cx.log("main", "returns");
}

async fn waits_on_a_task_that_ends_later<R: Runtime>(cx: Cx<R>) {
    let cx2 = cx.clone();
    drop(cx.spawn("late", async move {
        cx2.sleep(5).await;
        cx2.log("late", "done");
    }));
    cx.log("main", "returns");
}

async fn stalls<R: Runtime>(cx: Cx<R>) {
    cx.log("main", "waits forever");
    std::future::pending::<()>().await;
}

#[test]
fn a_lost_panic_fails_the_run_naming_the_task() {
    let run = run_parity(
        aio_rt::Tokio::multi_thread_with,
        Mode::Virtual,
        loses_a_panic,
    );
    assert_eq!(
        run.failures,
        ["task 'doomed' panicked and nobody awaited it: kaboom"]
    );
}

#[test]
fn a_task_still_running_fails_the_run_naming_it() {
    let run = run_parity(
        aio_rt::Smol::with_config,
        Mode::Virtual,
        leaves_a_task_running,
    );
    assert_eq!(
        run.failures,
        [format!(
            "task 'sleeper' is still running {JOIN_LIMIT_TICKS} ticks after the scenario ended"
        )]
    );
}

#[test]
fn a_task_spawned_with_runtime_spawn_and_left_running_fails_the_run() {
    let expected = [format!(
        "task 2 (spawned with Runtime::spawn, no name) is still running {JOIN_LIMIT_TICKS} ticks after the scenario ended"
    )];
    for &kind in RuntimeKind::ALL {
        let run = aio_harness::__on_runtime!(kind, Mode::Virtual, leaves_a_runtime_task_running);
        assert_eq!(run.failures, expected, "on {kind}");
        assert_eq!(run.trace, "[t=0] main: returns\n");
    }
}

#[test]
fn a_created_task_left_running_fails_the_run_by_its_name() {
    let run = run_parity(
        aio_rt::Smol::with_config,
        Mode::Virtual,
        leaves_a_created_task_running,
    );
    assert_eq!(
        run.failures,
        [format!(
            "task 'ticker' is still running {JOIN_LIMIT_TICKS} ticks after the scenario ended"
        )]
    );
}

#[test]
fn the_harness_joins_tasks_that_end_after_main() {
    let run = run_parity(
        aio_rt::AsyncStd::with_config,
        Mode::Virtual,
        waits_on_a_task_that_ends_later,
    );
    assert!(run.is_ok(), "{:?}", run.failures);
    assert_eq!(run.trace, "[t=0] main: returns\n[t=5] late: done\n");
}

#[test]
fn a_stalled_run_fails_instead_of_hanging() {
    let run = run_parity(aio_rt::Tokio::current_thread_with, Mode::Virtual, stalls);
    assert_eq!(run.trace, "[t=0] main: waits forever\n");
    assert_eq!(run.failures.len(), 1);
    assert!(
        run.failures[0].contains("the run can never finish"),
        "{}",
        run.failures[0]
    );
}

/// `aio list | head` closes the pipe before `aio` is done writing: that is the reader's
/// choice, not an error, so `aio` ends quietly with status 0 (it used to panic in
/// `println!`). The pipe here is closed before `aio` writes anything.
#[test]
fn a_reader_that_stops_early_is_not_a_crash() {
    for args in [&["list"][..], &["completions", "bash"]] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_aio"))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("aio starts");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("aio ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "aio {args:?}: {:?}, {stderr}",
            out.status
        );
        assert!(!stderr.contains("panicked"), "aio {args:?}: {stderr}");
    }
}
