//! CPython's `Lib/test/test_asyncio/test_pep492.py`, ported: one module per CPython class,
//! one test per ported method, each on all five runtimes in virtual time. The table
//! `harness/conformance/pep492.txt` classifies every method (`aio conformance`).

use crate::common;

use std::time::Duration;

use aio_harness::{Cx, RuntimeKind};
use aio_rt::Runtime;
use aio_sync::{BoundedSemaphore, Condition, Lock, Semaphore};
use common::{port, runtimes};
use rstest::rstest;
use rstest_reuse::apply;

mod lock_tests {
    use super::*;

    // CPython: test_pep492.LockTests.test_context_manager_async_with
    async fn context_manager_async_with<R: Runtime>(cx: Cx<R>) {
        let tick = Duration::from_millis(10);
        // `async with lock as _lock:` gives None in asyncio; here a guard, for each primitive.
        let lock = Lock::new();
        cx.rt().sleep(tick).await;
        assert!(!lock.locked());
        {
            let _guard = lock.lock().await;
            assert!(lock.locked());
            cx.rt().sleep(tick).await;
            assert!(lock.locked());
        }
        assert!(!lock.locked());

        let cond = Condition::new();
        cx.rt().sleep(tick).await;
        assert!(!cond.locked());
        {
            let _guard = cond.lock().await;
            assert!(cond.locked());
            cx.rt().sleep(tick).await;
            assert!(cond.locked());
        }
        assert!(!cond.locked());

        let sem = Semaphore::new(1);
        cx.rt().sleep(tick).await;
        assert!(!sem.locked());
        {
            let _permit = sem.permit().await;
            assert!(sem.locked());
            cx.rt().sleep(tick).await;
            assert!(sem.locked());
        }
        assert!(!sem.locked());

        let bounded = BoundedSemaphore::new(1);
        cx.rt().sleep(tick).await;
        assert!(!bounded.locked());
        {
            let _permit = bounded.permit().await;
            assert!(bounded.locked());
            cx.rt().sleep(tick).await;
            assert!(bounded.locked());
        }
        assert!(!bounded.locked());
    }

    #[apply(runtimes)]
    fn test_context_manager_async_with(kind: RuntimeKind) {
        port!(kind, context_manager_async_with);
    }
}
