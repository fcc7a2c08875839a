//! CPython's `Lib/test/test_asyncio/test_timeouts.py`, ported: one module per CPython
//! class, one test per ported method, each on all five runtimes in virtual time. The
//! table `harness/conformance/timeouts.txt` classifies every method (`aio conformance`).
//!
//! `async with asyncio.timeout(d) as cm: body` is `cm = timeout(rt, d);
//! cm.clone().run(body).await`. An `except CancelledError:` around an await inside the
//! body is an [`OnCancel`] guard: in Rust the cancelled body is dropped.

use crate::common;

use std::time::Duration;

use aio_harness::{Cx, RuntimeKind};
use aio_rt::{PyException, Runtime};
use aio_tasks::{catch_cancel, current_task};
use aio_wait::{ScopeError, TimeoutStateError, timeout, timeout_at};
use common::{OnCancel, flag, port, raised, runtimes, task};
use rstest::rstest;
use rstest_reuse::apply;

const MS: Duration = Duration::from_millis(1);

mod timeout_tests {
    use super::*;

    // CPython: test_timeouts.TimeoutTests.test_timeout_basic
    async fn timeout_basic<R: Runtime>(cx: Cx<R>) {
        let cm = timeout(cx.rt(), Some(10 * MS));
        let out = cm.clone().run(cx.rt().sleep(Duration::from_secs(10))).await;
        assert!(out.is_err(), "TimeoutError");
        assert!(cm.expired());
    }

    #[apply(runtimes)]
    fn test_timeout_basic(kind: RuntimeKind) {
        port!(kind, timeout_basic);
    }

    // CPython: test_timeouts.TimeoutTests.test_timeout_at_basic
    async fn timeout_at_basic<R: Runtime>(cx: Cx<R>) {
        let deadline = cx.rt().now() + 10 * MS;
        let cm = timeout_at(cx.rt(), Some(deadline));
        let out = cm.clone().run(cx.rt().sleep(Duration::from_secs(10))).await;
        assert!(out.is_err(), "TimeoutError");
        assert!(cm.expired());
        assert_eq!(cm.when(), Some(deadline));
    }

    #[apply(runtimes)]
    fn test_timeout_at_basic(kind: RuntimeKind) {
        port!(kind, timeout_at_basic);
    }

    // CPython: test_timeouts.TimeoutTests.test_nested_timeouts
    async fn nested_timeouts<R: Runtime>(cx: Cx<R>) {
        let deadline = cx.rt().now() + 10 * MS;
        let cancelled = flag();
        let cm1 = timeout_at(cx.rt(), Some(deadline));
        let cm2 = timeout_at(cx.rt(), Some(deadline));
        let (rt, inner_cm, c) = (cx.rt().clone(), cm2.clone(), cancelled.clone());
        let out = cm1
            .clone()
            .run(async move {
                let guard = OnCancel::new(&c);
                let inner = inner_cm.run(rt.sleep(Duration::from_secs(10))).await;
                guard.disarm();
                inner
            })
            .await;
        // Only the outermost scope raises TimeoutError; the inner body is cancelled.
        assert!(out.is_err(), "the outer scope raises TimeoutError");
        assert!(raised(&cancelled));
        assert!(cm1.expired());
        assert!(cm2.expired());
    }

    #[apply(runtimes)]
    fn test_nested_timeouts(kind: RuntimeKind) {
        port!(kind, nested_timeouts);
    }

    // The next two tests pass deadlines during blocking code (`time.sleep`), which moves
    // no virtual clock: the scopes are entered after the same amount of virtual time has
    // gone by, with the deadlines CPython's scopes get (relative to `t0`), so those that
    // passed during the blocking code are already past when the body first awaits.

    // CPython: test_timeouts.TimeoutTests.test_nested_timeouts_concurrent
    async fn nested_timeouts_concurrent<R: Runtime>(cx: Cx<R>) {
        let t0 = cx.rt().now();
        // Pretend we crunch some numbers (time.sleep(0.01)).
        cx.rt().sleep(10 * MS).await;
        let rt = cx.rt().clone();
        let inner = timeout_at(cx.rt(), Some(t0 + 100 * MS));
        let out = timeout_at(cx.rt(), Some(t0 + 2 * MS))
            .run(async move { inner.run(rt.sleep(Duration::from_secs(1))).await })
            .await;
        assert!(out.is_err(), "the outer scope raises TimeoutError");
    }

    #[apply(runtimes)]
    fn test_nested_timeouts_concurrent(kind: RuntimeKind) {
        port!(kind, nested_timeouts_concurrent);
    }

    // CPython: test_timeouts.TimeoutTests.test_nested_timeouts_loop_busy
    async fn nested_timeouts_loop_busy<R: Runtime>(cx: Cx<R>) {
        let t0 = cx.rt().now();
        // Pretend the loop is busy for a while (time.sleep(0.1)).
        cx.rt().sleep(100 * MS).await;
        let rt = cx.rt().clone();
        let outer = timeout_at(cx.rt(), Some(t0 + 100 * MS)); // (1)
        let inner = timeout_at(cx.rt(), Some(t0 + 10 * MS)); // (2)
        let out = outer
            .run(async move {
                let _ = inner.run(rt.sleep(Duration::from_secs(1))).await;
                // This sleep should be interrupted by (1).
                rt.sleep(Duration::from_secs(10)).await;
            })
            .await;
        assert!(out.is_err(), "the outer scope raises TimeoutError");
        let t1 = cx.rt().now();
        assert!(t0 <= t1 && t1 <= t0 + Duration::from_secs(1));
    }

    #[apply(runtimes)]
    fn test_nested_timeouts_loop_busy(kind: RuntimeKind) {
        port!(kind, nested_timeouts_loop_busy);
    }

    /// `assertRaisesRegex(RuntimeError, pattern)` on a scope's refusal.
    fn refused(e: &impl PyException, pattern: &str) {
        assert_eq!(e.py_type(), "RuntimeError");
        assert!(
            e.py_str().contains(pattern),
            "{:?} lacks {pattern:?}",
            e.py_str()
        );
    }

    // CPython: test_timeouts.TimeoutTests.test_timeout_already_entered
    async fn timeout_already_entered<R: Runtime>(cx: Cx<R>) {
        let cm = timeout(cx.rt(), Some(10 * MS));
        let again = cm.clone();
        let out = cm
            .run(async move {
                match again.run(async {}).await {
                    Err(e @ ScopeError::State(TimeoutStateError::AlreadyEntered)) => {
                        refused(&e, "has already been entered")
                    }
                    other => panic!("expected RuntimeError, got {other:?}"),
                }
            })
            .await;
        assert!(out.is_ok());
    }

    #[apply(runtimes)]
    fn test_timeout_already_entered(kind: RuntimeKind) {
        port!(kind, timeout_already_entered);
    }

    // CPython: test_timeouts.TimeoutTests.test_timeout_double_enter
    async fn timeout_double_enter<R: Runtime>(cx: Cx<R>) {
        let cm = timeout(cx.rt(), Some(10 * MS));
        assert!(cm.clone().run(async {}).await.is_ok());
        match cm.run(async {}).await {
            Err(e @ ScopeError::State(TimeoutStateError::AlreadyEntered)) => {
                refused(&e, "has already been entered")
            }
            other => panic!("expected RuntimeError, got {other:?}"),
        }
    }

    #[apply(runtimes)]
    fn test_timeout_double_enter(kind: RuntimeKind) {
        port!(kind, timeout_double_enter);
    }

    // CPython: test_timeouts.TimeoutTests.test_timeout_finished
    async fn timeout_finished<R: Runtime>(cx: Cx<R>) {
        let cm = timeout(cx.rt(), Some(10 * MS));
        assert!(cm.clone().run(async {}).await.is_ok());
        let e = cm.reschedule(Some(cx.rt().now() + 20 * MS)).unwrap_err();
        refused(&e, "finished");
    }

    #[apply(runtimes)]
    fn test_timeout_finished(kind: RuntimeKind) {
        port!(kind, timeout_finished);
    }

    // CPython: test_timeouts.TimeoutTests.test_timeout_expired
    async fn timeout_expired<R: Runtime>(cx: Cx<R>) {
        let cm = timeout(cx.rt(), Some(10 * MS));
        let out = cm.clone().run(cx.rt().sleep(Duration::from_secs(1))).await;
        assert!(matches!(out, Err(ScopeError::Timeout(_))), "TimeoutError");
        let e = cm.reschedule(Some(cx.rt().now() + 20 * MS)).unwrap_err();
        refused(&e, "expired");
    }

    #[apply(runtimes)]
    fn test_timeout_expired(kind: RuntimeKind) {
        port!(kind, timeout_expired);
    }

    // CPython: test_timeouts.TimeoutTests.test_timeout_not_entered
    async fn timeout_not_entered<R: Runtime>(cx: Cx<R>) {
        let cm = timeout(cx.rt(), Some(10 * MS));
        let e = cm.reschedule(Some(cx.rt().now() + 20 * MS)).unwrap_err();
        refused(&e, "has not been entered");
    }

    #[apply(runtimes)]
    fn test_timeout_not_entered(kind: RuntimeKind) {
        port!(kind, timeout_not_entered);
    }

    /// The `TimeoutError` of a scope, raised from a `CancelledError` (`__cause__`).
    fn timeout_from_cancelled<T: std::fmt::Debug>(out: &Result<T, ScopeError>) {
        match out {
            Err(ScopeError::Timeout(e)) => {
                let cause = e.py_cause().expect("raised from the CancelledError");
                assert_eq!(cause.py_type(), "CancelledError");
                assert!(cause.py_cause().is_none());
            }
            other => panic!("expected TimeoutError, got {other:?}"),
        }
    }

    // CPython: test_timeouts.TimeoutTests.test_nested_timeout_in_finally
    async fn nested_timeout_in_finally<R: Runtime>(cx: Cx<R>) {
        let (rt, start) = (cx.rt().clone(), cx.rt().now());
        let out1 = timeout(cx.rt(), Some(10 * MS))
            .run_catching(async move {
                let slept = catch_cancel(rt.sleep(Duration::from_secs(1))).await;
                // finally: a scope of its own, which expires in turn
                let out2 = timeout(&rt, Some(10 * MS))
                    .run(rt.sleep(Duration::from_secs(10)))
                    .await;
                timeout_from_cancelled(&out2);
                slept // the `finally` re-raises the CancelledError
            })
            .await;
        timeout_from_cancelled(&out1);
        // The second scope's deadline passed too: 20 ms in all.
        assert_eq!(cx.rt().now(), start + 20 * MS);
    }

    #[apply(runtimes)]
    fn test_nested_timeout_in_finally(kind: RuntimeKind) {
        port!(kind, nested_timeout_in_finally);
    }

    // CPython: test_timeouts.TimeoutTests.test_timeout_after_cancellation
    async fn timeout_after_cancellation<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let t = task(cx.rt(), async move {
            current_task().unwrap().cancel(None);
            // work which will be cancelled
            assert!(
                catch_cancel(rt.sleep(Duration::from_secs(1)))
                    .await
                    .is_err()
            );
            // finally:
            let out = timeout(&rt, Some(Duration::ZERO))
                .run(rt.sleep(Duration::from_secs(1))) // some cleanup
                .await;
            assert!(
                matches!(out, Err(ScopeError::Timeout(_))),
                "TimeoutError, got {out:?}"
            );
        });
        let outcome = t.await;
        assert!(outcome.is_ok(), "{outcome:?}");
    }

    #[apply(runtimes)]
    fn test_timeout_after_cancellation(kind: RuntimeKind) {
        port!(kind, timeout_after_cancellation);
    }

    // CPython: test_timeouts.TimeoutTests.test_cancel_in_timeout_after_cancellation
    async fn cancel_in_timeout_after_cancellation<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let t = task(cx.rt(), async move {
            current_task().unwrap().cancel(None);
            // work which will be cancelled
            assert!(
                catch_cancel(rt.sleep(Duration::from_secs(1)))
                    .await
                    .is_err()
            );
            // finally: assertRaises(CancelledError)
            let r = rt.clone();
            let out = catch_cancel(timeout(&rt, Some(Duration::from_secs(1))).run(async move {
                current_task().unwrap().cancel(None);
                r.sleep(Duration::from_secs(2)).await; // some cleanup
            }))
            .await;
            assert!(out.is_err(), "CancelledError, got {out:?}");
        });
        let outcome = t.await;
        assert!(outcome.is_ok(), "{outcome:?}");
    }

    #[apply(runtimes)]
    fn test_cancel_in_timeout_after_cancellation(kind: RuntimeKind) {
        port!(kind, cancel_in_timeout_after_cancellation);
    }

    // CPython: test_timeouts.TimeoutTests.test_waiter_cancelled
    async fn waiter_cancelled<R: Runtime>(cx: Cx<R>) {
        let cancelled = flag();
        let (rt, c) = (cx.rt().clone(), cancelled.clone());
        let out = timeout(cx.rt(), Some(10 * MS))
            .run(async move {
                let guard = OnCancel::new(&c);
                rt.sleep(Duration::from_secs(10)).await;
                guard.disarm();
            })
            .await;
        assert!(out.is_err(), "TimeoutError");
        assert!(raised(&cancelled));
    }

    #[apply(runtimes)]
    fn test_waiter_cancelled(kind: RuntimeKind) {
        port!(kind, waiter_cancelled);
    }

    // CPython: test_timeouts.TimeoutTests.test_timeout_not_called
    async fn timeout_not_called<R: Runtime>(cx: Cx<R>) {
        let cm = timeout(cx.rt(), Some(Duration::from_secs(10)));
        let out = cm.clone().run(cx.rt().sleep(10 * MS)).await;
        assert!(out.is_ok());
        let t1 = cx.rt().now();
        assert!(!cm.expired());
        assert!(cm.when().unwrap() > t1);
    }

    #[apply(runtimes)]
    fn test_timeout_not_called(kind: RuntimeKind) {
        port!(kind, timeout_not_called);
    }

    // CPython: test_timeouts.TimeoutTests.test_timeout_disabled
    async fn timeout_disabled<R: Runtime>(cx: Cx<R>) {
        let cm = timeout(cx.rt(), None);
        assert!(cm.clone().run(cx.rt().sleep(10 * MS)).await.is_ok());
        assert!(!cm.expired());
        assert_eq!(cm.when(), None);
    }

    #[apply(runtimes)]
    fn test_timeout_disabled(kind: RuntimeKind) {
        port!(kind, timeout_disabled);
    }

    // CPython: test_timeouts.TimeoutTests.test_timeout_at_disabled
    async fn timeout_at_disabled<R: Runtime>(cx: Cx<R>) {
        let cm = timeout_at(cx.rt(), None);
        assert!(cm.clone().run(cx.rt().sleep(10 * MS)).await.is_ok());
        assert!(!cm.expired());
        assert_eq!(cm.when(), None);
    }

    #[apply(runtimes)]
    fn test_timeout_at_disabled(kind: RuntimeKind) {
        port!(kind, timeout_at_disabled);
    }

    // CPython: test_timeouts.TimeoutTests.test_timeout_zero
    async fn timeout_zero<R: Runtime>(cx: Cx<R>) {
        let t0 = cx.rt().now();
        let cm = timeout(cx.rt(), Some(Duration::ZERO));
        let out = cm.clone().run(cx.rt().sleep(Duration::from_secs(10))).await;
        assert!(out.is_err(), "TimeoutError");
        let t1 = cx.rt().now();
        assert!(cm.expired());
        let when = cm.when().unwrap();
        assert!(t0 <= when && when <= t1);
    }

    #[apply(runtimes)]
    fn test_timeout_zero(kind: RuntimeKind) {
        port!(kind, timeout_zero);
    }

    // CPython: test_timeouts.TimeoutTests.test_timeout_zero_sleep_zero
    async fn timeout_zero_sleep_zero<R: Runtime>(cx: Cx<R>) {
        let t0 = cx.rt().now();
        let cm = timeout(cx.rt(), Some(Duration::ZERO));
        let out = cm
            .clone()
            .run(aio_sleep::sleep(cx.rt(), Duration::ZERO))
            .await;
        assert!(out.is_err(), "TimeoutError: the body was suspended once");
        let t1 = cx.rt().now();
        assert!(cm.expired());
        let when = cm.when().unwrap();
        assert!(t0 <= when && when <= t1);
    }

    #[apply(runtimes)]
    fn test_timeout_zero_sleep_zero(kind: RuntimeKind) {
        port!(kind, timeout_zero_sleep_zero);
    }

    // CPython: test_timeouts.TimeoutTests.test_timeout_in_the_past_sleep_zero
    async fn timeout_in_the_past_sleep_zero<R: Runtime>(cx: Cx<R>) {
        // timeout(-11): a deadline 11 seconds ago.
        let past = cx.rt().now();
        cx.rt().sleep(Duration::from_secs(11)).await;
        let t0 = cx.rt().now();
        let cm = timeout_at(cx.rt(), Some(past));
        let out = cm
            .clone()
            .run(aio_sleep::sleep(cx.rt(), Duration::ZERO))
            .await;
        assert!(out.is_err(), "TimeoutError: the body was suspended once");
        let t1 = cx.rt().now();
        assert!(cm.expired());
        let when = cm.when().unwrap();
        assert!(t0 >= when && when <= t1);
    }

    #[apply(runtimes)]
    fn test_timeout_in_the_past_sleep_zero(kind: RuntimeKind) {
        port!(kind, timeout_in_the_past_sleep_zero);
    }

    // CPython: test_timeouts.TimeoutTests.test_foreign_exception_passed
    async fn foreign_exception_passed<R: Runtime>(cx: Cx<R>) {
        let cm = timeout(cx.rt(), Some(10 * MS));
        let out = cm.clone().run(async { Err::<(), _>("KeyError") }).await;
        assert_eq!(out, Ok(Err("KeyError")));
        assert!(!cm.expired());
    }

    #[apply(runtimes)]
    fn test_foreign_exception_passed(kind: RuntimeKind) {
        port!(kind, foreign_exception_passed);
    }

    // CPython: test_timeouts.TimeoutTests.test_foreign_cancel_doesnt_timeout_if_not_expired
    async fn foreign_cancel_doesnt_timeout_if_not_expired<R: Runtime>(cx: Cx<R>) {
        let cm = timeout(cx.rt(), Some(Duration::from_secs(10)));
        let (scope, rt) = (cm.clone(), cx.rt().clone());
        let t = task(cx.rt(), async move {
            scope
                .run(async move {
                    aio_tasks::current_task().unwrap().cancel(None);
                    rt.sleep(Duration::from_secs(10)).await;
                })
                .await
        });
        assert!(t.await.unwrap_err().is_cancelled());
        assert!(!cm.expired());
    }

    #[apply(runtimes)]
    fn test_foreign_cancel_doesnt_timeout_if_not_expired(kind: RuntimeKind) {
        port!(kind, foreign_cancel_doesnt_timeout_if_not_expired);
    }

    // CPython: test_timeouts.TimeoutTests.test_outer_task_is_not_cancelled
    async fn outer_task_is_not_cancelled<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let t = task(cx.rt(), async move {
            let out = timeout(&rt, Some(MS))
                .run(rt.sleep(Duration::from_secs(10)))
                .await;
            assert!(out.is_err(), "TimeoutError");
        });
        assert_eq!(t.clone().await, Ok(()));
        assert!(!t.cancelled());
        assert!(t.done());
    }

    #[apply(runtimes)]
    fn test_outer_task_is_not_cancelled(kind: RuntimeKind) {
        port!(kind, outer_task_is_not_cancelled);
    }

    // CPython: test_timeouts.TimeoutTests.test_reschedule
    async fn reschedule<R: Runtime>(cx: Cx<R>) {
        let deadline1 = cx.rt().now() + Duration::from_secs(10);
        let deadline2 = deadline1 + Duration::from_secs(20);
        let cm = timeout_at(cx.rt(), Some(deadline1));
        let (scope, rt) = (cm.clone(), cx.rt().clone());
        let t = task(cx.rt(), async move {
            scope.run(rt.sleep(Duration::from_secs(50))).await
        });
        cx.rt().sleep(MS).await;
        assert_eq!(cm.when(), Some(deadline1));
        cm.reschedule(Some(deadline2))
            .expect("the scope is entered");
        assert_eq!(cm.when(), Some(deadline2));
        cm.reschedule(None).expect("the scope is entered");
        assert_eq!(cm.when(), None);
        t.cancel(None);
        assert!(t.await.unwrap_err().is_cancelled());
        assert!(!cm.expired());
    }

    #[apply(runtimes)]
    fn test_reschedule(kind: RuntimeKind) {
        port!(kind, reschedule);
    }
}
