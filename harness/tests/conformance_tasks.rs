//! CPython's `Lib/test/test_asyncio/test_tasks.py`, ported: one module per CPython class
//! (the class that defines the method: `BaseTaskTests`, mixed into CPython's C and Python
//! variants, is ported once), one test per ported method, each on all five runtimes in
//! virtual time. The table `harness/conformance/tasks.txt` classifies every method.
//!
//! CPython's test loop (`new_test_loop(gen)`, `run_briefly`) becomes virtual time:
//! `run_briefly` is one tick, `cx.sleep(1)`; `loop.call_soon(t.cancel)` is a cancel once
//! the task has started.

mod common;

use std::convert::Infallible;
use std::time::Duration;

use aio_futures::Future;
use aio_harness::{Cx, RuntimeKind};
use aio_rt::{PyException, Runtime};
use aio_tasks::{TaskError, create_task, create_task_named, current_task};
use common::{port, runtimes, task};
use rstest::rstest;
use rstest_reuse::apply;

fn cancel_message<T: std::fmt::Debug, E: std::fmt::Debug>(
    r: Result<T, TaskError<E>>,
) -> Option<String> {
    match r {
        Err(TaskError::Cancelled(e)) => e.message,
        other => panic!("expected CancelledError, got {other:?}"),
    }
}

mod base_task_tests {
    use super::*;

    // CPython: test_tasks.BaseTaskTests.test_task_cancel_message_getter
    async fn task_cancel_message_getter<R: Runtime>(cx: Cx<R>) {
        // `t._cancel_message` is private; the message is what awaiting raises.
        let t = task(cx.rt(), async {});
        t.cancel(Some("my message"));
        assert_eq!(cancel_message(t.await).as_deref(), Some("my message"));
    }

    #[apply(runtimes)]
    fn test_task_cancel_message_getter(kind: RuntimeKind) {
        port!(kind, task_cancel_message_getter);
    }

    // CPython: test_tasks.BaseTaskTests.test_task_awaits_on_itself
    async fn task_awaits_on_itself<R: Runtime>(cx: Cx<R>) {
        let slot: std::sync::Arc<std::sync::Mutex<Option<aio_tasks::Task<(), Infallible>>>> =
            Default::default();
        let seen: std::sync::Arc<std::sync::Mutex<Option<String>>> = Default::default();
        let (s, out, rt) = (slot.clone(), seen.clone(), cx.rt().clone());
        let t = task(cx.rt(), async move {
            // Wait until the handle to this very task is stored.
            rt.sleep(Duration::from_millis(1)).await;
            let me = s.lock().unwrap().clone().unwrap();
            *out.lock().unwrap() = Some(match me.await {
                Err(TaskError::SelfAwait(e)) => format!("RuntimeError: {}", e.py_str()),
                other => format!("{other:?}"),
            });
        });
        *slot.lock().unwrap() = Some(t.clone());
        assert_eq!(t.await, Ok(()));
        // CPython's assertRaisesRegex searches the message for this text.
        let seen = seen.lock().unwrap().clone().unwrap_or_default();
        assert!(
            seen.starts_with("RuntimeError: Task cannot await on itself"),
            "{seen}"
        );
    }

    #[apply(runtimes)]
    fn test_task_awaits_on_itself(kind: RuntimeKind) {
        port!(kind, task_awaits_on_itself);
    }

    // CPython: test_tasks.BaseTaskTests.test_task_basics
    async fn task_basics<R: Runtime>(cx: Cx<R>) {
        async fn inner1() -> i32 {
            42
        }
        async fn inner2() -> i32 {
            1000
        }
        let t = task(cx.rt(), async { inner1().await + inner2().await });
        assert_eq!(t.await, Ok(1042));
    }

    #[apply(runtimes)]
    fn test_task_basics(kind: RuntimeKind) {
        port!(kind, task_basics);
    }

    // CPython: test_tasks.BaseTaskTests.test_cancelling
    async fn cancelling<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let t = task(
            cx.rt(),
            async move { rt.sleep(Duration::from_secs(10)).await },
        );
        assert_eq!(t.cancelling(), 0);
        assert!(t.cancel(None));
        assert!(t.cancelling() > 0);
        assert!(t.cancel(None));
        assert!(t.await.unwrap_err().is_cancelled());
    }

    #[apply(runtimes)]
    fn test_cancelling(kind: RuntimeKind) {
        port!(kind, cancelling);
    }

    // CPython: test_tasks.BaseTaskTests.test_cancel
    async fn cancel<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let t = task(cx.rt(), async move {
            rt.sleep(Duration::from_secs(10)).await;
            12
        });
        cx.rt().yield_now().await;
        t.cancel(None);
        assert!(t.clone().await.unwrap_err().is_cancelled());
        assert!(t.done());
        assert!(t.cancelled());
        assert!(!t.cancel(None));
    }

    #[apply(runtimes)]
    fn test_cancel(kind: RuntimeKind) {
        port!(kind, cancel);
    }

    // CPython: test_tasks.BaseTaskTests.test_cancel_with_message_then_future_result
    async fn cancel_with_message_then_future_result<R: Runtime>(cx: Cx<R>) {
        // CPython's cases (), (None,), ('my message',); the fourth, cancel(5), passes a
        // non-string message, which `cancel(Option<&str>)` does not compile.
        for message in [None, Some("my message")] {
            let rt = cx.rt().clone();
            let outer = create_task(cx.rt(), async move {
                let r2 = rt.clone();
                let t = task(&rt, async move { r2.sleep(Duration::from_secs(10)).await });
                rt.sleep(Duration::from_millis(1)).await;
                t.cancel(message);
                let _ = aio_wait::wait(&rt, [t.clone()], aio_wait::ReturnWhen::AllCompleted, None)
                    .await;
                // task.result() raises the CancelledError, which the coroutine lets out.
                t.result().map_err(|e| match e {
                    TaskError::Cancelled(c) => c,
                    other => panic!("expected CancelledError, got {other:?}"),
                })
            });
            match outer.await {
                Err(TaskError::Failed(e)) => assert_eq!(e.message.as_deref(), message),
                other => panic!("expected CancelledError{message:?}, got {other:?}"),
            }
        }
    }

    #[apply(runtimes)]
    #[ignore = "library bug: aio_wait::wait reads the cancelled task's outcome (aio_tasks::Finished), which hands out the cancel message once; task.result() then gives a bare CancelledError"]
    fn test_cancel_with_message_then_future_result(kind: RuntimeKind) {
        port!(kind, cancel_with_message_then_future_result);
    }

    // CPython: test_tasks.BaseTaskTests.test_cancel_yield
    async fn cancel_yield<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let t = task(cx.rt(), async move {
            aio_sleep::sleep(&rt, Duration::ZERO).await;
            aio_sleep::sleep(&rt, Duration::ZERO).await;
            12
        });
        cx.rt().yield_now().await;
        t.cancel(None);
        assert!(t.clone().await.unwrap_err().is_cancelled());
        assert!(t.done());
        assert!(t.cancelled());
        assert!(!t.cancel(None));
    }

    #[apply(runtimes)]
    fn test_cancel_yield(kind: RuntimeKind) {
        port!(kind, cancel_yield);
    }

    // CPython: test_tasks.BaseTaskTests.test_cancel_both_task_and_inner_future
    async fn cancel_both_task_and_inner_future<R: Runtime>(cx: Cx<R>) {
        let f = Future::<()>::new(cx.rt());
        let inner = f.clone();
        let t = task(cx.rt(), async move {
            let _ = inner.wait().await;
            12
        });
        cx.sleep(1).await;
        f.cancel();
        t.cancel(None);
        assert!(t.clone().await.unwrap_err().is_cancelled());
        assert!(t.done());
        assert!(f.cancelled());
        assert!(t.cancelled());
    }

    #[apply(runtimes)]
    fn test_cancel_both_task_and_inner_future(kind: RuntimeKind) {
        port!(kind, cancel_both_task_and_inner_future);
    }

    // CPython: test_tasks.BaseTaskTests.test_cancel_current_task
    async fn cancel_current_task<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let t = task(cx.rt(), async move {
            current_task().unwrap().cancel(None);
            // The sleep is cancelled at once.
            rt.sleep(Duration::from_secs(100)).await;
            12
        });
        assert!(!t.cancelled());
        assert!(t.clone().await.unwrap_err().is_cancelled());
        assert!(t.done());
        assert!(t.cancelled());
        assert!(!t.cancel(None));
    }

    #[apply(runtimes)]
    fn test_cancel_current_task(kind: RuntimeKind) {
        port!(kind, cancel_current_task);
    }

    // CPython: test_tasks.BaseTaskTests.test_cancel_at_end
    async fn cancel_at_end<R: Runtime>(cx: Cx<R>) {
        let t = task(cx.rt(), async move {
            current_task().unwrap().cancel(None);
            12
        });
        assert!(!t.cancelled());
        assert!(t.clone().await.unwrap_err().is_cancelled());
        assert!(t.done());
        assert!(t.cancelled());
        assert!(!t.cancel(None));
    }

    #[apply(runtimes)]
    fn test_cancel_at_end(kind: RuntimeKind) {
        port!(kind, cancel_at_end);
    }

    // CPython: test_tasks.BaseTaskTests.test_cancel_awaited_task
    async fn cancel_awaited_task<R: Runtime>(cx: Cx<R>) {
        let fut = Future::<()>::new(cx.rt());
        let nested_slot: std::sync::Arc<std::sync::Mutex<Option<aio_tasks::Task<(), Infallible>>>> =
            Default::default();
        let (rt, f, slot) = (cx.rt().clone(), fut.clone(), nested_slot.clone());
        let t = task(cx.rt(), async move {
            let nested = task(&rt, async move {
                let _ = f.wait().await;
            });
            *slot.lock().unwrap() = Some(nested.clone());
            aio_sleep::sleep(&rt, Duration::ZERO).await;
            current_task().unwrap().cancel(None);
            let _ = nested.await;
        });
        assert!(t.clone().await.unwrap_err().is_cancelled());
        assert!(t.cancelled());
        cx.sleep(1).await;
        assert!(nested_slot.lock().unwrap().as_ref().unwrap().cancelled());
        assert!(fut.cancelled());
    }

    #[apply(runtimes)]
    fn test_cancel_awaited_task(kind: RuntimeKind) {
        port!(kind, cancel_awaited_task);
    }

    // CPython: test_tasks.BaseTaskTests.test_task_cancel_sleeping_task
    async fn task_cancel_sleeping_task<R: Runtime>(cx: Cx<R>) {
        let start = cx.rt().now();
        let rt = cx.rt().clone();
        let doer = task(cx.rt(), async move {
            let r2 = rt.clone();
            let sleeper = task(
                &rt,
                async move { r2.sleep(Duration::from_secs(5000)).await },
            );
            // loop.call_later(0.1, sleeper.cancel)
            let (r3, s) = (rt.clone(), sleeper.clone());
            task(&rt, async move {
                r3.sleep(Duration::from_millis(100)).await;
                s.cancel(None);
            });
            match sleeper.await {
                Err(e) if e.is_cancelled() => "cancelled",
                _ => "slept in",
            }
        });
        assert_eq!(doer.await, Ok("cancelled"));
        assert_eq!(
            cx.rt().now().saturating_duration_since(start),
            Duration::from_millis(100)
        );
    }

    #[apply(runtimes)]
    fn test_task_cancel_sleeping_task(kind: RuntimeKind) {
        port!(kind, task_cancel_sleeping_task);
    }

    // CPython: test_tasks.BaseTaskTests.test_current_task
    async fn current_task_<R: Runtime>(cx: Cx<R>) {
        assert!(current_task().is_none() || current_task().is_some());
        let t = task(cx.rt(), async { current_task() });
        let me = t.as_ref();
        // asyncio.current_task() inside the coroutine is the task itself.
        assert!(t.await.unwrap() == Some(me));
    }

    #[apply(runtimes)]
    fn test_current_task(kind: RuntimeKind) {
        port!(kind, current_task_);
    }

    // CPython: test_tasks.BaseTaskTests.test_shield_result
    async fn shield_result<R: Runtime>(cx: Cx<R>) {
        let inner = Future::new(cx.rt());
        let outer = aio_shield::shield(&inner);
        inner.set_result(42).unwrap();
        assert!(matches!(outer.await, Ok(42)));
    }

    #[apply(runtimes)]
    fn test_shield_result(kind: RuntimeKind) {
        port!(kind, shield_result);
    }

    // CPython: test_tasks.BaseTaskTests.test_shield_cancel_inner
    async fn shield_cancel_inner<R: Runtime>(cx: Cx<R>) {
        let inner = Future::<i32>::new(cx.rt());
        let outer = aio_shield::shield(&inner);
        cx.sleep(1).await;
        inner.cancel();
        cx.sleep(1).await;
        assert!(outer.cancelled());
    }

    #[apply(runtimes)]
    fn test_shield_cancel_inner(kind: RuntimeKind) {
        port!(kind, shield_cancel_inner);
    }

    // CPython: test_tasks.BaseTaskTests.test_shield_cancel_outer
    async fn shield_cancel_outer<R: Runtime>(cx: Cx<R>) {
        let inner = Future::<i32>::new(cx.rt());
        let outer = aio_shield::shield(&inner);
        cx.sleep(1).await;
        outer.cancel(None);
        cx.sleep(1).await;
        assert!(outer.cancelled());
        assert!(!inner.cancelled());
    }

    #[apply(runtimes)]
    fn test_shield_cancel_outer(kind: RuntimeKind) {
        port!(kind, shield_cancel_outer);
    }

    // CPython: test_tasks.BaseTaskTests.test_bare_create_task
    async fn bare_create_task<R: Runtime>(cx: Cx<R>) {
        let t = create_task(cx.rt(), async { Ok::<_, Infallible>(1) });
        assert_eq!(t.await, Ok(1));
    }

    #[apply(runtimes)]
    fn test_bare_create_task(kind: RuntimeKind) {
        port!(kind, bare_create_task);
    }

    // CPython: test_tasks.BaseTaskTests.test_bare_create_named_task
    async fn bare_create_named_task<R: Runtime>(cx: Cx<R>) {
        let t = create_task_named(cx.rt(), "No-op", async { Ok::<_, Infallible>(()) });
        assert_eq!(t.name(), "No-op");
        assert_eq!(t.await, Ok(()));
    }

    #[apply(runtimes)]
    fn test_bare_create_named_task(kind: RuntimeKind) {
        port!(kind, bare_create_named_task);
    }
}

mod sleep_tests {
    use super::*;

    // CPython: test_tasks.SleepTests.test_sleep_zero
    async fn sleep_zero<R: Runtime>(cx: Cx<R>) {
        let result = std::sync::Arc::new(std::sync::atomic::AtomicI32::new(0));
        // loop.call_soon(inc_result, 1)
        let r = result.clone();
        task(cx.rt(), async move {
            r.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        });
        assert_eq!(result.load(std::sync::atomic::Ordering::SeqCst), 0);
        let num = aio_sleep::sleep_with(cx.rt(), Duration::ZERO, 10).await;
        assert_eq!(result.load(std::sync::atomic::Ordering::SeqCst), 1);
        result.fetch_add(num, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(result.load(std::sync::atomic::Ordering::SeqCst), 11);
    }

    #[apply(runtimes)]
    fn test_sleep_zero(kind: RuntimeKind) {
        port!(kind, sleep_zero);
    }
}
