//! CPython's `Lib/test/test_asyncio/test_tasks.py`, ported: one module per CPython class
//! (the class that defines the method: `BaseTaskTests`, mixed into CPython's C and Python
//! variants, is ported once), one test per ported method, each on all five runtimes in
//! virtual time. The table `harness/conformance/tasks.txt` classifies every method.
//!
//! CPython's test loop (`new_test_loop(gen)`, `run_briefly`) becomes virtual time:
//! `run_briefly` is one tick, `cx.sleep(1)`; `loop.call_soon(t.cancel)` is a cancel once
//! the task has started.

use crate::common;

use std::convert::Infallible;
use std::time::Duration;

use aio_futures::Future;
use aio_harness::{Cx, RuntimeKind};
use aio_rt::{PyException, Runtime};
use aio_tasks::{
    CancelledError, TaskError, catch_cancel, create_task, create_task_named, current_task,
};
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
            // The CancelledError let out of the body ends the task cancelled, with it.
            match outer.await {
                Err(TaskError::Cancelled(e)) => assert_eq!(e.message.as_deref(), message),
                other => panic!("expected CancelledError{message:?}, got {other:?}"),
            }
        }
    }

    #[apply(runtimes)]
    fn test_cancel_with_message_then_future_result(kind: RuntimeKind) {
        port!(kind, cancel_with_message_then_future_result);
    }

    // CPython: test_tasks.BaseTaskTests.test_cancel_with_message_then_future_exception
    async fn cancel_with_message_then_future_exception<R: Runtime>(cx: Cx<R>) {
        // As test_cancel_with_message_then_future_result, reading exception(); cancel(5)
        // (a non-string message) does not compile.
        for message in [None, Some("my message")] {
            let rt = cx.rt().clone();
            let outer = create_task::<_, _, (), aio_tasks::CancelledError>(cx.rt(), async move {
                let r2 = rt.clone();
                let t = task(&rt, async move { r2.sleep(Duration::from_secs(10)).await });
                rt.sleep(Duration::from_millis(1)).await;
                t.cancel(message);
                let _ = aio_wait::wait(&rt, [t.clone()], aio_wait::ReturnWhen::AllCompleted, None)
                    .await;
                match t.exception() {
                    Err(TaskError::Cancelled(c)) => Err(c),
                    other => panic!("expected CancelledError, got {other:?}"),
                }
            });
            // The CancelledError let out of the body ends the task cancelled, with it.
            match outer.await {
                Err(TaskError::Cancelled(e)) => assert_eq!(e.message.as_deref(), message),
                other => panic!("expected CancelledError{message:?}, got {other:?}"),
            }
        }
    }

    #[apply(runtimes)]
    fn test_cancel_with_message_then_future_exception(kind: RuntimeKind) {
        port!(kind, cancel_with_message_then_future_exception);
    }

    // CPython: test_tasks.BaseTaskTests.test_cancel_with_message_before_starting_task
    async fn cancel_with_message_before_starting_task<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let outer = create_task::<_, _, (), aio_tasks::CancelledError>(cx.rt(), async move {
            let r2 = rt.clone();
            let t = task(&rt, async move { r2.sleep(Duration::from_secs(10)).await });
            // No sleep: cancelled before it starts.
            t.cancel(Some("my message"));
            let _ =
                aio_wait::wait(&rt, [t.clone()], aio_wait::ReturnWhen::AllCompleted, None).await;
            match t.exception() {
                Err(TaskError::Cancelled(c)) => Err(c),
                other => panic!("expected CancelledError, got {other:?}"),
            }
        });
        match outer.await {
            Err(TaskError::Cancelled(e)) => assert_eq!(e.message.as_deref(), Some("my message")),
            other => panic!("expected CancelledError('my message'), got {other:?}"),
        }
    }

    #[apply(runtimes)]
    fn test_cancel_with_message_before_starting_task(kind: RuntimeKind) {
        port!(kind, cancel_with_message_before_starting_task);
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

    // CPython: test_tasks.BaseTaskTests.test_uncancel_basic
    async fn uncancel_basic<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let t = task(cx.rt(), async move {
            // try: await asyncio.sleep(10) / except CancelledError: uncancel(); sleep(10)
            if catch_cancel(rt.sleep(Duration::from_secs(10)))
                .await
                .is_err()
            {
                current_task().unwrap().uncancel();
                rt.sleep(Duration::from_secs(10)).await;
            }
        });
        cx.rt().sleep(Duration::from_millis(10)).await;

        // Cancel first sleep
        assert!(t.cancel(None));
        assert!(t.to_string().contains(" cancelling "), "{t}");
        assert_eq!(t.cancelling(), 1);
        assert!(!t.cancelled()); // Task is still not complete
        cx.rt().sleep(Duration::from_millis(10)).await;

        // after .uncancel()
        assert!(!t.to_string().contains(" cancelling "), "{t}");
        assert_eq!(t.cancelling(), 0);
        assert!(!t.cancelled()); // Task is still not complete

        // Cancel second sleep
        assert!(t.cancel(None));
        assert_eq!(t.cancelling(), 1);
        assert!(!t.cancelled()); // Task is still not complete
        assert!(t.clone().await.unwrap_err().is_cancelled());
        assert!(t.cancelled()); // Finally, task complete
        assert!(t.done());

        // uncancel is no longer effective after the task is complete
        t.uncancel();
        assert!(t.cancelled());
        assert!(t.done());
    }

    #[apply(runtimes)]
    fn test_uncancel_basic(kind: RuntimeKind) {
        port!(kind, uncancel_basic);
    }

    /// CPython's `make_request_with_timeout(sleep=, timeout=)`: a hand-made timeout
    /// (`loop.call_later(timeout, on_timeout)`, a task here, as in the other ports) that
    /// cancels the task, and the `finally` that takes its own cancellation back.
    async fn make_request_with_timeout<R: Runtime>(
        rt: R,
        sleep: Duration,
        timeout: Duration,
    ) -> Result<(bool, bool, bool), CancelledError> {
        use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
        let me = current_task().unwrap();
        let timed_out = std::sync::Arc::new(AtomicBool::new(false));
        let mut structured_block_finished = false;
        let (r, flag, target) = (rt.clone(), timed_out.clone(), me.clone());
        let timeout_handle = task(&rt, async move {
            r.sleep(timeout).await;
            // on_timeout()
            flag.store(true, SeqCst);
            target.cancel(None);
        });
        // try: ... / except TimeoutError: assertTrue(timed_out)
        let raised_timeout = {
            // try: (the structured block) await asyncio.sleep(sleep)
            let out = catch_cancel(rt.sleep(sleep)).await;
            if out.is_ok() {
                structured_block_finished = true;
            }
            // finally:
            timeout_handle.cancel(None);
            match out {
                Err(_) if timed_out.load(SeqCst) && me.uncancel() == 0 => true, // raise TimeoutError
                Err(cancelled) => return Err(cancelled),
                Ok(()) => false,
            }
        };
        if raised_timeout {
            assert!(timed_out.load(SeqCst));
        }
        // Outer code not affected by the timeout:
        let outer_code_reached = true;
        aio_sleep::sleep(&rt, Duration::ZERO).await;
        Ok((
            timed_out.load(SeqCst),
            structured_block_finished,
            outer_code_reached,
        ))
    }

    // CPython: test_tasks.BaseTaskTests.test_uncancel_structured_blocks
    async fn uncancel_structured_blocks<R: Runtime>(cx: Cx<R>) {
        // Test which timed out.
        let t1 = create_task(
            cx.rt(),
            make_request_with_timeout(
                cx.rt().clone(),
                Duration::from_secs(10),
                Duration::from_millis(100),
            ),
        );
        let (timed_out, structured_block_finished, outer_code_reached) = t1.clone().await.unwrap();
        assert!(timed_out);
        assert!(!structured_block_finished); // it was cancelled
        assert!(outer_code_reached); // task got uncancelled after leaving the structured block
        assert_eq!(t1.cancelling(), 0); // no pending cancellation of the outer task

        // Test which did not time out.
        let t2 = create_task(
            cx.rt(),
            make_request_with_timeout(cx.rt().clone(), Duration::ZERO, Duration::from_secs(10)),
        );
        let (timed_out, structured_block_finished, outer_code_reached) = t2.clone().await.unwrap();
        assert!(!timed_out);
        assert!(structured_block_finished);
        assert!(outer_code_reached);
        assert_eq!(t2.cancelling(), 0);
    }

    #[apply(runtimes)]
    fn test_uncancel_structured_blocks(kind: RuntimeKind) {
        port!(kind, uncancel_structured_blocks);
    }

    // CPython: test_tasks.BaseTaskTests.test_cancel_task_catching
    async fn cancel_task_catching<R: Runtime>(cx: Cx<R>) {
        let fut1 = Future::<()>::new(cx.rt());
        let fut2 = Future::<()>::new(cx.rt());
        let (f1, f2) = (fut1.clone(), fut2.clone());
        let t = task(cx.rt(), async move {
            let _ = f1.wait().await;
            match catch_cancel(f2.wait()).await {
                Err(_) => Some(42), // except CancelledError: return 42
                Ok(_) => None,
            }
        });
        // (The white-box asserts on the private `t._fut_waiter` are left out.)
        cx.sleep(1).await;
        fut1.set_result(()).unwrap();
        cx.sleep(1).await;
        t.cancel(None);
        assert!(fut2.cancelled());
        assert_eq!(t.clone().await, Ok(Some(42)));
        assert!(!t.cancelled());
    }

    #[apply(runtimes)]
    fn test_cancel_task_catching(kind: RuntimeKind) {
        port!(kind, cancel_task_catching);
    }

    // CPython: test_tasks.BaseTaskTests.test_cancel_task_ignoring
    async fn cancel_task_ignoring<R: Runtime>(cx: Cx<R>) {
        let fut1 = Future::<()>::new(cx.rt());
        let fut2 = Future::<()>::new(cx.rt());
        let fut3 = Future::<i32>::new(cx.rt());
        let (f1, f2, f3) = (fut1.clone(), fut2.clone(), fut3.clone());
        let t = task(cx.rt(), async move {
            let _ = f1.wait().await;
            // try: await fut2 / except CancelledError: pass
            let _ = catch_cancel(f2.wait()).await;
            f3.wait().await.ok()
        });
        // (The white-box asserts on the private `t._fut_waiter` are left out.)
        cx.sleep(1).await;
        fut1.set_result(()).unwrap();
        cx.sleep(1).await;
        t.cancel(None);
        assert!(fut2.cancelled());
        cx.sleep(1).await;
        fut3.set_result(42).unwrap();
        assert_eq!(t.clone().await, Ok(Some(42)));
        assert!(!fut3.cancelled());
        assert!(!t.cancelled());
    }

    #[apply(runtimes)]
    fn test_cancel_task_ignoring(kind: RuntimeKind) {
        port!(kind, cancel_task_ignoring);
    }

    // CPython: test_tasks.BaseTaskTests.test_yield_future_passes_cancel
    async fn yield_future_passes_cancel<R: Runtime>(cx: Cx<R>) {
        use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
        // Cancelling outer() cancels inner() cancels waiter.
        let proof = std::sync::Arc::new(AtomicUsize::new(0));
        let waiter = Future::<()>::new(cx.rt());
        async fn inner(
            waiter: Future<()>,
            proof: std::sync::Arc<AtomicUsize>,
        ) -> Result<(), CancelledError> {
            match catch_cancel(waiter.wait()).await {
                Err(cancelled) => {
                    proof.fetch_add(1, SeqCst);
                    Err(cancelled) // raise
                }
                Ok(_) => panic!("got past sleep() in inner()"),
            }
        }
        let (w, p) = (waiter.clone(), proof.clone());
        let f = task(cx.rt(), async move {
            match inner(w, p.clone()).await {
                Err(_) => p.fetch_add(100, SeqCst), // Expect this path.
                Ok(()) => p.fetch_add(10, SeqCst),
            };
        });
        cx.sleep(1).await;
        f.cancel(None);
        assert_eq!(f.clone().await, Ok(()));
        assert_eq!(proof.load(SeqCst), 101);
        assert!(waiter.cancelled());
    }

    #[apply(runtimes)]
    fn test_yield_future_passes_cancel(kind: RuntimeKind) {
        port!(kind, yield_future_passes_cancel);
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

mod wait_ports {
    //! `BaseTaskTests`' tests of `asyncio.wait`, `sleep`, `shield` and `current_task`.
    use super::*;
    use aio_wait::{ReturnWhen, wait};

    type T = aio_tasks::Task<(), aio_rt::PyError>;

    /// A task named `name` that sleeps `delay`.
    fn sleeper<R: Runtime>(rt: &R, name: &str, delay: Duration) -> T {
        let r = rt.clone();
        create_task_named(rt, name, async move {
            r.sleep(delay).await;
            Ok(())
        })
    }

    /// A task named `name` that sleeps `delay`, then raises ZeroDivisionError(message).
    fn raiser<R: Runtime>(rt: &R, name: &str, delay: Duration, message: &str) -> T {
        let (r, message) = (rt.clone(), message.to_owned());
        create_task_named(rt, name, async move {
            if !delay.is_zero() {
                r.sleep(delay).await;
            }
            Err(aio_rt::PyError::new("ZeroDivisionError", message))
        })
    }

    /// The names of `tasks`, sorted: a set, as asyncio's `done` and `pending` are.
    fn names(tasks: &[T]) -> Vec<String> {
        let mut names: Vec<String> = tasks.iter().map(|t| t.name()).collect();
        names.sort();
        names
    }

    fn elapsed<R: Runtime>(cx: &Cx<R>, start: aio_rt::Instant) -> Duration {
        cx.rt().now().saturating_duration_since(start)
    }

    const MS: Duration = Duration::from_millis(1);

    // CPython: test_tasks.BaseTaskTests.test_wait
    async fn wait_<R: Runtime>(cx: Cx<R>) {
        let start = cx.rt().now();
        let a = sleeper(cx.rt(), "a", 100 * MS);
        let b = sleeper(cx.rt(), "b", 150 * MS);
        for _ in 0..2 {
            // The second time takes no time and takes another path.
            let (done, pending) = wait(
                cx.rt(),
                [b.clone(), a.clone()],
                ReturnWhen::AllCompleted,
                None,
            )
            .await
            .unwrap();
            assert_eq!(names(&done), ["a", "b"]);
            assert!(pending.is_empty());
            assert_eq!(elapsed(&cx, start), 150 * MS);
        }
    }

    #[apply(runtimes)]
    fn test_wait(kind: RuntimeKind) {
        port!(kind, wait_);
    }

    // CPython: test_tasks.BaseTaskTests.test_wait_duplicate_coroutines
    async fn wait_duplicate_coroutines<R: Runtime>(cx: Cx<R>) {
        let c = create_task(cx.rt(), async { Ok::<_, Infallible>("test") });
        let spam = create_task(cx.rt(), async { Ok::<_, Infallible>("spam") });
        let (done, pending) = wait(
            cx.rt(),
            [c.clone(), c, spam],
            ReturnWhen::AllCompleted,
            None,
        )
        .await
        .unwrap();
        assert!(pending.is_empty());
        let mut results: Vec<&str> = done.iter().map(|t| t.result().unwrap()).collect();
        results.sort();
        results.dedup();
        assert_eq!(results, ["spam", "test"]);
    }

    #[apply(runtimes)]
    fn test_wait_duplicate_coroutines(kind: RuntimeKind) {
        port!(kind, wait_duplicate_coroutines);
    }

    // CPython: test_tasks.BaseTaskTests.test_wait_errors
    async fn wait_errors<R: Runtime>(cx: Cx<R>) {
        // wait(set()) is a ValueError; return_when=-1 cannot be written (ReturnWhen is an
        // enum).
        let out = wait(cx.rt(), Vec::<T>::new(), ReturnWhen::AllCompleted, None).await;
        match out {
            Err(e) => assert_eq!(
                aio_harness::exc(&e),
                "ValueError: Set of Tasks/Futures is empty."
            ),
            Ok(_) => panic!("wait(set()) must fail"),
        }
    }

    #[apply(runtimes)]
    fn test_wait_errors(kind: RuntimeKind) {
        port!(kind, wait_errors);
    }

    // CPython: test_tasks.BaseTaskTests.test_wait_first_completed
    async fn wait_first_completed<R: Runtime>(cx: Cx<R>) {
        let start = cx.rt().now();
        let a = sleeper(cx.rt(), "a", Duration::from_secs(10));
        let b = sleeper(cx.rt(), "b", 100 * MS);
        let (done, pending) = wait(
            cx.rt(),
            [b.clone(), a.clone()],
            ReturnWhen::FirstCompleted,
            None,
        )
        .await
        .unwrap();
        assert_eq!(names(&done), ["b"]);
        assert_eq!(names(&pending), ["a"]);
        assert!(!a.done());
        assert!(b.done());
        assert_eq!(b.result(), Ok(()));
        assert_eq!(elapsed(&cx, start), 100 * MS);
        let _ = wait(cx.rt(), [a, b], ReturnWhen::AllCompleted, None).await;
    }

    #[apply(runtimes)]
    fn test_wait_first_completed(kind: RuntimeKind) {
        port!(kind, wait_first_completed);
    }

    // CPython: test_tasks.BaseTaskTests.test_wait_really_done
    async fn wait_really_done<R: Runtime>(cx: Cx<R>) {
        let (r1, r2) = (cx.rt().clone(), cx.rt().clone());
        let a: T = create_task_named(cx.rt(), "a", async move {
            aio_sleep::sleep(&r1, Duration::ZERO).await;
            Ok(())
        });
        let b: T = create_task_named(cx.rt(), "b", async move {
            aio_sleep::sleep(&r2, Duration::ZERO).await;
            aio_sleep::sleep(&r2, Duration::ZERO).await;
            Ok(())
        });
        // Both end in the same instant: wait's done set holds both.
        let (done, _) = wait(
            cx.rt(),
            [b.clone(), a.clone()],
            ReturnWhen::FirstCompleted,
            None,
        )
        .await
        .unwrap();
        assert_eq!(names(&done), ["a", "b"]);
        assert_eq!(a.result(), Ok(()));
        assert_eq!(b.result(), Ok(()));
    }

    #[apply(runtimes)]
    fn test_wait_really_done(kind: RuntimeKind) {
        port!(kind, wait_really_done);
    }

    // CPython: test_tasks.BaseTaskTests.test_wait_first_exception
    async fn wait_first_exception<R: Runtime>(cx: Cx<R>) {
        let start = cx.rt().now();
        let a = sleeper(cx.rt(), "a", Duration::from_secs(10));
        let b = raiser(cx.rt(), "b", Duration::ZERO, "err");
        let (done, pending) = wait(
            cx.rt(),
            [b.clone(), a.clone()],
            ReturnWhen::FirstException,
            None,
        )
        .await
        .unwrap();
        assert_eq!(names(&done), ["b"]);
        assert_eq!(names(&pending), ["a"]);
        assert_eq!(elapsed(&cx, start), Duration::ZERO);
        let _ = b.exception();
        let _ = wait(cx.rt(), [a, b], ReturnWhen::AllCompleted, None).await;
    }

    #[apply(runtimes)]
    fn test_wait_first_exception(kind: RuntimeKind) {
        port!(kind, wait_first_exception);
    }

    // CPython: test_tasks.BaseTaskTests.test_wait_first_exception_in_wait
    async fn wait_first_exception_in_wait<R: Runtime>(cx: Cx<R>) {
        let start = cx.rt().now();
        let a = sleeper(cx.rt(), "a", Duration::from_secs(10));
        let b = raiser(cx.rt(), "b", 10 * MS, "err");
        let (done, pending) = wait(
            cx.rt(),
            [b.clone(), a.clone()],
            ReturnWhen::FirstException,
            None,
        )
        .await
        .unwrap();
        assert_eq!(names(&done), ["b"]);
        assert_eq!(names(&pending), ["a"]);
        assert_eq!(elapsed(&cx, start), 10 * MS);
        let _ = b.exception();
        let _ = wait(cx.rt(), [a, b], ReturnWhen::AllCompleted, None).await;
    }

    #[apply(runtimes)]
    fn test_wait_first_exception_in_wait(kind: RuntimeKind) {
        port!(kind, wait_first_exception_in_wait);
    }

    // CPython: test_tasks.BaseTaskTests.test_wait_with_exception
    async fn wait_with_exception<R: Runtime>(cx: Cx<R>) {
        let start = cx.rt().now();
        let a = sleeper(cx.rt(), "a", 100 * MS);
        let b = raiser(cx.rt(), "b", 150 * MS, "really");
        for _ in 0..2 {
            let (done, pending) = wait(
                cx.rt(),
                [b.clone(), a.clone()],
                ReturnWhen::AllCompleted,
                None,
            )
            .await
            .unwrap();
            assert_eq!(done.len(), 2);
            assert!(pending.is_empty());
            let errors = done
                .iter()
                .filter(|t| matches!(t.exception(), Ok(Some(_))))
                .count();
            assert_eq!(errors, 1);
            assert_eq!(elapsed(&cx, start), 150 * MS);
        }
    }

    #[apply(runtimes)]
    fn test_wait_with_exception(kind: RuntimeKind) {
        port!(kind, wait_with_exception);
    }

    // CPython: test_tasks.BaseTaskTests.test_wait_with_timeout
    async fn wait_with_timeout<R: Runtime>(cx: Cx<R>) {
        let start = cx.rt().now();
        let a = sleeper(cx.rt(), "a", 100 * MS);
        let b = sleeper(cx.rt(), "b", 150 * MS);
        let (done, pending) = wait(
            cx.rt(),
            [b.clone(), a.clone()],
            ReturnWhen::AllCompleted,
            Some(110 * MS),
        )
        .await
        .unwrap();
        assert_eq!(names(&done), ["a"]);
        assert_eq!(names(&pending), ["b"]);
        assert_eq!(elapsed(&cx, start), 110 * MS);
        let _ = wait(cx.rt(), [a, b], ReturnWhen::AllCompleted, None).await;
    }

    #[apply(runtimes)]
    fn test_wait_with_timeout(kind: RuntimeKind) {
        port!(kind, wait_with_timeout);
    }

    // CPython: test_tasks.BaseTaskTests.test_wait_concurrent_complete
    async fn wait_concurrent_complete<R: Runtime>(cx: Cx<R>) {
        let start = cx.rt().now();
        let until = |name: &str, at: Duration| -> T {
            let r = cx.rt().clone();
            create_task_named(cx.rt(), name, async move {
                r.sleep_until(start + at).await;
                Ok(())
            })
        };
        let a = until("a", 100 * MS);
        let b = until("b", 150 * MS);
        // As in CPython, a and b start (and arm their timers) before wait arms its
        // timeout; a ends in the very instant the timeout passes, so it is done.
        cx.rt().sleep(MS).await;
        let (done, pending) = wait(
            cx.rt(),
            [b.clone(), a.clone()],
            ReturnWhen::AllCompleted,
            Some(99 * MS),
        )
        .await
        .unwrap();
        assert_eq!(names(&done), ["a"]);
        assert_eq!(names(&pending), ["b"]);
        assert_eq!(elapsed(&cx, start), 100 * MS);
        let _ = wait(cx.rt(), [a, b], ReturnWhen::AllCompleted, None).await;
    }

    #[apply(runtimes)]
    fn test_wait_concurrent_complete(kind: RuntimeKind) {
        port!(kind, wait_concurrent_complete);
    }

    // CPython: test_tasks.BaseTaskTests.test_wait_with_iterator_of_tasks
    async fn wait_with_iterator_of_tasks<R: Runtime>(cx: Cx<R>) {
        let start = cx.rt().now();
        let a = sleeper(cx.rt(), "a", 100 * MS);
        let b = sleeper(cx.rt(), "b", 150 * MS);
        let (done, pending) = wait(
            cx.rt(),
            std::iter::once(b).chain(std::iter::once(a)),
            ReturnWhen::AllCompleted,
            None,
        )
        .await
        .unwrap();
        assert_eq!(names(&done), ["a", "b"]);
        assert!(pending.is_empty());
        assert_eq!(elapsed(&cx, start), 150 * MS);
    }

    #[apply(runtimes)]
    fn test_wait_with_iterator_of_tasks(kind: RuntimeKind) {
        port!(kind, wait_with_iterator_of_tasks);
    }

    // CPython: test_tasks.BaseTaskTests.test_wait_generator
    async fn wait_generator<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let tasks = (0..10).map(move |i| create_task(&rt, async move { Ok::<_, Infallible>(i) }));
        let (done, pending) = wait(cx.rt(), tasks, ReturnWhen::AllCompleted, None)
            .await
            .unwrap();
        assert_eq!(done.len(), 10);
        assert_eq!(pending.len(), 0);
    }

    #[apply(runtimes)]
    fn test_wait_generator(kind: RuntimeKind) {
        port!(kind, wait_generator);
    }

    // CPython: test_tasks.BaseTaskTests.test_sleep
    async fn sleep<R: Runtime>(cx: Cx<R>) {
        let start = cx.rt().now();
        let rt = cx.rt().clone();
        let t = create_task(cx.rt(), async move {
            aio_sleep::sleep(&rt, 50 * MS).await;
            Ok::<_, Infallible>(aio_sleep::sleep_with(&rt, 50 * MS, "yeah").await)
        });
        assert_eq!(t.clone().await, Ok("yeah"));
        assert!(t.done());
        assert_eq!(t.result(), Ok("yeah"));
        assert_eq!(elapsed(&cx, start), 100 * MS);
    }

    #[apply(runtimes)]
    fn test_sleep(kind: RuntimeKind) {
        port!(kind, sleep);
    }

    // CPython: test_tasks.BaseTaskTests.test_task_cancel_waiter_future
    async fn task_cancel_waiter_future<R: Runtime>(cx: Cx<R>) {
        // `task._fut_waiter` is private; what it means is that the awaited future is
        // cancelled with the task.
        let fut = Future::<()>::new(cx.rt());
        let f = fut.clone();
        let t = task(cx.rt(), async move {
            let _ = f.wait().await;
        });
        cx.sleep(1).await;
        t.cancel(None);
        cx.sleep(1).await;
        assert!(t.await.unwrap_err().is_cancelled());
        assert!(fut.cancelled());
    }

    #[apply(runtimes)]
    fn test_task_cancel_waiter_future(kind: RuntimeKind) {
        port!(kind, task_cancel_waiter_future);
    }

    // CPython: test_tasks.BaseTaskTests.test_current_task_with_interleaving_tasks
    async fn current_task_with_interleaving_tasks<R: Runtime>(cx: Cx<R>) {
        let fut1 = Future::<bool>::new(cx.rt());
        let fut2 = Future::<bool>::new(cx.rt());
        let (f1, f2) = (fut1.clone(), fut2.clone());
        let task1 = create_task_named(cx.rt(), "task1", async move {
            assert_eq!(current_task().unwrap().name(), "task1");
            let _ = f1.wait().await;
            assert_eq!(current_task().unwrap().name(), "task1");
            f2.set_result(true).unwrap();
            Ok::<_, Infallible>(())
        });
        let (f1, f2) = (fut1.clone(), fut2.clone());
        let task2 = create_task_named(cx.rt(), "task2", async move {
            assert_eq!(current_task().unwrap().name(), "task2");
            f1.set_result(true).unwrap();
            let _ = f2.wait().await;
            assert_eq!(current_task().unwrap().name(), "task2");
            Ok::<_, Infallible>(())
        });
        let (done, _) = wait(cx.rt(), [task1, task2], ReturnWhen::AllCompleted, None)
            .await
            .unwrap();
        for t in done {
            assert_eq!(t.result(), Ok(()), "the asserts inside {} held", t.name());
        }
    }

    #[apply(runtimes)]
    fn test_current_task_with_interleaving_tasks(kind: RuntimeKind) {
        port!(kind, current_task_with_interleaving_tasks);
    }

    // CPython: test_tasks.BaseTaskTests.test_yield_wait_does_not_shield_cancel
    async fn yield_wait_does_not_shield_cancel<R: Runtime>(cx: Cx<R>) {
        let proof = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let waiter = Future::<()>::new(cx.rt());
        let (rt, p, w) = (cx.rt().clone(), proof.clone(), waiter.clone());
        let f = task(cx.rt(), async move {
            let p2 = p.clone();
            let inner = create_task(&rt, async move {
                let _ = w.wait().await;
                p2.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Ok::<_, Infallible>(())
            });
            let _ = wait(&rt, [inner], ReturnWhen::AllCompleted, None).await;
            p.fetch_add(100, std::sync::atomic::Ordering::SeqCst);
        });
        cx.sleep(1).await;
        f.cancel(None);
        assert!(f.await.unwrap_err().is_cancelled());
        waiter.set_result(()).unwrap();
        cx.sleep(1).await;
        // Cancelling outer made wait() return early and left inner running.
        assert_eq!(proof.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[apply(runtimes)]
    fn test_yield_wait_does_not_shield_cancel(kind: RuntimeKind) {
        port!(kind, yield_wait_does_not_shield_cancel);
    }

    // CPython: test_tasks.BaseTaskTests.test_shield_exception
    async fn shield_exception<R: Runtime>(cx: Cx<R>) {
        let inner = Future::<i32>::new(cx.rt());
        let outer = aio_shield::shield(&inner);
        cx.sleep(1).await;
        inner
            .set_exception(aio_futures::Exception::py(aio_rt::PyError::new(
                "RuntimeError",
                "expected",
            )))
            .unwrap();
        cx.sleep(1).await;
        match outer.await {
            Err(e) => assert_eq!(aio_harness::exc(&e), "RuntimeError: expected"),
            Ok(v) => panic!("the inner's RuntimeError, got {v}"),
        }
    }

    #[apply(runtimes)]
    fn test_shield_exception(kind: RuntimeKind) {
        port!(kind, shield_exception);
    }

    // CPython: test_tasks.BaseTaskTests.test_shield_shortcut
    async fn shield_shortcut<R: Runtime>(cx: Cx<R>) {
        let fut = Future::new(cx.rt());
        fut.set_result(42).unwrap();
        assert!(matches!(aio_shield::shield(&fut).await, Ok(42)));
    }

    #[apply(runtimes)]
    fn test_shield_shortcut(kind: RuntimeKind) {
        port!(kind, shield_shortcut);
    }

    // CPython: test_tasks.BaseTaskTests.test_cancel_inner_future
    async fn cancel_inner_future<R: Runtime>(cx: Cx<R>) {
        let f = Future::<()>::new(cx.rt());
        let inner = f.clone();
        // `await f` lets the future's CancelledError out of the coroutine: the task ends
        // cancelled.
        let t = create_task(cx.rt(), async move {
            inner.wait().await?;
            Ok::<_, aio_futures::FutureError>(12)
        });
        cx.sleep(1).await;
        f.cancel();
        assert!(t.clone().await.unwrap_err().is_cancelled());
        assert!(f.cancelled());
        assert!(t.cancelled());
    }

    #[apply(runtimes)]
    fn test_cancel_inner_future(kind: RuntimeKind) {
        port!(kind, cancel_inner_future);
    }
}

mod gather_ports {
    //! `GatherTestsBase` (run by CPython on futures and on coroutines) and its two
    //! subclasses. `aio_gather::gather` takes tasks; each future CPython gathers is
    //! awaited by a task (CPython's `CoroutineGatherTests` shape), and the gather runs as a
    //! task so that its `done()` can be read, as `fut.done()` is.
    use super::*;
    use aio_futures::FutureError;
    use aio_gather::gather;

    type Child = aio_tasks::Task<i32, FutureError>;

    fn child<R: Runtime>(rt: &R, fut: &Future<i32>) -> Child {
        let fut = fut.clone();
        create_task(rt, async move { fut.wait().await })
    }

    fn futures<R: Runtime>(rt: &R, n: usize) -> Vec<Future<i32>> {
        (0..n).map(|_| Future::new(rt)).collect()
    }

    fn runtime_error(message: &str) -> aio_futures::Exception {
        aio_futures::Exception::py(aio_rt::PyError::new("RuntimeError", message))
    }

    fn zero_division() -> aio_futures::Exception {
        aio_futures::Exception::py(aio_rt::PyError::new("ZeroDivisionError", ""))
    }

    /// CPython's `_check_success(**kwargs)`.
    async fn check_success<R: Runtime>(cx: &Cx<R>, return_exceptions: bool) {
        let f = futures(cx.rt(), 3);
        let children: Vec<Child> = f.iter().map(|f| child(cx.rt(), f)).collect();
        let rt = cx.rt().clone();
        let g = task(cx.rt(), async move {
            if return_exceptions {
                gather(&rt, children)
                    .return_exceptions()
                    .await
                    .into_iter()
                    .map(|r| r.unwrap())
                    .collect::<Vec<_>>()
            } else {
                gather(&rt, children).await.unwrap()
            }
        });
        f[1].set_result(1).unwrap();
        f[0].set_result(2).unwrap();
        cx.sleep(1).await;
        assert!(!g.done());
        f[2].set_result(3).unwrap();
        cx.sleep(1).await;
        assert!(g.done());
        assert_eq!(g.result(), Ok(vec![2, 1, 3]));
    }

    // CPython: test_tasks.GatherTestsBase.test_success
    async fn success<R: Runtime>(cx: Cx<R>) {
        check_success(&cx, false).await;
        check_success(&cx, false).await;
    }

    #[apply(runtimes)]
    fn test_success(kind: RuntimeKind) {
        port!(kind, success);
    }

    // CPython: test_tasks.GatherTestsBase.test_result_exception_success
    async fn result_exception_success<R: Runtime>(cx: Cx<R>) {
        check_success(&cx, true).await;
    }

    #[apply(runtimes)]
    fn test_result_exception_success(kind: RuntimeKind) {
        port!(kind, result_exception_success);
    }

    // CPython: test_tasks.GatherTestsBase.test_one_exception
    async fn one_exception<R: Runtime>(cx: Cx<R>) {
        let f = futures(cx.rt(), 5);
        let children: Vec<Child> = f.iter().map(|f| child(cx.rt(), f)).collect();
        let rt = cx.rt().clone();
        let g = task(cx.rt(), async move { gather(&rt, children).await });
        f[0].set_result(1).unwrap();
        f[1].set_exception(zero_division()).unwrap();
        cx.sleep(1).await;
        assert!(g.done());
        match g.result() {
            Ok(Err(TaskError::Failed(e))) => assert_eq!(e.py_type(), "ZeroDivisionError"),
            other => panic!("the gather raises b's ZeroDivisionError, got {other:?}"),
        }
        // Does nothing.
        f[2].set_result(3).unwrap();
        f[3].cancel();
        f[4].set_exception(runtime_error("")).unwrap();
        let _ = f[4].exception();
        cx.sleep(1).await;
    }

    #[apply(runtimes)]
    fn test_one_exception(kind: RuntimeKind) {
        port!(kind, one_exception);
    }

    // CPython: test_tasks.GatherTestsBase.test_return_exceptions
    async fn return_exceptions<R: Runtime>(cx: Cx<R>) {
        let f = futures(cx.rt(), 4);
        let children: Vec<Child> = f.iter().map(|f| child(cx.rt(), f)).collect();
        let rt = cx.rt().clone();
        let g = task(cx.rt(), async move {
            gather(&rt, children)
                .return_exceptions()
                .await
                .into_iter()
                .map(|r| match r {
                    Ok(v) => v.to_string(),
                    Err(e) => aio_harness::exc(&e),
                })
                .collect::<Vec<_>>()
        });
        f[1].set_result(1).unwrap();
        f[2].set_exception(zero_division()).unwrap();
        f[0].set_result(3).unwrap();
        cx.sleep(1).await;
        assert!(!g.done());
        f[3].set_exception(runtime_error("")).unwrap();
        cx.sleep(1).await;
        assert!(g.done());
        assert_eq!(
            g.result().unwrap(),
            ["3", "1", "ZeroDivisionError", "RuntimeError"]
        );
    }

    #[apply(runtimes)]
    fn test_return_exceptions(kind: RuntimeKind) {
        port!(kind, return_exceptions);
    }

    // CPython: test_tasks.FutureGatherTests.test_one_cancellation
    async fn one_cancellation<R: Runtime>(cx: Cx<R>) {
        let f = futures(cx.rt(), 5);
        let children: Vec<Child> = f.iter().map(|f| child(cx.rt(), f)).collect();
        let rt = cx.rt().clone();
        let g = task(cx.rt(), async move { gather(&rt, children).await });
        f[0].set_result(1).unwrap();
        f[1].cancel();
        cx.sleep(1).await;
        assert!(g.done());
        assert!(!g.cancelled());
        // isinstance(fut.exception(), CancelledError): the class of the gather's error.
        match g.result() {
            Ok(Err(e)) => assert_eq!(e.py_type(), "CancelledError"),
            other => panic!("the gather's exception is a CancelledError, got {other:?}"),
        }
        // Does nothing.
        f[2].set_result(3).unwrap();
        f[3].cancel();
        f[4].set_exception(runtime_error("")).unwrap();
        let _ = f[4].exception();
        cx.sleep(1).await;
    }

    #[apply(runtimes)]
    fn test_one_cancellation(kind: RuntimeKind) {
        port!(kind, one_cancellation);
    }

    // CPython: test_tasks.FutureGatherTests.test_result_exception_one_cancellation
    async fn result_exception_one_cancellation<R: Runtime>(cx: Cx<R>) {
        let f = futures(cx.rt(), 6);
        let children: Vec<Child> = f.iter().map(|f| child(cx.rt(), f)).collect();
        let rt = cx.rt().clone();
        let g = task(cx.rt(), async move {
            gather(&rt, children)
                .return_exceptions()
                .await
                .into_iter()
                .map(|r| match r {
                    Ok(v) => v.to_string(),
                    Err(e) => aio_harness::exc(&e),
                })
                .collect::<Vec<_>>()
        });
        f[0].set_result(1).unwrap();
        f[1].set_exception(zero_division()).unwrap();
        f[2].cancel();
        cx.sleep(1).await;
        assert!(!g.done());
        f[3].set_result(3).unwrap();
        f[4].cancel();
        f[5].set_exception(runtime_error("")).unwrap();
        assert_eq!(
            g.await.unwrap(),
            [
                "1",
                "ZeroDivisionError",
                "CancelledError",
                "3",
                "CancelledError",
                "RuntimeError"
            ]
        );
    }

    #[apply(runtimes)]
    fn test_result_exception_one_cancellation(kind: RuntimeKind) {
        port!(kind, result_exception_one_cancellation);
    }

    // CPython: test_tasks.CoroutineGatherTests.test_duplicate_coroutines
    async fn duplicate_coroutines<R: Runtime>(cx: Cx<R>) {
        let c = create_task(cx.rt(), async { Ok::<_, Infallible>("abc") });
        let d = create_task(cx.rt(), async { Ok::<_, Infallible>("def") });
        let out = gather(cx.rt(), [c.clone(), c.clone(), d, c]).await;
        assert_eq!(out, Ok(vec!["abc", "abc", "def", "abc"]));
    }

    #[apply(runtimes)]
    fn test_duplicate_coroutines(kind: RuntimeKind) {
        port!(kind, duplicate_coroutines);
    }

    // CPython: test_tasks.CoroutineGatherTests.test_cancellation_broadcast
    async fn cancellation_broadcast<R: Runtime>(cx: Cx<R>) {
        let proof = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let waiter = Future::<()>::new(cx.rt());
        let inner = |p: &std::sync::Arc<std::sync::atomic::AtomicUsize>| {
            let (w, p) = (waiter.clone(), p.clone());
            create_task(cx.rt(), async move {
                w.wait().await?;
                p.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Ok::<_, FutureError>(())
            })
        };
        let child1 = inner(&proof);
        let child2 = inner(&proof);
        let (rt, c1, c2, p) = (
            cx.rt().clone(),
            child1.clone(),
            child2.clone(),
            proof.clone(),
        );
        let f = task(cx.rt(), async move {
            let _ = gather(&rt, [c1, c2]).await;
            p.fetch_add(100, std::sync::atomic::Ordering::SeqCst);
        });
        cx.sleep(1).await;
        assert!(f.cancel(None));
        assert!(f.await.unwrap_err().is_cancelled());
        cx.sleep(1).await;
        assert!(waiter.cancelled());
        assert!(child1.cancelled());
        assert!(child2.cancelled());
        assert_eq!(proof.load(std::sync::atomic::Ordering::SeqCst), 0);
    }

    #[apply(runtimes)]
    fn test_cancellation_broadcast(kind: RuntimeKind) {
        port!(kind, cancellation_broadcast);
    }

    // CPython: test_tasks.CoroutineGatherTests.test_exception_marking
    async fn exception_marking<R: Runtime>(cx: Cx<R>) {
        let a = Future::<()>::new(cx.rt());
        let b = Future::<()>::new(cx.rt());
        let inner = |f: &Future<()>| {
            let f = f.clone();
            create_task(cx.rt(), async move {
                let _ = f.wait().await;
                Err::<(), _>(aio_rt::PyError::new(
                    "RuntimeError",
                    "should not be ignored",
                ))
            })
        };
        let (ia, ib) = (inner(&a), inner(&b));
        let rt = cx.rt().clone();
        let f = create_task(cx.rt(), async move {
            gather(&rt, [ia, ib]).await.map_err(|e| match e {
                TaskError::Failed(e) => e,
                other => panic!("{other:?}"),
            })
        });
        cx.sleep(1).await;
        a.set_result(()).unwrap();
        cx.sleep(1).await;
        b.set_result(()).unwrap();
        cx.sleep(1).await;
        match f.exception() {
            Ok(Some(TaskError::Failed(e))) => assert_eq!(e.py_type(), "RuntimeError"),
            other => panic!("RuntimeError, got {other:?}"),
        }
    }

    #[apply(runtimes)]
    fn test_exception_marking(kind: RuntimeKind) {
        port!(kind, exception_marking);
    }
}

mod as_completed_ports {
    //! `BaseTaskTests`' tests of `asyncio.as_completed`. Ours is a stream of outcomes
    //! (CPython's `async for f in as_completed(...)`: `await f` is the item); CPython's
    //! plain-iterator form (`for f in as_completed(...)`) has no separate Rust API.
    use super::*;
    use aio_wait::{WaitForError, as_completed};
    use futures_lite::StreamExt;

    const MS: Duration = Duration::from_millis(1);

    fn sleeper<R: Runtime>(
        rt: &R,
        delay: Duration,
        value: &'static str,
    ) -> aio_tasks::Task<&'static str, Infallible> {
        let r = rt.clone();
        create_task(rt, async move {
            r.sleep(delay).await;
            Ok(value)
        })
    }

    // CPython: test_tasks.BaseTaskTests.test_as_completed
    async fn as_completed_<R: Runtime>(cx: Cx<R>) {
        let start = cx.rt().now();
        let a = sleeper(cx.rt(), 10 * MS, "a");
        let b = sleeper(cx.rt(), 10 * MS, "b");
        let c = sleeper(cx.rt(), 150 * MS, "c");
        let res: Vec<&str> = as_completed(cx.rt(), [b, c, a], None)
            .map(|r| r.unwrap())
            .collect()
            .await;
        assert_eq!(cx.rt().now().saturating_duration_since(start), 150 * MS);
        assert!(res[..2].contains(&"a"));
        assert!(res[..2].contains(&"b"));
        assert_eq!(res[2], "c");
    }

    #[apply(runtimes)]
    fn test_as_completed(kind: RuntimeKind) {
        port!(kind, as_completed_);
    }

    // CPython: test_tasks.BaseTaskTests.test_as_completed_with_timeout
    async fn as_completed_with_timeout<R: Runtime>(cx: Cx<R>) {
        let start = cx.rt().now();
        let a = sleeper(cx.rt(), 100 * MS, "a");
        let b = sleeper(cx.rt(), 150 * MS, "b");
        let mut values = Vec::new();
        let mut stream = as_completed(cx.rt(), [a.clone(), b.clone()], Some(120 * MS));
        while let Some(item) = stream.next().await {
            match item {
                Ok(v) => {
                    values.push(format!("1 {v}"));
                    // loop.advance_time(0.02): time passes while the consumer works.
                    cx.rt().sleep(20 * MS).await;
                }
                Err(WaitForError::Timeout(_)) => values.push("2 TimeoutError".to_owned()),
                Err(other) => panic!("{other:?}"),
            }
        }
        assert_eq!(values, ["1 a", "2 TimeoutError"]);
        assert_eq!(cx.rt().now().saturating_duration_since(start), 120 * MS);
        let _ = aio_wait::wait(cx.rt(), [a, b], aio_wait::ReturnWhen::AllCompleted, None).await;
    }

    #[apply(runtimes)]
    fn test_as_completed_with_timeout(kind: RuntimeKind) {
        port!(kind, as_completed_with_timeout);
    }

    // CPython: test_tasks.BaseTaskTests.test_as_completed_duplicate_coroutines
    async fn as_completed_duplicate_coroutines<R: Runtime>(cx: Cx<R>) {
        let c = create_task(cx.rt(), async { Ok::<_, Infallible>("ham") });
        let spam = create_task(cx.rt(), async { Ok::<_, Infallible>("spam") });
        let mut result: Vec<&str> = as_completed(cx.rt(), [c.clone(), c, spam], None)
            .map(|r| r.unwrap())
            .collect()
            .await;
        assert_eq!(result.len(), 2);
        result.sort();
        assert_eq!(result, ["ham", "spam"]);
    }

    #[apply(runtimes)]
    fn test_as_completed_duplicate_coroutines(kind: RuntimeKind) {
        port!(kind, as_completed_duplicate_coroutines);
    }

    // CPython: test_tasks.BaseTaskTests.test_as_completed_with_unused_timeout
    async fn as_completed_with_unused_timeout<R: Runtime>(cx: Cx<R>) {
        let a = sleeper(cx.rt(), 10 * MS, "a");
        let mut stream = as_completed(cx.rt(), [a], Some(Duration::from_secs(1)));
        while let Some(v) = stream.next().await {
            assert_eq!(v.unwrap(), "a");
        }
    }

    #[apply(runtimes)]
    fn test_as_completed_with_unused_timeout(kind: RuntimeKind) {
        port!(kind, as_completed_with_unused_timeout);
    }

    // CPython: test_tasks.BaseTaskTests.test_as_completed_resume_iterator
    async fn as_completed_resume_iterator<R: Runtime>(cx: Cx<R>) {
        let tasks: Vec<_> = (0..4)
            .map(|i| create_task(cx.rt(), async move { Ok::<_, Infallible>(i) }))
            .collect();
        let mut iterator = as_completed(cx.rt(), tasks, None);
        let mut collected = Vec::new();
        while let Some(v) = iterator.next().await {
            collected.push(v.unwrap());
            if collected.len() == 2 {
                break;
            }
        }
        assert_eq!(collected.len(), 2);
        // Resume the same iterator.
        while let Some(v) = iterator.next().await {
            collected.push(v.unwrap());
        }
        collected.sort();
        assert_eq!(collected, [0, 1, 2, 3]);
    }

    #[apply(runtimes)]
    fn test_as_completed_resume_iterator(kind: RuntimeKind) {
        port!(kind, as_completed_resume_iterator);
    }

    // CPython: test_tasks.BaseTaskTests.test_shield_effect
    async fn shield_effect<R: Runtime>(cx: Cx<R>) {
        let proof = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let waiter = Future::<()>::new(cx.rt());
        let (rt, p, w) = (cx.rt().clone(), proof.clone(), waiter.clone());
        let f = task(cx.rt(), async move {
            let p2 = p.clone();
            // await asyncio.shield(inner())
            let (_inner, shielded) = aio_shield::shield_future(&rt, async move {
                let _ = w.wait().await;
                p2.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                Ok::<_, Infallible>(())
            });
            let _ = shielded.await;
            p.fetch_add(100, std::sync::atomic::Ordering::SeqCst);
        });
        cx.sleep(1).await;
        f.cancel(None);
        assert!(f.await.unwrap_err().is_cancelled());
        waiter.set_result(()).unwrap();
        cx.sleep(1).await;
        assert_eq!(proof.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[apply(runtimes)]
    fn test_shield_effect(kind: RuntimeKind) {
        port!(kind, shield_effect);
    }

    // CPython: test_tasks.BaseTaskTests.test_shield_gather
    async fn shield_gather<R: Runtime>(cx: Cx<R>) {
        let child1 = Future::<i32>::new(cx.rt());
        let child2 = Future::<i32>::new(cx.rt());
        let waits: Vec<_> = [&child1, &child2]
            .into_iter()
            .map(|f| {
                let f = f.clone();
                create_task(cx.rt(), async move { f.wait().await })
            })
            .collect();
        // parent = gather(child1, child2), a task here so that it can be shielded.
        let rt = cx.rt().clone();
        let parent = task(cx.rt(), async move { aio_gather::gather(&rt, waits).await });
        let outer = aio_shield::shield(&parent);
        cx.sleep(1).await;
        outer.cancel(None);
        cx.sleep(1).await;
        assert!(outer.cancelled());
        child1.set_result(1).unwrap();
        child2.set_result(2).unwrap();
        cx.sleep(1).await;
        assert!(matches!(parent.result(), Ok(Ok(v)) if v == [1, 2]));
    }

    #[apply(runtimes)]
    fn test_shield_gather(kind: RuntimeKind) {
        port!(kind, shield_gather);
    }

    // CPython: test_tasks.BaseTaskTests.test_gather_shield
    async fn gather_shield<R: Runtime>(cx: Cx<R>) {
        let child1 = Future::<i32>::new(cx.rt());
        let child2 = Future::<i32>::new(cx.rt());
        // inner = shield(child): `gather` takes tasks, so each shield is awaited by one
        // (asyncio's gather wraps what it is given with ensure_future too).
        let shielded = |child: &Future<i32>| {
            let outer = aio_shield::shield(child);
            task(cx.rt(), async move {
                let _ = outer.await;
            })
        };
        let inner1 = shielded(&child1);
        let inner2 = shielded(&child2);
        let mut parent = aio_gather::gather(cx.rt(), [inner1.clone(), inner2.clone()]);
        cx.sleep(1).await;
        assert!(parent.cancel(None));
        // This should cancel inner1 and inner2 but not child1 and child2.
        cx.sleep(1).await;
        assert!(matches!(parent.await, Err(TaskError::Cancelled(_))));
        assert!(inner1.cancelled());
        assert!(inner2.cancelled());
        assert!(!child1.cancelled());
        assert!(!child2.cancelled());
        child1.set_result(1).unwrap();
        child2.set_result(2).unwrap();
        cx.sleep(1).await;
    }

    #[apply(runtimes)]
    fn test_gather_shield(kind: RuntimeKind) {
        port!(kind, gather_shield);
    }

    // CPython: test_tasks.BaseTaskTests.test_cancel_gather_1
    async fn cancel_gather_1<R: Runtime>(cx: Cx<R>) {
        let fut = Future::<i32>::new(cx.rt());
        let f = fut.clone();
        // The indirection fut -> child_coro: the gather is not done when fut is.
        let child = task(cx.rt(), async move { f.wait().await.unwrap() });
        let mut gather_task = aio_gather::gather(cx.rt(), [child.clone()]);
        cx.sleep(1).await;
        fut.set_result(42).unwrap();
        // The cancelling callback runs once the child has finished on 42, before the
        // gather has taken its outcome (CPython: issue #26923).
        cx.sleep(1).await;
        assert!(child.done());
        let cancel_result = gather_task.cancel(None);
        assert!(
            !cancel_result,
            "a gather whose children are all done refuses"
        );
        // Not cancelled: its result.
        assert_eq!(gather_task.await, Ok(vec![42]));
    }

    #[apply(runtimes)]
    fn test_cancel_gather_1(kind: RuntimeKind) {
        port!(kind, cancel_gather_1);
    }

    // CPython: test_tasks.BaseTaskTests.test_cancel_gather_2
    async fn cancel_gather_2<R: Runtime>(cx: Cx<R>) {
        // CPython's cases (), (None,), ('my message',); cancel(5) does not compile.
        for message in [None, Some("my message")] {
            let rt = cx.rt().clone();
            let qwe = task(cx.rt(), async move {
                let mut time = Duration::ZERO;
                loop {
                    time += 50 * MS;
                    let r = rt.clone();
                    let _ = aio_gather::gather_futures(
                        &rt,
                        [async move {
                            r.sleep(50 * MS).await;
                            Ok::<_, Infallible>(())
                        }],
                    )
                    .return_exceptions()
                    .await;
                    if time > Duration::from_secs(1) {
                        return;
                    }
                }
            });
            cx.rt().sleep(200 * MS).await;
            qwe.cancel(message);
            // gather() lets the CancelledError of the inner task reach its caller.
            assert_eq!(cancel_message(qwe.await).as_deref(), message);
        }
    }

    #[apply(runtimes)]
    fn test_cancel_gather_2(kind: RuntimeKind) {
        port!(kind, cancel_gather_2);
    }
}

mod run_coroutine_threadsafe_tests {
    //! `RunCoroutineThreadsafeTests`: the loop is handed to another thread as an
    //! `aio_rt::Feeder`; `loop.run_in_executor(None, target)` is `to_thread`, and
    //! `run_coroutine_threadsafe(coro, loop)` wraps the coroutine in a Task as asyncio's
    //! `ensure_future` does (`create_task` run by the Feeder), so the Task's outcome is what
    //! `future.result()` gives the thread.
    use super::*;
    use aio_rt::{Feeder, PyError};

    /// CPython's `add`: waits 0.05 second and returns a + b, or fails, or cancels itself.
    async fn add<R: Runtime>(
        rt: R,
        a: i32,
        b: i32,
        fail: bool,
        cancel: bool,
    ) -> Result<i32, PyError> {
        rt.sleep(Duration::from_millis(50)).await;
        if fail {
            return Err(PyError::new("RuntimeError", "Fail!"));
        }
        if cancel {
            current_task().unwrap().cancel(None);
            rt.sleep(Duration::ZERO).await;
        }
        Ok(a + b)
    }

    /// CPython's `target`: runs `add(1, 2)` in the loop from this thread and blocks on it.
    fn target<R: Runtime>(
        feeder: Feeder<R>,
        fail: bool,
        cancel: bool,
    ) -> Result<i32, TaskError<PyError>> {
        let rt = feeder.rt().clone();
        let future = feeder.run_coroutine_threadsafe(async move {
            create_task(&rt.clone(), add(rt, 1, 2, fail, cancel)).await
        });
        future.result().expect("the runtime task ran to its end")
    }

    // CPython: test_tasks.RunCoroutineThreadsafeTests.test_run_coroutine_threadsafe
    async fn run_coroutine_threadsafe<R: Runtime>(cx: Cx<R>) {
        let feeder = Feeder::new(cx.rt());
        let result = aio_sleep::to_thread(cx.rt(), move || target(feeder, false, false)).await;
        assert_eq!(result.unwrap(), Ok(3));
    }

    #[apply(runtimes)]
    fn test_run_coroutine_threadsafe(kind: RuntimeKind) {
        port!(kind, run_coroutine_threadsafe);
    }

    // CPython: test_tasks.RunCoroutineThreadsafeTests.test_run_coroutine_threadsafe_with_exception
    async fn run_coroutine_threadsafe_with_exception<R: Runtime>(cx: Cx<R>) {
        let feeder = Feeder::new(cx.rt());
        let result = aio_sleep::to_thread(cx.rt(), move || target(feeder, true, false)).await;
        match result.unwrap() {
            Err(TaskError::Failed(e)) => {
                assert_eq!(e.py_type(), "RuntimeError");
                assert_eq!(e.py_str(), "Fail!");
            }
            other => panic!("expected RuntimeError('Fail!'), got {other:?}"),
        }
    }

    #[apply(runtimes)]
    fn test_run_coroutine_threadsafe_with_exception(kind: RuntimeKind) {
        port!(kind, run_coroutine_threadsafe_with_exception);
    }

    // CPython: test_tasks.RunCoroutineThreadsafeTests.test_run_coroutine_threadsafe_task_cancelled
    async fn run_coroutine_threadsafe_task_cancelled<R: Runtime>(cx: Cx<R>) {
        let feeder = Feeder::new(cx.rt());
        let result = aio_sleep::to_thread(cx.rt(), move || target(feeder, false, true)).await;
        assert!(
            matches!(result.unwrap(), Err(TaskError::Cancelled(_))),
            "expected CancelledError"
        );
    }

    #[apply(runtimes)]
    fn test_run_coroutine_threadsafe_task_cancelled(kind: RuntimeKind) {
        port!(kind, run_coroutine_threadsafe_task_cancelled);
    }
}
