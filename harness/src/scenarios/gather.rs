//! Scenarios for `gather`: running tasks concurrently, results in argument order.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};

use aio_gather::{gather, gather_futures, gather_tuple};
use aio_rt::{PyError, Runtime};
use aio_tasks::{Task, TaskError, create_task, create_task_named};

use super::tasks::{as_main, handled};
use crate::{Cx, Scenario, exc};

const CONCEPT: &str = "gather";
const SOURCE: &str = include_str!("gather.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[
    parity!(
        gather_retrieves_failures,
        "gather reads every child's failure, also those after the first it raised: none is reported"
    ),
    parity!(
        gather_cancel_method,
        "gather(...).cancel() cancels the children still running; refused once every child is done"
    ),
    parity!(
        gather_all_cancel_method,
        "gather(..., return_exceptions=True).cancel() cancels the children; the gather ends cancelled, and so does its awaiter"
    ),
    parity!(
        gather_results_in_order,
        "results come in argument order whatever the finishing order; gather of nothing is empty"
    ),
    parity!(
        gather_first_failure,
        "the first failure is returned at once; the siblings keep running, not cancelled"
    ),
    parity!(
        gather_return_exceptions,
        "return_exceptions: every outcome in its slot, failures and cancellations included"
    ),
    parity!(
        gather_cancelled,
        "cancelling the task awaiting a gather cancels every child still running"
    ),
    parity!(
        gather_cancel_last_message,
        "a cancelled gather(return_exceptions=True) raises the last child's CancelledError into its awaiter, taking that child's message"
    ),
    parity!(
        gather_cancel_messages,
        "a cancelled child's message: raised by a plain gather (and taken), left to the child's reader with return_exceptions"
    ),
    parity!(
        gather_cancelled_after_done,
        "a gather cancelled after all its children finished cancels nothing and completes normally"
    ),
    parity!(
        gather_resumes_after_callback,
        "a gather learns of a finished child through a done callback, a turn later: a task awaiting its child directly resumes first"
    ),
    parity!(
        gather_all_cancel_turns,
        "a task cancelled while it awaits gather(..., return_exceptions=True) receives CancelledError in the turn its last child ends, as a ticker beside it shows"
    ),
    parity!(
        gather_awaiter_cancelled,
        "cancelling a task that awaits a gather cancels the children at once: one not started never runs"
    ),
];

/// A gather learns that a child finished through a done callback, scheduled when the
/// child ends, which then wakes the gather's awaiter: two turns. A task awaiting its
/// child directly is woken at once, so `awaiter` resumes before `gatherer`, although its
/// child finished second. (Found by `aio fuzz`, seeds 1788, 3516, 3978.)
pub(crate) async fn gather_resumes_after_callback<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c0 = c.clone();
        let child = move |name: &'static str| {
            let c = c0.clone();
            create_task_named(c0.rt(), name, async move {
                c.log(name, "done");
                Ok::<_, PyError>(name)
            })
        };
        let (c1, c2) = (c.clone(), c.clone());
        let (child1, child2) = (child.clone(), child);
        let gatherer = create_task_named(c.rt(), "gatherer", async move {
            let task = child1("g-child");
            let values = gather(c1.rt(), [task])
                .await
                .map_err(|e| PyError::from_py(&e))?;
            c1.log("gatherer", format!("gather: ['{}']", values.join("', '")));
            Ok::<(), PyError>(())
        });
        let awaiter = create_task_named(c.rt(), "awaiter", async move {
            let task = child2("a-child");
            let value = (&task).await.map_err(|e| PyError::from_py(&e))?;
            c2.log("awaiter", format!("await: {value}"));
            Ok::<(), PyError>(())
        });
        (&gatherer).await.map_err(|e| exc(&e))?;
        (&awaiter).await.map_err(|e| exc(&e))?;
        Ok(())
    })
    .await;
}

/// Cancelling a task suspended in a gather cancels the gather first, as asyncio's
/// `task.cancel()` cancels the future it waits on: the children are cancelled at once,
/// and a child that has not started never runs. (Found by `aio fuzz`, seed 2713.)
pub(crate) async fn gather_awaiter_cancelled<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let children = Arc::new(Mutex::new(Vec::new()));
        let (c2, kept) = (c.clone(), children.clone());
        let worker = create_task_named(c.rt(), "worker", async move {
            let c3 = c2.clone();
            let child = create_task_named(c2.rt(), "child", async move {
                c3.log("child", "started");
                Ok::<_, PyError>("child")
            });
            kept.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(child.clone());
            c2.log("worker", "gathers the child");
            let results = gather(c2.rt(), [child]).return_exceptions().await;
            c2.log("worker", format!("never: {}", results.len()));
            Ok::<(), PyError>(())
        });
        c.rt().yield_now().await; // asyncio.sleep(0)
        c.log("main", format!("cancel worker: {}", worker.cancel(None)));
        if let Err(e) = (&worker).await {
            c.log("main", format!("await worker: {}", exc(&e)));
        }
        let child = children.lock().unwrap_or_else(PoisonError::into_inner)[0].clone();
        c.log("main", format!("child cancelled: {}", child.cancelled()));
        Ok(())
    })
    .await;
}

/// `work(name, delay, value)`: logs, sleeps `delay` ticks, logs, returns `value`.
fn work<R: Runtime, T: Send + 'static>(
    cx: &Cx<R>,
    name: &'static str,
    delay: u64,
    value: T,
) -> impl Future<Output = Result<T, PyError>> + Send + 'static {
    let cx = cx.clone();
    async move {
        cx.log(name, format!("start, takes {delay}"));
        cx.sleep(delay).await;
        cx.log(name, "done");
        Ok(value)
    }
}

/// Three tasks finishing in the order b, c, a: the results still come as A, B, C.
/// `gather_futures` wraps each future in a task, as asyncio wraps each coroutine. A
/// gather of nothing gives an empty Vec at once, and `gather_tuple` keeps each task's
/// type (an integer and a string here).
pub(crate) async fn gather_results_in_order<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let futures = [
            work(&c, "a", 3, "A"),
            work(&c, "b", 1, "B"),
            work(&c, "c", 2, "C"),
        ];
        let results = gather_futures(c.rt(), futures)
            .await
            .map_err(|e| e.to_string())?;
        c.log(
            "main",
            format!("results in argument order: {}", results.join(", ")),
        );
        let nothing = gather(c.rt(), Vec::<Task<(), String>>::new())
            .await
            .map_err(|e| e.to_string())?;
        c.log(
            "main",
            format!("gather of nothing: {} results", nothing.len()),
        );
        let n = create_task(c.rt(), work(&c, "n", 2, 7));
        let s = create_task(c.rt(), work(&c, "s", 1, "seven"));
        let (n, s) = gather_tuple((n, s)).await.map_err(|e| e.to_string())?;
        c.log("main", format!("mixed types: {n} and {s}"));
        Ok(())
    })
    .await;
}

/// `bad` fails at t=1 and the gather returns its error then; `slow`, its sibling, is
/// not cancelled: it finishes at t=3 and its result is still there to await.
pub(crate) async fn gather_first_failure<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let (c1, c2) = (c.clone(), c.clone());
        let sibling = create_task_named(c.rt(), "slow", async move {
            c1.log("slow", "takes 3");
            c1.sleep(3).await;
            c1.log("slow", "finished anyway");
            Ok::<_, PyError>("slow result")
        });
        let bad = create_task(c.rt(), async move {
            c2.log("bad", "fails in 1");
            c2.sleep(1).await;
            c2.log("bad", "raising");
            Err(PyError::new("ValueError", "boom"))
        });
        if let Err(e) = gather(c.rt(), [bad, sibling.clone()]).await {
            c.log("main", format!("gather raised: {}", exc(&e)));
        }
        c.log(
            "main",
            format!("sibling cancelled: {}", py_bool(sibling.cancelled())),
        );
        let value = sibling.await.map_err(|e| e.to_string())?;
        c.log("main", format!("sibling awaited afterwards: {value}"));
        Ok(())
    })
    .await;
}

/// With `return_exceptions()` the gather waits for all three and gives each outcome in
/// its slot: a value, the error of `bad`, and the cancellation of `victim` (cancelled
/// by another task at t=3).
pub(crate) async fn gather_return_exceptions<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let ok = create_task(c.rt(), work(&c, "ok", 1, "fine"));
        let c2 = c.clone();
        let bad = create_task(c.rt(), async move {
            c2.log("bad", "fails in 2");
            c2.sleep(2).await;
            Err(PyError::new("ValueError", "boom"))
        });
        let victim = create_task(c.rt(), work(&c, "victim", 5, "never"));
        let (c3, target) = (c.clone(), victim.clone());
        let canceller = create_task(c.rt(), async move {
            c3.sleep(3).await;
            c3.log("canceller", "cancelling victim");
            target.cancel(None);
            Ok::<_, String>(())
        });
        for outcome in gather(c.rt(), [ok, bad, victim]).return_exceptions().await {
            let text = match outcome {
                Ok(value) => format!("value {value}"),
                Err(e) => format!("raised {}", exc(&e)),
            };
            c.log("main", text);
        }
        canceller.await.map_err(|e| e.to_string())
    })
    .await;
}

/// A child cancelled with a message, gathered two ways. With `return_exceptions()` its
/// slot holds a cancellation without the message (CPython puts `CancelledError('')` in
/// the list), and the message stays for whoever awaits the child. A plain gather raises
/// the child's own cancellation, message included, and so takes it: a later await of
/// the child gets a bare one.
pub(crate) async fn gather_cancel_messages<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let a = create_task(c.rt(), work(&c, "a", 5, "a"));
        let b = create_task(c.rt(), work(&c, "b", 1, "b"));
        c.rt().yield_now().await; // asyncio.sleep(0)
        a.cancel(Some("stop"));
        for outcome in gather(c.rt(), [a.clone(), b]).return_exceptions().await {
            let text = match outcome {
                Ok(value) => format!("value {value}"),
                Err(e) => exc(&e),
            };
            c.log("main", format!("return_exceptions slot: {text}"));
        }
        if let Err(e) = a.await {
            c.log("main", format!("await a afterwards: {}", exc(&e)));
        }

        let child = create_task(c.rt(), work(&c, "c", 5, "c"));
        c.rt().yield_now().await; // asyncio.sleep(0)
        child.cancel(Some("halt"));
        if let Err(e) = gather(c.rt(), [child.clone()]).await {
            c.log("main", format!("gather raised: {}", exc(&e)));
        }
        if let Err(e) = child.await {
            c.log("main", format!("await c afterwards: {}", exc(&e)));
        }
        Ok::<_, String>(())
    })
    .await;
}

/// `waiter` awaits `gather(a, b, return_exceptions=True)` and is cancelled with `m1`: the
/// gather cancels both children with it, and once they have ended raises into `waiter`
/// the last child's `CancelledError` (asyncio's `fut._make_cancelled_error()` on the loop
/// variable `fut`), taking `b`'s message: awaiting `a` afterwards gives `m1`, awaiting `b`
/// a bare `CancelledError` (fuzz seed 25070).
pub(crate) async fn gather_cancel_last_message<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let child = |name: &'static str| {
            let c = c.clone();
            async move {
                c.log(name, "start");
                c.sleep(1).await;
                Ok::<_, String>(())
            }
        };
        let a = create_task(c.rt(), child("a"));
        let b = create_task(c.rt(), child("b"));
        let (w, children) = (c.clone(), [a.clone(), b.clone()]);
        let waiter = create_task(c.rt(), async move {
            let gathered = gather(w.rt(), children).return_exceptions();
            match aio_tasks::catch_cancel(gathered).await {
                Ok(_) => Ok(()),
                Err(cancelled) => {
                    w.log("waiter", format!("gather: {}", exc(&cancelled)));
                    Err(cancelled) // raise
                }
            }
        });
        c.rt().yield_now().await; // asyncio.sleep(0)
        let accepted = if waiter.cancel(Some("m1")) {
            "True"
        } else {
            "False"
        };
        c.log("main", format!("cancel waiter: {accepted}"));
        if let Err(e) = waiter.await {
            c.log("main", format!("waiter: {}", exc(&e)));
        }
        for (name, task) in [("a", a), ("b", b)] {
            if let Err(e) = task.await {
                c.log("main", format!("{name}: {}", exc(&e)));
            }
        }
        Ok::<_, String>(())
    })
    .await;
}

/// `holder` awaits a gather (with `return_exceptions`) of two children it created;
/// `main` cancels it while a `ticker` logs one line per loop turn. The children end
/// cancelled a turn later; the gather then ends with the last one's cancellation, and
/// `holder` receives it in that same step (asyncio: `outer.set_exception(exc)` in the
/// last child's done callback), which the ticks around `holder cancelled` count.
pub(crate) async fn gather_all_cancel_turns<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let w = c.clone();
        let holder = create_task(c.rt(), async move {
            let child = || {
                let c = w.clone();
                create_task(w.rt(), async move {
                    c.sleep(1).await;
                    Ok::<_, String>(())
                })
            };
            let gathered = gather(w.rt(), [child(), child()]).return_exceptions();
            match aio_tasks::catch_cancel(gathered).await {
                Ok(_) => Ok(()),
                Err(cancelled) => {
                    w.log("holder", "cancelled");
                    Err(cancelled) // raise
                }
            }
        });
        c.rt().yield_now().await; // asyncio.sleep(0)
        let t = c.clone();
        let ticker = create_task(c.rt(), async move {
            for k in 0..6 {
                t.log("ticker", format!("tick {k}"));
                t.rt().yield_now().await;
            }
            Ok::<_, String>(())
        });
        holder.cancel(None);
        c.log("main", "cancel sent");
        if let Err(e) = holder.await {
            c.log("main", format!("holder: {}", exc(&e)));
        }
        let _ = ticker.await;
        Ok::<_, String>(())
    })
    .await;
}

/// `waiter` awaits a gather of three children; `a` has finished when `main` cancels
/// `waiter` at t=2. The gather is dropped with `waiter`, which cancels `b` and `c`
/// (their drop guards log, the Rust `finally`), and `waiter` ends cancelled.
pub(crate) async fn gather_cancelled<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let child = |name: &'static str, delay: u64| {
            let c = c.clone();
            async move {
                c.log(name, format!("start, takes {delay}"));
                let mut guard = OnCancel {
                    cx: c.clone(),
                    task: name,
                    message: "cancelled",
                    armed: true,
                };
                c.sleep(delay).await;
                guard.armed = false;
                c.log(name, "done");
                Ok::<_, String>(name)
            }
        };
        let children = [child("a", 1), child("b", 5), child("c", 6)];
        let rt = c.rt().clone();
        let w = create_task(c.rt(), async move { gather_futures(&rt, children).await });
        c.sleep(2).await;
        c.log("main", "cancelling the waiter");
        w.cancel(None);
        if let Err(TaskError::Cancelled(_)) = w.await {
            c.log("main", "the waiter was cancelled");
        }
        Ok(())
    })
    .await;
}

/// Both children finish in the step before `main` cancels `waiter`, whose gather has not
/// yet taken their results: the cancellation reaches no child (dropping the gather
/// cancels only children still running), their results stay, and `waiter` alone ends
/// cancelled (asyncio too: the gather's `cancel()` is `False`, the waiting task is
/// cancelled at its next step). A second waiter whose gather has returned cannot be
/// cancelled any more: `cancel()` is `False` and it gives the results.
pub(crate) async fn gather_cancelled_after_done<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let rt = c.rt().clone();
        let child = |name: &'static str, value: &'static str| {
            let c = c.clone();
            create_task(&c.rt().clone(), async move {
                c.log(name, "start");
                c.rt().yield_now().await;
                c.log(name, "done");
                Ok::<_, String>(value)
            })
        };
        let (a, b) = (child("a", "A"), child("b", "B"));
        let waiter = |a: &Task<&'static str, String>, b: &Task<&'static str, String>| {
            let (rt, children) = (rt.clone(), [a.clone(), b.clone()]);
            create_task(c.rt(), async move { gather(&rt, children).await })
        };
        let w = waiter(&a, &b);
        rt.yield_now().await;
        rt.yield_now().await;
        c.log(
            "main",
            format!(
                "a done {}, b done {}, waiter done {}",
                py_bool(a.done()),
                py_bool(b.done()),
                py_bool(w.done())
            ),
        );
        c.log(
            "main",
            format!("cancel the waiter: {}", py_bool(w.cancel(None))),
        );
        if let Err(TaskError::Cancelled(_)) = w.await {
            c.log("main", "the waiter was cancelled");
        }
        c.log(
            "main",
            format!(
                "children cancelled: {}, {}",
                py_bool(a.cancelled()),
                py_bool(b.cancelled())
            ),
        );
        let (ra, rb) = (a.result(), b.result());
        let (ra, rb) = (
            ra.map_err(|e| e.to_string())?,
            rb.map_err(|e| e.to_string())?,
        );
        c.log("main", format!("results kept: {ra}, {rb}"));

        let w2 = waiter(&a, &b);
        c.sleep(1).await;
        c.log(
            "main",
            format!("cancel a finished gather: {}", py_bool(w2.cancel(None))),
        );
        let values = w2.await.map_err(|e| e.to_string())?;
        let values: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
        c.log(
            "main",
            format!("it completed normally: [{}]", values.join(", ")),
        );
        Ok(())
    })
    .await;
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// Logs `message` as `task` if dropped while armed: the Rust `except CancelledError`.
pub(crate) struct OnCancel<R: Runtime> {
    pub(crate) cx: Cx<R>,
    pub(crate) task: &'static str,
    pub(crate) message: &'static str,
    pub(crate) armed: bool,
}

impl<R: Runtime> Drop for OnCancel<R> {
    fn drop(&mut self) {
        if self.armed {
            self.cx.log(self.task, self.message);
        }
    }
}

/// A child that logs when it ends (done or dropped): the Rust `finally`.
async fn exiting_child<R: Runtime>(
    cx: Cx<R>,
    name: &'static str,
    delay: u64,
) -> Result<&'static str, String> {
    let _finally = super::tasks::Finally {
        cx: cx.clone(),
        task: name,
        message: "exits",
    };
    cx.sleep(delay).await;
    cx.log(name, "done");
    Ok(name)
}

/// `gather(a, b, return_exceptions=True).cancel("stop")` at t=2, with `a` done and `b`
/// sleeping, while `waiter` awaits the gather: `b` is cancelled, and the gather ends
/// cancelled (not with the outcomes), which ends `waiter` cancelled with the message. A
/// second `cancel` is refused; a gather whose every child is done refuses `cancel` and
/// gives the outcomes.
pub(crate) async fn gather_all_cancel_method<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let a = create_task_named(c.rt(), "a", exiting_child(c.clone(), "a", 1));
        let b = create_task_named(c.rt(), "b", exiting_child(c.clone(), "b", 5));
        let gathering = gather(c.rt(), [a.clone(), b.clone()]).return_exceptions();
        // Shared, as the Python gather object is: the waiter awaits it, main cancels it.
        let shared = Arc::new(Mutex::new(gathering));
        let awaited = Arc::clone(&shared);
        let waiter = create_task_named(c.rt(), "waiter", async move {
            let outcomes = std::future::poll_fn(|cx| {
                let mut gathering = awaited.lock().unwrap_or_else(PoisonError::into_inner);
                Pin::new(&mut *gathering).poll(cx)
            })
            .await;
            Ok::<_, String>(outcomes.len())
        });
        c.sleep(2).await;
        let accepted = lock(&shared).cancel(Some("stop"));
        c.log("main", format!("cancel gather: {accepted}"));
        if let Err(e) = (&waiter).await {
            let cancelled = waiter.cancelled();
            c.log(
                "main",
                format!("the waiter: {}, cancelled: {cancelled}", exc(&e)),
            );
        }
        c.log(
            "main",
            format!(
                "a cancelled: {}, b cancelled: {}",
                a.cancelled(),
                b.cancelled()
            ),
        );
        c.log(
            "main",
            format!("cancel again: {}", lock(&shared).cancel(None)),
        );
        let child = create_task_named(c.rt(), "c", exiting_child(c.clone(), "c", 1));
        let mut late = gather(c.rt(), [child.clone()]).return_exceptions();
        (&child).await.map_err(|e| e.to_string())?;
        c.log(
            "main",
            format!("every child done, cancel: {}", late.cancel(None)),
        );
        let outcomes: Vec<String> = late
            .await
            .into_iter()
            .map(|outcome| match outcome {
                Ok(value) => format!("'{value}'"),
                Err(e) => exc(&e),
            })
            .collect();
        c.log("main", format!("await gather: [{}]", outcomes.join(", ")));
        Ok(())
    })
    .await;
}

fn lock<T>(shared: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `gather(a, b).cancel("stop")` at t=2, with `a` done and `b` sleeping: `b` is
/// cancelled, awaiting the gather gives the cancellation with its message, and a second
/// `cancel` is refused (the gather is done). A gather whose every child is done refuses
/// `cancel` and gives the values.
pub(crate) async fn gather_cancel_method<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let a = create_task_named(c.rt(), "a", exiting_child(c.clone(), "a", 1));
        let b = create_task_named(c.rt(), "b", exiting_child(c.clone(), "b", 5));
        let mut gathering = gather(c.rt(), [a.clone(), b.clone()]);
        c.sleep(2).await;
        let accepted = gathering.cancel(Some("stop"));
        c.log("main", format!("cancel gather: {accepted}"));
        if let Err(e) = (&mut gathering).await {
            c.log("main", format!("await gather: {}", exc(&e)));
        }
        c.log(
            "main",
            format!(
                "a cancelled: {}, b cancelled: {}",
                a.cancelled(),
                b.cancelled()
            ),
        );
        c.log("main", format!("cancel again: {}", gathering.cancel(None)));
        let child = create_task_named(c.rt(), "c", exiting_child(c.clone(), "c", 1));
        let mut late = gather(c.rt(), [child.clone()]);
        (&child).await.map_err(|e| e.to_string())?;
        c.log(
            "main",
            format!("every child done, cancel: {}", late.cancel(None)),
        );
        let values = late.await.map_err(|e| e.to_string())?;
        let values: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
        c.log("main", format!("await gather: [{}]", values.join(", ")));
        Ok(())
    })
    .await;
}

/// A task named `name` that fails with `ValueError(message)` after `delay` ticks.
fn fails_with<R: Runtime>(
    cx: &Cx<R>,
    name: &str,
    delay: u64,
    message: &'static str,
) -> Task<(), PyError> {
    let c = cx.clone();
    create_task_named(cx.rt(), name, async move {
        c.sleep(delay).await;
        Err(PyError::new("ValueError", message))
    })
}

/// `gather` raises `a`'s failure at t=1 and still reads `b`'s at t=2; with
/// `return_exceptions` the failure is an outcome. With every handle dropped, nothing is
/// reported.
pub(crate) async fn gather_retrieves_failures<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    as_main(&cx, async move {
        let c2 = c.clone();
        c.rt()
            .set_exception_handler(move |context| c2.log("handler", handled(context, true)));
        let tasks = vec![
            fails_with(&c, "a", 1, "first"),
            fails_with(&c, "b", 2, "second"),
        ];
        if let Err(e) = gather(c.rt(), tasks).await {
            c.log("main", format!("gather raised: {}", exc(&e)));
        }
        c.log("main", "dropped every handle");
        let tasks = vec![fails_with(&c, "c", 1, "kept")];
        let outcomes: Vec<String> = gather(c.rt(), tasks)
            .return_exceptions()
            .await
            .iter()
            .map(|outcome| match outcome {
                Ok(()) => "None".to_owned(),
                Err(e) => format!("'{}'", exc(e)),
            })
            .collect();
        c.log(
            "main",
            format!("return_exceptions gave: [{}]", outcomes.join(", ")),
        );
        c.log("main", "dropped every handle");
        c.sleep(2).await;
        c.log("main", "end");
        Ok(())
    })
    .await;
}
