//! CPython's `Lib/test/test_asyncio/test_taskgroups.py`, ported: one module per CPython
//! class, one test per ported method, each on all five runtimes in virtual time. The
//! table `harness/conformance/taskgroups.txt` classifies every method (`aio conformance`).
//!
//! `async with TaskGroup() as g: body` is `TaskGroup::run(rt, |g| async move { body })`;
//! a raised exception is an `Err(PyError)` (its class is what `get_error_types` reads).
//! An `except CancelledError: ...; raise` around an await is an [`OnCancel`] guard.

use crate::common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aio_harness::{Cx, RuntimeKind};
use aio_rt::{PyError, PyException, Runtime};
use aio_tasks::{ExceptionGroup, GroupError, SpawnError, TaskError, TaskGroup, catch_cancel};
use common::{OnCancel, flag, port, raised, runtimes};
use rstest::rstest;
use rstest_reuse::apply;

const MS: Duration = Duration::from_millis(1);

fn zero_division() -> PyError {
    PyError::new("ZeroDivisionError", "division by zero")
}

/// CPython's `get_error_types(eg)`: the set of the classes in the group, sorted.
fn error_types(eg: &GroupError<PyError>) -> Vec<String> {
    let eg: &ExceptionGroup<PyError> = eg.exceptions().expect("the group failed, in a task");
    let mut types: Vec<String> = eg
        .errors
        .iter()
        .map(|e| match e {
            TaskError::Failed(e) => e.py_type().to_owned(),
            other => format!("{other:?}"),
        })
        .collect();
    types.sort();
    types.dedup();
    types
}

/// `asyncio.create_task(coro)` for a body that raises `PyError`s.
fn spawn<R: Runtime, T: Send + 'static>(
    rt: &R,
    body: impl Future<Output = Result<T, PyError>> + Send + 'static,
) -> aio_tasks::Task<T, PyError> {
    aio_tasks::create_task(rt, body)
}

mod test_task_group {
    use super::*;

    /// CPython's `foo(delay, value)`: sleeps, then returns `value`.
    fn returns_after<R: Runtime>(
        rt: &R,
        delay: Duration,
        value: i32,
    ) -> impl Future<Output = Result<i32, PyError>> + Send + 'static {
        let rt = rt.clone();
        async move {
            rt.sleep(delay).await;
            Ok(value)
        }
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_01
    async fn taskgroup_01<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let (t1, t2) = TaskGroup::run(cx.rt(), |g| async move {
            let t1 = g.create_task(returns_after(&rt, 100 * MS, 42)).unwrap();
            let t2 = g.create_task(returns_after(&rt, 200 * MS, 11)).unwrap();
            Ok::<_, PyError>((t1, t2))
        })
        .await
        .unwrap();
        assert_eq!(t1.result(), Ok(42));
        assert_eq!(t2.result(), Ok(11));
    }

    #[apply(runtimes)]
    fn test_taskgroup_01(kind: RuntimeKind) {
        port!(kind, taskgroup_01);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_02
    async fn taskgroup_02<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let (t1, t2) = TaskGroup::run(cx.rt(), |g| async move {
            let t1 = g.create_task(returns_after(&rt, 100 * MS, 42)).unwrap();
            rt.sleep(150 * MS).await;
            let t2 = g.create_task(returns_after(&rt, 200 * MS, 11)).unwrap();
            Ok::<_, PyError>((t1, t2))
        })
        .await
        .unwrap();
        assert_eq!(t1.result(), Ok(42));
        assert_eq!(t2.result(), Ok(11));
    }

    #[apply(runtimes)]
    fn test_taskgroup_02(kind: RuntimeKind) {
        port!(kind, taskgroup_02);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_03
    async fn taskgroup_03<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let (t1, t2) = TaskGroup::run(cx.rt(), |g| async move {
            let t1 = g
                .create_task(returns_after(&rt, Duration::from_secs(1), 42))
                .unwrap();
            rt.sleep(150 * MS).await;
            // Cancelling a child explicitly: everything else goes on.
            t1.cancel(None);
            let t2 = g.create_task(returns_after(&rt, 200 * MS, 11)).unwrap();
            Ok::<_, PyError>((t1, t2))
        })
        .await
        .unwrap();
        assert!(t1.cancelled());
        assert_eq!(t2.result(), Ok(11));
    }

    #[apply(runtimes)]
    fn test_taskgroup_03(kind: RuntimeKind) {
        port!(kind, taskgroup_03);
    }

    /// CPython's `foo1`: sleeps, then divides by zero.
    fn crash_after<R: Runtime>(
        rt: &R,
        delay: Duration,
    ) -> impl Future<Output = Result<(), PyError>> + Send + 'static {
        let rt = rt.clone();
        async move {
            rt.sleep(delay).await;
            Err(zero_division())
        }
    }

    /// CPython's `foo2`: sleeps `delay`, raising `cancelled` if it is cancelled there, else
    /// adds one to `num`.
    fn counts_unless_cancelled<R: Runtime>(
        rt: &R,
        delay: Duration,
        cancelled: &Arc<std::sync::atomic::AtomicBool>,
        num: &Arc<AtomicUsize>,
    ) -> impl Future<Output = Result<(), PyError>> + Send + 'static {
        let (rt, cancelled, num) = (rt.clone(), cancelled.clone(), num.clone());
        async move {
            let guard = OnCancel::new(&cancelled);
            rt.sleep(delay).await;
            guard.disarm();
            num.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_04
    async fn taskgroup_04<R: Runtime>(cx: Cx<R>) {
        let num = Arc::new(AtomicUsize::new(0));
        let t2_cancel = flag();
        let t2_slot = Arc::new(Mutex::new(None));
        let (rt, n, c, slot) = (
            cx.rt().clone(),
            num.clone(),
            t2_cancel.clone(),
            t2_slot.clone(),
        );
        let runner = spawn(cx.rt(), async move {
            let out = TaskGroup::run(&rt, |g| {
                let rt = rt.clone();
                let (n, c, slot) = (n.clone(), c.clone(), slot.clone());
                async move {
                    g.create_task(crash_after(&rt, 100 * MS)).unwrap();
                    let t2 = g
                        .create_task(counts_unless_cancelled(&rt, Duration::from_secs(1), &c, &n))
                        .unwrap();
                    *slot.lock().unwrap() = Some(t2);
                    Ok(())
                }
            })
            .await;
            // The group raised: the line after the block does not run.
            if out.is_ok() {
                n.fetch_add(10, Ordering::SeqCst);
            }
            Ok::<_, PyError>(out)
        });
        let eg = runner.await.unwrap().unwrap_err();
        assert_eq!(error_types(&eg), ["ZeroDivisionError"]);
        assert_eq!(num.load(Ordering::SeqCst), 0);
        assert!(raised(&t2_cancel));
        assert!(t2_slot.lock().unwrap().as_ref().unwrap().cancelled());
    }

    #[apply(runtimes)]
    fn test_taskgroup_04(kind: RuntimeKind) {
        port!(kind, taskgroup_04);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_cancel_children_on_child_error
    async fn cancel_children_on_child_error<R: Runtime>(cx: Cx<R>) {
        let num = Arc::new(AtomicUsize::new(0));
        let t2_cancel = flag();
        let runner_cancel = flag();
        let (rt, n, c, rc) = (
            cx.rt().clone(),
            num.clone(),
            t2_cancel.clone(),
            runner_cancel.clone(),
        );
        let runner = spawn(cx.rt(), async move {
            Ok(TaskGroup::run(&rt, |g| {
                let rt = rt.clone();
                async move {
                    for _ in 0..3 {
                        g.create_task(crash_after(&rt, 100 * MS)).unwrap();
                    }
                    g.create_task(counts_unless_cancelled(&rt, Duration::from_secs(5), &c, &n))
                        .unwrap();
                    let guard = OnCancel::new(&rc);
                    rt.sleep(Duration::from_secs(10)).await;
                    guard.disarm();
                    n.fetch_add(10, Ordering::SeqCst);
                    Ok(())
                }
            })
            .await)
        });
        let eg = runner.await.unwrap().unwrap_err();
        assert_eq!(error_types(&eg), ["ZeroDivisionError"]);
        assert_eq!(num.load(Ordering::SeqCst), 0);
        assert!(raised(&t2_cancel));
        assert!(raised(&runner_cancel));
    }

    #[apply(runtimes)]
    fn test_cancel_children_on_child_error(kind: RuntimeKind) {
        port!(kind, cancel_children_on_child_error);
    }

    /// CPython's `foo` of test_cancellation: sleeps 5, counting its cancellation.
    fn counts_cancellation<R: Runtime>(
        rt: &R,
        num: &Arc<AtomicUsize>,
    ) -> impl Future<Output = Result<(), PyError>> + Send + 'static {
        struct Count(Arc<AtomicUsize>, bool);
        impl Drop for Count {
            fn drop(&mut self) {
                if self.1 {
                    self.0.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
        let (rt, num) = (rt.clone(), num.clone());
        async move {
            let mut count = Count(num, true);
            rt.sleep(Duration::from_secs(5)).await;
            count.1 = false;
            Ok(())
        }
    }

    // CPython: test_taskgroups.TestTaskGroup.test_cancellation
    async fn cancellation<R: Runtime>(cx: Cx<R>) {
        let num = Arc::new(AtomicUsize::new(0));
        let (rt, n) = (cx.rt().clone(), num.clone());
        let r = spawn(cx.rt(), async move {
            Ok(TaskGroup::run(&rt, |g| {
                let rt = rt.clone();
                async move {
                    for _ in 0..5 {
                        g.create_task(counts_cancellation(&rt, &n)).unwrap();
                    }
                    Ok(())
                }
            })
            .await)
        });
        cx.rt().sleep(100 * MS).await;
        assert!(!r.done());
        r.cancel(None);
        assert!(r.await.unwrap_err().is_cancelled());
        assert_eq!(num.load(Ordering::SeqCst), 5);
    }

    #[apply(runtimes)]
    fn test_cancellation(kind: RuntimeKind) {
        port!(kind, cancellation);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_07
    async fn taskgroup_07<R: Runtime>(cx: Cx<R>) {
        let num = Arc::new(AtomicUsize::new(0));
        let body_cancelled = flag();
        let (rt, n, bc) = (cx.rt().clone(), num.clone(), body_cancelled.clone());
        let r = spawn(cx.rt(), async move {
            Ok(TaskGroup::run(&rt, |g| {
                let rt = rt.clone();
                async move {
                    for _ in 0..5 {
                        g.create_task(counts_cancellation(&rt, &n)).unwrap();
                    }
                    let guard = OnCancel::new(&bc);
                    rt.sleep(Duration::from_secs(10)).await;
                    guard.disarm();
                    Ok(())
                }
            })
            .await)
        });
        cx.rt().sleep(100 * MS).await;
        assert!(!r.done());
        r.cancel(None);
        assert!(r.await.unwrap_err().is_cancelled());
        // NUM == 15: five children and the body (+10) saw the cancellation.
        assert_eq!(num.load(Ordering::SeqCst), 5);
        assert!(raised(&body_cancelled));
    }

    #[apply(runtimes)]
    fn test_taskgroup_07(kind: RuntimeKind) {
        port!(kind, taskgroup_07);
    }

    /// test_taskgroup_09 and _10: the body raises after `delay` (None: at once), with two
    /// children running; both children end cancelled.
    async fn body_raises<R: Runtime>(cx: &Cx<R>, delay: Option<Duration>) {
        let rt = cx.rt().clone();
        let slots = Arc::new(Mutex::new(Vec::new()));
        let s = slots.clone();
        let out: Result<(), _> = TaskGroup::run(cx.rt(), |g| async move {
            s.lock().unwrap().push(
                g.create_task(returns_after(&rt, Duration::from_secs(1), 42))
                    .unwrap(),
            );
            s.lock().unwrap().push(
                g.create_task(returns_after(&rt, Duration::from_secs(2), 11))
                    .unwrap(),
            );
            if let Some(delay) = delay {
                rt.sleep(delay).await;
            }
            Err(zero_division())
        })
        .await;
        assert_eq!(error_types(&out.unwrap_err()), ["ZeroDivisionError"]);
        for t in slots.lock().unwrap().iter() {
            assert!(t.cancelled());
        }
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_09
    async fn taskgroup_09<R: Runtime>(cx: Cx<R>) {
        body_raises(&cx, Some(100 * MS)).await;
    }

    #[apply(runtimes)]
    fn test_taskgroup_09(kind: RuntimeKind) {
        port!(kind, taskgroup_09);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_10
    async fn taskgroup_10<R: Runtime>(cx: Cx<R>) {
        body_raises(&cx, None).await;
    }

    #[apply(runtimes)]
    fn test_taskgroup_10(kind: RuntimeKind) {
        port!(kind, taskgroup_10);
    }

    fn my_exc() -> PyError {
        PyError::new("MyExc", "")
    }

    /// `r = asyncio.create_task(runner())` for a runner that is one group with `body`.
    fn group_runner<R: Runtime, F, Fut>(
        rt: &R,
        body: F,
    ) -> aio_tasks::Task<Result<(), GroupError<PyError>>, PyError>
    where
        F: FnOnce(TaskGroup<R, PyError>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<(), PyError>> + Send + 'static,
    {
        let rt = rt.clone();
        spawn(
            &rt.clone(),
            async move { Ok(TaskGroup::run(&rt, body).await) },
        )
    }

    /// `await r` raising the ExceptionGroup: its classes (`get_error_types`).
    async fn group_error_types(
        r: aio_tasks::Task<Result<(), GroupError<PyError>>, PyError>,
    ) -> Vec<String> {
        match r.await {
            Ok(Err(eg)) => error_types(&eg),
            other => panic!("expected an ExceptionGroup, got {other:?}"),
        }
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_08
    async fn taskgroup_08<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let r = group_runner(cx.rt(), move |g| async move {
            for _ in 0..5 {
                let rt = rt.clone();
                // try: await asyncio.sleep(10) / finally: 1 / 0
                g.create_task(async move {
                    let _ = catch_cancel(rt.sleep(Duration::from_secs(10))).await;
                    Err::<(), _>(zero_division())
                })
                .unwrap();
            }
            rt.sleep(Duration::from_secs(10)).await;
            Ok(())
        });
        cx.rt().sleep(100 * MS).await;
        assert!(!r.done());
        r.cancel(None);
        assert_eq!(group_error_types(r).await, ["ZeroDivisionError"]);
    }

    #[apply(runtimes)]
    fn test_taskgroup_08(kind: RuntimeKind) {
        port!(kind, taskgroup_08);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_15
    async fn taskgroup_15<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let r = group_runner(cx.rt(), move |g1| async move {
            let crasher = rt.clone();
            g1.create_task(async move {
                crasher.sleep(300 * MS).await;
                Err::<(), _>(zero_division())
            })
            .unwrap();
            match catch_cancel(rt.sleep(Duration::from_secs(10))).await {
                Ok(()) => Ok(()),
                Err(cancelled) => {
                    rt.sleep(500 * MS).await;
                    Err(PyError::from_py(&cancelled))
                }
            }
        });
        cx.rt().sleep(100 * MS).await;
        assert!(!r.done());
        r.cancel(None);
        assert_eq!(group_error_types(r).await, ["ZeroDivisionError"]);
    }

    #[apply(runtimes)]
    fn test_taskgroup_15(kind: RuntimeKind) {
        port!(kind, taskgroup_15);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_18
    async fn taskgroup_18<R: Runtime>(cx: Cx<R>) {
        let num = Arc::new(AtomicUsize::new(0));
        let (rt, n) = (cx.rt().clone(), num.clone());
        let r = group_runner(cx.rt(), move |_g| async move {
            match catch_cancel(rt.sleep(Duration::from_secs(10))).await {
                Ok(()) => Ok(()),
                Err(_) => {
                    n.fetch_add(10, Ordering::SeqCst);
                    // This isn't a good idea, but we have to support this weird case.
                    Err(my_exc())
                }
            }
        });
        cx.rt().sleep(100 * MS).await;
        assert!(!r.done());
        r.cancel(None);
        assert_eq!(group_error_types(r).await, ["MyExc"]);
        assert_eq!(num.load(Ordering::SeqCst), 10);
    }

    #[apply(runtimes)]
    fn test_taskgroup_18(kind: RuntimeKind) {
        port!(kind, taskgroup_18);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_19
    async fn taskgroup_19<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let r = group_runner(cx.rt(), move |g| async move {
            let crasher = rt.clone();
            g.create_task(async move {
                crasher.sleep(100 * MS).await;
                Err::<(), _>(zero_division())
            })
            .unwrap();
            // nested(): try: await asyncio.sleep(10) / finally: raise MyExc
            let _ = catch_cancel(rt.sleep(Duration::from_secs(10))).await;
            Err(my_exc())
        });
        assert_eq!(group_error_types(r).await, ["MyExc", "ZeroDivisionError"]);
    }

    #[apply(runtimes)]
    fn test_taskgroup_19(kind: RuntimeKind) {
        port!(kind, taskgroup_19);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_no_create_task_after_failure
    async fn taskgroup_no_create_task_after_failure<R: Runtime>(cx: Cx<R>) {
        fn coro1<R: Runtime>(rt: &R) -> impl Future<Output = Result<(), PyError>> + Send + 'static {
            let rt = rt.clone();
            async move {
                rt.sleep(MS).await;
                Err(zero_division())
            }
        }
        let refused = flag();
        let (rt, seen) = (cx.rt().clone(), refused.clone());
        let out = TaskGroup::run(cx.rt(), move |g| async move {
            g.create_task(coro1(&rt)).unwrap();
            let (r, g2) = (rt.clone(), g.clone());
            g.create_task(async move {
                if catch_cancel(r.sleep(Duration::from_secs(1))).await.is_err() {
                    // assertRaises(RuntimeError)
                    let e = g2.create_task(coro1(&r)).unwrap_err();
                    assert_eq!(e.py_type(), "RuntimeError");
                    seen.store(true, Ordering::SeqCst);
                }
                Ok(())
            })
            .unwrap();
            Ok(())
        })
        .await;
        assert_eq!(error_types(&out.unwrap_err()), ["ZeroDivisionError"]);
        assert!(raised(&refused));
    }

    #[apply(runtimes)]
    fn test_taskgroup_no_create_task_after_failure(kind: RuntimeKind) {
        port!(kind, taskgroup_no_create_task_after_failure);
    }

    /// CPython's `crash_after(t)`: sleeps, then raises `ValueError(t)`.
    fn value_error_after<R: Runtime>(
        rt: &R,
        delay: Duration,
    ) -> impl Future<Output = Result<(), PyError>> + Send + 'static {
        let rt = rt.clone();
        async move {
            rt.sleep(delay).await;
            Err(PyError::new(
                "ValueError",
                format!("{}", delay.as_secs_f64()),
            ))
        }
    }

    /// An inner group's ExceptionGroup, raised in the outer group's body.
    fn as_raised(eg: GroupError<PyError>) -> PyError {
        PyError::new("ExceptionGroup", error_types(&eg).join(","))
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_13
    async fn taskgroup_13<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let out: Result<(), _> = TaskGroup::run(cx.rt(), |g1| async move {
            g1.create_task(value_error_after(&rt, 100 * MS)).unwrap();
            let rt2 = rt.clone();
            TaskGroup::run(&rt, |g2| async move {
                g2.create_task(value_error_after(&rt2, Duration::from_secs(10)))
                    .unwrap();
                Ok::<_, PyError>(())
            })
            .await
            .map_err(as_raised)
        })
        .await;
        // The inner group was cancelled with its child: no ExceptionGroup of its own.
        assert_eq!(error_types(&out.unwrap_err()), ["ValueError"]);
    }

    #[apply(runtimes)]
    fn test_taskgroup_13(kind: RuntimeKind) {
        port!(kind, taskgroup_13);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_14
    async fn taskgroup_14<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let out: Result<(), _> = TaskGroup::run(cx.rt(), |g1| async move {
            g1.create_task(value_error_after(&rt, Duration::from_secs(10)))
                .unwrap();
            let rt2 = rt.clone();
            TaskGroup::run(&rt, |g2| async move {
                g2.create_task(value_error_after(&rt2, 100 * MS)).unwrap();
                Ok::<_, PyError>(())
            })
            .await
            .map_err(as_raised)
        })
        .await;
        let eg = out.unwrap_err();
        assert_eq!(error_types(&eg), ["ExceptionGroup"]);
        // The inner group's own exceptions: {ValueError}.
        let TaskError::Failed(inner) = &eg.exceptions().expect("the group failed").errors[0] else {
            panic!("the inner group's failure");
        };
        assert_eq!(inner.py_str(), "ValueError");
    }

    #[apply(runtimes)]
    fn test_taskgroup_14(kind: RuntimeKind) {
        port!(kind, taskgroup_14);
    }

    /// CPython's `foo()` of tests 11 and 12: `try: await asyncio.sleep(10) / finally: 1 / 0`.
    fn divides_when_cancelled<R: Runtime>(
        rt: &R,
    ) -> impl Future<Output = Result<(), PyError>> + Send + 'static {
        let rt = rt.clone();
        async move {
            let _ = catch_cancel(rt.sleep(Duration::from_secs(10))).await;
            Err(zero_division())
        }
    }

    /// `await r` raising an ExceptionGroup whose one member is an inner group: the outer
    /// classes, and the inner group's (as [`as_raised`] carries them).
    async fn nested_error_types(
        r: aio_tasks::Task<Result<(), GroupError<PyError>>, PyError>,
    ) -> (Vec<String>, String) {
        let eg = match r.await {
            Ok(Err(eg)) => eg,
            other => panic!("expected an ExceptionGroup, got {other:?}"),
        };
        let TaskError::Failed(inner) = &eg.exceptions().expect("the group failed").errors[0] else {
            panic!("the inner group's failure");
        };
        (error_types(&eg), inner.py_str())
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_11
    async fn taskgroup_11<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let r = group_runner(cx.rt(), move |_g1| async move {
            let rt2 = rt.clone();
            TaskGroup::run(&rt, |g2| async move {
                for _ in 0..5 {
                    g2.create_task(divides_when_cancelled(&rt2)).unwrap();
                }
                rt2.sleep(Duration::from_secs(10)).await;
                Ok::<_, PyError>(())
            })
            .await
            .map_err(as_raised)
        });
        cx.rt().sleep(100 * MS).await;
        assert!(!r.done());
        r.cancel(None);
        let (outer, inner) = nested_error_types(r).await;
        assert_eq!(outer, ["ExceptionGroup"]);
        assert_eq!(inner, "ZeroDivisionError");
    }

    #[apply(runtimes)]
    fn test_taskgroup_11(kind: RuntimeKind) {
        port!(kind, taskgroup_11);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_12
    async fn taskgroup_12<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let r = group_runner(cx.rt(), move |g1| async move {
            let sleeper = rt.clone();
            g1.create_task(async move {
                sleeper.sleep(Duration::from_secs(10)).await;
                Ok(())
            })
            .unwrap();
            let rt2 = rt.clone();
            TaskGroup::run(&rt, |g2| async move {
                for _ in 0..5 {
                    g2.create_task(divides_when_cancelled(&rt2)).unwrap();
                }
                rt2.sleep(Duration::from_secs(10)).await;
                Ok::<_, PyError>(())
            })
            .await
            .map_err(as_raised)
        });
        cx.rt().sleep(100 * MS).await;
        assert!(!r.done());
        r.cancel(None);
        let (outer, inner) = nested_error_types(r).await;
        assert_eq!(outer, ["ExceptionGroup"]);
        assert_eq!(inner, "ZeroDivisionError");
    }

    #[apply(runtimes)]
    fn test_taskgroup_12(kind: RuntimeKind) {
        port!(kind, taskgroup_12);
    }

    /// CPython's `MyBaseExc(BaseException)`: `assertRaises(BaseExceptionGroup)` and
    /// `get_error_types` read only its class.
    fn my_base_exc() -> PyError {
        PyError::new("MyBaseExc", "")
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_20a
    async fn taskgroup_20a<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let r = group_runner(cx.rt(), move |g| async move {
            let crasher = rt.clone();
            g.create_task(async move {
                crasher.sleep(100 * MS).await;
                Err::<(), _>(zero_division())
            })
            .unwrap();
            // nested(): try: await asyncio.sleep(10) / finally: raise MyBaseExc
            let _ = catch_cancel(rt.sleep(Duration::from_secs(10))).await;
            Err(my_base_exc())
        });
        assert_eq!(
            group_error_types(r).await,
            ["MyBaseExc", "ZeroDivisionError"]
        );
    }

    #[apply(runtimes)]
    fn test_taskgroup_20a(kind: RuntimeKind) {
        port!(kind, taskgroup_20a);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_21a
    async fn taskgroup_21a<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let r = group_runner(cx.rt(), move |g| async move {
            let crasher = rt.clone();
            g.create_task(async move {
                crasher.sleep(100 * MS).await;
                Err::<(), _>(my_base_exc())
            })
            .unwrap();
            // nested(): try: await asyncio.sleep(10) / finally: raise TypeError
            let _ = catch_cancel(rt.sleep(Duration::from_secs(10))).await;
            Err(PyError::new("TypeError", ""))
        });
        assert_eq!(group_error_types(r).await, ["MyBaseExc", "TypeError"]);
    }

    #[apply(runtimes)]
    fn test_taskgroup_21a(kind: RuntimeKind) {
        port!(kind, taskgroup_21a);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_context_manager_exit_raises
    async fn taskgroup_context_manager_exit_raises<R: Runtime>(cx: Cx<R>) {
        fn custom() -> PyError {
            PyError::new("CustomException", "")
        }
        let rt = cx.rt().clone();
        let main = spawn(cx.rt(), async move {
            let r = rt.clone();
            let out: Result<(), _> = TaskGroup::run(&rt, |tg| async move {
                // async with database(): its `finally: raise CustomException`
                tg.create_task(async { Err::<(), _>(custom()) }).unwrap();
                let _ = catch_cancel(r.sleep(Duration::from_secs(1))).await;
                Err(custom())
            })
            .await;
            // except* CustomException as err: ... / else: self.fail(...)
            let eg = out.expect_err("CustomException not raised");
            assert_eq!(error_types(&eg), ["CustomException"]);
            assert_eq!(aio_tasks::current_task().unwrap().cancelling(), 0);
            assert_eq!(eg.exceptions().unwrap().errors.len(), 2);
            Ok(())
        });
        main.await.unwrap();
    }

    #[apply(runtimes)]
    fn test_taskgroup_context_manager_exit_raises(kind: RuntimeKind) {
        port!(kind, taskgroup_context_manager_exit_raises);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_17
    async fn taskgroup_17<R: Runtime>(cx: Cx<R>) {
        let body_cancelled = flag();
        let (rt, bc) = (cx.rt().clone(), body_cancelled.clone());
        let r = spawn(cx.rt(), async move {
            Ok(TaskGroup::run(&rt, |_g: TaskGroup<R, PyError>| {
                let rt = rt.clone();
                async move {
                    let guard = OnCancel::new(&bc);
                    rt.sleep(Duration::from_secs(10)).await;
                    guard.disarm();
                    Ok(())
                }
            })
            .await)
        });
        cx.rt().sleep(100 * MS).await;
        assert!(!r.done());
        r.cancel(None);
        assert!(r.await.unwrap_err().is_cancelled());
        assert!(raised(&body_cancelled), "NUM == 10");
    }

    #[apply(runtimes)]
    fn test_taskgroup_17(kind: RuntimeKind) {
        port!(kind, taskgroup_17);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_22
    async fn taskgroup_22<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let r = spawn(cx.rt(), async move {
            Ok(TaskGroup::run(&rt, |g| {
                let rt = rt.clone();
                async move {
                    g.create_task(returns_after(&rt, Duration::from_secs(1), 42))
                        .unwrap();
                    g.create_task(returns_after(&rt, Duration::from_secs(2), 11))
                        .unwrap();
                    Ok(())
                }
            })
            .await)
        });
        cx.rt().sleep(50 * MS).await;
        r.cancel(None);
        assert!(r.await.unwrap_err().is_cancelled());
    }

    #[apply(runtimes)]
    fn test_taskgroup_22(kind: RuntimeKind) {
        port!(kind, taskgroup_22);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_24
    async fn taskgroup_24<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let out = TaskGroup::run(cx.rt(), |g| async move {
            let inner = g.clone();
            g.create_task(async move {
                rt.sleep(100 * MS).await;
                inner.create_task(returns_after(&rt, 100 * MS, 0)).unwrap();
                inner.create_task(returns_after(&rt, 200 * MS, 0)).unwrap();
                Ok::<_, PyError>(())
            })
            .unwrap();
            Ok::<_, PyError>(())
        })
        .await;
        assert!(out.is_ok());
    }

    #[apply(runtimes)]
    fn test_taskgroup_24(kind: RuntimeKind) {
        port!(kind, taskgroup_24);
    }

    fn hydra<R: Runtime>(
        rt: R,
        g: TaskGroup<R, PyError>,
        n: Arc<AtomicUsize>,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<(), PyError>> + Send + 'static>> {
        Box::pin(async move {
            n.fetch_add(1, Ordering::SeqCst);
            rt.sleep(10 * MS).await;
            for _ in 0..2 {
                // Once hercules has failed, the group refuses new children.
                let _ = g.create_task(hydra(rt.clone(), g.clone(), n.clone()));
            }
            Ok(())
        })
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_25
    async fn taskgroup_25<R: Runtime>(cx: Cx<R>) {
        let nhydras = Arc::new(AtomicUsize::new(0));
        let (rt, n) = (cx.rt().clone(), nhydras.clone());
        let out = TaskGroup::run(cx.rt(), |g| async move {
            g.create_task(hydra(rt.clone(), g.clone(), n.clone()))
                .unwrap();
            g.create_task(async move {
                while n.load(Ordering::SeqCst) < 10 {
                    rt.sleep(15 * MS).await;
                }
                Err::<(), _>(zero_division())
            })
            .unwrap();
            Ok::<_, PyError>(())
        })
        .await;
        assert_eq!(error_types(&out.unwrap_err()), ["ZeroDivisionError"]);
        assert!(nhydras.load(Ordering::SeqCst) >= 10);
    }

    #[apply(runtimes)]
    fn test_taskgroup_25(kind: RuntimeKind) {
        port!(kind, taskgroup_25);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_finished
    async fn taskgroup_finished<R: Runtime>(cx: Cx<R>) {
        let kept = TaskGroup::run(cx.rt(), |g| async move { Ok::<_, PyError>(g.clone()) })
            .await
            .unwrap();
        let refused = kept.create_task(async { Ok::<_, PyError>(()) });
        assert!(matches!(refused, Err(SpawnError::Finished)));
    }

    #[apply(runtimes)]
    fn test_taskgroup_finished(kind: RuntimeKind) {
        port!(kind, taskgroup_finished);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_not_entered
    async fn taskgroup_not_entered<R: Runtime>(cx: Cx<R>) {
        let out = TaskGroup::run(cx.rt(), |g| {
            // The body closure runs before the group is entered (asyncio's __aenter__).
            let refused = g.create_task(async { Ok::<_, PyError>(()) });
            async move { Ok::<_, PyError>(matches!(refused, Err(SpawnError::NotEntered))) }
        })
        .await;
        assert_eq!(out.ok(), Some(true));
    }

    #[apply(runtimes)]
    fn test_taskgroup_not_entered(kind: RuntimeKind) {
        port!(kind, taskgroup_not_entered);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_coro_closed_when_tg_closed
    async fn coro_closed_when_tg_closed<R: Runtime>(cx: Cx<R>) {
        let kept = TaskGroup::run(cx.rt(), |g| async move { Ok::<_, PyError>(g.clone()) })
            .await
            .unwrap();
        let ran = flag();
        let r = ran.clone();
        let refused = kept.create_task(async move {
            r.store(true, Ordering::SeqCst);
            Ok::<_, PyError>(())
        });
        assert!(matches!(refused, Err(SpawnError::Finished)));
        cx.sleep(1).await;
        // The refused body was dropped, never run (asyncio closes the coroutine).
        assert!(!raised(&ran));
    }

    #[apply(runtimes)]
    fn test_coro_closed_when_tg_closed(kind: RuntimeKind) {
        port!(kind, coro_closed_when_tg_closed);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_cancelling_level_preserved
    async fn cancelling_level_preserved<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let t = spawn(cx.rt(), async move {
            let out: Result<(), _> = TaskGroup::run(&rt, |tg| async move {
                tg.create_task(async { Err::<(), _>(PyError::new("RuntimeError", "")) })
                    .unwrap();
                Ok(())
            })
            .await;
            assert_eq!(error_types(&out.unwrap_err()), ["RuntimeError"]);
            Ok(aio_tasks::current_task().unwrap().cancelling())
        });
        assert_eq!(t.await, Ok(0));
    }

    #[apply(runtimes)]
    fn test_cancelling_level_preserved(kind: RuntimeKind) {
        port!(kind, cancelling_level_preserved);
    }

    /// CPython's `raise_after(t, e)`: sleeps `t`, then raises `e`.
    fn raise_after<R: Runtime>(
        rt: &R,
        delay: Duration,
        class: &'static str,
    ) -> impl Future<Output = Result<(), PyError>> + Send + 'static {
        let rt = rt.clone();
        async move {
            rt.sleep(delay).await;
            Err(PyError::new(class, ""))
        }
    }

    // CPython: test_taskgroups.TestTaskGroup.test_nested_groups_both_cancelled
    async fn nested_groups_both_cancelled<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let t = spawn(cx.rt(), async move {
            let r = rt.clone();
            let outer: Result<(), _> = TaskGroup::run(&rt, move |outer_tg| async move {
                let r2 = r.clone();
                let inner: Result<(), _> = TaskGroup::run(&r, move |inner_tg| async move {
                    inner_tg
                        .create_task(raise_after(&r2, Duration::ZERO, "RuntimeError"))
                        .unwrap();
                    outer_tg
                        .create_task(raise_after(&r2, Duration::ZERO, "ValueError"))
                        .unwrap();
                    Ok(())
                })
                .await;
                // except* RuntimeError: pass / else: self.fail
                assert_eq!(error_types(&inner.unwrap_err()), ["RuntimeError"]);
                assert_eq!(aio_tasks::current_task().unwrap().cancelling(), 1);
                Ok(())
            })
            .await;
            // except* ValueError: pass / else: self.fail
            assert_eq!(error_types(&outer.unwrap_err()), ["ValueError"]);
            Ok(aio_tasks::current_task().unwrap().cancelling())
        });
        assert_eq!(t.await, Ok(0));
    }

    #[apply(runtimes)]
    fn test_nested_groups_both_cancelled(kind: RuntimeKind) {
        port!(kind, nested_groups_both_cancelled);
    }

    // CPython: test_taskgroups.TestTaskGroup.test_taskgroup_task_name
    async fn taskgroup_task_name<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let out = TaskGroup::run(cx.rt(), |g| async move {
            let t = g
                .create_task_named("yolo", async move {
                    aio_sleep::sleep(&rt, Duration::ZERO).await;
                    Ok::<_, PyError>(())
                })
                .unwrap();
            assert_eq!(t.name(), "yolo");
            Ok::<_, PyError>(())
        })
        .await;
        assert!(out.is_ok());
    }

    #[apply(runtimes)]
    fn test_taskgroup_task_name(kind: RuntimeKind) {
        port!(kind, taskgroup_task_name);
    }
}
