//! aio-tasks without the harness: error cases, failures, reporting, TaskGroup misuse.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aio_rt::{Clock, Config, ExceptionContext, Runtime, Smol, Tokio};
use aio_tasks::{
    GroupError, InvalidStateError, SpawnError, TaskError, TaskGroup, all_tasks, create_task,
    current_task,
};

fn smol() -> Smol {
    Smol::with_config(Config::default().clock(Clock::Virtual))
}

fn assert_send<T: Send>(_: &T) {}

/// Runs `body` as the main task (a `TaskGroup` needs a task to run in) and gives its value.
fn in_task<R: Runtime, T: Clone + Send + 'static>(
    rt: &R,
    body: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    match aio_tasks::run(rt, async move { Ok::<_, String>(body.await) }) {
        Ok(value) => value,
        Err(e) => panic!("main failed: {e}"),
    }
}

#[test]
fn smoke() {
    let rt = smol();
    let task = rt.block_on(async { create_task(&rt, async { Ok::<_, String>(1) }) });
    assert_send(&task);
    assert_eq!(rt.block_on(async { task.await }), Ok(1));
}

#[test]
fn a_task_that_cancels_itself_and_returns_ends_cancelled_but_an_error_stands() {
    // asyncio: `current_task().cancel("me"); return 1` ends cancelled with "me" (the
    // value is dropped); `current_task().cancel(); raise ValueError` ends with the error.
    let rt = smol();
    rt.block_on(async {
        let returns = create_task(&rt, async {
            let accepted = current_task().expect("inside a task").cancel(Some("me"));
            Ok::<_, String>(accepted)
        });
        match returns.clone().await {
            Err(TaskError::Cancelled(e)) => assert_eq!(e.message.as_deref(), Some("me")),
            other => panic!("expected the cancellation, got {other:?}"),
        }
        assert!(returns.cancelled());
        let fails = create_task(&rt, async {
            current_task().expect("inside a task").cancel(None);
            Err::<(), _>("boom".to_owned())
        });
        assert!(matches!(fails.clone().await, Err(TaskError::Failed(e)) if e == "boom"));
        assert!(!fails.cancelled());
    });
}

#[test]
#[expect(
    clippy::mutable_key_type,
    reason = "a task hashes by identity, which its interior mutability never changes"
)]
fn tasks_compare_and_hash_by_identity() {
    use std::collections::HashSet;
    let rt = smol();
    rt.block_on(async {
        let a = create_task(&rt, async { Ok::<_, String>(1) });
        let b = create_task(&rt, async { Ok::<_, String>(1) });
        assert_eq!(a, a.clone(), "a clone is the same task");
        assert_ne!(a, b, "the same body and outcome do not make the same task");
        // As a Python set of tasks: a duplicate collapses, distinct tasks stay distinct.
        let set: HashSet<_> = [a.clone(), b.clone(), a.clone()].into_iter().collect();
        assert_eq!(set.len(), 2);
        assert!(set.contains(&a) && set.contains(&b));
        let refs: HashSet<_> = [a.as_ref(), a.as_ref(), b.as_ref()].into_iter().collect();
        assert_eq!(refs.len(), 2);
        assert_eq!(a.as_ref(), a.clone().as_ref());
        assert_ne!(a.as_ref(), b.as_ref());
        // Identity does not change when the task finishes.
        assert_eq!((&a).await, Ok(1));
        assert!(set.contains(&a));
    });
}

#[test]
fn result_and_exception_before_done_are_invalid_state() {
    let rt = smol();
    rt.block_on(async {
        let task = create_task(&rt, async { Ok::<_, String>(1) });
        assert_eq!(
            task.result(),
            Err(TaskError::InvalidState(InvalidStateError::ResultNotSet))
        );
        assert_eq!(
            task.exception(),
            Err(TaskError::InvalidState(InvalidStateError::ExceptionNotSet))
        );
        assert_eq!(
            TaskError::<String>::InvalidState(InvalidStateError::ResultNotSet).to_string(),
            "result is not set"
        );
        assert_eq!((&task).await, Ok(1));
        assert_eq!(task.result(), Ok(1));
        assert_eq!(task.exception(), Ok(None));
        assert!(!task.cancel(None), "a finished task cannot be cancelled");
        assert!(!task.cancelled());
    });
}

#[test]
fn a_panic_is_a_failure_every_awaiter_sees() {
    let rt = smol();
    rt.block_on(async {
        let task = create_task(&rt, async {
            if true {
                panic!("kaboom");
            }
            Ok::<u8, String>(0)
        });
        let again = task.clone();
        assert_eq!(task.await, Err(TaskError::Panicked("kaboom".to_owned())));
        assert_eq!(again.await, Err(TaskError::Panicked("kaboom".to_owned())));
    });
}

fn collecting(
    rt: &Smol,
) -> (
    Arc<Mutex<Vec<ExceptionContext>>>,
    impl std::future::Future<Output = ()>,
) {
    let seen: Arc<Mutex<Vec<ExceptionContext>>> = Arc::default();
    let sink = seen.clone();
    let rt = rt.clone();
    let body = async move {
        let main = create_task(&rt.clone(), async move {
            rt.set_exception_handler(move |f| sink.lock().unwrap().push(f.clone()));
            let failed = create_task(&rt, async { Err::<(), _>("lost".to_owned()) });
            let panicked = create_task(&rt, async {
                if true {
                    panic!("lost panic");
                }
                Ok::<(), String>(())
            });
            let retrieved = create_task(&rt, async { Err::<(), _>("seen".to_owned()) });
            let _ = (&retrieved).await;
            rt.sleep(Duration::from_secs(1)).await;
            drop((failed, panicked, retrieved));
            Ok::<(), String>(())
        });
        main.await.unwrap();
    };
    (seen, body)
}

#[test]
fn unretrieved_failures_are_reported_once_retrieved_ones_never() {
    let rt = smol();
    let (seen, body) = collecting(&rt);
    rt.block_on(body);
    let seen = seen.lock().unwrap();
    let errors: Vec<String> = seen
        .iter()
        .map(|f| aio_rt::format_exception(f.exception.as_ref().unwrap()))
        .collect();
    assert_eq!(errors, ["Exception: lost", "Exception: lost panic"]);
    let task = seen[0].future.as_ref().unwrap();
    assert_eq!(task.name.as_deref(), Some("Task-2"));
    let report = seen[0].to_string();
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 3, "{report}");
    assert_eq!(lines[0], "Task exception was never retrieved");
    assert!(
        lines[1].starts_with("future: <Task finished name='Task-2' coro=<")
            && lines[1].ends_with("> exception=Exception('lost')>"),
        "{report}"
    );
    assert_eq!(lines[2], "Exception: lost");
}

/// Finished tasks are swept from the family's list lazily, as it doubles: through several
/// sweeps, `all_tasks` still lists exactly the unfinished tasks, in creation order, and
/// default names keep counting.
#[test]
fn all_tasks_lists_only_unfinished_tasks_across_sweeps() {
    let rt = smol();
    let seen = rt.block_on(async {
        let r = rt.clone();
        let main = create_task(&rt, async move {
            let early = create_task(&r, std::future::pending::<Result<(), String>>());
            for round in 0..5 {
                let done: Vec<_> = (0..1500)
                    .map(|_| create_task(&r, async { Ok::<_, String>(()) }))
                    .collect();
                for task in done {
                    task.await.map_err(|e| e.to_string())?;
                }
                // Some finished tasks still have a handle: finished, so not listed either.
                if round == 2 {
                    let kept = create_task(&r, async { Ok::<_, String>(()) });
                    (&kept).await.map_err(|e| e.to_string())?;
                    assert!(!all_tasks().iter().any(|t| *t == kept.as_ref()));
                }
            }
            let late = create_task(&r, std::future::pending::<Result<(), String>>());
            let names: Vec<String> = all_tasks().iter().map(|t| t.name()).collect();
            early.cancel(None);
            late.cancel(None);
            Ok::<_, String>((names, late.name()))
        });
        main.await
    });
    let (names, late) = seen.expect("main succeeds");
    assert_eq!(names, vec!["Task-1", "Task-2", late.as_str()]);
    assert_eq!(late, "Task-7504");
}

#[test]
fn outside_any_task_there_is_no_current_task() {
    assert!(current_task().is_none());
    assert!(all_tasks().is_empty());
}

#[test]
fn dropping_an_unfinished_await_cancels_the_task() {
    let rt = smol();
    rt.block_on(async {
        let sleeper = rt.clone();
        let task = create_task(&rt, async move {
            sleeper.sleep(Duration::from_secs(10)).await;
            Ok::<(), String>(())
        });
        let timeout = async {
            rt.sleep(Duration::from_secs(1)).await;
            None
        };
        let raced = futures_lite::future::or(async { Some((&task).await) }, timeout).await;
        assert_eq!(raced, None);
        assert!(matches!((&task).await, Err(TaskError::Cancelled(_))));
        assert_eq!(rt.now().since_start(), Duration::from_secs(1));
    });
}

#[test]
fn dropping_the_task_handle_does_not_cancel() {
    let rt = smol();
    let flag = Arc::new(Mutex::new(false));
    let set = flag.clone();
    rt.block_on(async {
        let sleeper = rt.clone();
        drop(create_task(&rt, async move {
            sleeper.sleep(Duration::from_secs(1)).await;
            *set.lock().unwrap() = true;
            Ok::<(), String>(())
        }));
        rt.sleep(Duration::from_secs(2)).await;
    });
    assert!(*flag.lock().unwrap());
}

#[test]
fn names_can_be_changed() {
    let rt = smol();
    rt.block_on(async {
        let task = create_task(&rt, async { Ok::<_, String>(()) });
        assert_eq!(task.name(), "Task-1");
        task.set_name("renamed");
        assert_eq!(task.as_ref().name(), "renamed");
        assert_eq!(
            format!("{task:?}"),
            r#"Task { name: "renamed", state: "pending" }"#
        );
        task.await.unwrap();
    });
}

#[test]
fn spawning_into_a_failing_group_is_shutting_down() {
    let rt = smol();
    let refused: Arc<Mutex<Option<Result<(), SpawnError>>>> = Arc::default();
    let seen = refused.clone();
    let r = rt.clone();
    let result: Result<(), GroupError<String>> = in_task(&rt, async move {
        let r0 = r.clone();
        TaskGroup::run(&r0, |tg| async move {
            let r2 = r.clone();
            tg.create_task(async move {
                r2.sleep(Duration::from_secs(10)).await;
                Ok(())
            })
            .unwrap();
            let failing = tg
                .create_task(async { Err::<(), _>("first".to_owned()) })
                .unwrap();
            // Added after the group's own callback: runs once the group is aborting,
            // while the sleeping child is still being cancelled.
            let tg2 = tg.clone();
            failing.add_done_callback(move |_| {
                *seen.lock().unwrap() = Some(tg2.create_task(async { Ok(()) }).map(drop));
            });
            r.sleep(Duration::from_secs(5)).await;
            Ok(())
        })
        .await
    });
    assert_eq!(
        *refused.lock().unwrap(),
        Some(Err(SpawnError::ShuttingDown))
    );
    let errors = result.unwrap_err();
    assert_eq!(
        errors.to_string(),
        "unhandled errors in a TaskGroup (1 sub-exception)"
    );
    assert_eq!(
        errors.exceptions().unwrap().errors,
        vec![TaskError::Failed("first".to_owned())]
    );
    assert_eq!(
        rt.now().since_start(),
        Duration::ZERO,
        "the failure cancelled the sleepers"
    );
    assert_eq!(
        SpawnError::ShuttingDown.to_string(),
        "taskgroup is shutting down"
    );
    assert_eq!(SpawnError::Finished.to_string(), "taskgroup is finished");
}

#[test]
fn a_panicking_child_is_in_the_group_error() {
    let rt = Tokio::current_thread_with(Config::default().clock(Clock::Virtual));
    let r = rt.clone();
    let result: Result<(), GroupError<String>> = in_task(&rt, async move {
        TaskGroup::run(&r, |tg| async move {
            tg.create_task(async {
                if true {
                    panic!("child panic");
                }
                Ok(())
            })
            .unwrap();
            Ok(())
        })
        .await
    });
    assert_eq!(
        result.unwrap_err().exceptions().unwrap().errors,
        vec![TaskError::Panicked("child panic".to_owned())]
    );
}

#[test]
fn a_group_that_succeeds_gives_the_body_value_and_then_refuses_tasks() {
    let rt = smol();
    let kept = Arc::new(Mutex::new(None));
    let (r, keep) = (rt.clone(), Arc::clone(&kept));
    let value = in_task(&rt, async move {
        TaskGroup::run(&r, |tg| {
            *keep.lock().unwrap() = Some(tg.clone());
            async move {
                let child = tg.create_task(async { Ok::<_, String>(2) }).unwrap();
                Ok::<_, String>(child.await.unwrap() * 21)
            }
        })
        .await
    });
    assert_eq!(value, Ok(42));
    let tg = kept.lock().unwrap().take().unwrap();
    let err = tg.create_task(async { Ok(()) }).unwrap_err();
    assert_eq!(err, SpawnError::Finished);
}

/// A group polled outside any task (here by a bare `block_on`) refuses to start, as
/// asyncio's `__aenter__` does: no body, no child.
#[test]
fn a_group_outside_any_task_cannot_determine_its_parent() {
    let rt = smol();
    let ran = Arc::new(Mutex::new(false));
    let flag = Arc::clone(&ran);
    let result = rt.block_on(TaskGroup::run(&rt, |_tg| async move {
        *flag.lock().unwrap() = true;
        Ok::<_, String>(())
    }));
    assert_eq!(result, Err(GroupError::NoParentTask));
    assert!(!*ran.lock().unwrap(), "the body never ran");
    assert_eq!(
        aio_rt::format_exception(&result.unwrap_err()),
        "RuntimeError: TaskGroup <...> cannot determine the parent task"
    );
}

/// Panics when dropped: a child whose cancellation fails (asyncio: a `finally` that
/// raises).
struct PanicOnDrop;

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("late");
    }
}

/// A `run` dropped by other means than its owner's cancellation (a timeout or a `select`
/// around it) cannot raise the failures: the one collected before the drop, and the one
/// of a child that fails while it is cancelled after the drop, are both reported to the
/// exception handler, never lost.
#[test]
fn failures_of_a_dropped_group_go_to_the_exception_handler() {
    let rt = smol();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let rt2 = rt.clone();
    rt.block_on(async move {
        let main = create_task(&rt2.clone(), async move {
            rt2.set_exception_handler(move |f| {
                let task = f.future.as_ref().and_then(|t| t.name.clone());
                let exception = f.exception.as_ref().map(aio_rt::format_exception);
                sink.lock()
                    .unwrap()
                    .push(format!("{}: {task:?}: {exception:?}", f.message));
            });
            for child in ["early", "late"] {
                let rt3 = rt2.clone();
                let run = TaskGroup::run(&rt2, |tg| async move {
                    let sleeper = rt3.clone();
                    tg.create_task(async move {
                        if child == "early" {
                            return Err(child.to_owned());
                        }
                        let _guard = PanicOnDrop;
                        sleeper.sleep(Duration::from_secs(5)).await;
                        Ok(())
                    })
                    .map_err(|e| e.to_string())?;
                    rt3.sleep(Duration::from_secs(10)).await;
                    Ok(())
                });
                let mut run = Box::pin(run);
                // Entered, suspended in the body; the child runs; then the group is
                // dropped before it could raise.
                assert!(futures_lite::future::poll_once(&mut run).await.is_none());
                rt2.sleep(Duration::from_secs(1)).await;
                drop(run);
                rt2.sleep(Duration::from_secs(1)).await;
            }
            Ok::<(), String>(())
        });
        main.await.unwrap();
    });
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            "Task exception was never retrieved: Some(\"Task-2\"): Some(\"Exception: early\")",
            "Task exception was never retrieved: Some(\"Task-3\"): Some(\"Exception: late\")",
        ]
    );
}

/// `create_task` before the group's `run` has started is refused, and nothing runs.
#[test]
fn spawning_into_a_group_not_entered_is_refused() {
    let rt = smol();
    let rt2 = rt.clone();
    rt.block_on(async {
        let main = create_task(&rt, async move {
            let mut refused = None;
            let run = TaskGroup::run(&rt2, |tg| {
                refused = Some(tg.create_task(async { Err::<(), _>("lost".to_owned()) }));
                async { Ok::<_, String>(()) }
            });
            drop(run);
            match refused {
                Some(Err(e)) => assert_eq!(e, SpawnError::NotEntered),
                _ => panic!("accepted"),
            }
            Ok::<(), String>(())
        });
        main.await.unwrap();
    });
}

/// An eager task runs its first step inside the call, as the current task: one that
/// finishes there is done at once; one that is suspended goes on, and a cancellation
/// before its runtime task first runs still reaches it.
#[test]
fn an_eager_task_takes_its_first_step_inside_the_call() {
    let rt = smol();
    let r = rt.clone();
    let steps = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&steps);
    in_task(&rt, async move {
        let log = Arc::clone(&seen);
        let done = aio_tasks::create_eager_task_named(&r, "eager", async move {
            let me = current_task().unwrap().name();
            log.lock().unwrap().push(format!("ran as {me}"));
            Ok::<_, String>(5)
        });
        seen.lock().unwrap().push("returned".to_owned());
        assert!(done.done());
        assert_eq!(done.result(), Ok(5));
        assert_eq!(
            current_task().unwrap().name(),
            "Task-1",
            "main is current again"
        );
        let (log, r2) = (Arc::clone(&seen), r.clone());
        let suspended = aio_tasks::create_eager_task(&r, async move {
            log.lock().unwrap().push("first step".to_owned());
            r2.sleep(Duration::from_secs(1)).await;
            log.lock().unwrap().push("never: cancelled".to_owned());
            Ok::<_, String>(())
        });
        assert!(!suspended.done());
        assert!(suspended.cancel(Some("stop")));
        assert!(matches!(suspended.await, Err(TaskError::Cancelled(_))));
    });
    assert_eq!(
        *steps.lock().unwrap(),
        ["ran as eager", "returned", "first step"]
    );
}

/// `ContextVar`s: the thread's context outside any task, copied into a task when it is
/// created (later sets in the creator are not seen; the task's sets stay its own), into
/// an eager task's first step and a TaskGroup's children too; `reset` undoes a `set`
/// and refuses a token from another context, giving it back.
#[test]
fn context_vars_are_copied_per_task() {
    static ID: aio_tasks::ContextVar<u32> = aio_tasks::ContextVar::with_default("id", 0);
    let rt = smol();
    std::thread::spawn(move || {
        assert_eq!(ID.get(), Ok(0));
        let outside = ID.set(1);
        let snapshot = aio_tasks::copy_context();
        let r = rt.clone();
        let seen = aio_tasks::run(&rt, async move {
            let main_saw = ID.get().unwrap();
            let _token = ID.set(2);
            let child = create_task(&r, async {
                let saw = ID.get().unwrap();
                let _token = ID.set(3);
                Ok::<_, String>(saw)
            });
            let _token = ID.set(4);
            let eager =
                aio_tasks::create_eager_task(&r, async { Ok::<_, String>(ID.get().unwrap()) });
            let group = TaskGroup::run(&r, |tg| async move {
                let child = tg.create_task(async { Ok::<_, String>(ID.get().unwrap()) });
                child.map_err(|e| e.to_string())
            })
            .await
            .unwrap();
            let in_group = group.await.unwrap();
            let token = ID.set(5);
            let foreign = create_task(&r, async move {
                let refused = ID.reset(token).unwrap_err();
                assert!(matches!(
                    refused,
                    aio_tasks::ResetError::DifferentContext(_)
                ));
                Ok::<_, String>(())
            });
            foreign.await.unwrap();
            Ok::<_, String>((
                main_saw,
                child.await.unwrap(),
                eager.result().unwrap(),
                in_group,
                ID.get().unwrap(),
            ))
        })
        .unwrap();
        assert_eq!(seen, (1, 2, 4, 4, 5));
        assert_eq!(ID.get(), Ok(1), "main's sets stay in main");
        assert_eq!(snapshot.get(&ID), Some(1));
        ID.reset(outside).unwrap();
        assert_eq!(ID.get(), Ok(0));
    })
    .join()
    .unwrap();
}
