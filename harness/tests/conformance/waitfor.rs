//! CPython's `Lib/test/test_asyncio/test_waitfor.py`, ported: one module per CPython
//! class, one test per ported method, each on all five runtimes in virtual time. The
//! table `harness/conformance/waitfor.txt` classifies every method (`aio conformance`).
//!
//! `asyncio.wait_for` has three Rust forms: [`aio_wait::wait_for`] for a future (a
//! coroutine), [`aio_wait::wait_for_task`] for a Task and [`aio_wait::wait_for_future`]
//! for an `asyncio.Future`; each port uses the one matching what CPython passes.

use crate::common;

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use aio_harness::{Cx, RuntimeKind};
use aio_rt::{PyException, Runtime};
use aio_tasks::catch_cancel;
use aio_wait::{WaitForError, wait_for, wait_for_future, wait_for_task};
use common::{OnCancel, flag, port, raised, runtimes, start, task};
use rstest::rstest;
use rstest_reuse::apply;

const MS: Duration = Duration::from_millis(1);

mod asyncio_wait_for_test {
    use super::*;

    // CPython: test_waitfor.AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0_future_done
    async fn future_done<R: Runtime>(cx: Cx<R>) {
        let fut = aio_futures::Future::new(cx.rt());
        fut.set_result("done").unwrap();
        let ret = wait_for_future(cx.rt(), &fut, Some(Duration::ZERO)).await;
        assert!(matches!(ret, Ok(Ok("done"))));
        assert!(fut.done());
    }

    #[apply(runtimes)]
    fn test_wait_for_timeout_less_then_0_or_0_future_done(kind: RuntimeKind) {
        port!(kind, future_done);
    }

    // CPython: test_waitfor.AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started
    async fn coroutine_do_not_started<R: Runtime>(cx: Cx<R>) {
        let started = flag();
        let s = started.clone();
        let coroutine = async move {
            s.store(true, std::sync::atomic::Ordering::SeqCst);
        };
        assert!(
            wait_for(cx.rt(), coroutine, Some(Duration::ZERO))
                .await
                .is_err()
        );
        assert!(!raised(&started));
    }

    #[apply(runtimes)]
    fn test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started(kind: RuntimeKind) {
        port!(kind, coroutine_do_not_started);
    }

    /// CPython's `foo`: marks itself running, sleeps `sleep`, and is no longer running once
    /// it ends or is cancelled (`finally: foo_running = False`).
    async fn start_foo<R: Runtime>(
        cx: &Cx<R>,
        sleep: Duration,
    ) -> (
        aio_tasks::Task<&'static str, Infallible>,
        Arc<std::sync::atomic::AtomicBool>,
    ) {
        let stopped = flag();
        let (rt, s) = (cx.rt().clone(), stopped.clone());
        let fut = start(cx, async move {
            let _finally = OnCancel::new(&s);
            rt.sleep(sleep).await;
            "done"
        })
        .await;
        (fut, stopped)
    }

    // CPython: test_waitfor.AsyncioWaitForTest.test_wait_for_timeout_less_then_0_or_0
    async fn timeout_0<R: Runtime>(cx: Cx<R>) {
        // CPython runs this for 0 and -1; a Duration cannot be negative: 0 only.
        let (fut, stopped) = start_foo(&cx, Duration::from_secs(10)).await;
        let out = wait_for_task(cx.rt(), &fut, Some(Duration::ZERO)).await;
        assert!(matches!(out, Err(WaitForError::Timeout(_))));
        assert!(fut.done());
        assert!(fut.cancelled());
        assert!(raised(&stopped), "foo is no longer running");
    }

    #[apply(runtimes)]
    fn test_wait_for_timeout_less_then_0_or_0(kind: RuntimeKind) {
        port!(kind, timeout_0);
    }

    // CPython: test_waitfor.AsyncioWaitForTest.test_wait_for
    async fn wait_for_<R: Runtime>(cx: Cx<R>) {
        let (fut, stopped) = start_foo(&cx, Duration::from_secs(300)).await;
        let out = wait_for_task(cx.rt(), &fut, Some(100 * MS)).await;
        assert!(matches!(out, Err(WaitForError::Timeout(_))));
        assert!(fut.done());
        assert!(fut.cancelled());
        assert!(raised(&stopped), "foo is no longer running");
    }

    #[apply(runtimes)]
    fn test_wait_for(kind: RuntimeKind) {
        port!(kind, wait_for_);
    }

    // CPython: test_waitfor.AsyncioWaitForTest.test_wait_for_blocking
    async fn blocking<R: Runtime>(cx: Cx<R>) {
        let res = wait_for(cx.rt(), async { "done" }, None).await;
        assert_eq!(res, Ok("done"));
    }

    #[apply(runtimes)]
    fn test_wait_for_blocking(kind: RuntimeKind) {
        port!(kind, blocking);
    }

    // CPython: test_waitfor.AsyncioWaitForTest.test_wait_for_race_condition
    async fn race_condition<R: Runtime>(cx: Cx<R>) {
        let fut = aio_futures::Future::new(cx.rt());
        let f = fut.clone();
        // loop.call_soon(fut.set_result, "ok")
        task(cx.rt(), async move { f.set_result("ok").unwrap() });
        let res = wait_for_future(cx.rt(), &fut, Some(200 * MS)).await;
        assert!(matches!(res, Ok(Ok("ok"))));
    }

    #[apply(runtimes)]
    fn test_wait_for_race_condition(kind: RuntimeKind) {
        port!(kind, race_condition);
    }

    /// CPython's `_test_cancel_wait_for(timeout)`.
    async fn cancel_wait_for<R: Runtime>(cx: &Cx<R>, timeout: Option<Duration>) {
        let fut = aio_futures::Future::<()>::new(cx.rt());
        let blocking = task(cx.rt(), async move {
            // Blocks: the future's result is never set.
            let _ = fut.wait().await;
        });
        let (rt, b) = (cx.rt().clone(), blocking.clone());
        let wait = task(cx.rt(), async move {
            let _ = wait_for_task(&rt, &b, timeout).await;
        });
        // loop.call_soon(wait.cancel)
        cx.rt().yield_now().await;
        wait.cancel(None);
        assert!(wait.await.unwrap_err().is_cancelled());
        // Python issue #23219: cancelling the wait cancels the task too.
        cx.sleep(1).await;
        assert!(blocking.cancelled());
    }

    // CPython: test_waitfor.AsyncioWaitForTest.test_cancel_blocking_wait_for
    async fn cancel_blocking_wait_for<R: Runtime>(cx: Cx<R>) {
        cancel_wait_for(&cx, None).await;
    }

    #[apply(runtimes)]
    fn test_cancel_blocking_wait_for(kind: RuntimeKind) {
        port!(kind, cancel_blocking_wait_for);
    }

    // CPython: test_waitfor.AsyncioWaitForTest.test_cancel_wait_for
    async fn cancel_wait_for_60<R: Runtime>(cx: Cx<R>) {
        cancel_wait_for(&cx, Some(Duration::from_secs(60))).await;
    }

    #[apply(runtimes)]
    fn test_cancel_wait_for(kind: RuntimeKind) {
        port!(kind, cancel_wait_for_60);
    }

    // CPython: test_waitfor.AsyncioWaitForTest.test_wait_for_issue86296
    async fn issue86296<R: Runtime>(cx: Cx<R>) {
        let inner_task = task(cx.rt(), async { "done" });
        let reached_end = flag();
        let (rt, inner, r) = (cx.rt().clone(), inner_task.clone(), reached_end.clone());
        let t = task(cx.rt(), async move {
            let _ = wait_for_task(&rt, &inner, Some(Duration::from_secs(100))).await;
            rt.sleep(Duration::from_secs(1)).await;
            r.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        assert!(!t.done());
        cx.sleep(1).await;
        t.cancel(None);
        assert!(t.await.unwrap_err().is_cancelled());
        assert!(inner_task.done());
        assert_eq!(inner_task.await, Ok("done"));
        assert!(!raised(&reached_end));
    }

    #[apply(runtimes)]
    fn test_wait_for_issue86296(kind: RuntimeKind) {
        port!(kind, issue86296);
    }

    const EPSILON: Duration = Duration::from_micros(100);

    /// CPython's `SlowTask`: runs for 0.2 second (on the loop's clock), catching and
    /// ignoring every cancellation; `exited` once it has.
    struct SlowTask {
        exited: std::sync::Arc<std::sync::atomic::AtomicBool>,
    }

    impl SlowTask {
        const TASK_TIMEOUT: Duration = Duration::from_millis(200);

        fn new() -> SlowTask {
            SlowTask {
                exited: Default::default(),
            }
        }

        fn run<R: Runtime>(&self, rt: &R) -> impl Future<Output = ()> + Send + 'static {
            let (rt, exited) = (rt.clone(), self.exited.clone());
            async move {
                let exitat = rt.now() + Self::TASK_TIMEOUT;
                loop {
                    let now = rt.now();
                    if now >= exitat {
                        break;
                    }
                    let _ = catch_cancel(rt.sleep(exitat - now)).await;
                }
                exited.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }

        fn exited(&self) -> bool {
            self.exited.load(std::sync::atomic::Ordering::SeqCst)
        }
    }

    // CPython: test_waitfor.AsyncioWaitForTest.test_asyncio_wait_for_timeout
    async fn asyncio_wait_for_timeout<R: Runtime>(cx: Cx<R>) {
        let t = SlowTask::new();
        // try: ... except asyncio.TimeoutError: pass
        let _ = wait_for(cx.rt(), t.run(cx.rt()), Some(SlowTask::TASK_TIMEOUT / 2)).await;
        assert!(t.exited());
    }

    #[apply(runtimes)]
    fn test_asyncio_wait_for_timeout(kind: RuntimeKind) {
        port!(kind, asyncio_wait_for_timeout);
    }

    // CPython: test_waitfor.AsyncioWaitForTest.test_asyncio_wait_for_cancelled
    async fn asyncio_wait_for_cancelled<R: Runtime>(cx: Cx<R>) {
        let t = SlowTask::new();
        let (rt, run) = (cx.rt().clone(), t.run(cx.rt()));
        let waitfortask = task(cx.rt(), async move {
            let _ = wait_for(&rt, run, Some(SlowTask::TASK_TIMEOUT * 2)).await;
        });
        // await asyncio.sleep(0): the task runs up to its first wait (a millisecond, so
        // that it has started on every runtime).
        cx.rt().sleep(MS).await;
        waitfortask.cancel(None);
        // await asyncio.wait({waitfortask})
        let _ = aio_wait::wait(
            cx.rt(),
            [waitfortask.clone()],
            aio_wait::ReturnWhen::AllCompleted,
            None,
        )
        .await;
        assert!(t.exited());
    }

    #[apply(runtimes)]
    fn test_asyncio_wait_for_cancelled(kind: RuntimeKind) {
        port!(kind, asyncio_wait_for_cancelled);
    }

    // CPython: test_waitfor.AsyncioWaitForTest.test_wait_for_cancellation_race_condition
    async fn cancellation_race_condition<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let inner = async move {
            // with self.assertRaises(asyncio.CancelledError): await asyncio.sleep(1)
            let slept = catch_cancel(rt.sleep(Duration::from_secs(1))).await;
            assert!(slept.is_err(), "the sleep is cancelled");
            1
        };
        let result = wait_for(cx.rt(), inner, Some(10 * MS)).await;
        assert_eq!(result, Ok(1));
    }

    #[apply(runtimes)]
    fn test_wait_for_cancellation_race_condition(kind: RuntimeKind) {
        port!(kind, cancellation_race_condition);
    }

    // CPython: test_waitfor.AsyncioWaitForTest.test_wait_for_cancel_suppressed
    async fn cancel_suppressed<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let return_42 = async move {
            match catch_cancel(rt.sleep(Duration::from_secs(10))).await {
                Ok(()) => 0,
                Err(_cancelled) => 42,
            }
        };
        let res = wait_for(cx.rt(), return_42, Some(100 * MS)).await;
        assert_eq!(res, Ok(42));
    }

    #[apply(runtimes)]
    fn test_wait_for_cancel_suppressed(kind: RuntimeKind) {
        port!(kind, cancel_suppressed);
    }

    /// The `inner` of the two `waits_for_task_cancellation` tests: sleeps 10 s; when
    /// cancelled sleeps EPSILON more and re-raises; sets `task_done` in `finally`.
    fn inner_catching<R: Runtime>(
        rt: &R,
        task_done: &Arc<std::sync::atomic::AtomicBool>,
    ) -> aio_tasks::Task<(), aio_tasks::CancelledError> {
        let (rt, done) = (rt.clone(), task_done.clone());
        aio_tasks::create_task(&rt.clone(), async move {
            let out = match catch_cancel(rt.sleep(Duration::from_secs(10))).await {
                Ok(()) => Ok(()),
                Err(cancelled) => {
                    rt.sleep(EPSILON).await;
                    Err(cancelled)
                }
            };
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            out
        })
    }

    fn assert_timeout_from_cancelled<E: std::fmt::Debug>(out: Result<(), WaitForError<E>>) {
        match out {
            Err(WaitForError::Timeout(e)) => {
                let chained = e.py_cause().expect("raised from the CancelledError");
                assert_eq!(chained.py_type(), "CancelledError");
            }
            other => panic!("expected TimeoutError, got {other:?}"),
        }
    }

    // CPython: test_waitfor.AsyncioWaitForTest.test_wait_for_waits_for_task_cancellation
    async fn waits_for_task_cancellation<R: Runtime>(cx: Cx<R>) {
        let task_done: Arc<std::sync::atomic::AtomicBool> = Default::default();
        let inner_task = inner_catching(cx.rt(), &task_done);
        let out = wait_for_task(cx.rt(), &inner_task, Some(EPSILON)).await;
        assert!(task_done.load(std::sync::atomic::Ordering::SeqCst));
        assert_timeout_from_cancelled(out);
    }

    #[apply(runtimes)]
    fn test_wait_for_waits_for_task_cancellation(kind: RuntimeKind) {
        port!(kind, waits_for_task_cancellation);
    }

    // CPython: test_waitfor.AsyncioWaitForTest.test_wait_for_waits_for_task_cancellation_w_timeout_0
    async fn waits_for_task_cancellation_w_timeout_0<R: Runtime>(cx: Cx<R>) {
        let task_done: Arc<std::sync::atomic::AtomicBool> = Default::default();
        let inner_task = inner_catching(cx.rt(), &task_done);
        cx.rt().sleep(EPSILON).await;
        let out = wait_for_task(cx.rt(), &inner_task, Some(Duration::ZERO)).await;
        assert!(task_done.load(std::sync::atomic::Ordering::SeqCst));
        assert_timeout_from_cancelled(out);
    }

    #[apply(runtimes)]
    fn test_wait_for_waits_for_task_cancellation_w_timeout_0(kind: RuntimeKind) {
        port!(kind, waits_for_task_cancellation_w_timeout_0);
    }

    // CPython: test_waitfor.AsyncioWaitForTest.test_wait_for_reraises_exception_during_cancellation
    async fn reraises_exception_during_cancellation<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let inner_task = aio_tasks::create_task(cx.rt(), async move {
            // try: await asyncio.sleep(0.2) / finally: raise FooException
            let _ = catch_cancel(rt.sleep(200 * MS)).await;
            Err::<(), _>(aio_rt::PyError::new("FooException", ""))
        });
        match wait_for_task(cx.rt(), &inner_task, Some(EPSILON)).await {
            Err(WaitForError::Task(aio_tasks::TaskError::Failed(e))) => {
                assert_eq!(e.py_type(), "FooException")
            }
            other => panic!("expected FooException, got {other:?}"),
        }
    }

    #[apply(runtimes)]
    fn test_wait_for_reraises_exception_during_cancellation(kind: RuntimeKind) {
        port!(kind, reraises_exception_during_cancellation);
    }
}

mod wait_for_shield_tests {
    use super::*;

    async fn start_coro<R: Runtime>(
        cx: &Cx<R>,
        sleep: Duration,
    ) -> aio_tasks::Task<&'static str, Infallible> {
        let rt = cx.rt().clone();
        task(cx.rt(), async move {
            rt.sleep(sleep).await;
            "done"
        })
    }

    // CPython: test_waitfor.WaitForShieldTests.test_zero_timeout
    async fn zero_timeout<R: Runtime>(cx: Cx<R>) {
        let t = start_coro(&cx, 10 * MS).await;
        let shielded = aio_shield::shield(&t);
        // wait_for drops the shield unpolled: that is the shield's cancellation.
        let out = wait_for(cx.rt(), shielded, Some(Duration::ZERO)).await;
        assert!(out.is_err(), "TimeoutError");
        assert!(!t.done());
        assert!(!t.cancelled());
        cx.rt().sleep(100 * MS).await;
        assert!(t.done());
    }

    #[apply(runtimes)]
    fn test_zero_timeout(kind: RuntimeKind) {
        port!(kind, zero_timeout);
    }

    // CPython: test_waitfor.WaitForShieldTests.test_none_timeout
    async fn none_timeout<R: Runtime>(cx: Cx<R>) {
        let t = start_coro(&cx, 100 * MS).await;
        let out = wait_for(cx.rt(), aio_shield::shield(&t), None).await;
        assert!(out.is_ok());
        assert!(t.done());
        assert_eq!(t.await, Ok("done"));
    }

    #[apply(runtimes)]
    fn test_none_timeout(kind: RuntimeKind) {
        port!(kind, none_timeout);
    }

    // CPython: test_waitfor.WaitForShieldTests.test_shielded_timeout
    async fn shielded_timeout<R: Runtime>(cx: Cx<R>) {
        let t = start_coro(&cx, 100 * MS).await;
        let out = wait_for(cx.rt(), aio_shield::shield(&t), Some(10 * MS)).await;
        assert!(out.is_err(), "TimeoutError");
        assert!(!t.done());
        assert!(!t.cancelled());
        assert_eq!(t.await, Ok("done"));
    }

    #[apply(runtimes)]
    fn test_shielded_timeout(kind: RuntimeKind) {
        port!(kind, shielded_timeout);
    }
}
