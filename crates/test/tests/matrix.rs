//! The matrix on the runtimes this test build enables (`cargo test -p aio-test --all-features`
//! for all five).

use std::panic::{AssertUnwindSafe, catch_unwind};

use aio_rt::Runtime;
use aio_test::{Backend, Case, Cx};

/// Two workers, woken in deadline order.
#[derive(Clone)]
struct Workers;

impl Case for Workers {
    async fn run<R: Runtime>(self, cx: Cx<R>) {
        for (name, ticks) in [("slow", 2), ("fast", 1)] {
            let c = cx.clone();
            drop(cx.spawn(name, async move {
                c.sleep(ticks).await;
                c.log(name, "done");
            }));
        }
        cx.log("main", "spawned both");
    }
}

aio_test::matrix!(workers, Workers);

#[test]
fn the_shared_trace_is_returned() {
    assert_eq!(
        aio_test::check(Workers),
        "[t=0] main: spawned both\n[t=1] fast: done\n[t=2] slow: done\n"
    );
}

/// A case whose trace names its runtime: the traces differ wherever another runtime is on.
#[derive(Clone)]
struct NamesItsRuntime;

impl Case for NamesItsRuntime {
    async fn run<R: Runtime>(self, cx: Cx<R>) {
        cx.log("main", cx.rt().name())
    }
}

#[test]
fn a_difference_fails_with_the_diff() {
    let Some(other) = Backend::enabled()
        .into_iter()
        .find(|b| *b != Backend::AioLoop)
    else {
        return; // aio-loop alone: nothing to differ from
    };
    let failure = catch_unwind(AssertUnwindSafe(|| {
        aio_test::check_on(other, NamesItsRuntime)
    }))
    .expect_err("the traces differ");
    let message = failure.downcast_ref::<String>().expect("a message");
    assert!(
        message.starts_with(&format!("the trace on {other} differs from aio-loop's:")),
        "{message}"
    );
    assert!(message.contains("-[t=0] main: aio-loop"), "{message}");
    assert!(
        message.contains(&format!("+[t=0] main: {other}")),
        "{message}"
    );
}

/// A task spawned with the runtime's own `spawn` and left running.
#[derive(Clone)]
struct LeavesATask;

impl Case for LeavesATask {
    async fn run<R: Runtime>(self, cx: Cx<R>) {
        let c = cx.clone();
        drop(cx.rt().spawn(async move { c.sleep(1_000).await }));
    }
}

#[test]
fn a_task_left_running_fails_every_runtime() {
    for backend in Backend::enabled() {
        let run = aio_test::run_case(backend, LeavesATask);
        assert_eq!(
            run.failures,
            [
                "task 2 (spawned with Runtime::spawn, no name) is still running 100 ticks after the scenario ended"
            ],
            "on {backend}"
        );
    }
}
