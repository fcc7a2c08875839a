//! The Rust side of each catalogue row: the error the library gives for that input, made
//! by doing what the user did wherever it is cheap (a queue, a lock, a task on a
//! virtual-time runtime), and by naming the variant where doing it would panic or print
//! (a panic's `JoinError::Panicked` is built, not provoked).
//!
//! Each function returns the error as a [`PyException`]; `aio oracle --check` runs the row's
//! Python snippet on CPython and compares the two through the shared formatter.

use std::num::NonZeroUsize;
use std::time::Duration;

use aio_futures::{Exception, Future};
use aio_generators::GeneratorError;
use aio_loop::RunError;
use aio_queues::Queue;
use aio_rt::{Clock, Config, JoinError, PyError, PyException, Runtime, Smol};
use aio_sync::{Barrier, BoundedSemaphore, Condition, Lock};
use aio_tasks::{
    CancelledError, ExceptionGroup, SelfAwaitError, SpawnError, Task, TaskError, create_task,
};
use aio_wait::{ReturnWhen, WaitForError};
use futures_lite::future::{block_on, poll_once};

/// A row's Rust error.
pub(crate) type Raised = Box<dyn PyException>;

/// A virtual-time runtime, for the rows that need a task or a timer.
fn rt() -> Smol {
    Smol::with_config(Config::default().clock(Clock::Virtual))
}

/// A task that sleeps for an hour of virtual time.
fn sleeper(rt: &Smol) -> Task<(), String> {
    let r = rt.clone();
    create_task(rt, async move {
        r.sleep(Duration::from_secs(3600)).await;
        Ok(())
    })
}

fn pending_future() -> (Smol, Future<u32>) {
    let rt = rt();
    let future = Future::new(&rt);
    (rt, future)
}

pub(crate) fn join_cancelled() -> Raised {
    let rt = rt();
    let outcome = rt.block_on(async {
        let handle = rt.spawn(std::future::pending::<()>());
        handle.cancel();
        handle.await
    });
    Box::new(outcome.expect_err("cancelled"))
}

pub(crate) fn join_panicked() -> Raised {
    Box::new(JoinError::Panicked("boom 3".into()))
}

pub(crate) fn loop_not_running() -> Raised {
    Box::new(aio_loop::get_running_loop().expect_err("no loop on this thread"))
}

pub(crate) fn loop_already_running() -> Raised {
    Box::new(RunError::AlreadyRunning)
}

pub(crate) fn loop_another_running() -> Raised {
    Box::new(RunError::AnotherLoopRunning)
}

pub(crate) fn loop_stopped() -> Raised {
    Box::new(RunError::Stopped)
}

pub(crate) fn future_set_twice() -> Raised {
    let (_rt, future) = pending_future();
    future.set_result(1).expect("pending");
    Box::new(future.set_result(2).expect_err("done"))
}

pub(crate) fn future_result_pending() -> Raised {
    let (_rt, future) = pending_future();
    Box::new(future.result().expect_err("pending"))
}

pub(crate) fn future_exception_pending() -> Raised {
    let (_rt, future) = pending_future();
    Box::new(future.exception().expect_err("pending"))
}

pub(crate) fn future_cancelled_with_message() -> Raised {
    let (_rt, future) = pending_future();
    future.cancel_with("shutting down");
    Box::new(future.result().expect_err("cancelled"))
}

pub(crate) fn future_cancelled() -> Raised {
    let (_rt, future) = pending_future();
    future.cancel();
    Box::new(future.result().expect_err("cancelled"))
}

pub(crate) fn future_exception_set() -> Raised {
    let (_rt, future) = pending_future();
    future
        .set_exception(Exception::msg("disk full"))
        .expect("pending");
    Box::new(future.result().expect_err("an exception"))
}

pub(crate) fn task_result_unfinished() -> Raised {
    let rt = rt();
    let error = rt.block_on(async { sleeper(&rt).result().expect_err("running") });
    Box::new(error)
}

pub(crate) fn task_exception_unfinished() -> Raised {
    let rt = rt();
    let error = rt.block_on(async { sleeper(&rt).exception().expect_err("running") });
    Box::new(error)
}

/// Awaits a sleeping task cancelled with `message`.
fn cancelled_task(message: Option<&str>) -> Raised {
    let rt = rt();
    let error = rt.block_on(async {
        let task = sleeper(&rt);
        aio_sleep::sleep(&rt, Duration::ZERO).await;
        task.cancel(message);
        task.await.expect_err("cancelled")
    });
    Box::new(error)
}

pub(crate) fn task_cancelled_with_message() -> Raised {
    cancelled_task(Some("stop now"))
}

pub(crate) fn task_cancelled() -> Raised {
    cancelled_task(None)
}

pub(crate) fn task_failed() -> Raised {
    Box::new(TaskError::Failed("no zero".to_owned()))
}

pub(crate) fn task_panicked() -> Raised {
    Box::new(TaskError::<String>::Panicked("lost panic".into()))
}

pub(crate) fn task_self_await() -> Raised {
    Box::new(TaskError::<String>::SelfAwait(SelfAwaitError))
}

pub(crate) fn group_failed() -> Raised {
    Box::new(ExceptionGroup {
        errors: vec![TaskError::Failed("child failed".to_owned())],
    })
}

pub(crate) fn group_shutting_down() -> Raised {
    Box::new(SpawnError::ShuttingDown)
}

pub(crate) fn group_not_entered() -> Raised {
    Box::new(SpawnError::NotEntered)
}

/// A group polled by a bare `block_on`, outside any task.
pub(crate) fn group_no_parent_task() -> Raised {
    let rt = rt();
    let outcome = rt.block_on(aio_tasks::TaskGroup::run(&rt, |_tg| async {
        Ok::<_, String>(())
    }));
    Box::new(outcome.expect_err("no parent task"))
}

pub(crate) fn group_finished() -> Raised {
    Box::new(SpawnError::Finished)
}

/// `request`: never set, no default.
static REQUEST: aio_tasks::ContextVar<u32> = aio_tasks::ContextVar::new("request");
/// `user`: set by main, reset by a child.
static USER: aio_tasks::ContextVar<&str> = aio_tasks::ContextVar::new("user");

pub(crate) fn context_var_lookup() -> Raised {
    Box::new(REQUEST.get().expect_err("never set"))
}

/// Main sets `user`; a task of its own resets it with main's token.
pub(crate) fn context_var_foreign_token() -> Raised {
    let rt = rt();
    let r = rt.clone();
    let outcome = aio_tasks::run(&rt, async move {
        let token = USER.set("ada");
        let child = create_task(&r, async move {
            let refused = USER.reset(token).map_err(|e| PyError::from_py(&e));
            Ok::<_, String>(refused.err())
        });
        child.await.map_err(|e| e.to_string())
    });
    let error = outcome.ok().flatten().expect("the reset was refused");
    Box::new(error)
}

pub(crate) fn context_var_other_token() -> Raised {
    static A: aio_tasks::ContextVar<u32> = aio_tasks::ContextVar::new("a");
    static B: aio_tasks::ContextVar<u32> = aio_tasks::ContextVar::new("b");
    Box::new(B.reset(A.set(1)).expect_err("another variable's token"))
}

pub(crate) fn to_thread_panicked() -> Raised {
    Box::new(JoinError::Panicked("in a thread".into()))
}

pub(crate) fn gather_child_failed() -> Raised {
    Box::new(TaskError::Failed("boom".to_owned()))
}

pub(crate) fn wait_on_nothing() -> Raised {
    let rt = rt();
    let outcome = rt.block_on(aio_wait::wait(
        &rt,
        Vec::<Task<(), String>>::new(),
        ReturnWhen::AllCompleted,
        None,
    ));
    Box::new(outcome.expect_err("nothing to wait for"))
}

pub(crate) fn wait_for_deadline() -> Raised {
    let rt = rt();
    let long = rt.sleep(Duration::from_secs(10));
    let outcome = rt.block_on(aio_wait::wait_for(&rt, long, Some(Duration::from_secs(1))));
    Box::new(outcome.expect_err("the deadline passed"))
}

/// A timeout scope entered inside a task whose deadline passes.
pub(crate) fn timeout_deadline() -> Raised {
    let rt = rt();
    let r = rt.clone();
    let outcome = aio_tasks::run(&rt, async move {
        let long = r.sleep(Duration::from_secs(10));
        let scope = aio_wait::timeout(&r, Some(Duration::from_secs(1)));
        Ok::<_, String>(scope.run(long).await)
    });
    Box::new(outcome.expect("main ran").expect_err("the deadline passed"))
}

pub(crate) fn timeout_not_entered() -> Raised {
    let rt = rt();
    let scope = aio_wait::timeout(&rt, Some(Duration::from_secs(1)));
    Box::new(scope.reschedule(None).expect_err("not entered"))
}

/// A scope run twice, inside a task.
pub(crate) fn timeout_entered_twice() -> Raised {
    let rt = rt();
    let r = rt.clone();
    let outcome = aio_tasks::run(&rt, async move {
        let scope = aio_wait::timeout(&r, Some(Duration::from_secs(1)));
        scope
            .clone()
            .run(async {})
            .await
            .map_err(|e| e.to_string())?;
        Ok::<_, String>(scope.run(async {}).await)
    });
    Box::new(outcome.expect("main ran").expect_err("entered twice"))
}

/// A scope polled by a bare `block_on`, outside any task.
pub(crate) fn timeout_outside_task() -> Raised {
    let rt = rt();
    let scope = aio_wait::timeout(&rt, Some(Duration::from_secs(1)));
    Box::new(
        rt.block_on(scope.run(async {}))
            .expect_err("outside a task"),
    )
}

pub(crate) fn wait_for_task_deadline() -> Raised {
    let rt = rt();
    let error = rt.block_on(async {
        let task = sleeper(&rt);
        aio_wait::wait_for_task(&rt, &task, Some(Duration::from_secs(1)))
            .await
            .expect_err("the deadline passed")
    });
    Box::new(error)
}

pub(crate) fn wait_for_task_failed() -> Raised {
    Box::new(WaitForError::Task(TaskError::Failed("boom".to_owned())))
}

pub(crate) fn as_completed_deadline() -> Raised {
    use futures_lite::StreamExt;
    let rt = rt();
    let error = rt.block_on(async {
        let mut stream = aio_wait::as_completed(&rt, [sleeper(&rt)], Some(Duration::from_secs(1)));
        stream
            .next()
            .await
            .expect("an item")
            .expect_err("the deadline passed")
    });
    Box::new(error)
}

pub(crate) fn shield_inner_cancelled() -> Raised {
    Box::new(TaskError::<String>::Cancelled(CancelledError::default()))
}

pub(crate) fn queue_full() -> Raised {
    let queue = Queue::new(1);
    queue.put_nowait(1).expect("room for one");
    Box::new(queue.put_nowait(2).expect_err("full"))
}

pub(crate) fn queue_empty() -> Raised {
    Box::new(Queue::<u32>::new(0).get_nowait().expect_err("empty"))
}

pub(crate) fn queue_task_done() -> Raised {
    Box::new(
        Queue::<u32>::new(0)
            .task_done()
            .expect_err("nothing was put"),
    )
}

/// A queue that is shut down.
fn shut_queue() -> Queue<u32> {
    let queue = Queue::new(0);
    queue.shutdown(false);
    queue
}

pub(crate) fn queue_put_nowait_shut() -> Raised {
    Box::new(shut_queue().put_nowait(1).expect_err("shut down"))
}

pub(crate) fn queue_put_shut() -> Raised {
    Box::new(block_on(shut_queue().put(1)).expect_err("shut down"))
}

pub(crate) fn queue_get_shut() -> Raised {
    Box::new(block_on(shut_queue().get()).expect_err("shut down"))
}

pub(crate) fn queue_get_nowait_shut() -> Raised {
    Box::new(shut_queue().get_nowait().expect_err("shut down"))
}

pub(crate) fn lock_not_acquired() -> Raised {
    Box::new(Lock::new().release().expect_err("not held"))
}

pub(crate) fn bounded_too_many() -> Raised {
    Box::new(
        BoundedSemaphore::new(1)
            .release()
            .expect_err("at its value"),
    )
}

pub(crate) fn condition_wait_unacquired() -> Raised {
    Box::new(block_on(Condition::new().wait()).expect_err("not held"))
}

pub(crate) fn condition_notify_unacquired() -> Raised {
    Box::new(Condition::new().notify(1).expect_err("not held"))
}

/// A wait on a barrier of two, parked, then `interrupt` (abort or reset).
fn interrupted_wait(interrupt: fn(&Barrier)) -> Raised {
    let barrier = Barrier::new(NonZeroUsize::MIN.saturating_add(1));
    let mut wait = Box::pin(barrier.wait());
    assert!(block_on(poll_once(&mut wait)).is_none(), "one of two waits");
    interrupt(&barrier);
    Box::new(block_on(wait).expect_err("broken out"))
}

pub(crate) fn barrier_aborted_while_waiting() -> Raised {
    interrupted_wait(Barrier::abort)
}

pub(crate) fn barrier_reset_while_waiting() -> Raised {
    interrupted_wait(Barrier::reset)
}

pub(crate) fn barrier_aborted() -> Raised {
    let barrier = Barrier::new(NonZeroUsize::MIN.saturating_add(1));
    barrier.abort();
    Box::new(block_on(barrier.wait()).expect_err("aborted"))
}

pub(crate) fn generator_exhausted() -> Raised {
    Box::new(GeneratorError::<String>::StopAsyncIteration)
}

pub(crate) fn generator_raised() -> Raised {
    Box::new(GeneratorError::Raised("fatal".to_owned()))
}

pub(crate) fn generator_already_running() -> Raised {
    Box::new(GeneratorError::<String>::AlreadyRunning {
        request: aio_generators::RequestKind::Anext,
    })
}

pub(crate) fn generator_ignored_exit() -> Raised {
    Box::new(GeneratorError::<String>::IgnoredGeneratorExit)
}

pub(crate) fn generator_just_started() -> Raised {
    Box::new(GeneratorError::<String>::JustStarted)
}

pub(crate) fn generator_request_reused() -> Raised {
    Box::new(GeneratorError::<String>::AlreadyAwaited { throw: false })
}
