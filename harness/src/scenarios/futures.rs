//! Scenarios for `futures`: asyncio.Future (`aio_futures::Future`) on every runtime.
//!
//! Waiters arrive at distinct ticks (the first at t=1, the second at t=2, ...), so that
//! the order they wait in is set by the clock, not by how a runtime orders tasks started
//! in the same instant.

use aio_futures::{DoneCallback, Exception, Future};
use aio_rt::{JoinHandle, PyError, Runtime};

use super::tasks::handled;
use crate::{Cx, Scenario, exc};

const CONCEPT: &str = "futures";
const SOURCE: &str = include_str!("futures.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[
    parity!(
        future_exception_never_retrieved,
        "a future whose exception nobody read is reported when its last reference goes; a read one is not"
    ),
    parity!(
        done_callback_raises,
        "a done callback that raises goes to the exception handler; the next callbacks still run"
    ),
    parity!(
        set_result_wakes_awaiters,
        "three tasks await one future; set_result wakes them in the order they started waiting"
    ),
    parity!(
        done_callbacks_order,
        "done callbacks and awaiters are scheduled in registration order, never inline"
    ),
    parity!(
        set_exception_propagates,
        "set_exception reaches every awaiter, result() and exception()"
    ),
    parity!(
        cancel_with_message,
        "cancel(msg) is true once; awaiters, result() and exception() get CancelledError(msg)"
    ),
    parity!(
        invalid_state_errors,
        "reading a pending future or setting a done one is an InvalidStateError"
    ),
    parity!(
        cancelling_the_task_cancels_the_future,
        "cancelling a task that awaits a future cancels the future first, with the message"
    ),
    parity!(
        future_repr,
        "a Future prints as asyncio's repr: pending, finished with its result or exception, cancelled"
    ),
];

/// A task that starts waiting for `future` at tick `arrive`, and logs what it gets.
fn waiter<R: Runtime>(cx: &Cx<R>, name: &str, arrive: u64, future: &Future<u32>) -> JoinHandle<()> {
    let (cx2, future, name2) = (cx.clone(), future.clone(), name.to_owned());
    cx.spawn(name, async move {
        cx2.sleep(arrive).await;
        cx2.log(&name2, "awaits the future");
        match (&future).await {
            Ok(value) => cx2.log(&name2, format!("got {value}")),
            Err(error) => cx2.log(&name2, format!("got {}", exc(&error))),
        }
    })
}

/// Three tasks start awaiting one future at t=1, 2 and 3. At t=4 main sets its result:
/// `set_result` returns before any of them runs (it only schedules them), then they resume
/// in the order they started waiting, each with the value. Last, main awaits the future,
/// now done: it gets the value at once, before a task created just before gets a turn.
pub(crate) async fn set_result_wakes_awaiters<R: Runtime>(cx: Cx<R>) {
    let future = Future::new(cx.rt());
    let waiters: Vec<_> = (1..=3)
        .map(|i| waiter(&cx, &format!("waiter-{i}"), i, &future))
        .collect();
    cx.sleep(4).await;
    future.set_result(42).expect("the future was pending");
    cx.log("main", "set_result(42) returned; no awaiter has run yet");
    for task in waiters {
        task.await.expect("a waiter finished");
    }
    let cx2 = cx.clone();
    let other = cx.spawn("other", async move {
        cx2.log("other", "a task created before the await runs")
    });
    let value = (&future).await.expect("the future has a result");
    cx.log(
        "main",
        format!("awaiting the done future gave {value} without suspending"),
    );
    other.await.expect("the other task finished");
}

/// Callbacks `first` and `second` are added at t=0, a task starts awaiting at t=1, `third`
/// is added at t=2 and `second` a second time; `remove_done_callback(second)` removes both
/// registrations. At t=3 `set_result` schedules what is left in registration order:
/// `first`, the awaiting task, `third`. None runs inline. A callback added to the done
/// future is scheduled too, not called: it runs when main yields.
pub(crate) async fn done_callbacks_order<R: Runtime>(cx: Cx<R>) {
    let future: Future<u32> = Future::new(cx.rt());
    let callback = |name: &'static str| {
        let cx = cx.clone();
        DoneCallback::new(move |f: &Future<u32>| {
            cx.log(
                "callback",
                format!("{name} sees {}", f.result().expect("done")),
            );
        })
    };
    let (first, second, third) = (callback("first"), callback("second"), callback("third"));
    future.add_done_callback(first);
    future.add_done_callback(second.clone());
    let task = waiter(&cx, "waiter", 1, &future);
    cx.sleep(2).await;
    future.add_done_callback(third);
    future.add_done_callback(second.clone());
    let removed = future.remove_done_callback(&second);
    cx.log(
        "main",
        format!("remove_done_callback(second) removed {removed}"),
    );
    cx.sleep(1).await;
    future.set_result(7).expect("the future was pending");
    cx.log("main", "set_result(7) returned; no callback has run yet");
    task.await.expect("the waiter finished");
    future.add_done_callback(callback("late"));
    cx.log(
        "main",
        "added a callback to the done future: scheduled, not called",
    );
    cx.rt().yield_now().await;
    cx.log("main", "after a yield it has run");
}

/// Two tasks await a future that main completes with an error at t=3: both get the error.
/// Then `exception()` returns it and `result()` raises it.
pub(crate) async fn set_exception_propagates<R: Runtime>(cx: Cx<R>) {
    let future: Future<u32> = Future::new(cx.rt());
    let waiters = [
        waiter(&cx, "waiter-1", 1, &future),
        waiter(&cx, "waiter-2", 2, &future),
    ];
    cx.sleep(3).await;
    future
        .set_exception(Exception::py(PyError::new("ValueError", "bad input")))
        .expect("the future was pending");
    for task in waiters {
        task.await.expect("a waiter finished");
    }
    let exception = future
        .exception()
        .expect("done, not cancelled")
        .expect("an exception");
    cx.log("main", format!("exception() returns: {}", exc(&exception)));
    if let Err(error) = future.result() {
        cx.log("main", format!("result() raises {}", exc(&error)));
    }
}

/// A task awaits from t=1; at t=2 main cancels the future with a message: `cancel` is true
/// the first time, false the second (the future is done). The awaiter gets a
/// CancelledError carrying the message, and so do `result()` and `exception()`.
pub(crate) async fn cancel_with_message<R: Runtime>(cx: Cx<R>) {
    let future: Future<u32> = Future::new(cx.rt());
    let task = waiter(&cx, "waiter", 1, &future);
    cx.sleep(2).await;
    cx.log(
        "main",
        format!(
            "cancel('shutting down') returns {}",
            future.cancel_with("shutting down")
        ),
    );
    cx.log(
        "main",
        format!("cancel('again') returns {}", future.cancel_with("again")),
    );
    cx.log("main", format!("cancelled() is {}", future.cancelled()));
    task.await.expect("the waiter finished");
    if let Err(error) = future.result() {
        cx.log("main", format!("result() raises {}", exc(&error)));
    }
    if let Err(error) = future.exception() {
        cx.log("main", format!("exception() raises {}", exc(&error)));
    }
}

/// The InvalidStateError cases: reading the result or the exception of a pending future,
/// and setting a result or an exception on a done one. `cancel()` on a done future is not
/// an error: it returns false. The first result stands.
pub(crate) async fn invalid_state_errors<R: Runtime>(cx: Cx<R>) {
    let future: Future<u32> = Future::new(cx.rt());
    if let Err(error) = future.result() {
        cx.log("main", format!("result() while pending: {}", exc(&error)));
    }
    if let Err(error) = future.exception() {
        cx.log(
            "main",
            format!("exception() while pending: {}", exc(&error)),
        );
    }
    future.set_result(1).expect("the future was pending");
    if let Err(error) = future.set_result(2) {
        cx.log(
            "main",
            format!("set_result on a done future: {}", exc(&error)),
        );
    }
    if let Err(error) = future.set_exception("late") {
        cx.log(
            "main",
            format!("set_exception on a done future: {}", exc(&error)),
        );
    }
    cx.log(
        "main",
        format!("cancel() on a done future returns {}", future.cancel()),
    );
    cx.log(
        "main",
        format!("result() is still {}", future.result().expect("a result")),
    );
}

/// Task `waiter` awaits a pending future; at t=1 main cancels the task with a message.
/// The cancellation reaches the future first (asyncio's `Task.cancel` cancels the
/// task's `_fut_waiter`): the future is cancelled at once, the task ends cancelled, and
/// `other`, which awaits the future at t=2, gets its `CancelledError` with the message.
pub(crate) async fn cancelling_the_task_cancels_the_future<R: Runtime>(cx: Cx<R>) {
    use crate::scenarios::tasks::{Finally, as_main};
    use aio_tasks::create_task_named;

    let c = cx.clone();
    as_main(&cx, async move {
        let future: Future<u32> = Future::new(c.rt());
        let (c2, fut) = (c.clone(), future.clone());
        let task = create_task_named(c.rt(), "waiter", async move {
            let _finally = Finally {
                cx: c2.clone(),
                task: "waiter",
                message: "cleanup",
            };
            let _ = (&fut).await;
            c2.log("waiter", "never");
            Ok::<(), String>(())
        });
        let (c3, fut) = (c.clone(), future.clone());
        let seen = create_task_named(c.rt(), "other", async move {
            c3.sleep(2).await;
            if let Err(e) = (&fut).await {
                c3.log("other", format!("await the future: {}", exc(&e)));
            }
            Ok::<(), String>(())
        });
        c.sleep(1).await;
        c.log(
            "main",
            format!("cancel waiter: {}", task.cancel(Some("stop"))),
        );
        c.log("main", format!("future cancelled: {}", future.cancelled()));
        if let Err(e) = task.await {
            c.log("main", format!("await waiter: {}", exc(&e)));
        }
        seen.await.map_err(|e| e.to_string())
    })
    .await;
}

/// An exception set on a future and never read: dropping its last clone reports it
/// ("Future exception was never retrieved"). One read with `exception()` is not reported.
pub(crate) async fn future_exception_never_retrieved<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    cx.rt()
        .set_exception_handler(move |context| c.log("handler", handled(context, false)));
    let unread = Future::<u32>::new(cx.rt());
    let _ = unread.set_exception(Exception::py(PyError::new("ValueError", "nobody reads it")));
    drop(unread);
    cx.log("main", "dropped the unread future");
    let read = Future::<u32>::new(cx.rt());
    let _ = read.set_exception(Exception::py(PyError::new("ValueError", "read")));
    if let Ok(Some(e)) = read.exception() {
        cx.log("main", format!("exception(): {}", exc(&e)));
    }
    drop(read);
    cx.log("main", "dropped the read future");
}

/// A done callback raises (panics with the `PyError` it raises): the exception handler
/// gets "Exception in callback ..." with the exception, class kept, and the `handle` key;
/// the next callback runs. The twin prints the message's first three words, the rest being
/// the callback's name (Python's qualified name, the closure's Rust type name here).
pub(crate) async fn done_callback_raises<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    cx.rt().set_exception_handler(move |context| {
        let mut context = context.clone();
        context.message = context
            .message
            .split(' ')
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        c.log("handler", handled(&context, false));
    });
    let future = Future::<u32>::new(cx.rt());
    let c = cx.clone();
    future.add_done_callback(DoneCallback::new(move |_: &Future<u32>| {
        c.log("callback", "raises");
        std::panic::panic_any(PyError::new("ValueError", "in a callback"));
    }));
    let c = cx.clone();
    future.add_done_callback(DoneCallback::new(move |_: &Future<u32>| {
        c.log("callback", "the next callback still runs");
    }));
    let _ = future.set_result(1);
    cx.sleep(1).await;
    cx.log("main", "end");
}

/// A Future's repr in each state: pending, finished with a result, finished with an
/// exception (printing it does not retrieve it; `exception()` then does), cancelled.
pub(crate) async fn future_repr<R: Runtime>(cx: Cx<R>) {
    let future: Future<u32> = Future::new(cx.rt());
    cx.log("main", &future);
    future.set_result(42).expect("pending");
    cx.log("main", &future);
    let future: Future<u32> = Future::new(cx.rt());
    future
        .set_exception(Exception::py(PyError::new("ValueError", "bad input")))
        .expect("pending");
    cx.log("main", &future);
    if let Ok(Some(e)) = future.exception() {
        cx.log("main", format!("exception(): {}", exc(&e)));
    }
    let future: Future<u32> = Future::new(cx.rt());
    future.cancel();
    cx.log("main", &future);
}
