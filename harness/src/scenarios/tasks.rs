//! Scenarios for `tasks`: create_task, cancellation, failures, TaskGroup.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use aio_rt::{PyError, Runtime};
use aio_sleep::sleep;
use aio_tasks::{
    CancelledError, Context, ContextVar, TaskGroup, all_tasks, catch_cancel, create_eager_task,
    create_task, create_task_named, create_task_with_context, current_task,
};

use crate::{Cx, Mode, Run, RuntimeKind, Scenario, exc};

const CONCEPT: &str = "tasks";
const SOURCE: &str = include_str!("tasks.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[
    parity!(
        create_task_lazy_start,
        "tasks start after their creator yields, in creation order; default names Task-N"
    ),
    parity!(
        cancel_before_start,
        "a task cancelled before its first step never runs its body; awaiting gives the message"
    ),
    parity!(
        cancel_running_task,
        "a running task is cancelled at its await; a drop guard runs the cleanup (Python: finally)"
    ),
    parity!(
        cancel_cascades,
        "cancelling a task that awaits another task cancels the awaited one first"
    ),
    parity!(
        task_cancelling_counts,
        "cancel() counts each request on an unfinished task, uncancel() takes one back (never below 0)"
    ),
    parity!(
        task_uncancel_keeps_request,
        "uncancel() lowers the count but the request stands (3.11); a cascade counts on both tasks"
    ),
    parity!(
        task_failure_shared,
        "a failed task gives the same error to every awaiter; done callbacks run first"
    ),
    parity!(
        unretrieved_failure_reported,
        "a failure nobody retrieved reaches the exception handler when the last handle goes"
    ),
    parity!(
        exception_handler_replaced,
        "the runtime's one exception handler is set, replaced and reset while it runs; call_exception_handler reaches the current one"
    ),
    parity!(
        run_shutdown_failure_reported,
        "asyncio.run cancels a leftover whose cleanup raises: the handler gets it, the task under 'task'"
    ),
    parity!(
        taskgroup_retrieves_failures,
        "a TaskGroup reads every child's failure into its ExceptionGroup: none is reported"
    ),
    parity!(
        taskgroup_waits_for_all,
        "a TaskGroup ends when every child has, children spawned by children included"
    ),
    parity!(
        taskgroup_failure_cancels,
        "the first failure in a TaskGroup cancels the siblings and the body; one group error"
    ),
    parity!(
        taskgroup_body_fails,
        "an error in the body cancels the children and joins the group error; spawning later fails"
    ),
    parity!(
        run_shutdown,
        "a task created in main's last step takes its first step, then asyncio.run cancels it and waits for its cleanup"
    ),
    parity!(
        taskgroup_owner_cancelled,
        "cancelling the group's owner cancels every child; the owner sees a plain cancellation"
    ),
    parity!(
        taskgroup_owner_cancelled_while_waiting,
        "the owner cancelled while its group waits for a child: the child is cancelled at the owner's next turn"
    ),
    parity!(
        taskgroup_cancel_same_step,
        "a cancelled owner ends in the step that sees its group's last child end, before a task woken after it"
    ),
    parity!(
        taskgroup_fails_as_owner_cancelled,
        "a child fails in the step that cancels the owner: the owner gets the group error"
    ),
    parity!(
        taskgroup_not_entered,
        "create_task before the group's run has started is refused; then the group runs"
    ),
    parity!(
        taskgroup_outside_a_task,
        "a TaskGroup run outside any task (a loop callback, a raw runtime task) cannot determine its parent task"
    ),
    parity!(
        eager_task_runs_at_once,
        "an eager task runs inside create_task until it is suspended; one that finishes there is done at once and never listed"
    ),
    parity!(
        context_var_per_task,
        "a ContextVar has a value per task: copied when a task is created, reset by token, a task given context= shares it"
    ),
    differences!(
        cancel_cannot_be_refused,
        "a Python coroutine can catch CancelledError and carry on; a Rust task cannot"
    ),
    parity!(
        task_repr,
        "a Task prints as asyncio's repr: its name and state, pending, finished with its result or exception, cancelled"
    ),
    parity!(
        taskgroup_repr,
        "a TaskGroup prints as asyncio's repr (entered, running children, cancelling); its ExceptionGroup as asyncio's repr, members listed"
    ),
    parity!(
        cancel_caught_cleanup_awaits,
        "catch_cancel: a task catches its CancelledError, cleans up with awaits (a sleep, a lock), then re-raises and ends cancelled"
    ),
    parity!(
        cancel_swallowed,
        "catch_cancel: a task swallows its CancelledError and completes normally; cancelling() stays 1"
    ),
    parity!(
        cancelling_uncancel_counts,
        "two requests are delivered as one CancelledError; uncancel() takes one back; a cancel made while running arrives at the next await"
    ),
    parity!(
        taskgroup_body_catches_cancel,
        "a child fails, the TaskGroup cancels its body, which catches it, cleans up with an await and re-raises: one group error"
    ),
    parity!(
        cancel_cascade_message_read,
        "the awaiting task reads the cancelled task it awaited on waking: a later reader of that task gets no message"
    ),
    parity!(
        cancel_twice_message,
        "a second cancel() before the task runs again: a task suspended in an await keeps the first message, one not started takes the last"
    ),
];

/// The body of `async def main()`: the harness runs every scenario as `asyncio.run` runs
/// main (`aio_tasks::run`: the main task, `Task-1`, then the shutdown), so the body runs
/// in place; an error it returns is logged as main's.
pub(crate) async fn as_main<R, F>(cx: &Cx<R>, body: F)
where
    R: Runtime,
    F: Future<Output = Result<(), String>> + Send + 'static,
{
    if let Err(error) = body.await {
        cx.log("main", format!("main failed: {}", exc(&error)));
    }
}

/// What a twin's exception handler prints of its context:
/// `f"{context['message']}: {context['future'].get_name()}: {exc(context['exception'])} {sorted(context)}"`
/// (the task under `future`, or under `task`), the name part only where the twin prints
/// it (`named`).
pub(crate) fn handled(context: &aio_rt::ExceptionContext, named: bool) -> String {
    let exception = context
        .exception
        .as_ref()
        .map_or_else(|| "None".to_owned(), exc);
    let keys: Vec<String> = context
        .keys()
        .iter()
        .map(|key| format!("'{key}'"))
        .collect();
    let keys = keys.join(", ");
    let name = (context.future.as_ref())
        .or(context.task.as_ref())
        .and_then(|task| task.name.as_deref());
    match name.filter(|_| named) {
        Some(name) => format!("{}: {name}: {exception} [{keys}]", context.message),
        None => format!("{}: {exception} [{keys}]", context.message),
    }
}

/// Logs `message` as `task` when dropped: the Rust `finally`.
pub(crate) struct Finally<R: Runtime> {
    pub(crate) cx: Cx<R>,
    pub(crate) task: &'static str,
    pub(crate) message: &'static str,
}

impl<R: Runtime> Drop for Finally<R> {
    fn drop(&mut self) {
        self.cx.log(self.task, self.message);
    }
}

fn names(tasks: Vec<aio_tasks::TaskRef>) -> String {
    let mut names: Vec<String> = tasks.iter().map(|t| t.name()).collect();
    names.sort();
    names.join(", ")
}

/// `asyncio.run` makes `main` the task `Task-1`; three tasks created in a row are
/// `Task-2` to `Task-4`, not started yet (`create_task` returns before the body runs).
/// They start in creation order once `main` yields, with `sleep(0)`, and `all_tasks`
/// lists the unfinished ones.
pub(crate) async fn create_task_lazy_start<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let me = current_task().expect("main runs as a task");
        c.log("main", format!("main task is {}", me.name()));
        let mut tasks = Vec::new();
        for n in 1..=3 {
            let c2 = c.clone();
            tasks.push(create_task(c.rt(), async move {
                let me = current_task().expect("a worker runs as a task").name();
                c2.log(&me, format!("start {n}"));
                c2.sleep(1).await;
                c2.log(&me, format!("end {n}"));
                Ok::<_, String>(())
            }));
        }
        for task in &tasks {
            c.log(
                "main",
                format!("created {}, done: {}", task.name(), task.done()),
            );
        }
        c.log("main", format!("all_tasks: {}", names(all_tasks())));
        sleep(c.rt(), Duration::ZERO).await;
        c.log("main", "after one yield");
        for task in tasks {
            task.await.map_err(|e| e.to_string())?;
        }
        c.log("main", format!("all_tasks: {}", names(all_tasks())));
        Ok(())
    })
    .await;
}

/// Cancelling a task before its first step: `cancel` says `true`, the body never runs,
/// awaiting gives the cancellation with its message, and a second `cancel` says `false`
/// (the task is done).
pub(crate) async fn cancel_before_start<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let task = create_task_named(c.rt(), "never", async move {
            c2.log("never", "body runs");
            Ok::<(), String>(())
        });
        c.log(
            "main",
            format!("cancel: {}", task.cancel(Some("too early"))),
        );
        if let Err(e) = (&task).await {
            c.log("main", format!("await: {}", exc(&e)));
        }
        c.log(
            "main",
            format!("done: {}, cancelled: {}", task.done(), task.cancelled()),
        );
        c.log("main", format!("cancel again: {}", task.cancel(None)));
        if let Err(e) = task.exception() {
            c.log("main", format!("exception(): {}", exc(&e)));
        }
        Ok(())
    })
    .await;
}

/// Cancelling `outer`, which awaits `inner`, cancels `inner` first with the message
/// (`cancel_cascades`); `outer` then wakes and reads `inner`'s `CancelledError`, which
/// takes the message, as asyncio's `__wakeup` calls `result()`: `outer` ends cancelled
/// with it, and a later reader of `inner` gets a bare `CancelledError`. (Found by `aio
/// fuzz`, seeds 7128, 9708.)
pub(crate) async fn cancel_cascade_message_read<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let (c2, box_) = (c.clone(), Arc::new(Mutex::new(Vec::new())));
        let kept = box_.clone();
        let outer = create_task_named(c.rt(), "outer", async move {
            let c3 = c2.clone();
            let inner = create_task_named(c2.rt(), "inner", async move {
                c3.log("inner", "sleeps 10");
                c3.sleep(10).await;
                Ok::<(), String>(())
            });
            kept.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(inner.clone());
            (&inner).await.map_err(|e| exc(&e))
        });
        c.sleep(1).await;
        c.log(
            "main",
            format!("cancel outer: {}", outer.cancel(Some("stop"))),
        );
        if let Err(e) = (&outer).await {
            c.log("main", format!("await outer: {}", exc(&e)));
        }
        let inner = box_.lock().unwrap_or_else(PoisonError::into_inner)[0].clone();
        if let Err(e) = (&inner).await {
            c.log("main", format!("await inner: {}", exc(&e)));
        }
        Ok(())
    })
    .await;
}

/// Two `cancel` calls before the task runs again. asyncio's first call cancels the future
/// a suspended task waits on, with its message, and that `CancelledError` is what the
/// task receives: the second call cannot change it. A task not suspended (here, one not
/// started) keeps the last message. (Found by `aio fuzz`, seed 2604.)
pub(crate) async fn cancel_twice_message<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let suspended = create_task_named(c.rt(), "sleeper", async move {
            c2.log("sleeper", "sleeps 10");
            c2.sleep(10).await;
            c2.log("sleeper", "never");
            Ok::<(), String>(())
        });
        c.sleep(1).await;
        let first = suspended.cancel(Some("first"));
        c.log("main", format!("cancel('first'): {first}"));
        c.log("main", format!("cancel(): {}", suspended.cancel(None)));
        c.log("main", format!("cancelling: {}", suspended.cancelling()));
        if let Err(e) = (&suspended).await {
            c.log("main", format!("await sleeper: {}", exc(&e)));
        }
        let c3 = c.clone();
        let unstarted = create_task_named(c.rt(), "never", async move {
            c3.log("never", "body runs");
            Ok::<(), String>(())
        });
        let first = unstarted.cancel(Some("first"));
        c.log("main", format!("cancel('first'): {first}"));
        let second = unstarted.cancel(Some("second"));
        c.log("main", format!("cancel('second'): {second}"));
        if let Err(e) = (&unstarted).await {
            c.log("main", format!("await never: {}", exc(&e)));
        }
        Ok(())
    })
    .await;
}

/// A running task is cancelled where it awaits: `cancel` only requests it (the task is
/// not done yet), the task's future is dropped at its next turn, and its drop guard
/// runs the cleanup that Python writes in `finally`.
pub(crate) async fn cancel_running_task<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let task = create_task_named(c.rt(), "worker", async move {
            c2.log("worker", "start, sleeps 10");
            let _finally = Finally {
                cx: c2.clone(),
                task: "worker",
                message: "cleanup",
            };
            c2.sleep(10).await;
            c2.log("worker", "never");
            Ok::<(), String>(())
        });
        c.sleep(1).await;
        c.log("main", format!("cancel: {}", task.cancel(Some("stop"))));
        c.log("main", format!("done right after cancel: {}", task.done()));
        if let Err(e) = task.await {
            c.log("main", format!("await worker: {}", exc(&e)));
        }
        Ok(())
    })
    .await;
}

/// `outer` awaits `inner`. Cancelling `outer` cancels `inner` first (with the same
/// message); `inner`'s cleanup runs, then `outer` is cancelled as the cancellation
/// reaches it, and its cleanup runs.
pub(crate) async fn cancel_cascades<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let inner = create_task_named(c.rt(), "inner", async move {
            let _finally = Finally {
                cx: c2.clone(),
                task: "inner",
                message: "cleanup",
            };
            c2.sleep(10).await;
            Ok::<(), String>(())
        });
        let c3 = c.clone();
        let awaited = inner.clone();
        let outer = create_task_named(c.rt(), "outer", async move {
            let _finally = Finally {
                cx: c3,
                task: "outer",
                message: "cleanup",
            };
            awaited.await.map_err(|e| e.to_string())
        });
        c.sleep(1).await;
        c.log(
            "main",
            format!("cancel outer: {}", outer.cancel(Some("cascade"))),
        );
        if let Err(e) = outer.await {
            c.log("main", format!("await outer: {}", exc(&e)));
        }
        c.log("main", format!("inner cancelled: {}", inner.cancelled()));
        Ok(())
    })
    .await;
}

/// `cancelling()` counts the `cancel` calls a running task accepted: two in a row give
/// 2, `uncancel()` takes one back. The task still ends cancelled (its cleanup runs), keeps
/// its count once done, and a `cancel` on a done task is refused and not counted;
/// `uncancel` never goes below zero.
pub(crate) async fn task_cancelling_counts<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let task = create_task_named(c.rt(), "worker", async move {
            let _finally = Finally {
                cx: c2.clone(),
                task: "worker",
                message: "cleanup",
            };
            c2.sleep(10).await;
            Ok::<(), String>(())
        });
        c.sleep(1).await;
        c.log("main", format!("cancelling: {}", task.cancelling()));
        for _ in 0..2 {
            let accepted = task.cancel(None);
            c.log(
                "main",
                format!("cancel: {accepted}, cancelling: {}", task.cancelling()),
            );
        }
        c.log("main", format!("uncancel: {}", task.uncancel()));
        if let Err(e) = (&task).await {
            c.log("main", format!("await worker: {}", exc(&e)));
        }
        c.log(
            "main",
            format!(
                "done: {}, cancelled: {}, cancelling: {}",
                task.done(),
                task.cancelled(),
                task.cancelling()
            ),
        );
        let accepted = task.cancel(None);
        c.log(
            "main",
            format!(
                "cancel a done task: {accepted}, cancelling: {}",
                task.cancelling()
            ),
        );
        for _ in 0..2 {
            c.log("main", format!("uncancel: {}", task.uncancel()));
        }
        Ok(())
    })
    .await;
}

/// A task cancels itself (`current_task().cancel()`) and takes the request back with
/// `uncancel()`: the count drops to 0, but the request stands, so the task stops at its
/// next suspension (CPython 3.11; 3.13 withdraws it and the task carries on). Then
/// `outer` awaits `inner` and is cancelled: the cascade counts one request on each.
pub(crate) async fn task_uncancel_keeps_request<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let task = create_task_named(c.rt(), "self", async move {
            let me = current_task().expect("runs as a task");
            let accepted = me.cancel(None);
            c2.log(
                "self",
                format!("cancel myself: {accepted}, cancelling: {}", me.cancelling()),
            );
            c2.log("self", format!("uncancel: {}", me.uncancel()));
            let _finally = Finally {
                cx: c2.clone(),
                task: "self",
                message: "cleanup",
            };
            sleep(c2.rt(), Duration::ZERO).await;
            c2.log("self", "carries on");
            Ok::<(), String>(())
        });
        if let Err(e) = (&task).await {
            c.log(
                "main",
                format!("await self: {}, cancelling: {}", exc(&e), task.cancelling()),
            );
        }
        let c3 = c.clone();
        let awaited = create_task_named(c.rt(), "inner", async move {
            let _finally = Finally {
                cx: c3.clone(),
                task: "inner",
                message: "cleanup",
            };
            c3.sleep(10).await;
            Ok::<(), String>(())
        });
        let inner = awaited.clone();
        let waiter = create_task_named(c.rt(), "outer", async move {
            inner.await.map_err(|e| e.to_string())
        });
        c.sleep(1).await;
        c.log("main", format!("cancel outer: {}", waiter.cancel(None)));
        let counts = |waiter: &aio_tasks::Task<(), String>| {
            format!(
                "cancelling: outer {}, inner {}",
                waiter.cancelling(),
                awaited.cancelling()
            )
        };
        c.log("main", counts(&waiter));
        if let Err(e) = (&waiter).await {
            c.log("main", format!("await outer: {}", exc(&e)));
        }
        c.log("main", counts(&waiter));
        Ok(())
    })
    .await;
}

/// A task fails (its body returns `Err`, Python's `raise`). `result()` before it ends
/// is an invalid state; once it fails, the done callback runs, then each awaiter gets
/// the same error, in the order they started waiting.
pub(crate) async fn task_failure_shared<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let task = create_task_named(c.rt(), "fails", async move {
            c2.sleep(1).await;
            Err::<(), _>(PyError::new("RuntimeError", "boom"))
        });
        let c3 = c.clone();
        task.add_done_callback(move |t| {
            if let Ok(Some(e)) = t.exception() {
                c3.log(
                    "callback",
                    format!("{} done, exception: {}", t.name(), exc(&e)),
                );
            }
        });
        if let Err(e) = task.result() {
            c.log("main", format!("result() before done: {}", exc(&e)));
        }
        let mut waiters = Vec::new();
        for name in ["waiter-1", "waiter-2"] {
            let (c4, task) = (c.clone(), task.clone());
            waiters.push(create_task(c.rt(), async move {
                if let Err(e) = task.await {
                    c4.log(name, format!("got {}", exc(&e)));
                }
                Ok::<(), String>(())
            }));
        }
        for waiter in waiters {
            waiter.await.map_err(|e| e.to_string())?;
        }
        if let Ok(Some(e)) = task.exception() {
            c.log("main", format!("exception(): {}", exc(&e)));
        }
        Ok(())
    })
    .await;
}

/// A task fails and nobody awaits it or reads its result. When the last handle to it is
/// dropped (Python: when it is garbage-collected), the failure goes to the exception
/// handler of its family (Python: the loop's).
pub(crate) async fn unretrieved_failure_reported<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        c.rt()
            .set_exception_handler(move |context| c2.log("handler", handled(context, true)));
        let task = create_task_named(c.rt(), "orphan", async {
            Err::<(), _>(PyError::new("RuntimeError", "nobody listens"))
        });
        c.sleep(1).await;
        c.log("main", format!("orphan done: {}", task.done()));
        drop(task);
        c.log("main", "dropped the last reference");
        Ok(())
    })
    .await;
}

async fn leaf<R: Runtime>(cx: Cx<R>, name: &'static str, delay: u64) -> Result<(), String> {
    cx.log(name, format!("start, sleeps {delay}"));
    cx.sleep(delay).await;
    cx.log(name, "done");
    Ok(())
}

/// The body creates `a` (1 tick) and `b` (2 ticks) and ends at once; the children
/// start after it. `b` creates `b.child` (2 more ticks) after the body has ended: the
/// group still waits for it, and ends at t=4.
pub(crate) async fn taskgroup_waits_for_all<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        TaskGroup::run(c.rt(), |tg| async move {
            tg.create_task(leaf(c2.clone(), "a", 1))
                .map_err(|e| e.to_string())?;
            let (c3, tg2) = (c2.clone(), tg.clone());
            tg.create_task(async move {
                c3.log("b", "start, sleeps 2");
                c3.sleep(2).await;
                tg2.create_task(leaf(c3.clone(), "b.child", 2))
                    .map_err(|e| e.to_string())?;
                c3.log("b", "spawned b.child; done");
                Ok(())
            })
            .map_err(|e| e.to_string())?;
            c2.log("main", "body done");
            Ok(())
        })
        .await
        .map_err(|e| e.to_string())?;
        c.log("main", "group done");
        Ok(())
    })
    .await;
}

/// `ExceptionGroup: ... (1 sub-exception): ValueError: ...`, as the twins print a group
/// (another error of the group alone).
fn group_error(error: &aio_tasks::GroupError<PyError>) -> String {
    let Some(eg) = error.exceptions() else {
        return exc(error);
    };
    let errors: Vec<String> = eg.errors.iter().map(exc).collect();
    format!("{}: {}", exc(eg), errors.join(", "))
}

/// Three children: one is cancelled by the body on its own (not an error), one fails
/// at t=1, one sleeps. The failure cancels the sleeper, then the body (both cleanups
/// run, in that order), and the group gives one error holding the failure.
pub(crate) async fn taskgroup_failure_cancels<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let result = TaskGroup::run(c.rt(), |tg| async move {
            let c3 = c2.clone();
            let quits = tg
                .create_task(async move {
                    c3.sleep(10).await;
                    Ok(())
                })
                .map_err(|e| PyError::from_py(&e))?;
            let c4 = c2.clone();
            tg.create_task(async move {
                c4.sleep(1).await;
                Err::<(), _>(PyError::new("RuntimeError", "child failed"))
            })
            .map_err(|e| PyError::from_py(&e))?;
            let c5 = c2.clone();
            tg.create_task(async move {
                let _finally = Finally {
                    cx: c5.clone(),
                    task: "sleeper",
                    message: "cleanup",
                };
                c5.sleep(5).await;
                c5.log("sleeper", "never");
                Ok(())
            })
            .map_err(|e| PyError::from_py(&e))?;
            sleep(c2.rt(), Duration::ZERO).await;
            c2.log(
                "body",
                format!("cancel one child on its own: {}", quits.cancel(None)),
            );
            let _finally = Finally {
                cx: c2.clone(),
                task: "body",
                message: "cleanup",
            };
            c2.sleep(10).await;
            c2.log("body", "never");
            Ok(())
        })
        .await;
        if let Err(eg) = result {
            c.log("main", group_error(&eg));
        }
        Ok(())
    })
    .await;
}

/// The body fails at t=1 (returns `Err`): the sleeping child is cancelled and the group
/// error holds the body's error. Creating a task in the group after it ended is an
/// error, not a panic.
pub(crate) async fn taskgroup_body_fails<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let mut kept = None;
        let result = TaskGroup::run(c.rt(), |tg| {
            kept = Some(tg.clone());
            async move {
                let c3 = c2.clone();
                tg.create_task(async move {
                    let _finally = Finally {
                        cx: c3.clone(),
                        task: "sleeper",
                        message: "cleanup",
                    };
                    c3.sleep(5).await;
                    c3.log("sleeper", "never");
                    Ok(())
                })
                .map_err(|e| PyError::from_py(&e))?;
                c2.sleep(1).await;
                c2.log("body", "fails");
                Err::<(), _>(PyError::new("ValueError", "body failed"))
            }
        })
        .await;
        if let Err(eg) = result {
            c.log("main", group_error(&eg));
        }
        let tg = kept.ok_or("the body ran")?;
        if let Err(e) = tg.create_task(async { Ok(()) }) {
            c.log(
                "main",
                format!("create_task after the group ended: {}", exc(&e)),
            );
        }
        Ok(())
    })
    .await;
}

/// `main` cancels the task that owns a group while the body and a child sleep. The
/// body is dropped first (its cleanup), then the child is cancelled (its cleanup), and
/// the owner ends cancelled: a plain cancellation, no group error.
pub(crate) async fn taskgroup_owner_cancelled<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let owner = create_task_named(c.rt(), "owner", async move {
            let rt = c2.rt().clone();
            TaskGroup::run(&rt, |tg| async move {
                let c3 = c2.clone();
                tg.create_task(async move {
                    let _finally = Finally {
                        cx: c3.clone(),
                        task: "child",
                        message: "cleanup",
                    };
                    c3.sleep(10).await;
                    Ok(())
                })
                .map_err(|e| e.to_string())?;
                let _finally = Finally {
                    cx: c2.clone(),
                    task: "owner",
                    message: "body cleanup",
                };
                c2.sleep(10).await;
                Ok::<(), String>(())
            })
            .await
            .map_err(|e| e.to_string())
        });
        c.sleep(1).await;
        c.log("main", format!("cancel owner: {}", owner.cancel(None)));
        if let Err(e) = owner.await {
            c.log("main", format!("await owner: {}", exc(&e)));
        }
        Ok(())
    })
    .await;
}

/// The body has ended and the group waits for its child when `main` cancels the owner
/// at t=1. The child is cancelled at the owner's next turn, as `__aexit__` cancels the
/// children when the `CancelledError` reaches it, not inside `main`'s call to `cancel`:
/// `main`, which yields once, logs before the child's cleanup. (One child: asyncio
/// cancels a group's children in the order of a set, which it does not define.)
pub(crate) async fn taskgroup_owner_cancelled_while_waiting<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let owner = create_task_named(c.rt(), "owner", async move {
            let rt = c2.rt().clone();
            TaskGroup::run(&rt, |tg| async move {
                let c3 = c2.clone();
                tg.create_task(async move {
                    let _finally = Finally {
                        cx: c3.clone(),
                        task: "child",
                        message: "cleanup",
                    };
                    c3.sleep(10).await;
                    Ok(())
                })
                .map_err(|e| e.to_string())?;
                c2.log("owner", "body done, waiting for the child");
                Ok::<(), String>(())
            })
            .await
            .map_err(|e| e.to_string())
        });
        c.sleep(1).await;
        c.log("main", format!("cancel owner: {}", owner.cancel(None)));
        c.rt().yield_now().await; // asyncio.sleep(0)
        c.log("main", "one turn later");
        if let Err(e) = owner.await {
            c.log("main", format!("await owner: {}", exc(&e)));
        }
        Ok(())
    })
    .await;
}

/// `owner` waits in its group for `child` when `main` cancels it. The group cancels
/// `child`; when `child` has ended, the owner's step re-raises the `CancelledError` and
/// the owner ends within that step, as in asyncio, so `wait(FIRST_EXCEPTION)`, woken by
/// `fails` in the same turn but after the owner, finds both done (fuzz seed 21071: the
/// owner used to end one turn later, after `main`).
pub(crate) async fn taskgroup_cancel_same_step<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let owner = create_task_named(c.rt(), "owner", async move {
            c2.log("owner", "start");
            let rt = c2.rt().clone();
            TaskGroup::run(&rt, |tg| async move {
                let c3 = c2.clone();
                tg.create_task(async move {
                    c3.log("child", "start");
                    c3.sleep(1).await;
                    Ok(())
                })
                .map_err(|e| e.to_string())?;
                Ok::<(), String>(())
            })
            .await
            .map_err(|e| PyError::new("RuntimeError", e.to_string()))
        });
        c.rt().yield_now().await; // asyncio.sleep(0)
        let accepted = if owner.cancel(None) { "True" } else { "False" };
        c.log("main", format!("cancel owner: {accepted}"));
        c.rt().yield_now().await; // asyncio.sleep(0)
        let c4 = c.clone();
        let fails = create_task_named(c.rt(), "fails", async move {
            c4.log("fails", "raise");
            Err::<(), _>(PyError::new("ValueError", "e3"))
        });
        let rt = c.rt().clone();
        let (done, pending) = aio_wait::wait(
            &rt,
            [owner.clone(), fails.clone()],
            aio_wait::ReturnWhen::FirstException,
            None,
        )
        .await
        .map_err(|e| e.to_string())?;
        let names = |tasks: &[aio_tasks::Task<(), PyError>]| {
            let mut names: Vec<String> = tasks.iter().map(|t| format!("'{}'", t.name())).collect();
            names.sort();
            format!("[{}]", names.join(", "))
        };
        c.log(
            "main",
            format!("done {}, pending {}", names(&done), names(&pending)),
        );
        for task in [owner, fails] {
            if let Err(e) = (&task).await {
                c.log("main", format!("{}: {}", task.name(), exc(&e)));
            }
        }
        Ok(())
    })
    .await;
}

/// At t=1 a child cancels the task that owns its group, then fails, in one step. The
/// owner's cancellation goes to the group: the body is dropped (its cleanup), then the
/// sleeping child is cancelled (its cleanup), and the owner ends with the group error
/// holding the failure, as in asyncio (the failure wins over the cancellation).
pub(crate) async fn taskgroup_fails_as_owner_cancelled<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let owner = create_task_named(c.rt(), "owner", async move {
            let rt = c2.rt().clone();
            TaskGroup::run(&rt, |tg| async move {
                let me = current_task().ok_or(PyError::new("RuntimeError", "no task"))?;
                let c3 = c2.clone();
                tg.create_task(async move {
                    c3.sleep(1).await;
                    c3.log("child", format!("cancel owner: {}", me.cancel(None)));
                    Err::<(), _>(PyError::new("ValueError", "boom"))
                })
                .map_err(|e| PyError::from_py(&e))?;
                let c4 = c2.clone();
                tg.create_task(async move {
                    let _finally = Finally {
                        cx: c4.clone(),
                        task: "sleeper",
                        message: "cleanup",
                    };
                    c4.sleep(10).await;
                    Ok(())
                })
                .map_err(|e| PyError::from_py(&e))?;
                let _finally = Finally {
                    cx: c2.clone(),
                    task: "owner",
                    message: "body cleanup",
                };
                c2.sleep(10).await;
                Ok(())
            })
            .await
        });
        match owner.await {
            Ok(()) => c.log("main", "never"),
            Err(aio_tasks::TaskError::Failed(eg)) => {
                c.log("main", format!("await owner: {}", group_error(&eg)));
            }
            Err(e) => c.log("main", format!("await owner: {}", exc(&e))),
        }
        Ok(())
    })
    .await;
}

/// `create_task` on a group whose `run` has not started (here, from the body closure
/// before it returns its future) is refused, and the child is never created; the group
/// then runs the child it is given from its body.
pub(crate) async fn taskgroup_not_entered<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let child = |cx: Cx<R>| async move {
            cx.sleep(1).await;
            cx.log("child", "done");
            Ok::<(), PyError>(())
        };
        TaskGroup::run(c.rt(), |tg| {
            match tg.create_task(child(c2.clone())) {
                Ok(_) => c2.log("main", "never"),
                Err(e) => c2.log("main", format!("create_task before entering: {}", exc(&e))),
            }
            async move {
                tg.create_task(child(c2.clone()))
                    .map_err(|e| PyError::from_py(&e))?;
                Ok(())
            }
        })
        .await
        .map_err(|eg| group_error(&eg))?;
        c.log("main", "group ended");
        Ok(())
    })
    .await;
}

/// A group run by a raw runtime task (no `aio_tasks` task: the Python twin steps a
/// coroutine from a loop callback) has no parent task to cancel: it is refused and its body
/// never runs. Inside the main task the same group runs.
pub(crate) async fn taskgroup_outside_a_task<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let outside = c.spawn("callback", async move {
            let c3 = c2.clone();
            let run = TaskGroup::run(c2.rt(), |_tg| async move {
                c3.log("callback", "never");
                Ok::<(), PyError>(())
            });
            if let Err(e) = run.await {
                c2.log("callback", format!("outside a task: {}", group_error(&e)));
            }
        });
        outside.await.map_err(|e| e.to_string())?;
        let c2 = c.clone();
        TaskGroup::run(c.rt(), |tg| async move {
            tg.create_task(async move {
                c2.sleep(1).await;
                c2.log("child", "done");
                Ok::<(), PyError>(())
            })
            .map_err(|e| PyError::from_py(&e))?;
            Ok(())
        })
        .await
        .map_err(|e| group_error(&e))?;
        c.log("main", "inside the main task the group runs");
        Ok(())
    })
    .await;
}

/// Python's `True` / `False`.
fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// A lazy task is created, then eager ones (3.12's eager task factory): `quick` runs its
/// whole body inside `create_eager_task`, as the current task, and is done (and never
/// listed) when the call returns; `fails` is done with its error; `slow` runs up to its
/// sleep, then goes on as a plain task, listed. The lazy task has not started until main
/// yields.
pub(crate) async fn eager_task_runs_at_once<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let rt = c.rt().clone();
        let c1 = c.clone();
        let lazy = create_task(&rt, async move {
            c1.log("lazy", "first step, once main yields");
            Ok::<(), PyError>(())
        });
        c.log("main", "creating quick");
        let c1 = c.clone();
        let quick = create_eager_task(&rt, async move {
            let me = current_task().map(|t| t.name()).unwrap_or_default();
            c1.log("quick", format!("runs inside create_task as {me}"));
            Ok::<u32, PyError>(1)
        });
        let listed = all_tasks().contains(&quick.as_ref());
        let result = quick.result().map_err(|e| exc(&e))?;
        c.log(
            "main",
            format!(
                "quick: done {}, result {result}, listed {}",
                py_bool(quick.done()),
                py_bool(listed)
            ),
        );
        let failed = create_eager_task(&rt, async {
            Err::<(), _>(PyError::new("ValueError", "failed eagerly"))
        });
        if let Ok(Some(e)) = failed.exception() {
            c.log(
                "main",
                format!("fails: done {}, {}", py_bool(failed.done()), exc(&e)),
            );
        }
        let c1 = c.clone();
        let slow = create_eager_task(&rt, async move {
            c1.log("slow", "first step inside create_task");
            c1.sleep(1).await;
            c1.log("slow", "resumed");
            Ok::<u32, PyError>(2)
        });
        let listed = all_tasks().contains(&slow.as_ref());
        c.log(
            "main",
            format!(
                "{}: done {}, listed {}",
                slow.name(),
                py_bool(slow.done()),
                py_bool(listed)
            ),
        );
        c.log("main", format!("lazy done: {}", py_bool(lazy.done())));
        let value = slow.await.map_err(|e| exc(&e))?;
        c.log("main", format!("slow gave {value}"));
        lazy.await.map_err(|e| exc(&e))?;
        Ok(())
    })
    .await;
}

/// `request` of [`context_var_per_task`]: no default.
static REQUEST: ContextVar<u64> = ContextVar::new("request");
/// `user` of [`context_var_per_task`], `anonymous` by default.
static USER: ContextVar<&str> = ContextVar::with_default("user", "anonymous");

/// `request` is unset at first (`LookupError`). Set to 1, it is copied into `handler-1`;
/// set to 2 after, into `handler-2` only; what each handler sets stays its own, and main
/// keeps 2. Resetting main's first token unsets it. A task given a context of its own
/// sets `user` there, not in main. A task cannot reset a token made in main's context.
pub(crate) async fn context_var_per_task<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let rt = c.rt().clone();
        if let Err(e) = REQUEST.get() {
            c.log("main", format!("before any set: {}", exc(&e)));
        }
        let handler = |n: u64| {
            let c = c.clone();
            async move {
                let who = format!("handler-{n}");
                let (request, user) = (REQUEST.get().map_err(|e| exc(&e))?, USER.get());
                let user = user.map_err(|e| exc(&e))?;
                c.log(&who, format!("sees request {request}, user {user}"));
                let _token = REQUEST.set(n * 10);
                c.sleep(n).await;
                let request = REQUEST.get().map_err(|e| exc(&e))?;
                c.log(&who, format!("still sees its own request {request}"));
                Ok::<(), String>(())
            }
        };
        let token = REQUEST.set(1);
        let first = create_task(&rt, handler(1));
        let _later = REQUEST.set(2);
        let second = create_task(&rt, handler(2));
        first.await.map_err(|e| e.to_string())?;
        second.await.map_err(|e| e.to_string())?;
        let request = REQUEST.get().map_err(|e| exc(&e))?;
        c.log("main", format!("main's request is still {request}"));
        REQUEST.reset(token).map_err(|e| exc(&e))?;
        let request = REQUEST.get().map_or("None".to_owned(), |r| r.to_string());
        c.log("main", format!("after reset: {request}"));

        let shared = Context::new();
        let c1 = c.clone();
        let login = create_task_with_context(&rt, shared.clone(), async move {
            let _token = USER.set("ada");
            c1.log("login", format!("set user {}", USER.get_or("?")));
            Ok::<(), String>(())
        });
        login.await.map_err(|e| e.to_string())?;
        let held = shared.get(&USER).unwrap_or("None");
        let mine = USER.get().map_err(|e| exc(&e))?;
        c.log(
            "main",
            format!("the shared context holds user {held}; main's user is {mine}"),
        );

        let token = USER.set("grace");
        let c1 = c.clone();
        let foreign = create_task(&rt, async move {
            if let Err(e) = USER.reset(token) {
                c1.log("child", format!("reset of main's token: {}", exc(&e)));
            }
            Ok::<(), String>(())
        });
        foreign.await.map_err(|e| e.to_string())?;
        let mine = USER.get().map_err(|e| exc(&e))?;
        c.log("main", format!("main's user is still {mine}"));
        Ok(())
    })
    .await;
}

/// Runs [`refused`] on the virtual clock (the difference is about cancellation, not
/// about time, and virtual time keeps the trace exact on every runtime).
fn cancel_cannot_be_refused(kind: RuntimeKind, _mode: Mode) -> Run {
    crate::__on_runtime!(kind, Mode::Virtual, refused)
}

/// The Python twin catches `CancelledError`, logs it and carries on with its work, so
/// the task ends normally (`cancelled()` is false) and gives `"finished anyway"`:
///
/// ```python
/// async def stubborn():
///     try:
///         await asyncio.sleep(5)
///     except asyncio.CancelledError:
///         log("stubborn", "caught CancelledError, carrying on")
///     await asyncio.sleep(1)
///     return "finished anyway"
/// ```
///
/// A Rust task cannot do that: cancelling drops its future at the await, and only its
/// destructors run. The trace shows the task's guard running and the task ending
/// cancelled. The Rust way to finish work despite a cancellation is to run that work as
/// a task of its own and await it through `shield` (see the shield scenarios).
pub(crate) async fn refused<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let task = create_task_named(c.rt(), "stubborn", async move {
            let _guard = Finally {
                cx: c2.clone(),
                task: "stubborn",
                message: "dropped at its await: no way to carry on",
            };
            c2.sleep(5).await;
            c2.sleep(1).await;
            Ok::<_, String>("finished anyway")
        });
        c.sleep(1).await;
        task.cancel(None);
        let outcome = (&task).await;
        c.log(
            "main",
            format!("outcome: {outcome:?}, cancelled: {}", task.cancelled()),
        );
        Ok(())
    })
    .await;
}

/// The end of `asyncio.run` (`aio_tasks::run`, which the harness runs every scenario
/// with): main creates `late` in its very last step and returns. asyncio finishes the
/// loop iteration in which main completed, so `late` takes its first step; then the
/// shutdown cancels it where it sleeps and waits for its cleanup. On the virtual clock
/// every runtime prints this in every run (`harness/tests/resources.rs` runs it 200 times
/// on each).
pub(crate) async fn run_shutdown<R: Runtime>(cx: Cx<R>) {
    cx.leave_tasks_to_shutdown();
    cx.sleep(1).await;
    cx.log("main", "creates late and returns");
    let c = cx.clone();
    let _ = create_task(cx.rt(), async move {
        c.log("late", "first step");
        let _finally = Finally {
            cx: c.clone(),
            task: "late",
            message: "cleanup",
        };
        c.sleep(10).await;
        c.log("late", "never");
        Ok::<(), String>(())
    });
}

/// Two children fail at t=1: the group's error holds both, read; nothing is reported.
pub(crate) async fn taskgroup_retrieves_failures<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        c.rt()
            .set_exception_handler(move |context| c2.log("handler", handled(context, true)));
        let c3 = c.clone();
        let result = TaskGroup::run(c.rt(), |tg| async move {
            for name in ["a", "b"] {
                let c4 = c3.clone();
                tg.create_task(async move {
                    c4.sleep(1).await;
                    Err::<(), _>(PyError::new("ValueError", name))
                })
                .map_err(|e| PyError::from_py(&e))?;
            }
            Ok(())
        })
        .await;
        if let Some(eg) = result.as_ref().err().and_then(|e| e.exceptions()) {
            let errors: Vec<String> = eg.errors.iter().map(|e| format!("'{}'", exc(e))).collect();
            c.log("main", format!("group: [{}]", errors.join(", ")));
        }
        c.sleep(1).await;
        c.log("main", "end");
        Ok(())
    })
    .await;
}

/// The runtime's handler is `first`, then `second`, set while main runs (the harness
/// installs one of its own before, so the first state is not printed); `call_exception_handler` reaches the one set at the time; resetting
/// goes back to the default.
pub(crate) async fn exception_handler_replaced<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let rt = c.rt().clone();
        let default = |rt: &R| {
            if rt.exception_handler().is_none() {
                "True"
            } else {
                "False"
            }
        };
        let c2 = c.clone();
        rt.set_exception_handler(move |context| c2.log("first", &context.message));
        rt.call_exception_handler(&aio_rt::ExceptionContext::new("one"));
        let c2 = c.clone();
        rt.set_exception_handler(move |context| c2.log("second", handled(context, false)));
        rt.call_exception_handler(
            &aio_rt::ExceptionContext::new("two")
                .with_exception(&PyError::new("ValueError", "custom")),
        );
        rt.reset_exception_handler();
        c.log("main", format!("default handler: {}", default(&rt)));
        Ok(())
    })
    .await;
}

/// The leftover's cleanup raises (in Rust: its drop guard panics).
struct CleanupRaises<R: Runtime>(Cx<R>);

impl<R: Runtime> Drop for CleanupRaises<R> {
    fn drop(&mut self) {
        self.0.log("leftover", "cleanup raises");
        panic!("cleanup failed");
    }
}

/// main returns at t=1 with `leftover` still sleeping: `run`'s shutdown cancels it, its
/// cleanup raises, and the handler gets "unhandled exception during asyncio.run()
/// shutdown" with the task under `task`.
pub(crate) async fn run_shutdown_failure_reported<R: Runtime>(cx: Cx<R>) {
    cx.leave_tasks_to_shutdown();
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        c.rt()
            .set_exception_handler(move |context| c2.log("handler", handled(context, true)));
        let c3 = c.clone();
        let _ = create_task_named(c.rt(), "leftover", async move {
            let _cleanup = CleanupRaises(c3.clone());
            c3.sleep(10).await;
            Ok::<(), String>(())
        });
        c.sleep(1).await;
        c.log("main", "returns; asyncio.run cancels the leftover");
        Ok(())
    })
    .await;
}

/// A Task's repr in each state: pending (before its first step and while it sleeps),
/// finished with its result, finished with its exception (printing it does not retrieve
/// it; `exception()` then does), cancelled.
pub(crate) async fn task_repr<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c1 = c.clone();
        let worker = create_task_named(c.rt(), "worker", async move {
            c1.sleep(1).await;
            Ok::<u32, PyError>(42)
        });
        c.log("main", &worker);
        sleep(c.rt(), Duration::ZERO).await;
        c.log("main", &worker);
        (&worker).await.map_err(|e| e.to_string())?;
        c.log("main", &worker);
        let c1 = c.clone();
        let failer = create_task_named(c.rt(), "failer", async move {
            c1.sleep(1).await;
            Err::<u32, _>(PyError::new("ValueError", "boom"))
        });
        c.sleep(2).await;
        c.log("main", &failer);
        if let Ok(Some(e)) = failer.exception() {
            c.log("main", format!("exception(): {}", exc(&e)));
        }
        let c1 = c.clone();
        let victim = create_task_named(c.rt(), "victim", async move {
            c1.sleep(1).await;
            Ok::<u32, PyError>(42)
        });
        sleep(c.rt(), Duration::ZERO).await;
        victim.cancel(None);
        let _ = (&victim).await;
        c.log("main", &victim);
        Ok(())
    })
    .await;
}

/// `worker` is cancelled at t=1 while it sleeps inside `catch_cancel` (asyncio's `try`
/// around the await): it receives the `CancelledError` as a value, with the message and
/// the count, then cleans up with awaits (a sleep, then the lock `holder` keeps until t=3)
/// and re-raises by returning the error: the task ends cancelled, with the message.
pub(crate) async fn cancel_caught_cleanup_awaits<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let lock = std::sync::Arc::new(aio_sync::Lock::new());
        let (c1, l1) = (c.clone(), lock.clone());
        let held = create_task_named(c.rt(), "holder", async move {
            let _guard = l1.lock().await;
            c1.sleep(3).await;
            c1.log("holder", "releases the lock");
            Ok::<(), String>(())
        });
        let (c2, l2) = (c.clone(), lock.clone());
        let task = create_task_named(c.rt(), "worker", async move {
            if let Err(cancelled) = catch_cancel(c2.sleep(10)).await {
                let me = current_task().expect("runs as a task");
                c2.log(
                    "worker",
                    format!(
                        "caught: {}, cancelling: {}",
                        exc(&cancelled),
                        me.cancelling()
                    ),
                );
                c2.sleep(1).await;
                c2.log("worker", "slept in the handler");
                {
                    let _guard = l2.lock().await;
                    c2.log("worker", "took the lock in the handler");
                }
                return Err(cancelled);
            }
            c2.log("worker", "never");
            Ok::<(), CancelledError>(())
        });
        c.sleep(1).await;
        c.log("main", format!("cancel: {}", task.cancel(Some("stop"))));
        if let Err(e) = (&task).await {
            c.log("main", format!("await worker: {}", exc(&e)));
        }
        c.log(
            "main",
            format!(
                "cancelled: {}, cancelling: {}",
                task.cancelled(),
                task.cancelling()
            ),
        );
        held.await.map_err(|e| exc(&e))
    })
    .await;
}

/// `worker` swallows the `CancelledError` it catches at t=1 and carries on: it completes
/// with its value, not cancelled, and its `cancelling()` count stays 1 (nobody called
/// `uncancel`).
pub(crate) async fn cancel_swallowed<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let task = create_task_named(c.rt(), "worker", async move {
            let me = current_task().expect("runs as a task");
            match catch_cancel(c2.sleep(10)).await {
                Ok(()) => c2.log("worker", "never"),
                Err(_) => c2.log(
                    "worker",
                    format!("swallowed, cancelling: {}", me.cancelling()),
                ),
            }
            c2.sleep(1).await;
            c2.log("worker", "carries on");
            Ok::<u32, String>(42)
        });
        c.sleep(1).await;
        c.log("main", format!("cancel: {}", task.cancel(None)));
        let value = (&task).await.map_err(|e| exc(&e))?;
        c.log("main", format!("await worker: {value}"));
        c.log(
            "main",
            format!(
                "cancelled: {}, cancelling: {}",
                task.cancelled(),
                task.cancelling()
            ),
        );
        Ok(())
    })
    .await;
}

/// A TaskGroup's repr before it runs (in the body closure, before its future starts),
/// entered, with two children running, after it ends; then a group whose child fails,
/// after it ends (cancelling), and the repr of the ExceptionGroup it raised
/// (`PyException::py_repr`: members listed, as Python's `repr(eg)`).
pub(crate) async fn taskgroup_repr<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let kept = std::sync::Arc::new(std::sync::Mutex::new(None));
        let (c1, k) = (c.clone(), kept.clone());
        TaskGroup::run(c.rt(), move |tg| {
            c1.log("main", &tg);
            *k.lock().expect("not poisoned") = Some(tg.clone());
            async move {
                c1.log("main", &tg);
                for delay in [1, 2] {
                    let c2 = c1.clone();
                    tg.create_task(async move {
                        c2.sleep(delay).await;
                        Ok(())
                    })
                    .map_err(|e| PyError::from_py(&e))?;
                }
                c1.log("main", &tg);
                Ok::<_, PyError>(())
            }
        })
        .await
        .map_err(|e| e.to_string())?;
        let group = kept.lock().expect("not poisoned").take();
        c.log("main", group.expect("kept"));

        let (c1, k) = (c.clone(), kept.clone());
        let outcome = TaskGroup::run(c.rt(), move |tg| {
            *k.lock().expect("not poisoned") = Some(tg.clone());
            async move {
                let c2 = c1.clone();
                tg.create_task(async move {
                    c2.sleep(1).await;
                    Err::<(), _>(PyError::new("ValueError", "boom"))
                })
                .map_err(|e| PyError::from_py(&e))?;
                c1.sleep(2).await;
                Ok::<_, PyError>(())
            }
        })
        .await;
        let group = kept.lock().expect("not poisoned").take();
        c.log("main", group.expect("kept"));
        if let Err(aio_tasks::GroupError::Failed(e)) = outcome {
            c.log("main", aio_rt::PyException::py_repr(&e));
        }
        Ok(())
    })
    .await;
}

/// Two `cancel` calls at t=1 count 2 but are delivered as one `CancelledError` (the
/// next `catch_cancel` sleeps undisturbed); `uncancel` takes one back. Then the task
/// cancels itself while running: the request waits for its next suspension, inside
/// `catch_cancel`, as asyncio's `_must_cancel` does.
pub(crate) async fn cancelling_uncancel_counts<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        let task = create_task_named(c.rt(), "worker", async move {
            let me = current_task().expect("runs as a task");
            match catch_cancel(c2.sleep(10)).await {
                Ok(()) => c2.log("worker", "never"),
                Err(e) => {
                    c2.log(
                        "worker",
                        format!("caught: {}, cancelling: {}", exc(&e), me.cancelling()),
                    );
                    c2.log("worker", format!("uncancel: {}", me.uncancel()));
                }
            }
            match catch_cancel(c2.sleep(1)).await {
                Ok(()) => c2.log("worker", "slept: the two requests were one delivery"),
                Err(e) => c2.log("worker", format!("caught again: {}", exc(&e))),
            }
            let accepted = me.cancel(Some("self"));
            c2.log(
                "worker",
                format!("cancel myself: {accepted}, cancelling: {}", me.cancelling()),
            );
            c2.log("worker", "still running");
            match catch_cancel(c2.sleep(1)).await {
                Ok(()) => c2.log("worker", "never"),
                Err(e) => c2.log(
                    "worker",
                    format!(
                        "caught at the next await: {}, cancelling: {}",
                        exc(&e),
                        me.cancelling()
                    ),
                ),
            }
            let first = me.uncancel();
            c2.log(
                "worker",
                format!("uncancel: {first}, uncancel: {}", me.uncancel()),
            );
            Ok::<&str, String>("done")
        });
        c.sleep(1).await;
        for _ in 0..2 {
            let accepted = task.cancel(Some("stop"));
            c.log(
                "main",
                format!("cancel: {accepted}, cancelling: {}", task.cancelling()),
            );
        }
        let value = (&task).await.map_err(|e| exc(&e))?;
        c.log("main", format!("await worker: {value}"));
        c.log(
            "main",
            format!(
                "cancelled: {}, cancelling: {}",
                task.cancelled(),
                task.cancelling()
            ),
        );
        Ok(())
    })
    .await;
}

/// A child fails at t=1: the group cancels its body, which catches the cancellation
/// inside `catch_cancel` (the group counted one request on main), cleans up with an
/// await until t=2 and re-raises. The group gives the child's failure; its request on
/// main is taken back (`cancelling()` is 0 again).
pub(crate) async fn taskgroup_body_catches_cancel<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let me = current_task().expect("main runs as a task");
        let (c2, me2) = (c.clone(), me.clone());
        let result = TaskGroup::run(c.rt(), |tg| async move {
            let c3 = c2.clone();
            tg.create_task_named("fails", async move {
                c3.sleep(1).await;
                Err::<(), _>(PyError::new("RuntimeError", "child failed"))
            })
            .map_err(|e| PyError::from_py(&e))?;
            if let Err(cancelled) = catch_cancel(c2.sleep(10)).await {
                c2.log(
                    "body",
                    format!(
                        "caught: {}, cancelling: {}",
                        exc(&cancelled),
                        me2.cancelling()
                    ),
                );
                c2.sleep(1).await;
                c2.log("body", "cleanup done");
                return Err(PyError::from_py(&cancelled));
            }
            c2.log("body", "never");
            Ok(())
        })
        .await;
        if let Err(eg) = result {
            c.log("main", group_error(&eg));
        }
        c.log("main", format!("cancelling: {}", me.cancelling()));
        Ok(())
    })
    .await;
}
