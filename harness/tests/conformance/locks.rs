//! CPython's `Lib/test/test_asyncio/test_locks.py`, ported: one module per CPython class,
//! one test per ported method, each on all five runtimes in virtual time. The table
//! `harness/conformance/locks.txt` classifies every method (`aio conformance`).
//!
//! Translation rules for these ports:
//! - `await asyncio.sleep(0)` ("let the other tasks run until they block") is one tick of
//!   virtual time, `cx.sleep(1)`: every runtime, the multi-threaded one included, has then
//!   run every task that was ready.
//! - Tasks CPython starts in one go and expects to queue in creation order are started one
//!   tick apart ([`start`]), so that their order does not depend on a runtime's spawn order.
//! - An assertion on a private attribute (`lock._waiters`) becomes its observable
//!   consequence, said in a comment.

use crate::common;

use std::convert::Infallible;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aio_harness::{Cx, RuntimeKind};
use aio_rt::Runtime;
use aio_tasks::Task;
use common::{Log, gather_n, port, runtimes, start, task};
use rstest::rstest;
use rstest_reuse::apply;

mod lock_tests {
    use super::*;
    use aio_sync::Lock;

    // CPython: test_locks.LockTests.test_acquire
    async fn acquire<R: Runtime>(cx: Cx<R>) {
        let lock = Arc::new(Lock::new());
        let result = Log::default();
        lock.acquire().await;
        let waiter = |n| {
            let (lock, result) = (lock.clone(), result.clone());
            async move {
                lock.acquire().await;
                result.push(n);
                true
            }
        };
        let t1 = start(&cx, waiter(1)).await;
        let t2 = start(&cx, waiter(2)).await;
        assert_eq!(result.get(), Vec::<i32>::new());
        lock.release().unwrap();
        cx.sleep(1).await;
        assert_eq!(result.get(), [1]);
        cx.sleep(1).await;
        assert_eq!(result.get(), [1]);
        let t3 = start(&cx, waiter(3)).await;
        lock.release().unwrap();
        cx.sleep(1).await;
        assert_eq!(result.get(), [1, 2]);
        lock.release().unwrap();
        cx.sleep(1).await;
        assert_eq!(result.get(), [1, 2, 3]);
        for t in [t1, t2, t3] {
            assert!(t.done());
            assert_eq!(t.result(), Ok(true));
        }
    }

    #[apply(runtimes)]
    fn test_acquire(kind: RuntimeKind) {
        port!(kind, acquire);
    }

    // CPython: test_locks.LockTests.test_acquire_cancel
    async fn acquire_cancel<R: Runtime>(cx: Cx<R>) {
        let lock = Arc::new(Lock::new());
        lock.acquire().await;
        let l = lock.clone();
        let t = start(&cx, async move { l.acquire().await }).await;
        t.cancel(None);
        assert!(t.await.unwrap_err().is_cancelled());
        // `lock._waiters` is empty: nobody is left to take the lock when it is released.
        lock.release().unwrap();
        cx.sleep(1).await;
        assert!(!lock.locked());
    }

    #[apply(runtimes)]
    fn test_acquire_cancel(kind: RuntimeKind) {
        port!(kind, acquire_cancel);
    }

    // CPython: test_locks.LockTests.test_cancel_race
    async fn cancel_race<R: Runtime>(cx: Cx<R>) {
        let lock = Arc::new(Lock::new());
        let blocker = Arc::new(aio_sync::Event::new());
        let lockit = |block: bool| {
            let (lock, blocker) = (lock.clone(), blocker.clone());
            async move {
                lock.acquire().await;
                if block {
                    blocker.wait().await;
                }
                lock.release().unwrap();
            }
        };
        let ta = start(&cx, lockit(true)).await;
        assert!(lock.locked());
        let tb = start(&cx, lockit(false)).await;
        let tc = start(&cx, lockit(false)).await;
        // A lets go of the lock while B, first in line, is cancelled: C must get it.
        blocker.set();
        tb.cancel(None);
        cx.sleep(1).await;
        assert!(!lock.locked());
        assert!(ta.done());
        assert!(tb.cancelled());
        assert_eq!(tc.await, Ok(()));
    }

    #[apply(runtimes)]
    fn test_cancel_race(kind: RuntimeKind) {
        port!(kind, cancel_race);
    }

    // CPython: test_locks.LockTests.test_cancel_release_race
    async fn cancel_release_race<R: Runtime>(cx: Cx<R>) {
        let lock = Arc::new(Lock::new());
        let lock_count = Arc::new(Mutex::new(0));
        let call_count = Arc::new(Mutex::new(0));
        let lockit = || {
            let (lock, lock_count, call_count) =
                (lock.clone(), lock_count.clone(), call_count.clone());
            async move {
                *call_count.lock().unwrap() += 1;
                lock.acquire().await;
                *lock_count.lock().unwrap() += 1;
            }
        };
        lock.acquire().await;
        let t1 = start(&cx, lockit()).await;
        let t2 = start(&cx, lockit()).await;
        let t3 = start(&cx, lockit()).await;
        // Cancel the first in line and release, in one step: only t2 may take the lock.
        t1.cancel(None);
        lock.release().unwrap();
        assert!(t1.clone().await.unwrap_err().is_cancelled());
        cx.sleep(1).await;
        assert_eq!(*lock_count.lock().unwrap(), 1);
        assert_eq!(*call_count.lock().unwrap(), 3);
        assert!(t1.cancelled() && t2.done());
        t3.cancel(None);
        cx.sleep(1).await;
        assert!(t3.cancelled());
    }

    #[apply(runtimes)]
    fn test_cancel_release_race(kind: RuntimeKind) {
        port!(kind, cancel_release_race);
    }

    // CPython: test_locks.LockTests.test_finished_waiter_cancelled
    async fn finished_waiter_cancelled<R: Runtime>(cx: Cx<R>) {
        let lock = Arc::new(Lock::new());
        lock.acquire().await;
        assert!(lock.locked());
        let l = lock.clone();
        let tb = start(&cx, async move { l.acquire().await }).await;
        let l = lock.clone();
        let tc = task(cx.rt(), async move { l.acquire().await });
        // tc starts waiting behind tb in this same instant; tb is woken, then cancelled.
        cx.rt().yield_now().await;
        tb.cancel(None);
        lock.release().unwrap();
        cx.sleep(1).await;
        assert!(lock.locked());
        assert!(tb.cancelled());
        assert_eq!(tc.await, Ok(()));
    }

    #[apply(runtimes)]
    fn test_finished_waiter_cancelled(kind: RuntimeKind) {
        port!(kind, finished_waiter_cancelled);
    }

    // CPython: test_locks.LockTests.test_release_not_acquired
    async fn release_not_acquired<R: Runtime>(_cx: Cx<R>) {
        let lock = Lock::new();
        assert!(lock.release().is_err());
    }

    #[apply(runtimes)]
    fn test_release_not_acquired(kind: RuntimeKind) {
        port!(kind, release_not_acquired);
    }

    // CPython: test_locks.LockTests.test_release_no_waiters
    async fn release_no_waiters<R: Runtime>(_cx: Cx<R>) {
        let lock = Lock::new();
        lock.acquire().await;
        assert!(lock.locked());
        lock.release().unwrap();
        assert!(!lock.locked());
    }

    #[apply(runtimes)]
    fn test_release_no_waiters(kind: RuntimeKind) {
        port!(kind, release_no_waiters);
    }

    // CPython: test_locks.LockTests.test_context_manager
    async fn context_manager<R: Runtime>(_cx: Cx<R>) {
        let lock = Lock::new();
        assert!(!lock.locked());
        {
            let _guard = lock.lock().await;
            assert!(lock.locked());
        }
        assert!(!lock.locked());
    }

    #[apply(runtimes)]
    fn test_context_manager(kind: RuntimeKind) {
        port!(kind, context_manager);
    }
}

mod event_tests {
    use super::*;
    use aio_sync::Event;

    // CPython: test_locks.EventTests.test_wait_on_set
    async fn wait_on_set<R: Runtime>(_cx: Cx<R>) {
        let ev = Event::new();
        ev.set();
        ev.wait().await;
        assert!(ev.is_set());
    }

    #[apply(runtimes)]
    fn test_wait_on_set(kind: RuntimeKind) {
        port!(kind, wait_on_set);
    }

    // CPython: test_locks.EventTests.test_wait_cancel
    async fn wait_cancel<R: Runtime>(cx: Cx<R>) {
        let ev = Arc::new(Event::new());
        let e = ev.clone();
        let waiting = Log::default();
        let w = waiting.clone();
        let wait = start(&cx, async move {
            e.wait().await;
            w.push(1);
        })
        .await;
        wait.cancel(None);
        assert!(wait.await.unwrap_err().is_cancelled());
        // `ev._waiters` is empty: setting the event wakes nobody.
        ev.set();
        cx.sleep(1).await;
        assert_eq!(waiting.get(), Vec::<i32>::new());
    }

    #[apply(runtimes)]
    fn test_wait_cancel(kind: RuntimeKind) {
        port!(kind, wait_cancel);
    }

    // CPython: test_locks.EventTests.test_clear
    async fn clear<R: Runtime>(_cx: Cx<R>) {
        let ev = Event::new();
        assert!(!ev.is_set());
        ev.set();
        assert!(ev.is_set());
        ev.clear();
        assert!(!ev.is_set());
    }

    #[apply(runtimes)]
    fn test_clear(kind: RuntimeKind) {
        port!(kind, clear);
    }

    // CPython: test_locks.EventTests.test_clear_with_waiters
    async fn clear_with_waiters<R: Runtime>(cx: Cx<R>) {
        let ev = Arc::new(Event::new());
        let result = Log::default();
        let (e, r) = (ev.clone(), result.clone());
        let t = start(&cx, async move {
            e.wait().await;
            r.push(1);
            true
        })
        .await;
        assert_eq!(result.get(), Vec::<i32>::new());
        // A set then a clear before the waiter runs still wakes it.
        ev.set();
        ev.clear();
        assert!(!ev.is_set());
        ev.set();
        ev.set();
        cx.sleep(1).await;
        assert_eq!(result.get(), [1]);
        assert!(t.done());
        assert_eq!(t.result(), Ok(true));
    }

    #[apply(runtimes)]
    fn test_clear_with_waiters(kind: RuntimeKind) {
        port!(kind, clear_with_waiters);
    }
}

mod condition_tests {
    use super::*;
    use aio_sync::Condition;

    // CPython: test_locks.ConditionTests.test_wait
    async fn wait<R: Runtime>(cx: Cx<R>) {
        let cond = Arc::new(Condition::new());
        let result = Log::default();
        let waiter = |n| {
            let (cond, result) = (cond.clone(), result.clone());
            async move {
                cond.acquire().await;
                cond.wait().await.unwrap();
                result.push(n);
                true
            }
        };
        let t1 = start(&cx, waiter(1)).await;
        let t2 = start(&cx, waiter(2)).await;
        let t3 = start(&cx, waiter(3)).await;
        assert_eq!(result.get(), Vec::<i32>::new());
        assert!(!cond.locked());
        cond.acquire().await;
        cond.notify(1).unwrap();
        cx.sleep(1).await;
        assert_eq!(result.get(), Vec::<i32>::new());
        assert!(cond.locked());
        cond.release().unwrap();
        cx.sleep(1).await;
        assert_eq!(result.get(), [1]);
        assert!(cond.locked());
        cond.notify(2).unwrap();
        cx.sleep(1).await;
        assert_eq!(result.get(), [1]);
        assert!(cond.locked());
        cond.release().unwrap();
        cx.sleep(1).await;
        assert_eq!(result.get(), [1, 2]);
        assert!(cond.locked());
        cond.release().unwrap();
        cx.sleep(1).await;
        assert_eq!(result.get(), [1, 2, 3]);
        assert!(cond.locked());
        for t in [t1, t2, t3] {
            assert!(t.done());
            assert_eq!(t.result(), Ok(true));
        }
    }

    #[apply(runtimes)]
    fn test_wait(kind: RuntimeKind) {
        port!(kind, wait);
    }

    // CPython: test_locks.ConditionTests.test_wait_cancel
    async fn wait_cancel<R: Runtime>(cx: Cx<R>) {
        let cond = Arc::new(Condition::new());
        cond.acquire().await;
        let c = cond.clone();
        let wait = start(&cx, async move { c.wait().await }).await;
        wait.cancel(None);
        assert!(wait.await.unwrap_err().is_cancelled());
        // `cond._waiters` is empty: a notification reaches nobody (and nobody is left
        // waiting at the end of the run); the lock is held again.
        assert!(cond.locked());
        cond.notify_all().unwrap();
    }

    #[apply(runtimes)]
    fn test_wait_cancel(kind: RuntimeKind) {
        port!(kind, wait_cancel);
    }

    // CPython: test_locks.ConditionTests.test_wait_cancel_contested
    async fn wait_cancel_contested<R: Runtime>(cx: Cx<R>) {
        let cond = Arc::new(Condition::new());
        cond.acquire().await;
        assert!(cond.locked());
        let c = cond.clone();
        let wait_task = start(&cx, async move { c.wait().await }).await;
        assert!(!cond.locked());
        // Notify, but hold the lock: the waiter is cancelled while it waits for it.
        cond.acquire().await;
        assert!(cond.locked());
        cond.notify(1).unwrap();
        wait_task.cancel(None);
        cond.release().unwrap();
        // Whether it ends cancelled or not, the lock is held at the end.
        let _ = wait_task.await;
        assert!(cond.locked());
    }

    #[apply(runtimes)]
    fn test_wait_cancel_contested(kind: RuntimeKind) {
        port!(kind, wait_cancel_contested);
    }

    // CPython: test_locks.ConditionTests.test_wait_cancel_after_notify
    async fn wait_cancel_after_notify<R: Runtime>(cx: Cx<R>) {
        let cond = Arc::new(Condition::new());
        let waited = Arc::new(Mutex::new(false));
        let (c, w) = (cond.clone(), waited.clone());
        let waiter = start(&cx, async move {
            let _guard = c.lock().await;
            *w.lock().unwrap() = true;
            c.wait().await.unwrap();
        })
        .await;
        cond.acquire().await;
        cond.notify(1).unwrap();
        cx.sleep(1).await;
        waiter.cancel(None);
        cx.sleep(1).await;
        cond.release().unwrap();
        cx.sleep(1).await;
        assert!(waiter.cancelled());
        assert!(*waited.lock().unwrap());
    }

    #[apply(runtimes)]
    fn test_wait_cancel_after_notify(kind: RuntimeKind) {
        port!(kind, wait_cancel_after_notify);
    }

    // CPython: test_locks.ConditionTests.test_wait_unacquired
    async fn wait_unacquired<R: Runtime>(_cx: Cx<R>) {
        let cond = Condition::new();
        assert!(cond.wait().await.is_err());
    }

    #[apply(runtimes)]
    fn test_wait_unacquired(kind: RuntimeKind) {
        port!(kind, wait_unacquired);
    }

    // CPython: test_locks.ConditionTests.test_wait_for
    async fn wait_for<R: Runtime>(cx: Cx<R>) {
        let cond = Arc::new(Condition::new());
        let presult = Arc::new(Mutex::new(false));
        let result = Log::default();
        let (c, p, r) = (cond.clone(), presult.clone(), result.clone());
        let t = start(&cx, async move {
            c.acquire().await;
            c.wait_for(|| (*p.lock().unwrap()).then_some(()))
                .await
                .unwrap();
            r.push(1);
            c.release().unwrap();
            true
        })
        .await;
        assert_eq!(result.get(), Vec::<i32>::new());
        cond.acquire().await;
        cond.notify(1).unwrap();
        cond.release().unwrap();
        cx.sleep(1).await;
        assert_eq!(result.get(), Vec::<i32>::new());
        *presult.lock().unwrap() = true;
        cond.acquire().await;
        cond.notify(1).unwrap();
        cond.release().unwrap();
        cx.sleep(1).await;
        assert_eq!(result.get(), [1]);
        assert!(t.done());
        assert_eq!(t.result(), Ok(true));
    }

    #[apply(runtimes)]
    fn test_wait_for(kind: RuntimeKind) {
        port!(kind, wait_for);
    }

    /// The `func()` of the two `test_cancelled_error_*` tests: `async with cond:` around a
    /// `wait_for` whose `CancelledError` it catches (`assertRaises`), keeps in `raised`,
    /// and raises again.
    async fn cancelled_waiter(
        cond: Arc<Condition>,
        wake: Arc<Mutex<bool>>,
        raised: Arc<Mutex<Option<aio_tasks::CancelledError>>>,
    ) -> Result<(), aio_tasks::CancelledError> {
        let _held = cond.lock().await;
        match aio_tasks::catch_cancel(cond.wait_for(|| (*wake.lock().unwrap()).then_some(()))).await
        {
            Err(err) => {
                *raised.lock().unwrap() = Some(err.clone());
                Err(err) // raise raised
            }
            Ok(_) => panic!("CancelledError not raised"),
        }
    }

    // CPython: test_locks.ConditionTests.test_cancelled_error_wakeup
    async fn cancelled_error_wakeup<R: Runtime>(cx: Cx<R>) {
        let wake = Arc::new(Mutex::new(false));
        let raised = Arc::new(Mutex::new(None));
        let cond = Arc::new(Condition::new());
        let task = aio_tasks::create_task(
            cx.rt(),
            cancelled_waiter(cond.clone(), wake.clone(), raised.clone()),
        );
        cx.sleep(1).await;
        // Task is waiting on the condition, cancel it there.
        task.cancel(Some("foo"));
        let err = match task.await {
            Err(aio_tasks::TaskError::Cancelled(err)) => err,
            other => panic!("expected CancelledError, got {other:?}"),
        };
        assert_eq!(err.message.as_deref(), Some("foo"));
        // The same exception as the one raised in the task (`assertIs`: its value here).
        assert_eq!(raised.lock().unwrap().as_ref(), Some(&err));
        assert!(!cond.locked());
    }

    #[apply(runtimes)]
    fn test_cancelled_error_wakeup(kind: RuntimeKind) {
        port!(kind, cancelled_error_wakeup);
    }

    // CPython: test_locks.ConditionTests.test_cancelled_error_re_aquire
    async fn cancelled_error_re_aquire<R: Runtime>(cx: Cx<R>) {
        let wake = Arc::new(Mutex::new(false));
        let raised = Arc::new(Mutex::new(None));
        let cond = Arc::new(Condition::new());
        let task = aio_tasks::create_task(
            cx.rt(),
            cancelled_waiter(cond.clone(), wake.clone(), raised.clone()),
        );
        cx.sleep(1).await;
        // Task is waiting on the condition
        cond.acquire().await;
        *wake.lock().unwrap() = true;
        cond.notify(1).unwrap();
        cx.sleep(1).await;
        // Task is now trying to re-acquire the lock, cancel it there.
        task.cancel(Some("foo"));
        cond.release().unwrap();
        let err = match task.await {
            Err(aio_tasks::TaskError::Cancelled(err)) => err,
            other => panic!("expected CancelledError, got {other:?}"),
        };
        assert_eq!(err.message.as_deref(), Some("foo"));
        assert_eq!(raised.lock().unwrap().as_ref(), Some(&err));
        assert!(!cond.locked());
    }

    #[apply(runtimes)]
    fn test_cancelled_error_re_aquire(kind: RuntimeKind) {
        port!(kind, cancelled_error_re_aquire);
    }

    // CPython: test_locks.ConditionTests.test_wait_for_unacquired
    async fn wait_for_unacquired<R: Runtime>(_cx: Cx<R>) {
        let cond = Condition::new();
        assert_eq!(
            cond.wait_for(|| Some(vec![1, 2, 3])).await,
            Ok(vec![1, 2, 3])
        );
        assert!(cond.wait_for(|| None::<()>).await.is_err());
    }

    #[apply(runtimes)]
    fn test_wait_for_unacquired(kind: RuntimeKind) {
        port!(kind, wait_for_unacquired);
    }

    fn notified_waiter(
        cond: &Arc<Condition>,
        result: &Log,
        n: i32,
    ) -> impl Future<Output = bool> + Send + 'static {
        let (cond, result) = (cond.clone(), result.clone());
        async move {
            cond.acquire().await;
            cond.wait().await.unwrap();
            result.push(n);
            cond.release().unwrap();
            true
        }
    }

    // CPython: test_locks.ConditionTests.test_notify
    async fn notify<R: Runtime>(cx: Cx<R>) {
        let cond = Arc::new(Condition::new());
        let result = Log::default();
        let t1 = start(&cx, notified_waiter(&cond, &result, 1)).await;
        let t2 = start(&cx, notified_waiter(&cond, &result, 2)).await;
        let t3 = start(&cx, notified_waiter(&cond, &result, 3)).await;
        assert_eq!(result.get(), Vec::<i32>::new());
        cond.acquire().await;
        cond.notify(1).unwrap();
        cond.release().unwrap();
        cx.sleep(1).await;
        assert_eq!(result.get(), [1]);
        cond.acquire().await;
        cond.notify(1).unwrap();
        cond.notify(2048).unwrap();
        cond.release().unwrap();
        cx.sleep(1).await;
        assert_eq!(result.get(), [1, 2, 3]);
        for t in [t1, t2, t3] {
            assert!(t.done());
            assert_eq!(t.result(), Ok(true));
        }
    }

    #[apply(runtimes)]
    fn test_notify(kind: RuntimeKind) {
        port!(kind, notify);
    }

    // CPython: test_locks.ConditionTests.test_notify_all
    async fn notify_all<R: Runtime>(cx: Cx<R>) {
        let cond = Arc::new(Condition::new());
        let result = Log::default();
        let t1 = start(&cx, notified_waiter(&cond, &result, 1)).await;
        let t2 = start(&cx, notified_waiter(&cond, &result, 2)).await;
        assert_eq!(result.get(), Vec::<i32>::new());
        cond.acquire().await;
        cond.notify_all().unwrap();
        cond.release().unwrap();
        cx.sleep(1).await;
        assert_eq!(result.get(), [1, 2]);
        for t in [t1, t2] {
            assert!(t.done());
            assert_eq!(t.result(), Ok(true));
        }
    }

    #[apply(runtimes)]
    fn test_notify_all(kind: RuntimeKind) {
        port!(kind, notify_all);
    }

    // CPython: test_locks.ConditionTests.test_notify_unacquired
    async fn notify_unacquired<R: Runtime>(_cx: Cx<R>) {
        assert!(Condition::new().notify(1).is_err());
    }

    #[apply(runtimes)]
    fn test_notify_unacquired(kind: RuntimeKind) {
        port!(kind, notify_unacquired);
    }

    // CPython: test_locks.ConditionTests.test_notify_all_unacquired
    async fn notify_all_unacquired<R: Runtime>(_cx: Cx<R>) {
        assert!(Condition::new().notify_all().is_err());
    }

    #[apply(runtimes)]
    fn test_notify_all_unacquired(kind: RuntimeKind) {
        port!(kind, notify_all_unacquired);
    }

    // CPython: test_locks.ConditionTests.test_context_manager
    async fn context_manager<R: Runtime>(_cx: Cx<R>) {
        let cond = Condition::new();
        assert!(!cond.locked());
        {
            let _guard = cond.lock().await;
            assert!(cond.locked());
        }
        assert!(!cond.locked());
    }

    #[apply(runtimes)]
    fn test_context_manager(kind: RuntimeKind) {
        port!(kind, context_manager);
    }

    // CPython: test_locks.ConditionTests.test_timeout_in_block
    async fn timeout_in_block<R: Runtime>(cx: Cx<R>) {
        let cond = Condition::new();
        let _guard = cond.lock().await;
        let outcome = aio_wait::wait_for(cx.rt(), cond.wait(), Some(cx.ticks(1))).await;
        assert!(outcome.is_err(), "wait_for(cond.wait(), 0.5) times out");
        // The wait took the lock back before the timeout left the block.
        assert!(cond.locked());
    }

    #[apply(runtimes)]
    fn test_timeout_in_block(kind: RuntimeKind) {
        port!(kind, timeout_in_block);
    }

    /// The consumer of test_cancelled_wakeup(_relock): takes an item when `state` > 0,
    /// stops when it goes negative.
    fn consumer(
        cond: &Arc<Condition>,
        state: &Arc<Mutex<i32>>,
    ) -> impl Future<Output = ()> + Send + 'static {
        let (cond, state) = (cond.clone(), state.clone());
        async move {
            let _guard = cond.lock().await;
            loop {
                let s = state.clone();
                cond.wait_for(|| (*s.lock().unwrap() != 0).then_some(()))
                    .await
                    .unwrap();
                let mut state = state.lock().unwrap();
                if *state < 0 {
                    return;
                }
                *state -= 1;
            }
        }
    }

    // CPython: test_locks.ConditionTests.test_cancelled_wakeup
    async fn cancelled_wakeup<R: Runtime>(cx: Cx<R>) {
        let cond = Arc::new(Condition::new());
        let state = Arc::new(Mutex::new(0));
        let c0 = start(&cx, consumer(&cond, &state)).await;
        let c1 = start(&cx, consumer(&cond, &state)).await;
        {
            let _guard = cond.lock().await;
            *state.lock().unwrap() += 1;
            cond.notify(1).unwrap();
            // Cancelled while its wake-up is pending: the notification must not be lost.
            c0.cancel(None);
            let s = state.clone();
            let consumed = cond.wait_for(move || (*s.lock().unwrap() == 0).then_some(()));
            let _ = aio_wait::wait_for(cx.rt(), consumed, Some(cx.ticks(1))).await;
            assert_eq!(*state.lock().unwrap(), 0);
            *state.lock().unwrap() = -1;
            cond.notify_all().unwrap();
        }
        assert_eq!(c1.await, Ok(()));
    }

    #[apply(runtimes)]
    fn test_cancelled_wakeup(kind: RuntimeKind) {
        port!(kind, cancelled_wakeup);
    }

    // CPython: test_locks.ConditionTests.test_cancelled_wakeup_relock
    async fn cancelled_wakeup_relock<R: Runtime>(cx: Cx<R>) {
        let cond = Arc::new(Condition::new());
        let state = Arc::new(Mutex::new(0));
        let c0 = start(&cx, consumer(&cond, &state)).await;
        let c1 = start(&cx, consumer(&cond, &state)).await;
        {
            let _guard = cond.lock().await;
            *state.lock().unwrap() += 1;
            cond.notify(1).unwrap();
            // Let the notified consumer wake up and wait for the lock, then cancel it.
            cx.sleep(1).await;
            c0.cancel(None);
            let s = state.clone();
            let consumed = cond.wait_for(move || (*s.lock().unwrap() == 0).then_some(()));
            let _ = aio_wait::wait_for(cx.rt(), consumed, Some(cx.ticks(1))).await;
            assert_eq!(*state.lock().unwrap(), 0);
            *state.lock().unwrap() = -1;
            cond.notify_all().unwrap();
        }
        assert_eq!(c1.await, Ok(()));
    }

    #[apply(runtimes)]
    fn test_cancelled_wakeup_relock(kind: RuntimeKind) {
        port!(kind, cancelled_wakeup_relock);
    }
}

mod semaphore_tests {
    use super::*;
    use aio_sync::{BoundedSemaphore, Semaphore};

    // CPython: test_locks.SemaphoreTests.test_initial_value_zero
    async fn initial_value_zero<R: Runtime>(_cx: Cx<R>) {
        assert!(Semaphore::new(0).locked());
    }

    #[apply(runtimes)]
    fn test_initial_value_zero(kind: RuntimeKind) {
        port!(kind, initial_value_zero);
    }

    fn acquirer(
        sem: &Arc<Semaphore>,
        result: &Log,
        n: i32,
    ) -> impl Future<Output = bool> + Send + 'static {
        let (sem, result) = (sem.clone(), result.clone());
        async move {
            sem.acquire().await;
            result.push(n);
            true
        }
    }

    // CPython: test_locks.SemaphoreTests.test_acquire
    async fn acquire<R: Runtime>(cx: Cx<R>) {
        let sem = Arc::new(Semaphore::new(3));
        let result = Log::default();
        sem.acquire().await;
        sem.acquire().await;
        assert!(!sem.locked());
        let t1 = start(&cx, acquirer(&sem, &result, 1)).await;
        let t2 = start(&cx, acquirer(&sem, &result, 2)).await;
        let t3 = start(&cx, acquirer(&sem, &result, 3)).await;
        assert_eq!(result.get(), [1]);
        assert!(sem.locked());
        assert_eq!(sem.value(), 0);
        let t4 = start(&cx, acquirer(&sem, &result, 4)).await;
        sem.release();
        sem.release();
        assert_eq!(
            sem.value(),
            0,
            "the permits are handed to waiters, not kept"
        );
        cx.sleep(1).await;
        assert_eq!(sem.value(), 0);
        assert_eq!(result.get().len(), 3);
        assert!(sem.locked());
        assert!(t1.done());
        assert_eq!(t1.result(), Ok(true));
        let racers = [t2, t3, t4];
        let done = racers
            .iter()
            .filter(|t| t.done() && t.result() == Ok(true))
            .count();
        assert_eq!(done, 2);
        sem.release();
        for t in racers {
            assert_eq!(t.await, Ok(true));
        }
    }

    #[apply(runtimes)]
    fn test_acquire(kind: RuntimeKind) {
        port!(kind, acquire);
    }

    // CPython: test_locks.SemaphoreTests.test_acquire_cancel
    async fn acquire_cancel<R: Runtime>(cx: Cx<R>) {
        let sem = Arc::new(Semaphore::new(1));
        sem.acquire().await;
        let s = sem.clone();
        let acquire = start(&cx, async move { s.acquire().await }).await;
        acquire.cancel(None);
        assert!(acquire.await.unwrap_err().is_cancelled());
        // No live waiter is left: the released permit stays free.
        sem.release();
        cx.sleep(1).await;
        assert!(!sem.locked());
        assert_eq!(sem.value(), 1);
    }

    #[apply(runtimes)]
    fn test_acquire_cancel(kind: RuntimeKind) {
        port!(kind, acquire_cancel);
    }

    // CPython: test_locks.SemaphoreTests.test_acquire_cancel_before_awoken
    async fn acquire_cancel_before_awoken<R: Runtime>(cx: Cx<R>) {
        let sem = Arc::new(Semaphore::new(0));
        let acquire = |sem: &Arc<Semaphore>| {
            let sem = sem.clone();
            async move { sem.acquire().await }
        };
        let t1 = start(&cx, acquire(&sem)).await;
        let t2 = start(&cx, acquire(&sem)).await;
        let t3 = start(&cx, acquire(&sem)).await;
        let t4 = start(&cx, acquire(&sem)).await;
        t1.cancel(None);
        t2.cancel(None);
        sem.release();
        cx.sleep(1).await;
        cx.sleep(1).await;
        assert_eq!([&t3, &t4].iter().filter(|t| t.done()).count(), 1);
        assert!(t3.done());
        assert!(!t4.done());
        t3.cancel(None);
        t4.cancel(None);
        cx.sleep(1).await;
    }

    #[apply(runtimes)]
    fn test_acquire_cancel_before_awoken(kind: RuntimeKind) {
        port!(kind, acquire_cancel_before_awoken);
    }

    // CPython: test_locks.SemaphoreTests.test_acquire_hang
    async fn acquire_hang<R: Runtime>(cx: Cx<R>) {
        let sem = Arc::new(Semaphore::new(0));
        let s = sem.clone();
        let t1 = start(&cx, async move { s.acquire().await }).await;
        let s = sem.clone();
        let t2 = start(&cx, async move { s.acquire().await }).await;
        t1.cancel(None);
        sem.release();
        cx.sleep(1).await;
        cx.sleep(1).await;
        assert!(sem.locked());
        assert!(t2.done());
    }

    #[apply(runtimes)]
    fn test_acquire_hang(kind: RuntimeKind) {
        port!(kind, acquire_hang);
    }

    // CPython: test_locks.SemaphoreTests.test_acquire_no_hang
    async fn acquire_no_hang<R: Runtime>(cx: Cx<R>) {
        let sem = Arc::new(Semaphore::new(1));
        let t2_slot: Arc<Mutex<Option<Task<(), Infallible>>>> = Arc::default();
        let (s, slot, rt) = (sem.clone(), t2_slot.clone(), cx.rt().clone());
        let t1 = task(cx.rt(), async move {
            {
                let _permit = s.permit().await;
                // t2 queues for the permit meanwhile.
                rt.sleep(Duration::from_millis(1)).await;
            }
            let t2 = slot.lock().unwrap().clone();
            t2.expect("t2 exists").cancel(None);
        });
        let s = sem.clone();
        let t2 = task(cx.rt(), async move {
            let _permit = s.permit().await;
            panic!("t2 must never get past the permit: it is cancelled first");
        });
        *t2_slot.lock().unwrap() = Some(t2.clone());
        assert_eq!(t1.await, Ok(()));
        assert!(t2.await.unwrap_err().is_cancelled());
        let acquired = aio_wait::wait_for(cx.rt(), sem.acquire(), Some(cx.ticks(1))).await;
        assert!(acquired.is_ok(), "the permit t2 was handed is not lost");
    }

    #[apply(runtimes)]
    fn test_acquire_no_hang(kind: RuntimeKind) {
        port!(kind, acquire_no_hang);
    }

    // CPython: test_locks.SemaphoreTests.test_acquire_fifo_order
    async fn acquire_fifo_order<R: Runtime>(cx: Cx<R>) {
        let sem = Arc::new(Semaphore::new(1));
        let result: Arc<Mutex<Vec<String>>> = Arc::default();
        let coro = |tag: &'static str| {
            let (sem, result, rt) = (sem.clone(), result.clone(), cx.rt().clone());
            async move {
                sem.acquire().await;
                result.lock().unwrap().push(format!("{tag}_1"));
                rt.sleep(Duration::from_millis(10)).await;
                sem.release();
                sem.acquire().await;
                result.lock().unwrap().push(format!("{tag}_2"));
                rt.sleep(Duration::from_millis(10)).await;
                sem.release();
            }
        };
        let tasks = [
            start(&cx, coro("c1")).await,
            start(&cx, coro("c2")).await,
            start(&cx, coro("c3")).await,
        ];
        for t in tasks {
            assert_eq!(t.await, Ok(()));
        }
        assert_eq!(
            *result.lock().unwrap(),
            ["c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"]
        );
    }

    #[apply(runtimes)]
    fn test_acquire_fifo_order(kind: RuntimeKind) {
        port!(kind, acquire_fifo_order);
    }

    // CPython: test_locks.SemaphoreTests.test_acquire_fifo_order_3
    async fn acquire_fifo_order_3<R: Runtime>(cx: Cx<R>) {
        let sem = Arc::new(Semaphore::new(0));
        let result = Log::default();
        let t1 = start(&cx, acquirer(&sem, &result, 1)).await;
        let t2 = start(&cx, acquirer(&sem, &result, 2)).await;
        let t3 = start(&cx, acquirer(&sem, &result, 3)).await;
        t1.cancel(None);
        cx.sleep(1).await;
        sem.release();
        sem.release();
        assert!(t1.await.unwrap_err().is_cancelled());
        assert_eq!(t2.await, Ok(true));
        assert_eq!(t3.await, Ok(true));
        assert_eq!(result.get(), [2, 3]);
    }

    #[apply(runtimes)]
    fn test_acquire_fifo_order_3(kind: RuntimeKind) {
        port!(kind, acquire_fifo_order_3);
    }

    // CPython: test_locks.SemaphoreTests.test_release_not_acquired
    async fn release_not_acquired<R: Runtime>(_cx: Cx<R>) {
        assert!(BoundedSemaphore::new(1).release().is_err());
    }

    #[apply(runtimes)]
    fn test_release_not_acquired(kind: RuntimeKind) {
        port!(kind, release_not_acquired);
    }

    // CPython: test_locks.SemaphoreTests.test_release_no_waiters
    async fn release_no_waiters<R: Runtime>(_cx: Cx<R>) {
        let sem = Semaphore::new(1);
        sem.acquire().await;
        assert!(sem.locked());
        sem.release();
        assert!(!sem.locked());
    }

    #[apply(runtimes)]
    fn test_release_no_waiters(kind: RuntimeKind) {
        port!(kind, release_no_waiters);
    }

    // CPython: test_locks.SemaphoreTests.test_acquire_fifo_order_2
    async fn acquire_fifo_order_2<R: Runtime>(cx: Cx<R>) {
        let sem = Arc::new(Semaphore::new(1));
        let result = Log::default();
        let t1 = start(&cx, acquirer(&sem, &result, 1)).await;
        let (s, r) = (sem.clone(), result.clone());
        let t2 = start(&cx, async move {
            s.acquire().await;
            r.push(2);
            s.release();
            s.acquire().await;
            r.push(4);
            true
        })
        .await;
        let t3 = start(&cx, acquirer(&sem, &result, 3)).await;
        sem.release();
        sem.release();
        for t in [t1, t2, t3] {
            assert_eq!(t.await, Ok(true));
        }
        assert_eq!(result.get(), [1, 2, 3, 4]);
    }

    #[apply(runtimes)]
    fn test_acquire_fifo_order_2(kind: RuntimeKind) {
        port!(kind, acquire_fifo_order_2);
    }
}

mod barrier_tests {
    use super::*;
    use aio_sync::Barrier;

    fn parties(n: usize) -> NonZeroUsize {
        NonZeroUsize::new(n).unwrap()
    }

    // CPython: test_locks.BarrierTests.test_filling_one_task
    async fn filling_one_task<R: Runtime>(_cx: Cx<R>) {
        let barrier = Barrier::new(parties(1));
        assert_eq!(barrier.wait().await, Ok(0));
        assert_eq!(barrier.n_waiting(), 0);
        assert!(!barrier.broken());
    }

    #[apply(runtimes)]
    fn test_filling_one_task(kind: RuntimeKind) {
        port!(kind, filling_one_task);
    }

    // CPython: test_locks.BarrierTests.test_filling_task_by_task
    async fn filling_task_by_task<R: Runtime>(cx: Cx<R>) {
        let barrier = Arc::new(Barrier::new(parties(3)));
        let wait = |b: &Arc<Barrier>| {
            let b = b.clone();
            async move { b.wait().await }
        };
        let t1 = start(&cx, wait(&barrier)).await;
        assert_eq!(barrier.n_waiting(), 1);
        let t2 = start(&cx, wait(&barrier)).await;
        assert_eq!(barrier.n_waiting(), 2);
        let t3 = start(&cx, wait(&barrier)).await;
        for t in [t1, t2, t3] {
            assert!(t.done());
        }
        assert_eq!(barrier.n_waiting(), 0);
        assert!(!barrier.broken());
    }

    #[apply(runtimes)]
    fn test_filling_task_by_task(kind: RuntimeKind) {
        port!(kind, filling_task_by_task);
    }

    // CPython: test_locks.BarrierTests.test_reset_barrier
    async fn reset_barrier<R: Runtime>(cx: Cx<R>) {
        let barrier = Arc::new(Barrier::new(parties(1)));
        let b = barrier.clone();
        start(&cx, async move { b.reset() }).await;
        assert_eq!(barrier.n_waiting(), 0);
        assert!(!barrier.broken());
    }

    #[apply(runtimes)]
    fn test_reset_barrier(kind: RuntimeKind) {
        port!(kind, reset_barrier);
    }

    const N: usize = 5;

    // CPython: test_locks.BarrierTests.test_context_manager
    async fn context_manager<R: Runtime>(cx: Cx<R>) {
        let barrier = Arc::new(Barrier::new(parties(3)));
        let b = barrier.clone();
        let mut results = gather_n(&cx, 3, || {
            let b = b.clone();
            async move { b.wait().await.unwrap() }
        })
        .await;
        results.sort();
        assert_eq!(results, [0, 1, 2]);
        assert_eq!(barrier.n_waiting(), 0);
        assert!(!barrier.broken());
    }

    #[apply(runtimes)]
    fn test_context_manager(kind: RuntimeKind) {
        port!(kind, context_manager);
    }

    // CPython: test_locks.BarrierTests.test_filling_one_task_twice
    async fn filling_one_task_twice<R: Runtime>(cx: Cx<R>) {
        let barrier = Arc::new(Barrier::new(parties(1)));
        let b = barrier.clone();
        let t1 = start(&cx, async move { b.wait().await }).await;
        assert_eq!(barrier.n_waiting(), 0);
        let b = barrier.clone();
        let t2 = start(&cx, async move { b.wait().await }).await;
        assert_eq!(t1.result(), t2.result());
        assert_eq!(t1.done(), t2.done());
        assert_eq!(barrier.n_waiting(), 0);
        assert!(!barrier.broken());
    }

    #[apply(runtimes)]
    fn test_filling_one_task_twice(kind: RuntimeKind) {
        port!(kind, filling_one_task_twice);
    }

    // CPython: test_locks.BarrierTests.test_filling_tasks_wait_twice
    async fn filling_tasks_wait_twice<R: Runtime>(cx: Cx<R>) {
        let barrier = Arc::new(Barrier::new(parties(N)));
        let results: Arc<Mutex<Vec<bool>>> = Arc::default();
        let (b, r) = (barrier.clone(), results.clone());
        gather_n(&cx, N, || {
            let (b, r) = (b.clone(), r.clone());
            async move {
                b.wait().await.unwrap();
                r.lock().unwrap().push(true);
                b.wait().await.unwrap();
                r.lock().unwrap().push(false);
            }
        })
        .await;
        let results = results.lock().unwrap().clone();
        assert_eq!(results.len(), N * 2);
        assert_eq!(results.iter().filter(|r| **r).count(), N);
        assert_eq!(results.iter().filter(|r| !**r).count(), N);
        assert_eq!(barrier.n_waiting(), 0);
        assert!(!barrier.broken());
    }

    #[apply(runtimes)]
    fn test_filling_tasks_wait_twice(kind: RuntimeKind) {
        port!(kind, filling_tasks_wait_twice);
    }

    // CPython: test_locks.BarrierTests.test_filling_tasks_check_return_value
    async fn filling_tasks_check_return_value<R: Runtime>(cx: Cx<R>) {
        let barrier = Arc::new(Barrier::new(parties(N)));
        let results1 = Log::default();
        let results2 = Log::default();
        let (b, r1, r2) = (barrier.clone(), results1.clone(), results2.clone());
        let mut res = gather_n(&cx, N, || {
            let (b, r1, r2) = (b.clone(), r1.clone(), r2.clone());
            async move {
                b.wait().await.unwrap();
                r1.push(1);
                let i = b.wait().await.unwrap();
                r2.push(1);
                i
            }
        })
        .await;
        assert_eq!(results1.get(), [1; N]);
        assert_eq!(results2.get(), [1; N]);
        res.sort();
        assert_eq!(res, [0, 1, 2, 3, 4]);
        assert_eq!(barrier.n_waiting(), 0);
        assert!(!barrier.broken());
    }

    #[apply(runtimes)]
    fn test_filling_tasks_check_return_value(kind: RuntimeKind) {
        port!(kind, filling_tasks_check_return_value);
    }

    // CPython: test_locks.BarrierTests.test_blocking_tasks_while_draining
    async fn blocking_tasks_while_draining<R: Runtime>(cx: Cx<R>) {
        let rewait = 2;
        let barrier = Arc::new(Barrier::new(parties(N)));
        let nowaiting = Arc::new(Barrier::new(parties(N - rewait)));
        let rewait_n = Arc::new(Mutex::new(rewait));
        let (b, nw, rn) = (barrier.clone(), nowaiting.clone(), rewait_n.clone());
        // Success: every task gets through, so `nowaiting` was waited on N - rewait times.
        gather_n(&cx, N, || {
            let (b, nw, rn) = (b.clone(), nw.clone(), rn.clone());
            async move {
                b.wait().await.unwrap();
                let again = {
                    let mut rn = rn.lock().unwrap();
                    let again = *rn > 0;
                    if again {
                        *rn -= 1;
                    }
                    again
                };
                if again {
                    b.wait().await.unwrap();
                } else {
                    nw.wait().await.unwrap();
                    b.wait().await.unwrap();
                }
            }
        })
        .await;
    }

    #[apply(runtimes)]
    fn test_blocking_tasks_while_draining(kind: RuntimeKind) {
        port!(kind, blocking_tasks_while_draining);
    }

    // CPython: test_locks.BarrierTests.test_filling_tasks_cancel_one
    async fn filling_tasks_cancel_one<R: Runtime>(cx: Cx<R>) {
        let barrier = Arc::new(Barrier::new(parties(3)));
        let results = Log::default();
        let coro = || {
            let (b, r) = (barrier.clone(), results.clone());
            async move {
                b.wait().await.unwrap();
                r.push(1);
            }
        };
        let t1 = start(&cx, coro()).await;
        assert_eq!(barrier.n_waiting(), 1);
        let t2 = start(&cx, coro()).await;
        assert_eq!(barrier.n_waiting(), 2);
        t1.cancel(None);
        cx.sleep(1).await;
        assert_eq!(barrier.n_waiting(), 1);
        assert!(t1.clone().await.unwrap_err().is_cancelled());
        assert!(t1.cancelled());
        let t3 = start(&cx, coro()).await;
        assert_eq!(barrier.n_waiting(), 2);
        let t4 = start(&cx, coro()).await;
        for t in [t2, t3, t4] {
            assert_eq!(t.await, Ok(()));
        }
        assert_eq!(results.get(), [1; 3]);
        assert_eq!(barrier.n_waiting(), 0);
        assert!(!barrier.broken());
    }

    #[apply(runtimes)]
    fn test_filling_tasks_cancel_one(kind: RuntimeKind) {
        port!(kind, filling_tasks_cancel_one);
    }

    // CPython: test_locks.BarrierTests.test_reset_barrier_while_tasks_waiting
    async fn reset_barrier_while_tasks_waiting<R: Runtime>(cx: Cx<R>) {
        let barrier = Arc::new(Barrier::new(parties(N)));
        let results = Log::default();
        let mut tasks = Vec::new();
        for _ in 0..N - 1 {
            let (b, r) = (barrier.clone(), results.clone());
            tasks.push(
                start(&cx, async move {
                    if b.wait().await.is_err() {
                        r.push(1);
                    }
                })
                .await,
            );
        }
        let b = barrier.clone();
        task(cx.rt(), async move { b.reset() });
        for t in tasks {
            assert_eq!(t.await, Ok(()));
        }
        assert_eq!(results.get(), [1; N - 1]);
        assert_eq!(barrier.n_waiting(), 0);
        assert!(!barrier.broken());
    }

    #[apply(runtimes)]
    fn test_reset_barrier_while_tasks_waiting(kind: RuntimeKind) {
        port!(kind, reset_barrier_while_tasks_waiting);
    }

    // CPython: test_locks.BarrierTests.test_reset_barrier_when_tasks_half_draining_half_blocking
    async fn reset_barrier_when_tasks_half_draining_half_blocking<R: Runtime>(cx: Cx<R>) {
        let barrier = Arc::new(Barrier::new(parties(N)));
        let (results1, results2) = (Log::default(), Log::default());
        let blocking = N / 2;
        let count = Arc::new(Mutex::new(0));
        let (b, r1, r2, c) = (
            barrier.clone(),
            results1.clone(),
            results2.clone(),
            count.clone(),
        );
        gather_n(&cx, N, || {
            let (b, r1, r2, c) = (b.clone(), r1.clone(), r2.clone(), c.clone());
            async move {
                if b.wait().await.is_err() {
                    r1.push(1);
                    b.wait().await.unwrap();
                    return;
                }
                let n = {
                    let mut c = c.lock().unwrap();
                    *c += 1;
                    *c
                };
                if n > blocking {
                    b.reset();
                    b.wait().await.unwrap();
                } else if b.wait().await.is_err() {
                    r2.push(1);
                }
            }
        })
        .await;
        assert_eq!(results1.get(), vec![1; blocking]);
        assert_eq!(results2.get(), Vec::<i32>::new());
        assert_eq!(barrier.n_waiting(), 0);
        assert!(!barrier.broken());
    }

    #[apply(runtimes)]
    fn test_reset_barrier_when_tasks_half_draining_half_blocking(kind: RuntimeKind) {
        port!(kind, reset_barrier_when_tasks_half_draining_half_blocking);
    }

    // CPython: test_locks.BarrierTests.test_reset_barrier_while_tasks_waiting_and_waiting_again
    async fn reset_barrier_while_tasks_waiting_and_waiting_again<R: Runtime>(cx: Cx<R>) {
        let barrier = Arc::new(Barrier::new(parties(N)));
        let results1 = Log::default();
        let results2 = Log::default();
        let mut tasks = Vec::new();
        for _ in 0..N - 1 {
            let (b, r1, r2) = (barrier.clone(), results1.clone(), results2.clone());
            tasks.push(task(cx.rt(), async move {
                if b.wait().await.is_err() {
                    r1.push(1);
                }
                b.wait().await.unwrap();
                r2.push(1);
            }));
        }
        let b = barrier.clone();
        task(cx.rt(), async move { b.reset() });
        cx.sleep(1).await;
        let (b, r2) = (barrier.clone(), results2.clone());
        task(cx.rt(), async move {
            b.wait().await.unwrap();
            r2.push(1);
        });
        for t in tasks {
            assert_eq!(t.await, Ok(()));
        }
        assert!(!barrier.broken());
        assert_eq!(results1.get(), [1; N - 1]);
        cx.sleep(1).await;
        assert_eq!(results2.get(), [1; N]);
        assert_eq!(barrier.n_waiting(), 0);
    }

    #[apply(runtimes)]
    fn test_reset_barrier_while_tasks_waiting_and_waiting_again(kind: RuntimeKind) {
        port!(kind, reset_barrier_while_tasks_waiting_and_waiting_again);
    }

    // CPython: test_locks.BarrierTests.test_reset_barrier_while_tasks_draining
    async fn reset_barrier_while_tasks_draining<R: Runtime>(cx: Cx<R>) {
        let barrier = Arc::new(Barrier::new(parties(N)));
        let (results1, results2, results3) = (Log::default(), Log::default(), Log::default());
        let count = Arc::new(Mutex::new(0));
        let (b, r1, r2, r3, c) = (
            barrier.clone(),
            results1.clone(),
            results2.clone(),
            results3.clone(),
            count.clone(),
        );
        gather_n(&cx, N, || {
            let (b, r1, r2, r3, c) = (b.clone(), r1.clone(), r2.clone(), r3.clone(), c.clone());
            async move {
                b.wait().await.unwrap();
                let last = {
                    let mut c = c.lock().unwrap();
                    *c += 1;
                    *c == N
                };
                if last {
                    b.reset();
                    b.wait().await.unwrap();
                } else if b.wait().await.is_ok() {
                    r1.push(1);
                } else {
                    r2.push(1);
                }
                b.wait().await.unwrap();
                r3.push(1);
            }
        })
        .await;
        assert!(!barrier.broken());
        assert_eq!(results1.get(), [1; N - 1]);
        assert_eq!(results2.get(), Vec::<i32>::new());
        assert_eq!(results3.get(), [1; N]);
        assert_eq!(barrier.n_waiting(), 0);
    }

    #[apply(runtimes)]
    fn test_reset_barrier_while_tasks_draining(kind: RuntimeKind) {
        port!(kind, reset_barrier_while_tasks_draining);
    }

    // CPython: test_locks.BarrierTests.test_abort_barrier
    async fn abort_barrier<R: Runtime>(cx: Cx<R>) {
        let barrier = Arc::new(Barrier::new(parties(1)));
        let b = barrier.clone();
        start(&cx, async move { b.abort() }).await;
        assert_eq!(barrier.n_waiting(), 0);
        assert!(barrier.broken());
    }

    #[apply(runtimes)]
    fn test_abort_barrier(kind: RuntimeKind) {
        port!(kind, abort_barrier);
    }

    // CPython: test_locks.BarrierTests.test_abort_barrier_when_tasks_half_draining_half_blocking
    async fn abort_barrier_when_tasks_half_draining_half_blocking<R: Runtime>(cx: Cx<R>) {
        let barrier = Arc::new(Barrier::new(parties(N)));
        let (results1, results2) = (Log::default(), Log::default());
        let blocking = N / 2;
        let count = Arc::new(Mutex::new(0));
        let (b, r1, r2, c) = (
            barrier.clone(),
            results1.clone(),
            results2.clone(),
            count.clone(),
        );
        gather_n(&cx, N, || {
            let (b, r1, r2, c) = (b.clone(), r1.clone(), r2.clone(), c.clone());
            async move {
                if b.wait().await.is_err() {
                    r1.push(1);
                    return;
                }
                let n = {
                    let mut c = c.lock().unwrap();
                    *c += 1;
                    *c
                };
                if n > blocking {
                    b.abort();
                } else if b.wait().await.is_err() {
                    r2.push(1);
                }
            }
        })
        .await;
        assert!(barrier.broken());
        assert_eq!(results1.get(), vec![1; blocking]);
        assert_eq!(results2.get(), vec![1; N - blocking - 1]);
        assert_eq!(barrier.n_waiting(), 0);
    }

    #[apply(runtimes)]
    fn test_abort_barrier_when_tasks_half_draining_half_blocking(kind: RuntimeKind) {
        port!(kind, abort_barrier_when_tasks_half_draining_half_blocking);
    }

    // CPython: test_locks.BarrierTests.test_abort_barrier_when_exception
    async fn abort_barrier_when_exception<R: Runtime>(cx: Cx<R>) {
        let barrier = Arc::new(Barrier::new(parties(N)));
        let (results1, results2) = (Log::default(), Log::default());
        let (b, r1, r2) = (barrier.clone(), results1.clone(), results2.clone());
        gather_n(&cx, N, || {
            let (b, r1, r2) = (b.clone(), r1.clone(), r2.clone());
            async move {
                // The task whose index is N/2 "raises" and aborts the barrier.
                match b.wait().await {
                    Ok(i) if i == N / 2 => b.abort(),
                    Ok(_) => match b.wait().await {
                        Ok(_) => r1.push(1),
                        Err(_) => r2.push(1),
                    },
                    Err(_) => r2.push(1),
                }
            }
        })
        .await;
        assert!(barrier.broken());
        assert_eq!(results1.get(), Vec::<i32>::new());
        assert_eq!(results2.get(), [1; N - 1]);
        assert_eq!(barrier.n_waiting(), 0);
    }

    #[apply(runtimes)]
    fn test_abort_barrier_when_exception(kind: RuntimeKind) {
        port!(kind, abort_barrier_when_exception);
    }

    // CPython: test_locks.BarrierTests.test_abort_barrier_when_exception_then_resetting
    async fn abort_barrier_when_exception_then_resetting<R: Runtime>(cx: Cx<R>) {
        let barrier1 = Arc::new(Barrier::new(parties(N)));
        let barrier2 = Arc::new(Barrier::new(parties(N)));
        let (results1, results2, results3) = (Log::default(), Log::default(), Log::default());
        let (b1, b2, r1, r2, r3) = (
            barrier1.clone(),
            barrier2.clone(),
            results1.clone(),
            results2.clone(),
            results3.clone(),
        );
        gather_n(&cx, N, || {
            let (b1, b2, r1, r2, r3) = (b1.clone(), b2.clone(), r1.clone(), r2.clone(), r3.clone());
            async move {
                match b1.wait().await {
                    Ok(i) if i == N / 2 => b1.abort(),
                    Ok(_) => match b1.wait().await {
                        Ok(_) => r1.push(1),
                        Err(_) => r2.push(1),
                    },
                    Err(_) => r2.push(1),
                }
                if b2.wait().await.unwrap() == N / 2 {
                    b1.reset();
                }
                b2.wait().await.unwrap();
                b1.wait().await.unwrap();
                r3.push(1);
            }
        })
        .await;
        assert!(!barrier1.broken());
        assert_eq!(results1.get(), Vec::<i32>::new());
        assert_eq!(results2.get(), [1; N - 1]);
        assert_eq!(results3.get(), [1; N]);
        assert_eq!(barrier1.n_waiting(), 0);
    }

    #[apply(runtimes)]
    fn test_abort_barrier_when_exception_then_resetting(kind: RuntimeKind) {
        port!(kind, abort_barrier_when_exception_then_resetting);
    }
}
