//! Scenarios for `wait`: wait, wait_for, as_completed and timeout scopes.

use std::time::Duration;

use aio_rt::{Instant, PyError, Runtime};
use aio_tasks::{CancelledError, Task, catch_cancel, create_task, create_task_named};
use aio_wait::{
    ReturnWhen, ScopeError, WaitForError, as_completed, as_completed_tasks, timeout, wait,
    wait_for, wait_for_future, wait_for_task,
};
use futures_lite::StreamExt;

use super::gather::OnCancel;
use super::tasks::{as_main, handled};
use crate::{Cx, Scenario, exc, exc_cause};

const CONCEPT: &str = "wait";
const SOURCE: &str = include_str!("wait.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[
    parity!(
        wait_return_when,
        "FIRST_COMPLETED, FIRST_EXCEPTION (a cancellation does not count), ALL_COMPLETED with a timeout; wait on nothing is an error"
    ),
    parity!(
        wait_for_timeout,
        "wait_for cancels the inner on the deadline and waits for it; a zero timeout gives a finished result or cancels before the start"
    ),
    parity!(
        as_completed_order,
        "as_completed gives outcomes in finishing order; on the deadline a TimeoutError and the rest keep running"
    ),
    parity!(
        wait_duplicates,
        "the same task given twice counts once in wait and as_completed, as in a set"
    ),
    parity!(
        wait_for_zero_on_a_future,
        "a zero timeout gives a done future's outcome, cancels a pending one, never starts a coroutine"
    ),
    parity!(
        wait_unretrieved,
        "wait reads no failure: after ALL_COMPLETED and FIRST_COMPLETED one nobody reads is reported; FIRST_EXCEPTION reads what it sees while waiting"
    ),
    parity!(
        as_completed_unretrieved,
        "as_completed reads the failures it gives; one it never gave, read by nobody, is reported"
    ),
    parity!(
        wait_for_unretrieved,
        "wait_for raises the failure it awaited; after a timeout on a shield, the inner's failure read by nobody is reported"
    ),
    parity!(
        timeout_scope,
        "timeout scopes: reschedule, expired, nested scopes, a foreign cancellation passing through"
    ),
    parity!(
        as_completed_yields_tasks,
        "3.13's async for over as_completed yields the original tasks in finishing order; on the deadline a TimeoutError"
    ),
    parity!(
        timeout_misuse,
        "a timeout scope refuses reschedule before entering and after it ended, a second entry, and use outside any task"
    ),
    parity!(
        timeout_repr,
        "a timeout scope prints as asyncio's repr: created, active with its deadline, expired, finished"
    ),
    parity!(
        timeout_body_catches_cancel,
        "a timeout's body catches the deadline's CancelledError (catch_cancel), cleans up with an await and re-raises: TimeoutError; swallowed: none"
    ),
    parity!(
        wait_for_inner_swallows,
        "the task wait_for cancels at its deadline swallows the cancellation and returns a value: wait_for returns it"
    ),
    parity!(
        wait_for_coroutine_swallows,
        "the coroutine wait_for runs catches the deadline's CancelledError, cleans up with an await and returns a value: wait_for returns it"
    ),
    parity!(
        timeout_nested_in_handler,
        "an expired scope's body, handling the CancelledError, enters a scope of its own that expires in turn, then re-raises: two TimeoutErrors"
    ),
    parity!(
        timeout_waits_for_awaited_task,
        "a timeout expires while its body awaits a task: the task is cancelled and cleans up before the TimeoutError comes out"
    ),
];

type StrTask = Task<&'static str, PyError>;

/// A task named `name` that sleeps `delay` ticks and returns `value`.
fn work<R: Runtime>(cx: &Cx<R>, name: &str, delay: u64, value: &'static str) -> StrTask {
    let c = cx.clone();
    create_task_named(cx.rt(), name, async move {
        c.sleep(delay).await;
        Ok(value)
    })
}

/// A task named `name` that fails with "boom" after `delay` ticks.
fn fails<R: Runtime>(cx: &Cx<R>, name: &str, delay: u64) -> StrTask {
    let c = cx.clone();
    create_task_named(cx.rt(), name, async move {
        c.sleep(delay).await;
        Err(PyError::new("ValueError", "boom"))
    })
}

fn names(tasks: &[StrTask]) -> String {
    let mut names: Vec<String> = tasks.iter().map(Task::name).collect();
    names.sort();
    format!("[{}]", names.join(", "))
}

/// `wait` returns `(done, pending)` and never cancels: at t=1 `a` is the first to
/// finish; `v` is cancelled at t=2, which FIRST_EXCEPTION does not count, so it returns
/// at t=3 when `b` fails; a timeout of 1 around `c` returns it in `pending`, still
/// running. An empty `wait` is an error, asyncio's ValueError.
pub(crate) async fn wait_return_when<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let rt = c.rt().clone();
        let (a, b) = (work(&c, "a", 1, "A"), fails(&c, "b", 3));
        let (cc, v) = (work(&c, "c", 5, "C"), work(&c, "v", 10, "V"));
        let (c2, target) = (c.clone(), v.clone());
        let canceller = create_task(&rt, async move {
            c2.sleep(2).await;
            c2.log("canceller", format!("cancelling {}", target.name()));
            target.cancel(None);
            Ok::<_, String>(())
        });
        let all = [a, b.clone(), cc.clone(), v.clone()];
        let (done, pending) = wait(&rt, all, ReturnWhen::FirstCompleted, None)
            .await
            .map_err(|e| e.to_string())?;
        c.log(
            "main",
            format!(
                "FIRST_COMPLETED: done {}, pending {}",
                names(&done),
                names(&pending)
            ),
        );
        let some = [b.clone(), cc.clone(), v];
        let (done, pending) = wait(&rt, some, ReturnWhen::FirstException, None)
            .await
            .map_err(|e| e.to_string())?;
        c.log(
            "main",
            format!(
                "FIRST_EXCEPTION: done {}, pending {}",
                names(&done),
                names(&pending)
            ),
        );
        let (done, pending) = wait(
            &rt,
            [cc.clone()],
            ReturnWhen::AllCompleted,
            Some(c.ticks(1)),
        )
        .await
        .map_err(|e| e.to_string())?;
        c.log(
            "main",
            format!(
                "ALL_COMPLETED, timeout 1: done {}, pending {}",
                names(&done),
                names(&pending)
            ),
        );
        c.log(
            "main",
            format!("c cancelled by the timeout: {}", py_bool(cc.cancelled())),
        );
        let (done, pending) = wait(&rt, [cc], ReturnWhen::AllCompleted, None)
            .await
            .map_err(|e| e.to_string())?;
        c.log(
            "main",
            format!(
                "ALL_COMPLETED: done {}, pending {}",
                names(&done),
                names(&pending)
            ),
        );
        if let Err(e) = wait(&rt, Vec::<StrTask>::new(), ReturnWhen::AllCompleted, None).await {
            c.log("main", format!("wait on nothing: {}", exc(&e)));
        }
        let _ = b.exception();
        canceller.await.map_err(|e| e.to_string())
    })
    .await;
}

/// A body that logs, sleeps `delay` ticks and returns `name`; dropped (cancelled) while
/// asleep, its guard logs the cleanup.
fn slow<R: Runtime>(
    cx: &Cx<R>,
    name: &'static str,
    delay: u64,
) -> impl Future<Output = Result<&'static str, String>> + Send + 'static {
    let c = cx.clone();
    async move {
        c.log(name, format!("start, takes {delay}"));
        let mut guard = OnCancel {
            cx: c.clone(),
            task: name,
            message: "cleanup after cancellation",
            armed: true,
        };
        c.sleep(delay).await;
        guard.armed = false;
        Ok(name)
    }
}

/// `wait_for_task` on the deadline cancels the task and returns only once it has
/// finished: its cleanup is logged before the timeout. Around a plain future the
/// future is dropped (its cleanup runs) before `wait_for` returns. A zero timeout gives
/// the result of a finished task, and cancels an unstarted one before it runs.
pub(crate) async fn wait_for_timeout<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let rt = c.rt().clone();
        let task = create_task(&rt, slow(&c, "task", 5));
        if let Err(e @ WaitForError::Timeout(_)) = wait_for_task(&rt, &task, Some(c.ticks(2))).await
        {
            let cancelled = py_bool(task.cancelled());
            c.log(
                "main",
                format!(
                    "{} from {}; task cancelled: {cancelled}",
                    exc(&e),
                    exc_cause(&e)
                ),
            );
        }
        if let Err(e) = wait_for(&rt, slow(&c, "coro", 5), Some(c.ticks(1))).await {
            c.log(
                "main",
                format!("{} from {} around a coroutine", exc(&e), exc_cause(&e)),
            );
        }
        if let Ok(Ok(value)) = wait_for(&rt, slow(&c, "quick", 1), Some(c.ticks(2))).await {
            c.log("main", format!("in time: {value}"));
        }
        if let Ok(Ok(value)) = wait_for(&rt, slow(&c, "plain", 1), None).await {
            c.log("main", format!("no timeout: {value}"));
        }
        let finished = create_task(&rt, slow(&c, "finished", 1));
        c.sleep(2).await;
        if let Ok(value) = wait_for_task(&rt, &finished, Some(Duration::ZERO)).await {
            c.log("main", format!("zero timeout, already done: {value}"));
        }
        let unstarted = create_task(&rt, slow(&c, "unstarted", 1));
        if let Err(e @ WaitForError::Timeout(_)) =
            wait_for_task(&rt, &unstarted, Some(Duration::ZERO)).await
        {
            let cancelled = py_bool(unstarted.cancelled());
            c.log(
                "main",
                format!(
                    "zero timeout, not started: {}, cancelled {cancelled}",
                    exc(&e)
                ),
            );
        }
        Ok(())
    })
    .await;
}

/// The stream gives B (t=1), the failure of the second task (t=2), A (t=3), and at t=4
/// the deadline: a `TimeoutError` item and the end of the stream. `d` was not cancelled
/// and finishes at t=10.
pub(crate) async fn as_completed_order<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let rt = c.rt().clone();
        let (a, b) = (work(&c, "a", 3, "A"), work(&c, "b", 1, "B"));
        let (f, d) = (fails(&c, "c", 2), work(&c, "d", 10, "D"));
        let mut outcomes = as_completed(&rt, [a, b, f, d.clone()], Some(c.ticks(4)));
        while let Some(outcome) = outcomes.next().await {
            match outcome {
                Ok(value) => c.log("main", format!("next: {value}")),
                Err(e @ WaitForError::Task(_)) => {
                    c.log("main", format!("next failed: {}", exc(&e)));
                }
                Err(e @ WaitForError::Timeout(_)) => {
                    let running = py_bool(!d.done());
                    c.log("main", format!("{}; d still running: {running}", exc(&e)));
                    break;
                }
            }
        }
        let value = d.await.map_err(|e| e.to_string())?;
        c.log("main", format!("d finished later: {value}"));
        Ok(())
    })
    .await;
}

/// 3.13's `async for task in as_completed(tasks)`: the tasks themselves come, in the
/// order they finish (`b` at t=1, `c` failing at t=2, `a` at t=3), each done and each
/// one of the tasks given. With a deadline of 2, `fast` comes at t=1, then the stream
/// gives `TimeoutError` (no cause) and ends; `slow` runs on.
pub(crate) async fn as_completed_yields_tasks<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let rt = c.rt().clone();
        let (a, b) = (work(&c, "a", 3, "A"), work(&c, "b", 1, "B"));
        let given = [a, b, fails(&c, "c", 2)];
        let mut done = as_completed_tasks(&rt, given.clone(), None);
        while let Some(task) = done.next().await {
            let task = task.map_err(|e| exc(&e))?;
            let original = py_bool(given.contains(&task));
            let outcome = match task.result() {
                Ok(value) => value.to_owned(),
                Err(e) => exc(&e),
            };
            c.log(
                "main",
                format!("{} (original: {original}): {outcome}", task.name()),
            );
        }

        let (slow, fast) = (work(&c, "slow", 5, "S"), work(&c, "fast", 1, "F"));
        let mut done = as_completed_tasks(&rt, [slow.clone(), fast], Some(c.ticks(2)));
        while let Some(task) = done.next().await {
            match task {
                Ok(task) => {
                    let value = (&task).await.map_err(|e| exc(&e))?;
                    c.log("main", format!("{}: {value}", task.name()));
                }
                Err(e) => {
                    let running = py_bool(!slow.done());
                    c.log(
                        "main",
                        format!(
                            "{} from {}; slow still running: {running}",
                            exc(&e),
                            exc_cause(&e)
                        ),
                    );
                }
            }
        }
        let value = slow.await.map_err(|e| exc(&e))?;
        c.log("main", format!("slow finished later: {value}"));
        Ok(())
    })
    .await;
}

/// `wait` and `as_completed` take a set in asyncio: `a` given three times and `b` twice
/// count once each. `wait(FIRST_COMPLETED)` returns at t=1 with `a` done once and `b`
/// pending once; `as_completed` then gives two outcomes, not five.
pub(crate) async fn wait_duplicates<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let rt = c.rt().clone();
        let (a, b) = (work(&c, "a", 1, "A"), work(&c, "b", 2, "B"));
        let given = [a.clone(), b.clone(), a.clone(), b.clone(), a.clone()];
        let (done, pending) = wait(&rt, given.clone(), ReturnWhen::FirstCompleted, None)
            .await
            .map_err(|e| e.to_string())?;
        c.log(
            "main",
            format!("wait: done {}, pending {}", names(&done), names(&pending)),
        );
        let mut outcomes = as_completed(&rt, given, None);
        let mut count = 0;
        while let Some(outcome) = outcomes.next().await {
            let value = outcome.map_err(|e| e.to_string())?;
            count += 1;
            c.log("main", format!("as_completed: {value}"));
        }
        c.log("main", format!("as_completed gave {count} outcomes"));
        Ok(())
    })
    .await;
}

/// Ticks from now until `when`.
fn ticks_until<R: Runtime>(cx: &Cx<R>, when: Option<Instant>) -> String {
    match when {
        None => "None".to_owned(),
        Some(when) => {
            let left = when.saturating_duration_since(cx.rt().now());
            format!(
                "{}",
                (left.as_secs_f64() / cx.ticks(1).as_secs_f64()).round()
            )
        }
    }
}

/// A scope with a deadline in 2, moved to 3 by `reschedule`, expires at t=3. Nested
/// scopes: the inner one (1 tick) expires and reports `TimeoutError` to the outer body,
/// which goes on; the outer one has not expired. A scope without a deadline never
/// expires. A task cancelled from outside inside a scope ends cancelled: the scope
/// reports nothing.
pub(crate) async fn timeout_scope<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let rt = c.rt().clone();
        let cm = timeout(&rt, Some(c.ticks(2)));
        let (c1, scope) = (c.clone(), cm.clone());
        let body = async move {
            c1.log(
                "main",
                format!("deadline in {}", ticks_until(&c1, scope.when())),
            );
            if let Err(e) = scope.reschedule(Some(c1.rt().now() + c1.ticks(3))) {
                c1.log("main", format!("never: {}", exc(&e)));
            }
            let left = ticks_until(&c1, scope.when());
            c1.log("main", format!("rescheduled: deadline in {left}"));
            c1.sleep(5).await;
        };
        if let Err(e) = cm.clone().run(body).await {
            let expired = py_bool(cm.expired());
            c.log(
                "main",
                format!("{} from {}; expired: {expired}", exc(&e), exc_cause(&e)),
            );
        }

        let outer = timeout(&rt, Some(c.ticks(10)));
        let (c1, outer2) = (c.clone(), outer.clone());
        let outer_body = async move {
            let inner = timeout(c1.rt(), Some(c1.ticks(1)));
            if let Err(ScopeError::Timeout(_)) = inner.clone().run(c1.sleep(5)).await {
                let (i, o) = (py_bool(inner.expired()), py_bool(outer2.expired()));
                c1.log("main", format!("inner expired: {i}, outer expired: {o}"));
            }
            c1.sleep(1).await;
            c1.log("main", "the outer body goes on and finishes");
        };
        outer.run(outer_body).await.map_err(|e| e.to_string())?;

        let cm = timeout(&rt, None);
        c.log(
            "main",
            format!("no deadline: {}", ticks_until(&c, cm.when())),
        );
        cm.run(c.sleep(1)).await.map_err(|e| e.to_string())?;

        let c1 = c.clone();
        let task = create_task(&rt, async move {
            if let Err(ScopeError::Timeout(_)) =
                timeout(c1.rt(), Some(c1.ticks(10))).run(c1.sleep(5)).await
            {
                c1.log("body", "never: the deadline did not pass");
            }
            Ok::<_, String>(())
        });
        c.sleep(1).await;
        task.cancel(None);
        if let Err(e) = task.await {
            c.log(
                "main",
                format!("a foreign cancellation passes through: {}", exc(&e)),
            );
        }
        Ok(())
    })
    .await;
}

/// A scope is used once, inside a task: `reschedule` before the scope is entered, after
/// it finished or after it expired is refused; so is entering it a second time, and
/// entering a scope from a raw runtime task (the twin: a coroutine stepped by a loop
/// callback), where its body never runs.
pub(crate) async fn timeout_misuse<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let rt = c.rt().clone();
        let cm = timeout(&rt, Some(c.ticks(5)));
        if let Err(e) = cm.reschedule(None) {
            c.log("main", format!("reschedule before entering: {}", exc(&e)));
        }
        let (c1, scope) = (c.clone(), cm.clone());
        cm.clone()
            .run(async move {
                c1.sleep(1).await;
                if scope.reschedule(None).is_ok() {
                    let when = ticks_until(&c1, scope.when());
                    c1.log("main", format!("rescheduled inside: when {when}"));
                }
            })
            .await
            .map_err(|e| exc(&e))?;
        let c1 = c.clone();
        let again = cm.clone().run(async move { c1.log("main", "never") });
        if let Err(e) = again.await {
            c.log("main", format!("entered again: {}", exc(&e)));
        }
        if let Err(e) = cm.reschedule(None) {
            c.log("main", format!("reschedule after the end: {}", exc(&e)));
        }
        let short = timeout(&rt, Some(c.ticks(1)));
        if let Err(e) = short.clone().run(c.sleep(2)).await {
            c.log("main", format!("short scope: {}", exc(&e)));
        }
        if let Err(e) = short.reschedule(None) {
            c.log("main", format!("reschedule after expiry: {}", exc(&e)));
        }
        let c2 = c.clone();
        let outside = c.spawn("callback", async move {
            let c3 = c2.clone();
            let scope = timeout(c2.rt(), Some(c2.ticks(1)));
            if let Err(e) = scope.run(async move { c3.log("callback", "never") }).await {
                c2.log("callback", format!("outside a task: {}", exc(&e)));
            }
        });
        outside.await.map_err(|e| e.to_string())?;
        c.log("main", "done");
        Ok(())
    })
    .await;
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// `wait_for` with a zero timeout: a future already done gives its outcome (a value, or
/// its exception); a pending future is cancelled and the result is `TimeoutError` (from
/// the `CancelledError`); a coroutine (a Rust future) is dropped before it ever runs.
pub(crate) async fn wait_for_zero_on_a_future<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let rt = c.rt();
        let done = aio_futures::Future::new(rt);
        done.set_result(5).map_err(|e| e.to_string())?;
        match wait_for_future(rt, &done, Some(Duration::ZERO)).await {
            Ok(Ok(value)) => c.log("main", format!("done future, timeout 0: {value}")),
            other => c.log("main", format!("never: {other:?}")),
        }
        let failed: aio_futures::Future<u32> = aio_futures::Future::new(rt);
        failed
            .set_exception(aio_futures::Exception::py(PyError::new(
                "ValueError",
                "boom",
            )))
            .map_err(|e| e.to_string())?;
        if let Ok(Err(e)) = wait_for_future(rt, &failed, Some(Duration::ZERO)).await {
            c.log("main", format!("failed future, timeout 0: {}", exc(&e)));
        }
        let pending: aio_futures::Future<u32> = aio_futures::Future::new(rt);
        if let Err(e) = wait_for_future(rt, &pending, Some(Duration::ZERO)).await {
            c.log(
                "main",
                format!(
                    "pending future, timeout 0: {} from {}",
                    exc(&e),
                    exc_cause(&e)
                ),
            );
        }
        c.log(
            "main",
            format!("pending future cancelled: {}", pending.cancelled()),
        );
        let c2 = c.clone();
        let body = async move {
            c2.log("coro", "started");
            1
        };
        if let Err(e) = wait_for(rt, body, Some(Duration::ZERO)).await {
            c.log(
                "main",
                format!("coroutine, timeout 0: {} from {}", exc(&e), exc_cause(&e)),
            );
        }
        Ok(())
    })
    .await;
}

/// A task named `name` that fails with `ValueError(message)` after `delay` ticks.
fn fails_with<R: Runtime>(cx: &Cx<R>, name: &str, delay: u64, message: &'static str) -> StrTask {
    let c = cx.clone();
    create_task_named(cx.rt(), name, async move {
        c.sleep(delay).await;
        Err(PyError::new("ValueError", message))
    })
}

/// Sets the runtime's exception handler to log what it receives.
fn log_reports<R: Runtime>(cx: &Cx<R>) {
    let c = cx.clone();
    cx.rt()
        .set_exception_handler(move |context| c.log("handler", handled(context, true)));
}

/// `wait` only learns that tasks are done. ALL_COMPLETED returns at t=2 with `a` failed:
/// nobody read it, so dropping the last handle reports it. FIRST_EXCEPTION returns at
/// t=3 when `b` and `c` fail in the same instant: it read both (no report), but `d`,
/// failing at t=4 after every handle is gone, is reported then. FIRST_COMPLETED reads
/// nothing: `e` is reported when its handles go, `f` when it fails.
pub(crate) async fn wait_unretrieved<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let rt = c.rt().clone();
        log_reports(&c);

        let tasks = vec![fails_with(&c, "a", 1, "all"), work(&c, "ok", 2, "2")];
        let (done, pending) = wait(&rt, tasks, ReturnWhen::AllCompleted, None)
            .await
            .map_err(|e| e.to_string())?;
        c.log(
            "main",
            format!("ALL_COMPLETED returned: {} done", done.len()),
        );
        drop((done, pending));
        c.log("main", "dropped every handle");

        let tasks = vec![
            fails_with(&c, "b", 1, "first"),
            fails_with(&c, "c", 1, "same instant"),
            fails_with(&c, "d", 2, "after the return"),
        ];
        let (done, pending) = wait(&rt, tasks, ReturnWhen::FirstException, None)
            .await
            .map_err(|e| e.to_string())?;
        let mut names: Vec<String> = done.iter().map(|t| format!("'{}'", t.name())).collect();
        names.sort();
        c.log(
            "main",
            format!("FIRST_EXCEPTION returned: [{}] done", names.join(", ")),
        );
        drop((done, pending));
        c.log("main", "dropped every handle");
        c.sleep(2).await;

        let tasks = vec![
            fails_with(&c, "e", 1, "completed"),
            fails_with(&c, "f", 2, "later"),
        ];
        let (done, pending) = wait(&rt, tasks, ReturnWhen::FirstCompleted, None)
            .await
            .map_err(|e| e.to_string())?;
        c.log(
            "main",
            format!("FIRST_COMPLETED returned: {} done", done.len()),
        );
        drop((done, pending));
        c.log("main", "dropped every handle");
        c.sleep(2).await;
        c.log("main", "end");
        Ok(())
    })
    .await;
}

/// `as_completed` gives `a`'s failure at t=1 (read); the loop stops there, and `b`, whose
/// failure it never gave, is reported when it fails at t=2 with no handle left.
pub(crate) async fn as_completed_unretrieved<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        log_reports(&c);
        let tasks = vec![
            fails_with(&c, "a", 1, "given"),
            fails_with(&c, "b", 2, "never given"),
        ];
        let mut next = as_completed(c.rt(), tasks, None);
        if let Some(Err(e)) = next.next().await {
            c.log("main", format!("as_completed gave: {}", exc(&e)));
        }
        drop(next);
        c.log("main", "dropped every handle");
        c.sleep(2).await;
        c.log("main", "end");
        Ok(())
    })
    .await;
}

/// `wait_for` raises `a`'s failure: read, not reported. On a shield of `b`, it times out
/// at t=2 and cancels the shield, not `b`; `b` fails at t=3 and nobody reads it: reported.
pub(crate) async fn wait_for_unretrieved<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let rt = c.rt().clone();
        log_reports(&c);
        let task = fails_with(&c, "a", 1, "raised");
        if let Err(e) = wait_for_task(&rt, &task, Some(c.ticks(5))).await {
            c.log("main", format!("wait_for raised: {}", exc(&e)));
        }
        drop(task);
        c.log("main", "dropped the handle");

        let task = fails_with(&c, "b", 2, "after the timeout");
        if let Err(e) = wait_for(&rt, aio_shield::shield(&task), Some(c.ticks(1))).await {
            c.log("main", format!("wait_for on the shield: {}", exc(&e)));
        }
        drop(task);
        c.log("main", "dropped the handle");
        c.sleep(2).await;
        c.log("main", "end");
        Ok(())
    })
    .await;
}

/// A timeout scope's repr: created, active with its deadline (seconds on the clock, which
/// starts at 0 in virtual time on both sides), finished; one that expires; one without a
/// deadline, then rescheduled to 1.5 s from now.
pub(crate) async fn timeout_repr<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let rt = c.rt().clone();
        let cm = timeout(&rt, Some(c.ticks(5)));
        c.log("main", &cm);
        let (c1, scope) = (c.clone(), cm.clone());
        cm.clone()
            .run(async move {
                c1.log("main", &scope);
                c1.sleep(1).await;
            })
            .await
            .map_err(|e| e.to_string())?;
        c.log("main", &cm);
        let cm = timeout(&rt, Some(c.ticks(1)));
        if cm.clone().run(c.sleep(2)).await.is_err() {
            c.log("main", &cm);
        }
        let cm = timeout(&rt, None);
        let (c1, scope) = (c.clone(), cm.clone());
        cm.clone()
            .run(async move {
                c1.log("main", &scope);
                let when = c1.rt().now() + Duration::from_millis(1500);
                scope.reschedule(Some(when)).map_err(|e| e.to_string())?;
                c1.log("main", &scope);
                Ok::<_, String>(())
            })
            .await
            .map_err(|e| e.to_string())??;
        c.log("main", &cm);
        Ok(())
    })
    .await;
}

/// A timeout expires while its body awaits a task. As asyncio's `task.cancel()` cancels
/// the task it awaits first and resumes only once that one has ended, the scope cancels
/// the awaited task and waits for its cleanup (its drop guard, Python's `finally`) before
/// it drops the body and reports `TimeoutError`. (Found by `aio fuzz`, seed 2951.)
pub(crate) async fn timeout_waits_for_awaited_task<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let worker = create_task_named(c.rt(), "worker", async move {
            c2.log("worker", "sleeps 10");
            let _finally = super::tasks::Finally {
                cx: c2.clone(),
                task: "worker",
                message: "cleanup",
            };
            c2.sleep(10).await;
            Ok::<(), PyError>(())
        });
        let out = timeout(c.rt(), Some(c.ticks(1)))
            .run((&worker).into_future())
            .await;
        if let Err(e) = out {
            c.log("main", format!("timeout: {}", exc(&e)));
        }
        c.log(
            "main",
            format!(
                "worker cancelled: {}, cancelling: {}",
                worker.cancelled(),
                worker.cancelling()
            ),
        );
        Ok(())
    })
    .await;
}

/// The body of a 2-tick scope catches the deadline's cancellation (`catch_cancel`, the
/// scope having counted one request on main), cleans up with an await and re-raises it:
/// the scope gives `TimeoutError` at t=3 and takes its request back. A second scope's body
/// swallows it: the scope ends normally, expired all the same.
pub(crate) async fn timeout_body_catches_cancel<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let me = aio_tasks::current_task().expect("main runs as a task");
        let cm = timeout(c.rt(), Some(c.ticks(2)));
        let (c2, me2) = (c.clone(), me.clone());
        let out = cm
            .clone()
            .run_catching(async move {
                if let Err(cancelled) = catch_cancel(c2.sleep(10)).await {
                    c2.log(
                        "main",
                        format!(
                            "caught: {}, cancelling: {}",
                            exc(&cancelled),
                            me2.cancelling()
                        ),
                    );
                    c2.sleep(1).await;
                    c2.log("main", "cleanup done");
                    return Err(cancelled);
                }
                c2.log("main", "never");
                Ok(())
            })
            .await;
        if let Err(e) = out {
            c.log(
                "main",
                format!("scope: {}, expired: {}", exc(&e), cm.expired()),
            );
        }
        c.log("main", format!("cancelling: {}", me.cancelling()));
        let cm = timeout(c.rt(), Some(c.ticks(1)));
        let c3 = c.clone();
        let out = cm
            .clone()
            .run_catching(async move {
                match catch_cancel(c3.sleep(10)).await {
                    Ok(()) => c3.log("main", "never"),
                    Err(e) => c3.log("main", format!("swallowed: {}", exc(&e))),
                }
                Ok::<(), CancelledError>(())
            })
            .await;
        if out.is_ok() {
            c.log(
                "main",
                format!("scope ended normally, expired: {}", cm.expired()),
            );
        }
        c.log("main", format!("cancelling: {}", me.cancelling()));
        Ok(())
    })
    .await;
}

/// `inner` catches the cancellation `wait_for_task` makes at its 2-tick deadline,
/// swallows it and returns a value at t=3: `wait_for_task` returns that value, not a
/// timeout; the inner task counts the one request.
pub(crate) async fn wait_for_inner_swallows<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let rt = c.rt().clone();
        let c2 = c.clone();
        let task = create_task_named(&rt, "inner", async move {
            match catch_cancel(c2.sleep(10)).await {
                Ok(()) => c2.log("inner", "never"),
                Err(_) => {
                    c2.log("inner", "swallows the cancel");
                    c2.sleep(1).await;
                }
            }
            Ok::<&str, String>("inner value")
        });
        match wait_for_task(&rt, &task, Some(c.ticks(2))).await {
            Ok(value) => c.log("main", format!("wait_for: {value}")),
            Err(e) => c.log("main", format!("wait_for: {}", exc(&e))),
        }
        c.log(
            "main",
            format!(
                "cancelled: {}, cancelling: {}",
                task.cancelled(),
                task.cancelling()
            ),
        );
        let me = aio_tasks::current_task().expect("main runs as a task");
        c.log("main", format!("main cancelling: {}", me.cancelling()));
        Ok(())
    })
    .await;
}

/// `inner`, a plain future (a coroutine, not a task), catches the cancellation of
/// `wait_for`'s 2-tick deadline, cleans up for a tick and returns a value at t=3:
/// `wait_for` returns it, and its scope takes its request on `main` back.
pub(crate) async fn wait_for_coroutine_swallows<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let rt = c.rt().clone();
        let c2 = c.clone();
        let inner = async move {
            match catch_cancel(c2.sleep(10)).await {
                Ok(()) => c2.log("inner", "never"),
                Err(_) => {
                    c2.log("inner", "swallows the cancel");
                    c2.sleep(1).await;
                }
            }
            "inner value"
        };
        match wait_for(&rt, inner, Some(c.ticks(2))).await {
            Ok(value) => c.log("main", format!("wait_for: {value}")),
            Err(e) => c.log("main", format!("wait_for: {}", exc(&e))),
        }
        let me = aio_tasks::current_task().expect("main runs as a task");
        c.log("main", format!("main cancelling: {}", me.cancelling()));
        Ok(())
    })
    .await;
}

/// The outer scope expires at t=2 and its body catches the cancellation; handling it,
/// the body enters a 1-tick scope of its own, which expires at t=3 (its `TimeoutError`
/// raised from a `CancelledError`), then re-raises: the outer scope gives its
/// `TimeoutError`, and takes its request back.
pub(crate) async fn timeout_nested_in_handler<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let me = aio_tasks::current_task().expect("main runs as a task");
        let (c2, me2) = (c.clone(), me.clone());
        let out = timeout(c.rt(), Some(c.ticks(2)))
            .run_catching(async move {
                if let Err(cancelled) = catch_cancel(c2.sleep(10)).await {
                    c2.log(
                        "main",
                        format!(
                            "caught: {}, cancelling: {}",
                            exc(&cancelled),
                            me2.cancelling()
                        ),
                    );
                    let inner = timeout(c2.rt(), Some(c2.ticks(1)))
                        .run(async {
                            c2.sleep(10).await;
                            c2.log("main", "never");
                        })
                        .await;
                    if let Err(e) = inner {
                        c2.log(
                            "main",
                            format!("inner scope: {} from {}", exc(&e), exc_cause(&e)),
                        );
                    }
                    c2.log("main", format!("cancelling: {}", me2.cancelling()));
                    return Err(cancelled);
                }
                c2.log("main", "never");
                Ok(())
            })
            .await;
        if let Err(e) = out {
            c.log(
                "main",
                format!("outer scope: {} from {}", exc(&e), exc_cause(&e)),
            );
        }
        c.log("main", format!("cancelling: {}", me.cancelling()));
        Ok(())
    })
    .await;
}
