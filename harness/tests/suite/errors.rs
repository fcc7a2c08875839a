//! The bad-input catalogue (`harness/src/errors/mod.rs`, rendered into `docs/errors.md`) is
//! true: every test it names exists, and every message it shows is the one the error
//! prints. Also the tests for the cases no crate test asserts.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aio_harness::docs::root;
use aio_harness::errors::{CATALOGUE, TYPED_AWAY};
use aio_rt::{Clock, Config, JoinError, Runtime, Smol};
use aio_tasks::{
    CancelledError, ExceptionGroup, InvalidStateError, SpawnError, TaskError, create_task,
};

fn smol() -> Smol {
    Smol::with_config(Config::default().clock(Clock::Virtual))
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_test_named_in_the_catalogue_exists() {
    let root = root();
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    rust_files(&root.join("harness/tests"), &mut files);
    rust_files(&root.join("harness/src"), &mut files);
    let sources: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect();
    let missing: Vec<&str> = CATALOGUE
        .iter()
        .map(|case| case.test)
        .filter(|name| {
            !sources.iter().any(|src| {
                src.contains(&format!("fn {name}(")) || src.contains(&format!("fn {name}<"))
            })
        })
        .collect();
    assert!(
        missing.is_empty(),
        "tests named in the catalogue but not found: {missing:?}"
    );
}

#[test]
fn every_case_is_described_and_the_rows_are_unique() {
    assert!(CATALOGUE.len() >= 50, "{} cases", CATALOGUE.len());
    for (i, case) in CATALOGUE.iter().enumerate() {
        for field in [
            case.krate,
            case.when,
            case.python,
            case.rust,
            case.message,
            case.test,
        ] {
            assert!(!field.is_empty(), "row {i} has an empty field: {case:?}");
        }
        assert!(
            !case.message.ends_with('.'),
            "Display has no full stop: {case:?}"
        );
        let same = CATALOGUE
            .iter()
            .filter(|c| c.rust == case.rust && c.message == case.message && c.when == case.when)
            .count();
        assert_eq!(same, 1, "duplicate row: {case:?}");
    }
    for case in TYPED_AWAY {
        for field in [
            case.krate,
            case.when,
            case.python,
            case.python_message,
            case.rust,
        ] {
            assert!(
                !field.is_empty(),
                "a typed-away case has an empty field: {case:?}"
            );
        }
        assert!(
            !CATALOGUE
                .iter()
                .any(|c| c.python_message == case.python_message),
            "typed away yet in the catalogue: {case:?}"
        );
    }
}

/// The `message` of every kind of report the exception handler receives, made for real:
/// a runtime task's panic, a task's and a future's exception nobody read, a done callback
/// and a loop callback that panicked.
fn reported_messages() -> Vec<String> {
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&seen);
    let handler = move |context: &aio_rt::ExceptionContext| {
        let message = match context.message.strip_prefix("Exception in callback ") {
            Some(_) => "Exception in callback ...()".to_owned(),
            None => context.message.clone(),
        };
        sink.lock().unwrap().push(message);
    };
    let rt = Smol::with_config(Config::default().clock(Clock::Virtual));
    rt.set_exception_handler(handler.clone());
    let r = rt.clone();
    rt.block_on(async move {
        drop(r.spawn(async {
            if true {
                panic!("nobody listens");
            }
        }));
        drop(aio_tasks::create_task(&r, async {
            Err::<(), _>("lost".to_owned())
        }));
        let future = aio_futures::Future::<u8>::new(&r);
        future.set_exception("lost".to_owned()).unwrap();
        future.add_done_callback(aio_futures::DoneCallback::new(|_| panic!("boom")));
        drop(future);
        r.sleep(Duration::from_secs(1)).await;
    });
    let event_loop = aio_loop::EventLoop::with_config(Config::default().clock(Clock::Virtual));
    event_loop.set_exception_handler(handler);
    event_loop.call_soon(|| panic!("boom"));
    let stopper = event_loop.clone();
    event_loop.call_soon(move || stopper.stop());
    event_loop.run_forever().unwrap();
    let mut messages = seen.lock().unwrap().clone();
    messages.sort();
    messages.dedup();
    messages
}

/// The errors the harness can build, by the catalogue's `rust` name, with their Display.
fn real_messages() -> Vec<(&'static str, String)> {
    let mut real: Vec<(&'static str, String)> = Vec::new();
    let mut push = |rust: &'static str, error: &dyn std::fmt::Display| {
        real.push((rust, error.to_string()));
    };

    // aio-rt
    push("aio_rt::JoinError::Cancelled", &JoinError::Cancelled);
    for message in ["boom 3", "in a thread"] {
        push(
            "aio_rt::JoinError::Panicked",
            &JoinError::Panicked(message.into()),
        );
    }
    // The exception handler's contexts, as the runtime reports them (the column shows
    // `context.message`, a callback's Rust type name collapsed to `...`).
    for message in reported_messages() {
        push("aio_rt::ExceptionContext", &message);
    }

    // aio-loop
    push("aio_loop::NoRunningLoop", &aio_loop::NoRunningLoop);
    push(
        "aio_loop::RunError::AlreadyRunning",
        &aio_loop::RunError::AlreadyRunning,
    );
    push(
        "aio_loop::RunError::AnotherLoopRunning",
        &aio_loop::RunError::AnotherLoopRunning,
    );
    push("aio_loop::RunError::Stopped", &aio_loop::RunError::Stopped);
    push("aio_loop::RunError::Stalled", &aio_loop::RunError::Stalled);

    // aio-futures: its errors are made by a future's methods only.
    let rt = smol();
    let done = aio_futures::Future::<u8>::new(&rt);
    done.set_result(1).unwrap();
    push(
        "aio_futures::InvalidStateError",
        &done.set_result(2).unwrap_err(),
    );
    push(
        "aio_futures::InvalidStateError",
        &done.set_exception("late").unwrap_err(),
    );
    let pending = aio_futures::Future::<u8>::new(&rt);
    push(
        "aio_futures::FutureError::InvalidState",
        &pending.result().unwrap_err(),
    );
    push(
        "aio_futures::FutureError::InvalidState",
        &pending.exception().unwrap_err(),
    );
    let cancelled = aio_futures::Future::<u8>::new(&rt);
    cancelled.cancel_with("shutting down");
    push(
        "aio_futures::FutureError::Cancelled",
        &cancelled.result().unwrap_err(),
    );
    let cancelled = aio_futures::Future::<u8>::new(&rt);
    cancelled.cancel();
    push(
        "aio_futures::FutureError::Cancelled",
        &cancelled.result().unwrap_err(),
    );
    let failed = aio_futures::Future::<u8>::new(&rt);
    failed.set_exception("disk full").unwrap();
    push(
        "aio_futures::FutureError::Exception",
        &failed.result().unwrap_err(),
    );

    // aio-tasks
    for state in [
        InvalidStateError::ResultNotSet,
        InvalidStateError::ExceptionNotSet,
    ] {
        push(
            "aio_tasks::TaskError::InvalidState",
            &TaskError::<String>::InvalidState(state),
        );
    }
    for message in [Some("stop now".to_owned()), None] {
        push(
            "aio_tasks::TaskError::Cancelled",
            &TaskError::<String>::Cancelled(CancelledError { message }),
        );
    }
    push(
        "aio_tasks::TaskError::Failed",
        &TaskError::Failed("no zero"),
    );
    push(
        "aio_tasks::TaskError::Panicked",
        &TaskError::<String>::Panicked("lost panic".into()),
    );
    push(
        "aio_tasks::ExceptionGroup",
        &ExceptionGroup {
            errors: vec![TaskError::Failed("first".to_owned())],
        },
    );
    push(
        "aio_tasks::SpawnError::ShuttingDown",
        &SpawnError::ShuttingDown,
    );
    push("aio_tasks::SpawnError::Finished", &SpawnError::Finished);

    // aio-gather: a child's failure, as it is.
    push(
        "aio_tasks::TaskError::Failed",
        &TaskError::Failed("boom".to_owned()),
    );

    // aio-wait
    let rt = smol();
    let empty = rt.block_on(aio_wait::wait(
        &rt,
        Vec::<aio_tasks::Task<u8, String>>::new(),
        aio_wait::ReturnWhen::AllCompleted,
        None,
    ));
    push("aio_wait::EmptyError", &empty.unwrap_err());
    let late = rt.block_on(aio_wait::wait_for(
        &rt,
        rt.sleep(Duration::from_secs(5)),
        Some(Duration::from_secs(1)),
    ));
    push("aio_wait::TimeoutError", &late.unwrap_err());
    use aio_wait::{ScopeError, TimeoutStateError};
    push(
        "aio_wait::ScopeError::Timeout",
        &ScopeError::Timeout(aio_wait::TimeoutError::new()),
    );
    push(
        "aio_wait::TimeoutStateError::NotEntered",
        &TimeoutStateError::NotEntered,
    );
    for state in [
        TimeoutStateError::AlreadyEntered,
        TimeoutStateError::OutsideTask,
    ] {
        push("aio_wait::ScopeError::State", &ScopeError::State(state));
    }
    let slow = rt.block_on(async {
        let sleeper = rt.clone();
        let task = create_task(&rt, async move {
            sleeper.sleep(Duration::from_secs(5)).await;
            Ok::<u8, String>(1)
        });
        aio_wait::wait_for_task(&rt, &task, Some(Duration::from_secs(1))).await
    });
    push("aio_wait::WaitForError::Timeout", &slow.unwrap_err());
    let bad = rt.block_on(async {
        let task = create_task(&rt, async { Err::<u8, _>("boom".to_owned()) });
        aio_wait::wait_for_task(&rt, &task, Some(Duration::from_secs(1))).await
    });
    push("aio_wait::WaitForError::Task", &bad.unwrap_err());

    // aio-queues: the errors the queue's methods return.
    use aio_queues::{GetNowaitError, PutNowaitError, Queue, QueueShutDown};
    let queue = Queue::new(1);
    queue.put_nowait("a").unwrap();
    let full = queue.put_nowait("b").unwrap_err();
    assert!(matches!(full, PutNowaitError::Full(_)));
    push("aio_queues::PutNowaitError::Full", &full);
    queue.get_nowait().unwrap();
    let empty = queue.get_nowait().unwrap_err();
    assert!(matches!(empty, GetNowaitError::Empty(_)));
    push("aio_queues::GetNowaitError::Empty", &empty);
    queue.task_done().unwrap();
    push("aio_queues::TaskDoneError", &queue.task_done().unwrap_err());
    queue.shutdown(false);
    let put = queue.put_nowait("c").unwrap_err();
    assert!(matches!(put, PutNowaitError::ShutDown(_)));
    push("aio_queues::PutNowaitError::ShutDown", &put);
    let get = queue.get_nowait().unwrap_err();
    assert!(matches!(get, GetNowaitError::ShutDown(_)));
    push("aio_queues::GetNowaitError::ShutDown", &get);
    let put: QueueShutDown<&str> = rt.block_on(queue.put("d")).unwrap_err();
    push("aio_queues::QueueShutDown", &put);
    let get: QueueShutDown = rt.block_on(queue.get()).unwrap_err();
    push("aio_queues::QueueShutDown", &get);

    // aio-sync
    use aio_sync::{Barrier, BoundedSemaphore, Condition, ConditionError, Lock};
    push(
        "aio_sync::LockNotAcquired",
        &Lock::new().release().unwrap_err(),
    );
    push(
        "aio_sync::TooManyReleases",
        &BoundedSemaphore::new(1).release().unwrap_err(),
    );
    let condition = Condition::new();
    let wait = rt.block_on(condition.wait()).unwrap_err();
    assert_eq!(wait, ConditionError::WaitUnacquired);
    push("aio_sync::ConditionError::WaitUnacquired", &wait);
    let notify = condition.notify_all().unwrap_err();
    assert_eq!(notify, ConditionError::NotifyUnacquired);
    push("aio_sync::ConditionError::NotifyUnacquired", &notify);
    let barrier = Barrier::new(std::num::NonZeroUsize::MIN);
    barrier.abort();
    push(
        "aio_sync::BrokenBarrierError::Aborted",
        &rt.block_on(barrier.wait()).unwrap_err(),
    );
    push(
        "aio_sync::BrokenBarrierError::Interrupted",
        &aio_sync::BrokenBarrierError::Interrupted,
    );
    push("aio_tasks::SpawnError::NotEntered", &SpawnError::NotEntered);
    static REQUEST: aio_tasks::ContextVar<u8> = aio_tasks::ContextVar::new("request");
    static OTHER: aio_tasks::ContextVar<u8> = aio_tasks::ContextVar::new("other");
    push("aio_tasks::LookupError", &REQUEST.get().unwrap_err());
    push(
        "aio_tasks::ResetError::DifferentVar",
        &REQUEST.reset(OTHER.set(1)).unwrap_err(),
    );
    let foreign = rt.block_on(async {
        let token = REQUEST.set(1);
        let child = create_task(&rt, async move {
            Ok::<_, String>(REQUEST.reset(token).unwrap_err().to_string())
        });
        child.await.unwrap()
    });
    push("aio_tasks::ResetError::DifferentContext", &foreign);
    push(
        "aio_tasks::GroupError::NoParentTask",
        &aio_tasks::GroupError::<String>::NoParentTask,
    );
    push(
        "aio_generators::GeneratorError::AlreadyAwaited",
        &aio_generators::GeneratorError::<String>::AlreadyAwaited { throw: false },
    );
    push(
        "aio_tasks::TaskError::SelfAwait",
        &TaskError::<String>::SelfAwait(aio_tasks::SelfAwaitError),
    );

    // aio-generators
    use aio_generators::GeneratorError;
    push(
        "aio_generators::GeneratorError::StopAsyncIteration",
        &GeneratorError::<String>::StopAsyncIteration,
    );
    push(
        "aio_generators::GeneratorError::Raised",
        &GeneratorError::Raised("fatal"),
    );
    push(
        "aio_generators::GeneratorError::AlreadyRunning",
        &GeneratorError::<String>::AlreadyRunning {
            request: aio_generators::RequestKind::Anext,
        },
    );
    push(
        "aio_generators::GeneratorError::IgnoredGeneratorExit",
        &GeneratorError::<String>::IgnoredGeneratorExit,
    );
    push(
        "aio_generators::GeneratorError::JustStarted",
        &GeneratorError::<String>::JustStarted,
    );
    real
}

#[test]
fn the_catalogue_messages_are_the_real_ones() {
    let real = real_messages();
    let mut wrong = Vec::new();
    for case in CATALOGUE {
        let built: Vec<&String> = real
            .iter()
            .filter(|(rust, _)| *rust == case.rust)
            .map(|(_, message)| message)
            .collect();
        if !built.iter().any(|m| **m == case.message) {
            wrong.push(format!(
                "{} ({}): the catalogue says {:?}, the error prints {built:?}",
                case.rust, case.when, case.message
            ));
        }
    }
    // And nothing built here is missing from the catalogue.
    for (rust, message) in &real {
        if !CATALOGUE
            .iter()
            .any(|c| c.rust == *rust && c.message == message)
        {
            wrong.push(format!("{rust} prints {message:?}, which no row shows"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

// The cases no crate test asserts on their own.

#[test]
fn a_task_cancelled_with_a_message_raises_it() {
    let rt = smol();
    rt.block_on(async {
        let sleeper = rt.clone();
        let task = create_task(&rt, async move {
            sleeper.sleep(Duration::from_secs(10)).await;
            Ok::<(), String>(())
        });
        rt.yield_now().await;
        assert!(task.cancel(Some("stop now")));
        let error = (&task).await.unwrap_err();
        assert_eq!(
            error,
            TaskError::Cancelled(CancelledError {
                message: Some("stop now".into())
            })
        );
        assert_eq!(error.to_string(), "task was cancelled: stop now");
        assert!(task.cancelled());
    });
}

#[test]
fn a_task_failure_is_its_error() {
    let rt = smol();
    rt.block_on(async {
        let task = create_task(&rt, async { Err::<u8, _>("no zero".to_owned()) });
        let error = (&task).await.unwrap_err();
        assert_eq!(error, TaskError::Failed("no zero".to_owned()));
        assert_eq!(error.to_string(), "no zero");
        assert!(error.is_failure() && !task.cancelled());
    });
}

#[test]
fn a_shield_of_a_cancelled_task_is_cancelled() {
    let rt = smol();
    rt.block_on(async {
        let sleeper = rt.clone();
        let (task, outer) = aio_shield::shield_future(&rt, async move {
            sleeper.sleep(Duration::from_secs(10)).await;
            Ok::<u8, String>(1)
        });
        rt.yield_now().await;
        task.cancel(None);
        let error = outer.await.unwrap_err();
        assert!(error.is_cancelled(), "{error:?}");
        assert_eq!(error.to_string(), "task was cancelled");
        assert_eq!(rt.now().since_start(), Duration::ZERO);
    });
}

/// Every row's snippet, run on the CPython it asks for, raises what the row's Rust error
/// stands for (class, `str()` and cause, through the shared formatter) and what the row says
/// CPython raises. `aio oracle --check` runs the same check; without python3 >= 3.11 it is
/// skipped, as the oracle is.
#[test]
fn the_catalogue_agrees_with_cpython() {
    let verified = match aio_harness::errors::verify() {
        Ok(verified) => verified,
        Err(aio_harness::oracle::OracleError::NoPython(why)) => {
            eprintln!("skipped: {why}");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    assert!(
        verified.differences.is_empty(),
        "rows that differ from CPython:\n{}",
        verified.differences.join("\n")
    );
    assert!(
        verified.same + verified.skipped.len() >= 50,
        "{} rows checked",
        verified.same
    );
}

#[test]
fn every_exception_row_has_a_snippet_and_a_rust_error() {
    for case in CATALOGUE {
        assert_eq!(
            case.snippet.is_empty(),
            case.raise.is_none(),
            "a snippet goes with a Rust error: {case:?}"
        );
        if case.snippet.is_empty() {
            assert!(
                case.python.contains("context") || case.python.starts_with("none"),
                "only a report or a case asyncio has no exception for goes without a snippet: {case:?}"
            );
        }
    }
    let checked = CATALOGUE.iter().filter(|c| !c.snippet.is_empty()).count();
    assert!(checked >= 45, "{checked} rows carry a snippet");
}
