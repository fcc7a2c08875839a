//! The bad-input catalogue: every asyncio exception case the project maps, with the Rust
//! error and its message, and the test that asserts it. `aio docs` renders it into
//! `docs/errors.md`; `harness/tests/errors.rs` checks that every named test exists and
//! that the messages are the real ones.
//!
//! A crate joins the catalogue by adding its rows to [`CATALOGUE`] (grouped by crate, in
//! the order of the pages), each naming a test function of the workspace that asserts the
//! case, and, when the error can be built from the harness, a line in the message check
//! of `harness/tests/errors.rs`. Bad input its Rust signature cannot express (a
//! `NonZeroUsize` where asyncio raises on zero) goes to [`TYPED_AWAY`] instead.

use std::fmt::Write as _;

/// One asyncio exception case and its Rust translation.
///
/// Python: none (Rust only: the project's catalogue of error translations)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
}

const fn case(
    krate: &'static str,
    when: &'static str,
    python: &'static str,
    python_message: &'static str,
    rust: &'static str,
    message: &'static str,
    test: &'static str,
) -> ErrorCase {
    ErrorCase {
        krate,
        when,
        python,
        python_message,
        rust,
        message,
        test,
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
    ),
    case(
        "aio-rt",
        "awaiting a task that panicked",
        "the task's exception, re-raised",
        "boom 3",
        "aio_rt::JoinError::Panicked",
        "task panicked: boom 3",
        "join_handle_meaning",
    ),
    case(
        "aio-rt",
        "a task panicked and its JoinHandle was dropped unread",
        "the exception handler's context",
        "Task exception was never retrieved",
        "aio_rt::TaskPanic",
        "task 1 panicked and its JoinHandle was dropped without retrieving it: nobody listens",
        "unretrieved_panic_is_reported",
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
    ),
    case(
        "aio-loop",
        "running a loop that is already running",
        "RuntimeError",
        "This event loop is already running",
        "aio_loop::RunError::AlreadyRunning",
        "this event loop is already running",
        "running_a_loop_that_is_running_is_an_error",
    ),
    case(
        "aio-loop",
        "running a second loop on a thread that runs one",
        "RuntimeError",
        "Cannot run the event loop while another loop is running",
        "aio_loop::RunError::AnotherLoopRunning",
        "cannot run the event loop while another loop is running",
        "a_second_loop_on_a_thread_that_runs_one_is_an_error",
    ),
    case(
        "aio-loop",
        "stop() before run_until_complete's future completed",
        "RuntimeError",
        "Event loop stopped before Future completed.",
        "aio_loop::RunError::Stopped",
        "event loop stopped before future completed",
        "stop_before_the_future_completes_is_an_error",
    ),
    case(
        "aio-loop",
        "virtual clock: a run that can never finish",
        "none (asyncio waits forever)",
        "",
        "aio_loop::RunError::Stalled",
        "virtual clock: nothing is ready, no timer is pending and no executor job runs, so the run can never finish",
        "a_run_that_can_never_finish_fails_on_the_virtual_clock",
    ),
    case(
        "aio-loop",
        "a callback panicked",
        "the exception handler's context",
        "Exception in callback ...",
        "aio_loop::ExceptionContext",
        "exception in callback: boom",
        "a_panicking_callback_goes_to_the_exception_handler_and_the_loop_carries_on",
    ),
    // aio-futures
    case(
        "aio-futures",
        "set_result / set_exception on a done future",
        "asyncio.InvalidStateError",
        "invalid state",
        "aio_futures::InvalidStateError",
        "invalid state",
        "setting_a_done_future_is_an_invalid_state_error",
    ),
    case(
        "aio-futures",
        "result() of a pending future",
        "asyncio.InvalidStateError",
        "Result is not set.",
        "aio_futures::FutureError::InvalidState",
        "result is not set",
        "reading_a_pending_future_is_an_invalid_state_error",
    ),
    case(
        "aio-futures",
        "exception() of a pending future",
        "asyncio.InvalidStateError",
        "Exception is not set.",
        "aio_futures::FutureError::InvalidState",
        "exception is not set",
        "reading_a_pending_future_is_an_invalid_state_error",
    ),
    case(
        "aio-futures",
        "reading a future cancelled with a message",
        "asyncio.CancelledError",
        "shutting down",
        "aio_futures::FutureError::Cancelled",
        "cancelled: shutting down",
        "a_cancelled_future_raises_cancelled_error_with_the_message",
    ),
    case(
        "aio-futures",
        "reading a future cancelled without a message",
        "asyncio.CancelledError",
        "",
        "aio_futures::FutureError::Cancelled",
        "cancelled",
        "a_cancelled_future_raises_cancelled_error_with_the_message",
    ),
    case(
        "aio-futures",
        "reading a future completed with set_exception",
        "the exception set, re-raised",
        "disk full",
        "aio_futures::FutureError::Exception",
        "disk full",
        "an_exception_reaches_result_exception_and_awaiters",
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
    ),
    case(
        "aio-tasks",
        "exception() of an unfinished task",
        "asyncio.InvalidStateError",
        "Exception is not set.",
        "aio_tasks::TaskError::InvalidState",
        "exception is not set",
        "result_and_exception_before_done_are_invalid_state",
    ),
    case(
        "aio-tasks",
        "awaiting a task cancelled with a message",
        "asyncio.CancelledError",
        "stop now",
        "aio_tasks::TaskError::Cancelled",
        "task was cancelled: stop now",
        "a_task_cancelled_with_a_message_raises_it",
    ),
    case(
        "aio-tasks",
        "awaiting a task cancelled without a message",
        "asyncio.CancelledError",
        "",
        "aio_tasks::TaskError::Cancelled",
        "task was cancelled",
        "dropping_an_unfinished_await_cancels_the_task",
    ),
    case(
        "aio-tasks",
        "awaiting a task whose body returned Err",
        "the coroutine's exception, re-raised",
        "no zero",
        "aio_tasks::TaskError::Failed",
        "no zero",
        "a_task_failure_is_its_error",
    ),
    case(
        "aio-tasks",
        "awaiting a task whose body panicked",
        "the coroutine's exception, re-raised",
        "lost panic",
        "aio_tasks::TaskError::Panicked",
        "task panicked: lost panic",
        "a_panic_is_a_failure_every_awaiter_sees",
    ),
    case(
        "aio-tasks",
        "a TaskGroup child failed",
        "ExceptionGroup",
        "unhandled errors in a TaskGroup (1 sub-exception)",
        "aio_tasks::ExceptionGroup",
        "unhandled errors in a TaskGroup (1 sub-exception)",
        "spawning_into_a_failing_group_is_shutting_down",
    ),
    case(
        "aio-tasks",
        "create_task on a TaskGroup that is cancelling after a failure",
        "RuntimeError",
        "TaskGroup <TaskGroup ...> is shutting down",
        "aio_tasks::SpawnError::ShuttingDown",
        "taskgroup is shutting down",
        "spawning_into_a_failing_group_is_shutting_down",
    ),
    case(
        "aio-tasks",
        "create_task on a TaskGroup that has ended",
        "RuntimeError",
        "TaskGroup <TaskGroup ...> is finished",
        "aio_tasks::SpawnError::Finished",
        "taskgroup is finished",
        "a_group_that_succeeds_gives_the_body_value_and_then_refuses_tasks",
    ),
    case(
        "aio-tasks",
        "a task failed and nobody retrieved the failure",
        "the exception handler's context",
        "Task exception was never retrieved",
        "aio_tasks::UnretrievedFailure",
        "task exception was never retrieved: Task-2: lost",
        "unretrieved_failures_are_reported_once_retrieved_ones_never",
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
    ),
    case(
        "aio-wait",
        "wait_for(coroutine, t): the deadline passed",
        "TimeoutError",
        "",
        "aio_wait::TimeoutError",
        "timed out",
        "wait_for_plain_futures",
    ),
    case(
        "aio-wait",
        "the deadline of an asyncio.timeout scope passed",
        "TimeoutError",
        "",
        "aio_wait::TimeoutError",
        "timed out",
        "timeout_scope",
    ),
    case(
        "aio-wait",
        "wait_for(task, t): the deadline passed (the task is cancelled)",
        "TimeoutError",
        "",
        "aio_wait::WaitForError::Timeout",
        "timed out",
        "wait_for_task_failure_and_timeout",
    ),
    case(
        "aio-wait",
        "wait_for(task, t): the task failed",
        "the task's exception, re-raised",
        "boom",
        "aio_wait::WaitForError::Task",
        "boom",
        "wait_for_task_failure_and_timeout",
    ),
    case(
        "aio-wait",
        "as_completed(timeout=t): the deadline passed",
        "TimeoutError",
        "",
        "aio_wait::WaitForError::Timeout",
        "timed out",
        "as_completed_order",
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
    ),
    case(
        "aio-queues",
        "get_nowait on an empty queue",
        "asyncio.QueueEmpty",
        "",
        "aio_queues::GetNowaitError::Empty",
        "queue is empty",
        "queue_nowait_errors",
    ),
    case(
        "aio-queues",
        "task_done() called more often than items were put",
        "ValueError",
        "task_done() called too many times",
        "aio_queues::TaskDoneError",
        "task_done() called too many times",
        "queue_nowait_errors",
    ),
    case(
        "aio-queues",
        "put_nowait on a shut-down queue (3.13; the item comes back)",
        "asyncio.QueueShutDown",
        "",
        "aio_queues::PutNowaitError::ShutDown",
        "queue is shut down",
        "queue_shutdown",
    ),
    case(
        "aio-queues",
        "put, or a put blocked on a full queue, when the queue shuts down (3.13)",
        "asyncio.QueueShutDown",
        "",
        "aio_queues::QueueShutDown",
        "queue is shut down",
        "shutdown_drains_then_fails",
    ),
    case(
        "aio-queues",
        "get on a shut-down queue once it is drained (3.13)",
        "asyncio.QueueShutDown",
        "",
        "aio_queues::QueueShutDown",
        "queue is shut down",
        "queue_shutdown",
    ),
    case(
        "aio-queues",
        "get_nowait on a shut-down queue once it is drained (3.13)",
        "asyncio.QueueShutDown",
        "",
        "aio_queues::GetNowaitError::ShutDown",
        "queue is shut down",
        "errors_carry_the_item_and_say_what_was_wrong",
    ),
    // aio-sync
    case(
        "aio-sync",
        "release() of a Lock that is not held",
        "RuntimeError",
        "Lock is not acquired.",
        "aio_sync::LockNotAcquired",
        "Lock is not acquired",
        "lock_release_errors",
    ),
    case(
        "aio-sync",
        "release() of a BoundedSemaphore at its initial value",
        "ValueError",
        "BoundedSemaphore released too many times",
        "aio_sync::TooManyReleases",
        "BoundedSemaphore released too many times",
        "semaphore_release_errors",
    ),
    case(
        "aio-sync",
        "Condition wait() / wait_for() without holding the lock",
        "RuntimeError",
        "cannot wait on un-acquired lock",
        "aio_sync::ConditionError::WaitUnacquired",
        "cannot wait on un-acquired lock",
        "condition_errors",
    ),
    case(
        "aio-sync",
        "Condition notify() / notify_all() without holding the lock",
        "RuntimeError",
        "cannot notify on un-acquired lock",
        "aio_sync::ConditionError::NotifyUnacquired",
        "cannot notify on un-acquired lock",
        "condition_errors",
    ),
    case(
        "aio-sync",
        "waiting on a Barrier when abort() is called",
        "asyncio.BrokenBarrierError",
        "Abort or reset of barrier",
        "aio_sync::BrokenBarrierError",
        "barrier is broken",
        "barrier_abort_reset",
    ),
    case(
        "aio-sync",
        "waiting on a Barrier when reset() is called",
        "asyncio.BrokenBarrierError",
        "Abort or reset of barrier",
        "aio_sync::BrokenBarrierError",
        "barrier is broken",
        "abort_and_reset_break_the_waiters",
    ),
    case(
        "aio-sync",
        "wait() on an aborted Barrier",
        "asyncio.BrokenBarrierError",
        "Barrier aborted",
        "aio_sync::BrokenBarrierError",
        "barrier is broken",
        "abort_and_reset_break_the_waiters",
    ),
    // aio-generators
    case(
        "aio-generators",
        "anext() after the generator finished",
        "StopAsyncIteration",
        "",
        "aio_generators::GeneratorError::StopAsyncIteration",
        "async generator is exhausted (StopAsyncIteration)",
        "aclose_runs_the_cleanup_exactly_once",
    ),
    case(
        "aio-generators",
        "the body raised (or let a thrown error through)",
        "the generator's exception, propagated",
        "fatal",
        "aio_generators::GeneratorError::Raised",
        "async generator raised: fatal",
        "athrow_raises_at_the_yield_and_returns_the_next_value",
    ),
    case(
        "aio-generators",
        "a second request while a step is running",
        "RuntimeError",
        "anext(): asynchronous generator is already running",
        "aio_generators::GeneratorError::AlreadyRunning",
        "asynchronous generator is already running",
        "a_second_request_during_a_step_is_already_running",
    ),
    case(
        "aio-generators",
        "the body yielded while being closed",
        "RuntimeError",
        "async generator ignored GeneratorExit",
        "aio_generators::GeneratorError::IgnoredGeneratorExit",
        "async generator ignored GeneratorExit",
        "yielding_during_close_is_ignored_generator_exit",
    ),
    case(
        "aio-generators",
        "asend(value) before the first step",
        "TypeError",
        "can't send non-None value to a just-started async generator",
        "aio_generators::GeneratorError::JustStarted",
        "can't send non-None value to a just-started async generator",
        "asend_is_what_the_paused_yield_evaluates_to",
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
}

/// The bad input the types rule out, grouped by crate like [`CATALOGUE`].
pub const TYPED_AWAY: &[TypedAway] = &[
    TypedAway {
        krate: "aio-wait",
        when: "wait() with a return_when that is not one of the three constants",
        python: "ValueError",
        python_message: "Invalid return_when value: X",
        rust: "aio_wait::ReturnWhen (an enum of the three)",
    },
    TypedAway {
        krate: "aio-wait",
        when: "wait() given coroutines instead of tasks",
        python: "TypeError",
        python_message: "Passing coroutines is forbidden, use tasks explicitly.",
        rust: "aio_tasks::Task (wait takes tasks: a coroutine is spawned first)",
    },
    TypedAway {
        krate: "aio-sync",
        when: "Barrier(0)",
        python: "ValueError",
        python_message: "parties must be > 0",
        rust: "parties: NonZeroUsize",
    },
    TypedAway {
        krate: "aio-sync",
        when: "Semaphore(-1) / BoundedSemaphore(-1)",
        python: "ValueError",
        python_message: "Semaphore initial value must be >= 0",
        rust: "value: usize",
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
const GENERATED: &str = "<!-- Generated by `aio docs` from the catalogue in `harness/src/errors.rs`. \
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
    let _ = writeln!(
        out,
        "# Errors: asyncio's exceptions and their Rust translations\n\n\
         Every asyncio exception case the project maps ({} cases): what the user did, what \
         CPython 3.11 raises (`str()` of the exception), the Rust error and its `Display` \
         (lowercase unless asyncio's wording opens with a class name, no full stop; example \
         values where the message has a part), and the \
         test that asserts it. Written in `harness/src/errors.rs`; \
         `harness/tests/errors.rs` checks that every test named here exists and that the \
         messages are the ones the errors print.\n",
        CATALOGUE.len()
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
            let python = if case.python_message.is_empty() {
                python
            } else {
                format!("{python}: {}", cell(case.python_message))
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
