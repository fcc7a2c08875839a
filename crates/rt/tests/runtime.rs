//! The `Runtime` contract, checked on every adapter: the `JoinHandle` meaning and the
//! virtual clock. Tests run on the virtual clock: no test waits on the wall clock.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aio_rt::{AsyncStd, Clock, Config, ExceptionContext, JoinError, Runtime, Smol, Tokio};
use rstest::rstest;

#[derive(Clone, Copy, Debug)]
enum Kind {
    Tokio,
    TokioMt,
    AsyncStd,
    Smol,
}

/// Runs the generic test function `$test` on the runtime `$kind` built with `$config`.
macro_rules! on {
    ($kind:expr, $config:expr, $test:ident) => {
        match $kind {
            Kind::Tokio => $test(Tokio::current_thread_with($config)),
            Kind::TokioMt => $test(Tokio::multi_thread_with($config)),
            Kind::AsyncStd => $test(AsyncStd::with_config($config)),
            Kind::Smol => $test(Smol::with_config($config)),
        }
    };
}

fn virtual_clock() -> Config {
    Config::default().clock(Clock::Virtual)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

type Log = Arc<Mutex<Vec<String>>>;

fn push(log: &Log, entry: impl Into<String>) {
    log.lock().unwrap().push(entry.into());
}

fn sleeps_complete_in_deadline_then_registration_order<R: Runtime>(rt: R) {
    let log = Log::default();
    let out = rt.block_on({
        let rt = rt.clone();
        let log = log.clone();
        async move {
            let mut handles = Vec::new();
            for (name, delay) in [("a", 3), ("b", 1), ("c", 2), ("d", 1), ("e", 3)] {
                let (rt2, log) = (rt.clone(), log.clone());
                handles.push(rt.spawn(async move {
                    rt2.sleep(secs(delay)).await;
                    push(
                        &log,
                        format!("{name}@{}", rt2.now().since_start().as_secs()),
                    );
                }));
            }
            for handle in handles {
                handle.await.unwrap();
            }
            rt.now().since_start()
        }
    });
    assert_eq!(out, secs(3));
    assert_eq!(*log.lock().unwrap(), ["b@1", "d@1", "c@2", "a@3", "e@3"]);
}

fn an_hour_of_virtual_time<R: Runtime>(rt: R) {
    let r = rt.clone();
    let now = rt.block_on(async move {
        for _ in 0..3600 {
            r.sleep(secs(1)).await;
        }
        r.now()
    });
    assert_eq!(now.since_start(), secs(3600));
}

fn tasks_run_in_spawn_order_and_yield_alternates<R: Runtime>(rt: R) {
    let log = Log::default();
    let (r, l) = (rt.clone(), log.clone());
    rt.block_on(async move {
        let mut handles = Vec::new();
        for name in ["A", "B"] {
            let (r2, l2) = (r.clone(), l.clone());
            handles.push(r.spawn(async move {
                for i in 0..3 {
                    push(&l2, format!("{name}{i}"));
                    r2.yield_now().await;
                }
            }));
        }
        push(&l, "main");
        for handle in handles {
            handle.await.unwrap();
        }
    });
    assert_eq!(
        *log.lock().unwrap(),
        ["main", "A0", "B0", "A1", "B1", "A2", "B2"]
    );
}

fn join_handle_meaning<R: Runtime>(rt: R) {
    let r = rt.clone();
    rt.block_on(async move {
        // The value.
        assert_eq!(r.spawn(async { 7 }).await, Ok(7));

        // A panic, as an error carrying its message.
        let failed = r.spawn(async {
            if true {
                panic!("boom {}", 3);
            }
        });
        assert_eq!(failed.await, Err(JoinError::Panicked("boom 3".into())));

        // Cancelled before its first step: the body never runs.
        let ran = Arc::new(AtomicBool::new(false));
        let flag = ran.clone();
        let task = r.spawn(async move { flag.store(true, Ordering::SeqCst) });
        assert!(task.cancel());
        assert_eq!(task.await, Err(JoinError::Cancelled));
        assert!(!ran.load(Ordering::SeqCst));

        // Cancelled while suspended: its future is dropped there (the guard runs).
        let dropped = Arc::new(AtomicBool::new(false));
        struct Guard(Arc<AtomicBool>);
        impl Drop for Guard {
            fn drop(&mut self) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        let (r2, guard) = (r.clone(), Guard(dropped.clone()));
        let task = r.spawn(async move {
            let _guard = guard;
            r2.sleep(secs(10)).await;
            "finished"
        });
        r.sleep(secs(1)).await;
        assert!(!task.is_finished());
        assert!(task.cancel());
        let err = task.await.unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(err.to_string(), "task was cancelled");
        assert!(dropped.load(Ordering::SeqCst));
        assert_eq!(
            r.now().since_start(),
            secs(1),
            "the cancelled sleep left no timer"
        );

        // Cancelling a finished task: false, and the value stands.
        let task = r.spawn(async { 5 });
        r.yield_now().await;
        assert!(task.is_finished());
        assert!(!task.cancel());
        assert_eq!(task.await, Ok(5));

        // Dropping the handle does not cancel the task.
        let done = Arc::new(AtomicBool::new(false));
        let (r2, flag) = (r.clone(), done.clone());
        drop(r.spawn(async move {
            r2.sleep(secs(1)).await;
            flag.store(true, Ordering::SeqCst);
        }));
        r.sleep(secs(2)).await;
        assert!(done.load(Ordering::SeqCst));
    });
}

fn unretrieved_panic_is_reported<R: Runtime>(make: impl Fn(Config) -> R) {
    let reports = Arc::new(Mutex::new(Vec::<ExceptionContext>::new()));
    let sink = reports.clone();
    let rt = make(virtual_clock().exception_handler(move |p| sink.lock().unwrap().push(p.clone())));
    let r = rt.clone();
    let id = rt.block_on(async move {
        let task = r.spawn(async {
            if true {
                panic!("nobody listens");
            }
        });
        let id = task.id();
        drop(task);
        r.sleep(secs(1)).await;
        // A retrieved panic is not reported.
        let seen = r.spawn(async {
            if true {
                panic!("retrieved");
            }
        });
        assert!(seen.await.is_err());
        // A detached task has no handle: its panic is reported to this runtime's handler.
        r.spawn_detached(async {
            if true {
                panic!("detached");
            }
        });
        r.sleep(secs(1)).await;
        id
    });
    let reports = reports.lock().unwrap();
    assert_eq!(reports.len(), 2, "{reports:?}");
    let exception = |i: usize| aio_rt::format_exception(reports[i].exception.as_ref().unwrap());
    assert_eq!(exception(1), "Exception: detached");
    assert_eq!(exception(0), "Exception: nobody listens");
    assert_eq!(reports[0].future.as_ref().and_then(|f| f.id), Some(id));
    assert_eq!(reports[0].keys(), ["exception", "future", "message"]);
    assert_eq!(
        reports[0].to_string(),
        format!(
            "Task exception was never retrieved\n\
             future: <Task finished id={id} exception=Exception('nobody listens')>\n\
             Exception: nobody listens"
        )
    );
}

fn blocking_work_stops_the_clock_not_the_tasks<R: Runtime>(rt: R) {
    let log = Log::default();
    let (r, l) = (rt.clone(), log.clone());
    rt.block_on(async move {
        let (r2, l2) = (r.clone(), l.clone());
        let ticker = r.spawn(async move {
            r2.yield_now().await;
            push(
                &l2,
                format!("ticker runs at {}", r2.now().since_start().as_secs()),
            );
        });
        let job = r.spawn_blocking(|| {
            std::thread::sleep(Duration::from_millis(20));
            6 * 7
        });
        assert_eq!(job.await, Ok(42));
        push(
            &l,
            format!("job done at {}", r.now().since_start().as_secs()),
        );
        ticker.await.unwrap();
        // A panicking job gives its message.
        let job = r.spawn_blocking(|| -> u8 { panic!("bad job") });
        assert_eq!(job.await, Err(JoinError::Panicked("bad job".into())));
    });
    assert_eq!(*log.lock().unwrap(), ["ticker runs at 0", "job done at 0"]);
}

fn a_run_that_can_never_finish_panics_instead_of_hanging<R: Runtime>(rt: R) {
    let r = rt.clone();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        rt.block_on(async move {
            r.sleep(secs(5)).await;
            std::future::pending::<()>().await
        })
    }));
    let payload = outcome.expect_err("a stalled run must panic");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("the run can never finish"), "{message}");
}

fn real_clock_moves<R: Runtime>(rt: R) {
    let r = rt.clone();
    let (before, after) = rt.block_on(async move {
        let before = r.now();
        r.sleep(Duration::from_millis(5)).await;
        (before, r.now())
    });
    assert!(after - before >= Duration::from_millis(5));
}

#[rstest]
#[case::tokio(Kind::Tokio)]
#[case::tokio_mt(Kind::TokioMt)]
#[case::async_std(Kind::AsyncStd)]
#[case::smol(Kind::Smol)]
fn contract(#[case] kind: Kind) {
    on!(
        kind,
        virtual_clock(),
        sleeps_complete_in_deadline_then_registration_order
    );
    on!(kind, virtual_clock(), an_hour_of_virtual_time);
    on!(
        kind,
        virtual_clock(),
        tasks_run_in_spawn_order_and_yield_alternates
    );
    on!(kind, virtual_clock(), join_handle_meaning);
    on!(
        kind,
        virtual_clock(),
        blocking_work_stops_the_clock_not_the_tasks
    );
    on!(
        kind,
        virtual_clock(),
        a_run_that_can_never_finish_panics_instead_of_hanging
    );
    on!(kind, Config::default(), real_clock_moves);
    match kind {
        Kind::Tokio => unretrieved_panic_is_reported(Tokio::current_thread_with),
        Kind::TokioMt => unretrieved_panic_is_reported(Tokio::multi_thread_with),
        Kind::AsyncStd => unretrieved_panic_is_reported(AsyncStd::with_config),
        Kind::Smol => unretrieved_panic_is_reported(Smol::with_config),
    }
}

/// Many tasks on a multi-threaded runtime, many times: the order never varies.
#[rstest]
#[case::tokio_mt(Kind::TokioMt)]
#[case::async_std(Kind::AsyncStd)]
fn virtual_clock_is_deterministic_on_multi_threaded_runtimes(#[case] kind: Kind) {
    fn order<R: Runtime>(rt: R) -> Vec<usize> {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let counter = Arc::new(AtomicUsize::new(0));
        let (r, s) = (rt.clone(), seen.clone());
        rt.block_on(async move {
            let handles: Vec<_> = (0..16)
                .map(|i| {
                    let (r2, s2, c2) = (r.clone(), s.clone(), counter.clone());
                    r.spawn(async move {
                        for _ in 0..3 {
                            c2.fetch_add(1, Ordering::SeqCst);
                            s2.lock().unwrap().push(i);
                            r2.yield_now().await;
                        }
                    })
                })
                .collect();
            for h in handles {
                h.await.unwrap();
            }
        });
        seen.lock().unwrap().clone()
    }
    let first = on!(kind, virtual_clock(), order);
    let expected: Vec<usize> = (0..3).flat_map(|_| 0..16).collect();
    assert_eq!(first, expected);
    for _ in 0..20 {
        assert_eq!(on!(kind, virtual_clock(), order), first);
    }
}
