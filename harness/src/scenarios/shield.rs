//! Scenarios for `shield`: waiting for work without cancelling it.

use futures_lite::future;

use aio_futures::{Exception, Future};
use aio_rt::{PyError, Runtime};
use aio_shield::shield;
use aio_tasks::{TaskError, create_task, create_task_named};

use super::tasks::{Finally, as_main, handled};
use crate::{Cx, Scenario, exc};

const CONCEPT: &str = "shield";
const SOURCE: &str = include_str!("shield.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[
    parity!(
        shield_cancelled_unretrieved,
        "once the outer is cancelled it no longer reads the inner: the inner's failure read by nobody is reported"
    ),
    parity!(
        shield_timeout_pattern,
        "a timeout around shield(task) times out; the task runs on and its result comes later"
    ),
    parity!(
        shield_outer_cancelled,
        "cancelling the task that awaits shield(inner) leaves inner running to completion"
    ),
    parity!(
        shield_inner_outcomes,
        "the inner's error and cancellation reach the outer; shield of a finished task is its outcome"
    ),
    parity!(
        shield_outer_cancel,
        "outer.cancel() cancels the outer only (with its message); the inner runs on; a done inner refuses"
    ),
    parity!(
        shield_of_future,
        "shield over a plain Future: the outer cancelled, the future stays pending; its cancellation and failure"
    ),
];

/// The asyncio notes' pattern: `wait_for(shield(task), 1)`. Here the timeout is a race
/// between the shield and a 1-tick sleep (`aio-wait` gives it a name). At t=1 the
/// sleep wins and the shield is dropped, which does not cancel the task; awaiting the
/// task afterwards gives its result at t=3.
pub(crate) async fn shield_timeout_pattern<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let task = create_task_named(c.rt(), "work", async move {
            c2.log("work", "start, takes 3");
            c2.sleep(3).await;
            c2.log("work", "finished");
            Ok::<_, String>("the result")
        });
        let shielded = async { Some(shield(&task).await) };
        let timeout = async {
            c.sleep(1).await;
            None
        };
        if future::or(shielded, timeout).await.is_none() {
            c.log(
                "main",
                format!("timed out; task still running: {}", !task.done()),
            );
        }
        let value = task.await.map_err(|e| e.to_string())?;
        c.log("main", format!("awaited the task afterwards: '{value}'"));
        Ok(())
    })
    .await;
}

/// Work that must finish, the Rust way: `save` runs as a task of its own and `handler`
/// awaits it through `shield`. Cancelling `handler` drops it (its cleanup runs) and
/// leaves `save` running; `save`'s result is still there afterwards. (In Python the
/// handler could also catch `CancelledError` and carry on; a Rust task cannot.)
pub(crate) async fn shield_outer_cancelled<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let saving = create_task_named(c.rt(), "save", async move {
            c2.log("save", "saving, takes 2");
            c2.sleep(2).await;
            c2.log("save", "saved");
            Ok::<_, String>("saved")
        });
        let (c3, inner) = (c.clone(), saving.clone());
        let handling = create_task_named(c.rt(), "handler", async move {
            let _finally = Finally {
                cx: c3.clone(),
                task: "handler",
                message: "cleanup",
            };
            shield(&inner).await.map_err(|e| e.to_string())?;
            c3.log("handler", "never");
            Ok::<(), String>(())
        });
        c.sleep(1).await;
        c.log("main", format!("cancel handler: {}", handling.cancel(None)));
        if let Err(TaskError::Cancelled(_)) = handling.await {
            c.log("main", "handler cancelled");
        }
        c.log("main", format!("save still running: {}", !saving.done()));
        let value = saving.await.map_err(|e| e.to_string())?;
        c.log("main", format!("save gives '{value}'"));
        Ok(())
    })
    .await;
}

/// What the shield gives is the inner task's outcome: its error when it fails, a
/// cancellation when the inner task itself is cancelled (by another task, at t=2), and,
/// for a task already finished, its result at once.
pub(crate) async fn shield_inner_outcomes<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let failing = create_task(c.rt(), async move {
            c2.sleep(1).await;
            Err::<(), _>(PyError::new("RuntimeError", "inner failed"))
        });
        if let Err(e) = shield(&failing).await {
            c.log("main", format!("shield gave the inner error: {}", exc(&e)));
        }
        let c3 = c.clone();
        let sleeping = create_task(c.rt(), async move {
            c3.sleep(10).await;
            Ok::<(), String>(())
        });
        let (c4, target) = (c.clone(), sleeping.clone());
        let canceller = create_task(c.rt(), async move {
            c4.sleep(1).await;
            target.cancel(None);
            Ok::<(), String>(())
        });
        if let Err(e) = shield(&sleeping).await {
            c.log(
                "main",
                format!("inner cancelled: the shield raised {}", exc(&e)),
            );
        }
        canceller.await.map_err(|e| e.to_string())?;
        let c5 = c.clone();
        let done = create_task(c.rt(), async move {
            c5.sleep(1).await;
            Ok::<_, String>("ready")
        });
        (&done).await.map_err(|e| e.to_string())?;
        let value = shield(&done).await.map_err(|e| e.to_string())?;
        c.log("main", format!("shield of a finished task: '{value}'"));
        Ok(())
    })
    .await;
}

/// `outer = shield(save)`, then `outer.cancel(msg)` at t=1: the outer is cancelled at
/// once (a second `cancel` is refused), awaiting it gives the message every time, and
/// `save` runs on. A shield of the finished task is done at once, and refuses `cancel`.
pub(crate) async fn shield_outer_cancel<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let saving = create_task_named(c.rt(), "save", async move {
            c2.log("save", "saving, takes 2");
            c2.sleep(2).await;
            c2.log("save", "saved");
            Ok::<_, String>("saved")
        });
        let mut outer = shield(&saving);
        c.sleep(1).await;
        let accepted = outer.cancel(Some("no wait"));
        c.log(
            "main",
            format!("cancel outer: {accepted}, cancelled: {}", outer.cancelled()),
        );
        c.log(
            "main",
            format!("cancel outer again: {}", outer.cancel(None)),
        );
        if let Err(e) = (&mut outer).await {
            c.log("main", format!("await outer: {}", exc(&e)));
        }
        if let Err(e) = outer.await {
            c.log("main", format!("await outer again: {}", exc(&e)));
        }
        c.log("main", format!("save still running: {}", !saving.done()));
        let value = (&saving).await.map_err(|e| e.to_string())?;
        c.log("main", format!("save gives '{value}'"));
        let later = shield(&saving);
        c.log(
            "main",
            format!("shield of a finished task: done: {}", later.done()),
        );
        let accepted = later.cancel(None);
        c.log(
            "main",
            format!("cancel it: {accepted}, cancelled: {}", later.cancelled()),
        );
        let value = later.await.map_err(|e| e.to_string())?;
        c.log("main", format!("it gives '{value}'"));
        Ok(())
    })
    .await;
}

/// `shield` over an `aio_futures::Future`: cancelling the outer at t=1 leaves the
/// future pending (it gets its result at t=2). A future cancelled by its owner cancels
/// the outer (a bare cancellation; the message stays the future's). A future that
/// failed gives its error through the shield at once.
pub(crate) async fn shield_of_future<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let future: Future<u32> = Future::new(c.rt());
        let (c2, setter) = (c.clone(), future.clone());
        let setting = create_task(c.rt(), async move {
            c2.sleep(2).await;
            setter.set_result(42).map_err(|e| e.to_string())
        });
        let outer = shield(&future);
        c.sleep(1).await;
        let accepted = outer.cancel(None);
        c.log(
            "main",
            format!("cancel outer: {accepted}, future done: {}", future.done()),
        );
        if let Err(e) = outer.await {
            c.log("main", format!("await outer: {}", exc(&e)));
        }
        let value = (&future).await.map_err(|e| e.to_string())?;
        c.log("main", format!("await future: {value}"));
        setting.await.map_err(|e| e.to_string())?;
        let other: Future<u32> = Future::new(c.rt());
        let mut outer = shield(&other);
        other.cancel_with("inner stop");
        if let Err(e) = (&mut outer).await {
            c.log(
                "main",
                format!(
                    "inner cancelled, await outer: {}, outer cancelled: {}",
                    exc(&e),
                    outer.cancelled()
                ),
            );
        }
        if let Err(e) = (&other).await {
            c.log("main", format!("await inner: {}", exc(&e)));
        }
        let failed: Future<u32> = Future::new(c.rt());
        failed
            .set_exception(Exception::py(PyError::new("ValueError", "boom")))
            .map_err(|e| e.to_string())?;
        if let Err(e) = shield(&failed).await {
            c.log("main", format!("shield of a failed future: {}", exc(&e)));
        }
        Ok(())
    })
    .await;
}

/// The outer is cancelled at t=1; the inner fails at t=2, with every handle gone: the
/// shield did not read the failure, so it is reported.
pub(crate) async fn shield_cancelled_unretrieved<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        c.rt()
            .set_exception_handler(move |context| c2.log("handler", handled(context, true)));
        let c3 = c.clone();
        let task = create_task_named(c.rt(), "inner", async move {
            c3.sleep(2).await;
            Err::<(), _>(PyError::new("ValueError", "after the cancel"))
        });
        let outer = shield(&task);
        c.sleep(1).await;
        let cancelled = if outer.cancel(None) { "True" } else { "False" };
        c.log("main", format!("outer.cancel(): {cancelled}"));
        if let Err(TaskError::Cancelled(_)) = outer.await {
            c.log("main", "outer cancelled; inner runs on");
        }
        drop(task);
        c.log("main", "dropped every handle");
        c.sleep(2).await;
        c.log("main", "end");
        Ok(())
    })
    .await;
}
