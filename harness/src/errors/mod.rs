//! The bad-input catalogue: every asyncio exception case the project maps, with the Rust
//! error and its message, and the test that asserts it. `aio docs` renders it into
//! `docs/errors.md`; `harness/tests/suite/errors.rs` checks that every named test exists and
//! that the messages are the real ones.
//!
//! A crate joins the catalogue by adding its rows to [`CATALOGUE`] (grouped by crate, in
//! the order of the pages), each naming a test function of the workspace that asserts the
//! case, and, when the error can be built from the harness, a line in the message check
//! of `harness/tests/suite/errors.rs`. Bad input its Rust signature cannot express (a
//! `NonZeroUsize` where asyncio raises on zero) goes to [`TYPED_AWAY`] instead.

use std::fmt::Write as _;

mod raise;
mod verify;

pub use verify::{Verified, verify};

/// One asyncio exception case and its Rust translation.
///
/// Python: none (Rust only: the project's catalogue of error translations)
#[derive(Clone, Copy, Debug)]
pub struct ErrorCase {
    /// The crate that returns the error, e.g. `aio-futures`.
    pub krate: &'static str,
    /// What the user did, e.g. `set_result on a done future`.
    pub when: &'static str,
    /// The Python exception type, e.g. `asyncio.InvalidStateError`.
    pub python: &'static str,
    /// `str()` of the Python exception, as CPython 3.11 words it (empty when there is none).
    pub python_message: &'static str,
    /// The Rust error: type and variant, e.g. `aio_futures::InvalidStateError`.
    pub rust: &'static str,
    /// The Rust error's `Display`, with example values where the message has a part.
    pub message: &'static str,
    /// The name of the test function that asserts this case.
    pub test: &'static str,
    /// Python code that raises the exception, as the body of an `async def` run by
    /// `asyncio.run` (a first line `# python: 3.13` asks for that interpreter); empty for a
    /// report that is not an exception (the exception handler's context).
    pub snippet: &'static str,
    /// The Rust error the library gives for the same input: `aio oracle --check` runs the
    /// snippet on CPython and compares both through the shared exception formatter
    /// ([`verify`]). `None` exactly when `snippet` is empty.
    pub raise: Option<fn() -> Box<dyn aio_rt::PyException>>,
}

#[allow(clippy::too_many_arguments)]
const fn case(
    krate: &'static str,
    when: &'static str,
    python: &'static str,
    python_message: &'static str,
    rust: &'static str,
    message: &'static str,
    test: &'static str,
    snippet: &'static str,
    raise: Option<fn() -> Box<dyn aio_rt::PyException>>,
) -> ErrorCase {
    ErrorCase {
        krate,
        when,
        python,
        python_message,
        rust,
        message,
        test,
        snippet,
        raise,
    }
}

/// Every case, grouped by crate in the order of the pages.
///
/// Every crate that returns errors has its rows: aio-rt, aio-loop, aio-futures, aio-tasks,
/// aio-sleep, aio-gather, aio-wait, aio-shield, aio-queues, aio-sync, aio-generators. Bad
/// input the Rust types rule out (`Barrier(0)`: "parties must be > 0", ...) has no error
/// to show: it is listed in [`TYPED_AWAY`] instead. A crate added later joins with its rows.
pub const CATALOGUE: &[ErrorCase] = &[
    // aio-rt
    case(
        "aio-rt",
        "awaiting a task that was cancelled",
        "asyncio.CancelledError",
        "",
        "aio_rt::JoinError::Cancelled",
        "task was cancelled",
        "join_handle_meaning",
        "t = asyncio.create_task(asyncio.sleep(1))\nawait asyncio.sleep(0)\nt.cancel()\nawait t",
        Some(raise::join_cancelled),
    ),
    case(
        "aio-rt",
        "awaiting a task that panicked",
        "the task's exception, re-raised",
        "boom 3",
        "aio_rt::JoinError::Panicked",
        "task panicked: boom 3",
        "join_handle_meaning",
        "async def f():\n    raise Exception('boom 3')\nawait asyncio.create_task(f())",
        Some(raise::join_panicked),
    ),
    case(
        "aio-rt",
        "a task panicked and its JoinHandle was dropped unread",
        "the exception handler's context",
        "Task exception was never retrieved",
        "aio_rt::ExceptionContext",
        "Task exception was never retrieved",
        "unretrieved_panic_is_reported",
        "",
        None,
    ),
    // aio-loop
    case(
        "aio-loop",
        "get_running_loop() outside a loop",
        "RuntimeError",
        "no running event loop",
        "aio_loop::NoRunningLoop",
        "no running event loop",
        "get_running_loop_outside_a_loop_is_an_error",
        "await asyncio.to_thread(asyncio.get_running_loop)",
        Some(raise::loop_not_running),
    ),
    case(
        "aio-loop",
        "running a loop that is already running",
        "RuntimeError",
        "This event loop is already running",
        "aio_loop::RunError::AlreadyRunning",
        "this event loop is already running",
        "running_a_loop_that_is_running_is_an_error",
        "asyncio.get_running_loop().run_forever()",
        Some(raise::loop_already_running),
    ),
    case(
        "aio-loop",
        "running a second loop on a thread that runs one",
        "RuntimeError",
        "Cannot run the event loop while another loop is running",
        "aio_loop::RunError::AnotherLoopRunning",
        "cannot run the event loop while another loop is running",
        "a_second_loop_on_a_thread_that_runs_one_is_an_error",
        "other = asyncio.new_event_loop()\ntry:\n    other.run_forever()\nfinally:\n    other.close()",
        Some(raise::loop_another_running),
    ),
    case(
        "aio-loop",
        "stop() before run_until_complete's future completed",
        "RuntimeError",
        "Event loop stopped before Future completed.",
        "aio_loop::RunError::Stopped",
        "event loop stopped before future completed",
        "stop_before_the_future_completes_is_an_error",
        "def run():\n    other = asyncio.new_event_loop()\n    other.call_soon(other.stop)\n    try:\n        other.run_until_complete(other.create_future())\n    finally:\n        other.close()\nawait asyncio.to_thread(run)",
        Some(raise::loop_stopped),
    ),
    case(
        "aio-loop",
        "virtual clock: a run that can never finish",
        "none (asyncio waits forever)",
        "",
        "aio_loop::RunError::Stalled",
        "virtual clock: nothing is ready, no timer is pending and no executor job runs, so the run can never finish",
        "a_run_that_can_never_finish_fails_on_the_virtual_clock",
        "",
        None,
    ),
    case(
        "aio-loop",
        "a callback panicked",
        "the exception handler's context",
        "Exception in callback ...",
        "aio_rt::ExceptionContext",
        "Exception in callback ...()",
        "a_panicking_callback_goes_to_the_exception_handler_and_the_loop_carries_on",
        "",
        None,
    ),
    // aio-futures
    case(
        "aio-futures",
        "a done callback panicked",
        "the exception handler's context",
        "Exception in callback ...",
        "aio_rt::ExceptionContext",
        "Exception in callback ...()",
        "a_panicking_done_callback_is_reported_and_the_others_still_run",
        "",
        None,
    ),
    case(
        "aio-futures",
        "a future's exception was never read before its last clone was dropped",
        "the exception handler's context",
        "Future exception was never retrieved",
        "aio_rt::ExceptionContext",
        "Future exception was never retrieved",
        "an_exception_nobody_read_is_reported_when_the_future_is_dropped",
        "",
        None,
    ),
    case(
        "aio-futures",
        "set_result / set_exception on a done future",
        "asyncio.InvalidStateError",
        "invalid state",
        "aio_futures::InvalidStateError",
        "invalid state",
        "setting_a_done_future_is_an_invalid_state_error",
        "f = asyncio.get_running_loop().create_future()\nf.set_result(1)\nf.set_result(2)",
        Some(raise::future_set_twice),
    ),
    case(
        "aio-futures",
        "result() of a pending future",
        "asyncio.InvalidStateError",
        "Result is not set.",
        "aio_futures::FutureError::InvalidState",
        "result is not set",
        "reading_a_pending_future_is_an_invalid_state_error",
        "asyncio.get_running_loop().create_future().result()",
        Some(raise::future_result_pending),
    ),
    case(
        "aio-futures",
        "exception() of a pending future",
        "asyncio.InvalidStateError",
        "Exception is not set.",
        "aio_futures::FutureError::InvalidState",
        "exception is not set",
        "reading_a_pending_future_is_an_invalid_state_error",
        "asyncio.get_running_loop().create_future().exception()",
        Some(raise::future_exception_pending),
    ),
    case(
        "aio-futures",
        "reading a future cancelled with a message",
        "asyncio.CancelledError",
        "shutting down",
        "aio_futures::FutureError::Cancelled",
        "cancelled: shutting down",
        "a_cancelled_future_raises_cancelled_error_with_the_message",
        "f = asyncio.get_running_loop().create_future()\nf.cancel('shutting down')\nf.result()",
        Some(raise::future_cancelled_with_message),
    ),
    case(
        "aio-futures",
        "reading a future cancelled without a message",
        "asyncio.CancelledError",
        "",
        "aio_futures::FutureError::Cancelled",
        "cancelled",
        "a_cancelled_future_raises_cancelled_error_with_the_message",
        "f = asyncio.get_running_loop().create_future()\nf.cancel()\nf.result()",
        Some(raise::future_cancelled),
    ),
    case(
        "aio-futures",
        "reading a future completed with set_exception",
        "the exception set, re-raised",
        "disk full",
        "aio_futures::FutureError::Exception",
        "disk full",
        "an_exception_reaches_result_exception_and_awaiters",
        "f = asyncio.get_running_loop().create_future()\nf.set_exception(Exception('disk full'))\nf.result()",
        Some(raise::future_exception_set),
    ),
    // aio-tasks
    case(
        "aio-tasks",
        "result() of an unfinished task",
        "asyncio.InvalidStateError",
        "Result is not set.",
        "aio_tasks::TaskError::InvalidState",
        "result is not set",
        "result_and_exception_before_done_are_invalid_state",
        "asyncio.create_task(asyncio.sleep(3600)).result()",
        Some(raise::task_result_unfinished),
    ),
    case(
        "aio-tasks",
        "exception() of an unfinished task",
        "asyncio.InvalidStateError",
        "Exception is not set.",
        "aio_tasks::TaskError::InvalidState",
        "exception is not set",
        "result_and_exception_before_done_are_invalid_state",
        "asyncio.create_task(asyncio.sleep(3600)).exception()",
        Some(raise::task_exception_unfinished),
    ),
    case(
        "aio-tasks",
        "awaiting a task cancelled with a message",
        "asyncio.CancelledError",
        "stop now",
        "aio_tasks::TaskError::Cancelled",
        "task was cancelled: stop now",
        "a_task_cancelled_with_a_message_raises_it",
        "t = asyncio.create_task(asyncio.sleep(3600))\nawait asyncio.sleep(0)\nt.cancel('stop now')\nawait t",
        Some(raise::task_cancelled_with_message),
    ),
    case(
        "aio-tasks",
        "awaiting a task cancelled without a message",
        "asyncio.CancelledError",
        "",
        "aio_tasks::TaskError::Cancelled",
        "task was cancelled",
        "dropping_an_unfinished_await_cancels_the_task",
        "t = asyncio.create_task(asyncio.sleep(3600))\nawait asyncio.sleep(0)\nt.cancel()\nawait t",
        Some(raise::task_cancelled),
    ),
    case(
        "aio-tasks",
        "awaiting a task whose body returned Err",
        "the coroutine's exception, re-raised",
        "no zero",
        "aio_tasks::TaskError::Failed",
        "no zero",
        "a_task_failure_is_its_error",
        "async def f():\n    raise Exception('no zero')\nawait asyncio.create_task(f())",
        Some(raise::task_failed),
    ),
    case(
        "aio-tasks",
        "awaiting a task whose body panicked",
        "the coroutine's exception, re-raised",
        "lost panic",
        "aio_tasks::TaskError::Panicked",
        "task panicked: lost panic",
        "a_panic_is_a_failure_every_awaiter_sees",
        "async def f():\n    raise Exception('lost panic')\nawait asyncio.create_task(f())",
        Some(raise::task_panicked),
    ),
    case(
        "aio-tasks",
        "a task awaits itself",
        "RuntimeError",
        "Task cannot await on itself: <Task pending ...>",
        "aio_tasks::TaskError::SelfAwait",
        "task cannot await on itself",
        "a_task_awaiting_itself_gets_an_error",
        "async def me():\n    await asyncio.current_task()\nawait asyncio.create_task(me())",
        Some(raise::task_self_await),
    ),
    case(
        "aio-tasks",
        "a TaskGroup child failed",
        "ExceptionGroup",
        "unhandled errors in a TaskGroup (1 sub-exception)",
        "aio_tasks::ExceptionGroup",
        "unhandled errors in a TaskGroup (1 sub-exception)",
        "spawning_into_a_failing_group_is_shutting_down",
        "async def f():\n    raise Exception('child failed')\nasync with asyncio.TaskGroup() as tg:\n    tg.create_task(f())",
        Some(raise::group_failed),
    ),
    case(
        "aio-tasks",
        "create_task on a TaskGroup that is cancelling after a failure",
        "RuntimeError",
        "TaskGroup <TaskGroup ...> is shutting down",
        "aio_tasks::SpawnError::ShuttingDown",
        "taskgroup is shutting down",
        "spawning_into_a_failing_group_is_shutting_down",
        "refused = []\nasync def fails():\n    raise ValueError()\nasync def body():\n    async with asyncio.TaskGroup() as tg:\n        tg.create_task(fails())\n        try:\n            await asyncio.sleep(1)\n        except asyncio.CancelledError:\n            coro = asyncio.sleep(0)\n            try:\n                tg.create_task(coro)\n            except RuntimeError as e:\n                coro.close()\n                refused.append(e)\n            raise\ntry:\n    await body()\nexcept ExceptionGroup:\n    pass\nraise refused[0]",
        Some(raise::group_shutting_down),
    ),
    case(
        "aio-tasks",
        "create_task on a TaskGroup that has not been entered",
        "RuntimeError",
        "TaskGroup <TaskGroup> has not been entered",
        "aio_tasks::SpawnError::NotEntered",
        "taskgroup has not been entered",
        "spawning_into_a_group_not_entered_is_refused",
        "tg = asyncio.TaskGroup()\ncoro = asyncio.sleep(0)\ntry:\n    tg.create_task(coro)\nfinally:\n    coro.close()",
        Some(raise::group_not_entered),
    ),
    case(
        "aio-tasks",
        "a TaskGroup run outside any task",
        "RuntimeError",
        "TaskGroup <TaskGroup> cannot determine the parent task",
        "aio_tasks::GroupError::NoParentTask",
        "taskgroup cannot determine the parent task",
        "a_group_outside_any_task_cannot_determine_its_parent",
        "raised = []\nasync def group():\n    async with asyncio.TaskGroup():\n        pass\ndef step():\n    try:\n        group().send(None)\n    except RuntimeError as e:\n        raised.append(e)\nasyncio.get_running_loop().call_soon(step)\nawait asyncio.sleep(0)\nraise raised[0]",
        Some(raise::group_no_parent_task),
    ),
    case(
        "aio-tasks",
        "create_task on a TaskGroup that has ended",
        "RuntimeError",
        "TaskGroup <TaskGroup ...> is finished",
        "aio_tasks::SpawnError::Finished",
        "taskgroup is finished",
        "a_group_that_succeeds_gives_the_body_value_and_then_refuses_tasks",
        "tg = asyncio.TaskGroup()\nasync with tg:\n    pass\ncoro = asyncio.sleep(0)\ntry:\n    tg.create_task(coro)\nfinally:\n    coro.close()",
        Some(raise::group_finished),
    ),
    case(
        "aio-tasks",
        "a task failed and nobody retrieved the failure",
        "the exception handler's context",
        "Task exception was never retrieved",
        "aio_rt::ExceptionContext",
        "Task exception was never retrieved",
        "unretrieved_failures_are_reported_once_retrieved_ones_never",
        "",
        None,
    ),
    case(
        "aio-tasks",
        "ContextVar.get() with no value and no default",
        "LookupError",
        "<ContextVar name='request' at 0x...>",
        "aio_tasks::LookupError",
        "context variable \"request\" has no value",
        "context_vars_are_copied_per_task",
        "import contextvars\nvar = contextvars.ContextVar('request')\nvar.get()",
        Some(raise::context_var_lookup),
    ),
    case(
        "aio-tasks",
        "ContextVar.reset() with a token made in another task's context",
        "ValueError",
        "<Token var=<ContextVar name='user' at 0x...> at 0x...> was created in a different Context",
        "aio_tasks::ResetError::DifferentContext",
        "token was created in a different context",
        "context_vars_are_copied_per_task",
        "import contextvars\nvar = contextvars.ContextVar('user')\ntoken = var.set('ada')\nasync def child():\n    var.reset(token)\nawait asyncio.create_task(child())",
        Some(raise::context_var_foreign_token),
    ),
    case(
        "aio-tasks",
        "ContextVar.reset() with another variable's token",
        "ValueError",
        "<Token var=<ContextVar name='a' at 0x...> at 0x...> was created by a different ContextVar",
        "aio_tasks::ResetError::DifferentVar",
        "token was created by a different context variable",
        "context_vars_are_copied_per_task",
        "import contextvars\na = contextvars.ContextVar('a')\nb = contextvars.ContextVar('b')\nb.reset(a.set(1))",
        Some(raise::context_var_other_token),
    ),
    // aio-sleep
    case(
        "aio-sleep",
        "the function given to to_thread panicked",
        "the function's exception, re-raised",
        "in a thread",
        "aio_rt::JoinError::Panicked",
        "task panicked: in a thread",
        "to_thread_panics_are_errors",
        "def f():\n    raise Exception('in a thread')\nawait asyncio.to_thread(f)",
        Some(raise::to_thread_panicked),
    ),
    // aio-gather
    case(
        "aio-gather",
        "a child failed (default mode; the siblings keep running)",
        "the child's exception, re-raised",
        "boom",
        "aio_tasks::TaskError::Failed",
        "boom",
        "first_failure_leaves_siblings_running",
        "async def f():\n    raise Exception('boom')\nawait asyncio.gather(f(), asyncio.sleep(1))",
        Some(raise::gather_child_failed),
    ),
    // aio-wait
    case(
        "aio-wait",
        "wait() on no task",
        "ValueError",
        "Set of Tasks/Futures is empty.",
        "aio_wait::EmptyError",
        "set of tasks/futures is empty",
        "wait_on_nothing_is_an_error",
        "await asyncio.wait([])",
        Some(raise::wait_on_nothing),
    ),
    case(
        "aio-wait",
        "wait_for(coroutine, t): the deadline passed",
        "TimeoutError",
        "",
        "aio_wait::TimeoutError",
        "deadline passed",
        "wait_for_plain_futures",
        "await asyncio.wait_for(asyncio.sleep(10), 1)",
        Some(raise::wait_for_deadline),
    ),
    case(
        "aio-wait",
        "the deadline of an asyncio.timeout scope passed",
        "TimeoutError",
        "",
        "aio_wait::ScopeError::Timeout",
        "deadline passed",
        "timeout_scope",
        "async with asyncio.timeout(1):\n    await asyncio.sleep(10)",
        Some(raise::timeout_deadline),
    ),
    case(
        "aio-wait",
        "reschedule on a timeout scope not entered yet",
        "RuntimeError",
        "Timeout has not been entered",
        "aio_wait::TimeoutStateError::NotEntered",
        "timeout has not been entered",
        "a_timeout_scope_refuses_misuse",
        "cm = asyncio.timeout(1)\ncm.reschedule(None)",
        Some(raise::timeout_not_entered),
    ),
    case(
        "aio-wait",
        "the same timeout scope entered twice",
        "RuntimeError",
        "Timeout has already been entered",
        "aio_wait::ScopeError::State",
        "timeout has already been entered",
        "a_timeout_scope_refuses_misuse",
        "cm = asyncio.timeout(1)\nasync with cm:\n    pass\nasync with cm:\n    pass",
        Some(raise::timeout_entered_twice),
    ),
    case(
        "aio-wait",
        "a timeout scope entered outside any task",
        "RuntimeError",
        "Timeout should be used inside a task",
        "aio_wait::ScopeError::State",
        "timeout should be used inside a task",
        "a_timeout_scope_refuses_misuse",
        "raised = []\nasync def scope():\n    async with asyncio.timeout(1):\n        pass\ndef step():\n    try:\n        scope().send(None)\n    except RuntimeError as e:\n        raised.append(e)\nasyncio.get_running_loop().call_soon(step)\nawait asyncio.sleep(0)\nraise raised[0]",
        Some(raise::timeout_outside_task),
    ),
    case(
        "aio-wait",
        "wait_for(task, t): the deadline passed (the task is cancelled)",
        "TimeoutError",
        "",
        "aio_wait::WaitForError::Timeout",
        "deadline passed",
        "wait_for_task_failure_and_timeout",
        "t = asyncio.create_task(asyncio.sleep(3600))\nawait asyncio.wait_for(t, 1)",
        Some(raise::wait_for_task_deadline),
    ),
    case(
        "aio-wait",
        "wait_for(task, t): the task failed",
        "the task's exception, re-raised",
        "boom",
        "aio_wait::WaitForError::Task",
        "boom",
        "wait_for_task_failure_and_timeout",
        "async def f():\n    raise Exception('boom')\nawait asyncio.wait_for(asyncio.create_task(f()), 1)",
        Some(raise::wait_for_task_failed),
    ),
    case(
        "aio-wait",
        "as_completed(timeout=t): the deadline passed",
        "TimeoutError",
        "",
        "aio_wait::WaitForError::Timeout",
        "deadline passed",
        "as_completed_order",
        "for next_done in asyncio.as_completed([asyncio.sleep(3600)], timeout=1):\n    await next_done",
        Some(raise::as_completed_deadline),
    ),
    // aio-shield
    case(
        "aio-shield",
        "the shielded task itself was cancelled",
        "asyncio.CancelledError",
        "",
        "aio_tasks::TaskError::Cancelled",
        "task was cancelled",
        "a_shield_of_a_cancelled_task_is_cancelled",
        "t = asyncio.create_task(asyncio.sleep(3600))\nawait asyncio.sleep(0)\nt.cancel()\nawait asyncio.shield(t)",
        Some(raise::shield_inner_cancelled),
    ),
    // aio-queues
    case(
        "aio-queues",
        "put_nowait on a full queue (the error carries the item back)",
        "asyncio.QueueFull",
        "",
        "aio_queues::PutNowaitError::Full",
        "queue is full",
        "errors_carry_the_item_and_say_what_was_wrong",
        "q = asyncio.Queue(1)\nq.put_nowait(1)\nq.put_nowait(2)",
        Some(raise::queue_full),
    ),
    case(
        "aio-queues",
        "get_nowait on an empty queue",
        "asyncio.QueueEmpty",
        "",
        "aio_queues::GetNowaitError::Empty",
        "queue is empty",
        "queue_nowait_errors",
        "asyncio.Queue().get_nowait()",
        Some(raise::queue_empty),
    ),
    case(
        "aio-queues",
        "task_done() called more often than items were put",
        "ValueError",
        "task_done() called too many times",
        "aio_queues::TaskDoneError",
        "task_done() called too many times",
        "queue_nowait_errors",
        "asyncio.Queue().task_done()",
        Some(raise::queue_task_done),
    ),
    case(
        "aio-queues",
        "put_nowait on a shut-down queue (3.13; the item comes back)",
        "asyncio.QueueShutDown",
        "",
        "aio_queues::PutNowaitError::ShutDown",
        "queue is shut down",
        "queue_shutdown",
        "# python: 3.13\nq = asyncio.Queue()\nq.shutdown()\nq.put_nowait(1)",
        Some(raise::queue_put_nowait_shut),
    ),
    case(
        "aio-queues",
        "put, or a put blocked on a full queue, when the queue shuts down (3.13)",
        "asyncio.QueueShutDown",
        "",
        "aio_queues::QueueShutDown",
        "queue is shut down",
        "shutdown_drains_then_fails",
        "# python: 3.13\nq = asyncio.Queue()\nq.shutdown()\nawait q.put(1)",
        Some(raise::queue_put_shut),
    ),
    case(
        "aio-queues",
        "get on a shut-down queue once it is drained (3.13)",
        "asyncio.QueueShutDown",
        "",
        "aio_queues::QueueShutDown",
        "queue is shut down",
        "queue_shutdown",
        "# python: 3.13\nq = asyncio.Queue()\nq.shutdown()\nawait q.get()",
        Some(raise::queue_get_shut),
    ),
    case(
        "aio-queues",
        "get_nowait on a shut-down queue once it is drained (3.13)",
        "asyncio.QueueShutDown",
        "",
        "aio_queues::GetNowaitError::ShutDown",
        "queue is shut down",
        "errors_carry_the_item_and_say_what_was_wrong",
        "# python: 3.13\nq = asyncio.Queue()\nq.shutdown()\nq.get_nowait()",
        Some(raise::queue_get_nowait_shut),
    ),
    // aio-sync
    case(
        "aio-sync",
        "release() of a Lock that is not held",
        "RuntimeError",
        "Lock is not acquired.",
        "aio_sync::LockNotAcquired",
        "lock is not acquired",
        "lock_release_errors",
        "asyncio.Lock().release()",
        Some(raise::lock_not_acquired),
    ),
    case(
        "aio-sync",
        "release() of a BoundedSemaphore at its initial value",
        "ValueError",
        "BoundedSemaphore released too many times",
        "aio_sync::TooManyReleases",
        "bounded semaphore released too many times",
        "semaphore_release_errors",
        "asyncio.BoundedSemaphore(1).release()",
        Some(raise::bounded_too_many),
    ),
    case(
        "aio-sync",
        "Condition wait() / wait_for() without holding the lock",
        "RuntimeError",
        "cannot wait on un-acquired lock",
        "aio_sync::ConditionError::WaitUnacquired",
        "cannot wait on un-acquired lock",
        "condition_errors",
        "await asyncio.Condition().wait()",
        Some(raise::condition_wait_unacquired),
    ),
    case(
        "aio-sync",
        "Condition notify() / notify_all() without holding the lock",
        "RuntimeError",
        "cannot notify on un-acquired lock",
        "aio_sync::ConditionError::NotifyUnacquired",
        "cannot notify on un-acquired lock",
        "condition_errors",
        "asyncio.Condition().notify()",
        Some(raise::condition_notify_unacquired),
    ),
    case(
        "aio-sync",
        "waiting on a Barrier when abort() is called",
        "asyncio.BrokenBarrierError",
        "Abort or reset of barrier",
        "aio_sync::BrokenBarrierError::Interrupted",
        "barrier aborted or reset while waiting",
        "barrier_abort_reset",
        "b = asyncio.Barrier(2)\nt = asyncio.create_task(b.wait())\nawait asyncio.sleep(0)\nawait b.abort()\nawait t",
        Some(raise::barrier_aborted_while_waiting),
    ),
    case(
        "aio-sync",
        "waiting on a Barrier when reset() is called",
        "asyncio.BrokenBarrierError",
        "Abort or reset of barrier",
        "aio_sync::BrokenBarrierError::Interrupted",
        "barrier aborted or reset while waiting",
        "abort_and_reset_break_the_waiters",
        "b = asyncio.Barrier(2)\nt = asyncio.create_task(b.wait())\nawait asyncio.sleep(0)\nawait b.reset()\nawait t",
        Some(raise::barrier_reset_while_waiting),
    ),
    case(
        "aio-sync",
        "wait() on an aborted Barrier",
        "asyncio.BrokenBarrierError",
        "Barrier aborted",
        "aio_sync::BrokenBarrierError::Aborted",
        "barrier aborted",
        "abort_and_reset_break_the_waiters",
        "b = asyncio.Barrier(2)\nawait b.abort()\nawait b.wait()",
        Some(raise::barrier_aborted),
    ),
    // aio-generators
    case(
        "aio-generators",
        "the close of a generator dropped with close_on_drop failed",
        "the exception handler's context",
        "Task exception was never retrieved",
        "aio_rt::ExceptionContext",
        "Task exception was never retrieved",
        "close_on_drop_failure_reported",
        "",
        None,
    ),
    case(
        "aio-generators",
        "anext() after the generator finished",
        "StopAsyncIteration",
        "",
        "aio_generators::GeneratorError::StopAsyncIteration",
        "async generator is exhausted",
        "aclose_runs_the_cleanup_exactly_once",
        "async def g():\n    yield 1\ngen = g()\nawait anext(gen)\nawait anext(gen)",
        Some(raise::generator_exhausted),
    ),
    case(
        "aio-generators",
        "the body raised (or let a thrown error through)",
        "the generator's exception, propagated",
        "fatal",
        "aio_generators::GeneratorError::Raised",
        "fatal",
        "athrow_raises_at_the_yield_and_returns_the_next_value",
        "async def g():\n    raise Exception('fatal')\n    yield\nawait anext(g())",
        Some(raise::generator_raised),
    ),
    case(
        "aio-generators",
        "a second request while a step is running",
        "RuntimeError",
        "anext(): asynchronous generator is already running",
        "aio_generators::GeneratorError::AlreadyRunning",
        "asynchronous generator is already running",
        "a_second_request_during_a_step_is_already_running",
        "async def g():\n    await asyncio.sleep(1)\n    yield 1\ngen = g()\nasync def step():\n    return await anext(gen)\nfirst = asyncio.create_task(step())\nawait asyncio.sleep(0)\ntry:\n    await anext(gen)\nfinally:\n    first.cancel()",
        Some(raise::generator_already_running),
    ),
    case(
        "aio-generators",
        "awaiting an anext() / asend() request again after it gave its outcome",
        "RuntimeError",
        "cannot reuse already awaited __anext__()/asend()",
        "aio_generators::GeneratorError::AlreadyAwaited",
        "cannot reuse an already awaited request",
        "request_reused",
        "async def g():\n    yield 1\n    yield 2\nrequest = anext(g())\nawait request\nawait request",
        Some(raise::generator_request_reused),
    ),
    case(
        "aio-generators",
        "the body yielded while being closed",
        "RuntimeError",
        "async generator ignored GeneratorExit",
        "aio_generators::GeneratorError::IgnoredGeneratorExit",
        "async generator ignored GeneratorExit",
        "yielding_during_close_is_ignored_generator_exit",
        "async def g():\n    try:\n        yield 1\n    except GeneratorExit:\n        yield 2\ngen = g()\nawait anext(gen)\nawait gen.aclose()",
        Some(raise::generator_ignored_exit),
    ),
    case(
        "aio-generators",
        "asend(value) before the first step",
        "TypeError",
        "can't send non-None value to a just-started async generator",
        "aio_generators::GeneratorError::JustStarted",
        "can't send non-None value to a just-started async generator",
        "asend_is_what_the_paused_yield_evaluates_to",
        "async def g():\n    yield 1\nawait g().asend(1)",
        Some(raise::generator_just_started),
    ),
];

/// Bad input asyncio rejects at run time that the Rust signature cannot express, so there
/// is no error to return: the type checker is the test.
///
/// Python: none (Rust only: the cases the catalogue has no row for)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TypedAway {
    /// The crate whose signature rules the input out.
    pub krate: &'static str,
    /// What the user would do in Python.
    pub when: &'static str,
    /// The Python exception type.
    pub python: &'static str,
    /// `str()` of the Python exception, as CPython 3.11 words it.
    pub python_message: &'static str,
    /// The Rust type that makes the input unwritable.
    pub rust: &'static str,
    /// Python code that raises it, checked on CPython against `python` and
    /// `python_message` like a [`CATALOGUE`] row's.
    pub snippet: &'static str,
}

/// The bad input the types rule out, grouped by crate like [`CATALOGUE`].
pub const TYPED_AWAY: &[TypedAway] = &[
    TypedAway {
        krate: "aio-wait",
        when: "wait() with a return_when that is not one of the three constants",
        python: "ValueError",
        python_message: "Invalid return_when value: X",
        rust: "aio_wait::ReturnWhen (an enum of the three)",
        snippet: "await asyncio.wait([asyncio.create_task(asyncio.sleep(0))], return_when='X')",
    },
    TypedAway {
        krate: "aio-wait",
        when: "wait() given coroutines instead of tasks",
        python: "TypeError",
        python_message: "Passing coroutines is forbidden, use tasks explicitly.",
        rust: "aio_tasks::Task (wait takes tasks: a coroutine is spawned first)",
        snippet: "coro = asyncio.sleep(0)\ntry:\n    await asyncio.wait([coro])\nfinally:\n    coro.close()",
    },
    TypedAway {
        krate: "aio-tasks",
        when: "ContextVar.reset() with a token already used",
        python: "RuntimeError",
        python_message: "<Token used var=<ContextVar name='user' at 0x...> at 0x...> has already been used once",
        rust: "ContextVar::reset(token: Token<T>) takes the token (a failed reset gives it back)",
        snippet: "import contextvars\nvar = contextvars.ContextVar('user')\ntoken = var.set('ada')\nvar.reset(token)\nvar.reset(token)",
    },
    TypedAway {
        krate: "aio-sleep",
        when: "a coroutine called and never awaited (`asyncio.sleep(1)` without `await`): a warning, not an exception",
        python: "RuntimeWarning",
        python_message: "coroutine 'sleep' was never awaited",
        rust: "#[must_use] (every future of the library, and create_task: the unused_must_use lint warns at compile time, in asyncio's words)",
        snippet: "import gc, warnings\nwith warnings.catch_warnings(record=True) as caught:\n    warnings.simplefilter('always')\n    asyncio.sleep(1)\n    gc.collect()\nraise caught[0].category(str(caught[0].message))",
    },
    TypedAway {
        krate: "aio-sync",
        when: "Barrier(0)",
        python: "ValueError",
        python_message: "parties must be > 0",
        rust: "parties: NonZeroUsize",
        snippet: "asyncio.Barrier(0)",
    },
    TypedAway {
        krate: "aio-sync",
        when: "Semaphore(-1) / BoundedSemaphore(-1)",
        python: "ValueError",
        python_message: "Semaphore initial value must be >= 0",
        rust: "value: usize",
        snippet: "asyncio.Semaphore(-1)",
    },
];

fn cell(text: &str) -> String {
    if text.is_empty() {
        "(none)".to_owned()
    } else {
        format!("`{}`", text.replace('|', "\\|"))
    }
}

/// The first line of `docs/errors.md`: where the page comes from.
const GENERATED: &str = "<!-- Generated by `aio docs` from the catalogue in `harness/src/errors/mod.rs`. \
     Do not edit: edit the catalogue and run `just docs`. -->";

/// `docs/errors.md`: the catalogue as one table per crate, then the bad input the types
/// rule out.
///
/// `aio docs` passes the note of its scenario pages ("generated from the scenarios, their
/// snapshots and the CPython oracle"); this page comes from the catalogue alone, so it
/// writes its own.
pub fn render(_scenario_pages_note: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{GENERATED}\n");
    let checked = CATALOGUE.iter().filter(|c| c.raise.is_some()).count();
    let _ = writeln!(
        out,
        "# Errors: asyncio's exceptions and their Rust translations\n\n\
         Every asyncio exception case the project maps ({} cases): what the user did, what \
         CPython raises, the Rust error with its `Display` (Rust's style: lowercase, no full \
         stop), and the test that asserts it. Written in `harness/src/errors/mod.rs`.\n\n\
         **{checked} of the {} rows are verified by CPython**, and the {} cases the types rule \
         out below as well: each carries the Python snippet that raises it, and `aio oracle \
         --check` (also `cargo test`, in `harness/tests/suite/errors.rs`) runs it on the real \
         interpreter (3.11, or 3.13 where the row needs it) and checks that the exception \
         equals the Rust error's, printed on both sides by the shared formatter: `Type: str(e)`, \
         or `Type` alone when `str(e)` is empty, with object reprs collapsed to `<...>`, and \
         the same `__cause__`. The Python column shows that form. The other rows are reports \
         to the exception handler, not exceptions, and the virtual clock's stall, which \
         asyncio has no exception for.\n\n\
         Every error implements `aio_rt::PyException` (class name, `str()`, cause, \
         `BaseException` or not), which is how a trace prints it. A task's panic is Rust's \
         unexpected exception, whose class Rust does not keep: it stands for a bare \
         `Exception(message)`. A task body that must raise a particular class returns it as \
         its error (`aio_rt::PyError::new(\"ZeroDivisionError\", ...)`, or any \
         `PyException`), and keeps it. Python's traceback has no Rust counterpart here.\n",
        CATALOGUE.len(),
        CATALOGUE.len(),
        TYPED_AWAY.len()
    );
    let _ = writeln!(
        out,
        "## Reports to the exception handler\n\n\
         What asyncio cannot raise to anyone goes to the loop's exception handler; here, to \
         the runtime's one handler (`Runtime::set_exception_handler`, settable at any time, \
         `Config::exception_handler` from the start), on all five runtimes. It receives an \
         `aio_rt::ExceptionContext` with asyncio's keys: `message`, `exception`, `future` \
         (the task or future, with its repr and a task's name), `handle` (a callback), \
         `asyncgen`. The rows below whose Rust type is `aio_rt::ExceptionContext` give its \
         `message` in the Display column. The reports: an exception in a callback (a loop \
         callback or a future's done callback that panicked: `Exception in callback ...`), a \
         task exception never retrieved (an `aio_tasks` task, or a runtime task whose \
         `JoinHandle` was dropped unread), a future exception never retrieved (an \
         `aio_futures::Future`), an async generator whose close on drop failed (reported \
         as asyncio reports its failed `aclose()` task), and a task that failed while \
         `aio_tasks::run` cancelled it at shutdown (`unhandled exception during \
         asyncio.run() shutdown`, the task under `task`).\n\n\
         The default handler (`aio_rt::default_exception_handler`) prints the report on stderr \
         in CPython's shape, the message then one `key: repr` line per other key:\n\n\
         ```text\n\
         Task exception was never retrieved\n\
         future: <Task finished name='Task-2' coro=<my_crate::main::{{{{closure}}}}> exception=Exception('not consumed')>\n\
         Exception: not consumed\n\
         ```\n\n\
         `coro` is the body's Rust type name where CPython prints the coroutine's name and \
         source line. CPython follows these lines with the Python traceback; a traceback is \
         out of reach here (a Rust error carries no frames, and a panic's backtrace is the \
         panic hook's business), so only its last line is printed: the exception as the \
         traces print it.\n"
    );
    let mut crates: Vec<&str> = Vec::new();
    for case in CATALOGUE {
        if !crates.contains(&case.krate) {
            crates.push(case.krate);
        }
    }
    for krate in crates {
        let _ = writeln!(out, "## {krate}\n");
        let _ = writeln!(out, "| When | Python | Rust | Display | Test |");
        let _ = writeln!(out, "|---|---|---|---|---|");
        for case in CATALOGUE.iter().filter(|c| c.krate == krate) {
            // An exception type is code; a description ("the body's exception") is prose.
            let python = if case.python.contains(' ') {
                case.python.to_owned()
            } else {
                format!("`{}`", case.python)
            };
            let python = match case.raise {
                Some(raise) => {
                    let error = raise();
                    match error.py_cause() {
                        Some(cause) => format!(
                            "{} (from {})",
                            cell(&aio_rt::format_exception(&*error)),
                            cell(&aio_rt::format_exception(cause))
                        ),
                        None => cell(&aio_rt::format_exception(&*error)),
                    }
                }
                None if case.python_message.is_empty() => python,
                None => format!("{python}: {}", cell(case.python_message)),
            };
            let _ = writeln!(
                out,
                "| {} | {} | `{}` | {} | `{}` |",
                case.when.replace('|', "\\|"),
                python,
                case.rust,
                cell(case.message),
                case.test
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "## Ruled out by the types\n\n\
         Bad input asyncio rejects at run time that the Rust signatures cannot express, so \
         no error exists to return ({} cases):\n",
        TYPED_AWAY.len()
    );
    let _ = writeln!(out, "| Crate | When | Python | Rust |");
    let _ = writeln!(out, "|---|---|---|---|");
    for case in TYPED_AWAY {
        let _ = writeln!(
            out,
            "| {} | {} | `{}`: {} | {} |",
            case.krate,
            case.when.replace('|', "\\|"),
            case.python,
            cell(case.python_message),
            code_then_prose(case.rust)
        );
    }
    out
}

/// `NonZeroUsize (why)` as `` `NonZeroUsize` (why) ``: the type as code, the rest as prose.
fn code_then_prose(text: &str) -> String {
    match text.split_once(" (") {
        Some((code, rest)) => format!("`{code}` ({rest}"),
        None => format!("`{text}`"),
    }
}
