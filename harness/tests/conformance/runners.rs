//! CPython's `Lib/test/test_asyncio/test_runners.py`, ported: one module per CPython
//! class, one test per ported method, each on all five runtimes in virtual time. The
//! table `harness/conformance/runners.txt` classifies every method (`aio conformance`).
//!
//! These ports call `aio_tasks::run` (asyncio.run) themselves, on a fresh runtime of each
//! kind in virtual time, instead of running inside the harness's own `run`.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aio_harness::RuntimeKind;
use aio_rt::{Clock, Config, PyError, PyException, Runtime};
use aio_tasks::{Task, TaskError, create_task};
use common::runtimes;
use rstest::rstest;
use rstest_reuse::apply;

/// Calls the generic `$body(rt)` with a new runtime of kind `$kind` on the virtual clock.
macro_rules! on_runtime {
    ($kind:expr, $body:ident) => {{
        let config = || Config::default().clock(Clock::Virtual);
        match $kind {
            RuntimeKind::Tokio => $body(aio_rt::Tokio::current_thread_with(config())),
            RuntimeKind::TokioMt => $body(aio_rt::Tokio::multi_thread_with(config())),
            RuntimeKind::AsyncStd => $body(aio_rt::AsyncStd::with_config(config())),
            RuntimeKind::Smol => $body(aio_rt::Smol::with_config(config())),
            RuntimeKind::AioLoop => $body(aio_loop::EventLoop::with_config(config())),
        }
    }};
}

mod run_tests {
    use super::*;

    // CPython: test_runners.RunTests.test_asyncio_run_return
    fn asyncio_run_return<R: Runtime>(rt: R) {
        let r = rt.clone();
        let out = aio_tasks::run(&rt, async move {
            aio_sleep::sleep(&r, Duration::ZERO).await;
            Ok::<_, PyError>(42)
        });
        assert_eq!(out, Ok(42));
    }

    #[apply(runtimes)]
    fn test_asyncio_run_return(kind: RuntimeKind) {
        on_runtime!(kind, asyncio_run_return);
    }

    // CPython: test_runners.RunTests.test_asyncio_run_raises
    fn asyncio_run_raises<R: Runtime>(rt: R) {
        let r = rt.clone();
        let out = aio_tasks::run(&rt, async move {
            aio_sleep::sleep(&r, Duration::ZERO).await;
            Err::<(), _>(PyError::new("ValueError", "spam"))
        });
        match out {
            Err(TaskError::Failed(e)) => {
                assert_eq!(e.py_type(), "ValueError");
                assert!(e.py_str().contains("spam"));
            }
            other => panic!("ValueError('spam'), got {other:?}"),
        }
    }

    #[apply(runtimes)]
    fn test_asyncio_run_raises(kind: RuntimeKind) {
        on_runtime!(kind, asyncio_run_raises);
    }

    // CPython: test_runners.RunTests.test_asyncio_run_cancels_hanging_tasks
    fn asyncio_run_cancels_hanging_tasks<R: Runtime>(rt: R) {
        let lo_task: Arc<Mutex<Option<Task<(), PyError>>>> = Arc::default();
        let (r, slot) = (rt.clone(), lo_task.clone());
        let out = aio_tasks::run(&rt, async move {
            let r2 = r.clone();
            let leftover = create_task(&r, async move {
                r2.sleep(Duration::from_millis(100)).await;
                Ok(())
            });
            *slot.lock().unwrap() = Some(leftover);
            Ok::<_, PyError>(123)
        });
        assert_eq!(out, Ok(123));
        assert!(lo_task.lock().unwrap().as_ref().unwrap().done());
    }

    #[apply(runtimes)]
    fn test_asyncio_run_cancels_hanging_tasks(kind: RuntimeKind) {
        on_runtime!(kind, asyncio_run_cancels_hanging_tasks);
    }
}
