//! The `tasks` scenarios on every runtime.

use crate::common;

use aio_harness::RuntimeKind;
use common::{check_differences, check_parity, runtimes, third_party_runtimes};
use rstest::rstest;
use rstest_reuse::apply;

#[apply(runtimes)]
fn create_task_lazy_start(kind: RuntimeKind) {
    check_parity("create_task_lazy_start", kind);
}

#[apply(runtimes)]
fn cancel_before_start(kind: RuntimeKind) {
    check_parity("cancel_before_start", kind);
}

#[apply(runtimes)]
fn cancel_running_task(kind: RuntimeKind) {
    check_parity("cancel_running_task", kind);
}

#[apply(runtimes)]
fn cancel_cascades(kind: RuntimeKind) {
    check_parity("cancel_cascades", kind);
}

#[apply(runtimes)]
fn task_cancelling_counts(kind: RuntimeKind) {
    check_parity("task_cancelling_counts", kind);
}

#[apply(runtimes)]
fn task_uncancel_keeps_request(kind: RuntimeKind) {
    check_parity("task_uncancel_keeps_request", kind);
}

#[apply(runtimes)]
fn task_failure_shared(kind: RuntimeKind) {
    check_parity("task_failure_shared", kind);
}

#[apply(runtimes)]
fn unretrieved_failure_reported(kind: RuntimeKind) {
    check_parity("unretrieved_failure_reported", kind);
}

#[apply(runtimes)]
fn taskgroup_waits_for_all(kind: RuntimeKind) {
    check_parity("taskgroup_waits_for_all", kind);
}

#[apply(runtimes)]
fn taskgroup_failure_cancels(kind: RuntimeKind) {
    check_parity("taskgroup_failure_cancels", kind);
}

#[apply(runtimes)]
fn taskgroup_body_fails(kind: RuntimeKind) {
    check_parity("taskgroup_body_fails", kind);
}

#[apply(runtimes)]
fn taskgroup_owner_cancelled(kind: RuntimeKind) {
    check_parity("taskgroup_owner_cancelled", kind);
}

#[apply(third_party_runtimes)]
fn cancel_cannot_be_refused(kind: RuntimeKind) {
    check_differences("cancel_cannot_be_refused", kind);
}

#[apply(runtimes)]
fn run_shutdown(kind: RuntimeKind) {
    check_parity("run_shutdown", kind);
}

#[apply(runtimes)]
fn taskgroup_fails_as_owner_cancelled(kind: RuntimeKind) {
    check_parity("taskgroup_fails_as_owner_cancelled", kind);
}

#[apply(runtimes)]
fn taskgroup_not_entered(kind: RuntimeKind) {
    check_parity("taskgroup_not_entered", kind);
}

#[apply(runtimes)]
fn taskgroup_retrieves_failures(kind: RuntimeKind) {
    check_parity("taskgroup_retrieves_failures", kind);
}

#[apply(runtimes)]
fn exception_handler_replaced(kind: RuntimeKind) {
    check_parity("exception_handler_replaced", kind);
}

#[apply(runtimes)]
fn run_shutdown_failure_reported(kind: RuntimeKind) {
    check_parity("run_shutdown_failure_reported", kind);
}

#[apply(runtimes)]
fn taskgroup_outside_a_task(kind: RuntimeKind) {
    check_parity("taskgroup_outside_a_task", kind);
}

#[apply(runtimes)]
fn eager_task_runs_at_once(kind: RuntimeKind) {
    check_parity("eager_task_runs_at_once", kind);
}

#[apply(runtimes)]
fn context_var_per_task(kind: RuntimeKind) {
    check_parity("context_var_per_task", kind);
}

#[apply(runtimes)]
fn taskgroup_owner_cancelled_while_waiting(kind: RuntimeKind) {
    check_parity("taskgroup_owner_cancelled_while_waiting", kind);
}

#[apply(runtimes)]
fn taskgroup_cancel_same_step(kind: RuntimeKind) {
    check_parity("taskgroup_cancel_same_step", kind);
}

#[apply(runtimes)]
fn task_repr(kind: RuntimeKind) {
    check_parity("task_repr", kind);
}

#[apply(runtimes)]
fn taskgroup_repr(kind: RuntimeKind) {
    check_parity("taskgroup_repr", kind);
}

#[apply(runtimes)]
fn cancel_caught_cleanup_awaits(kind: RuntimeKind) {
    check_parity("cancel_caught_cleanup_awaits", kind);
}

#[apply(runtimes)]
fn cancel_swallowed(kind: RuntimeKind) {
    check_parity("cancel_swallowed", kind);
}

#[apply(runtimes)]
fn cancelling_uncancel_counts(kind: RuntimeKind) {
    check_parity("cancelling_uncancel_counts", kind);
}

#[apply(runtimes)]
fn taskgroup_body_catches_cancel(kind: RuntimeKind) {
    check_parity("taskgroup_body_catches_cancel", kind);
}

#[apply(runtimes)]
fn cancel_twice_message(kind: RuntimeKind) {
    check_parity("cancel_twice_message", kind);
}

#[apply(runtimes)]
fn cancel_cascade_message_read(kind: RuntimeKind) {
    check_parity("cancel_cascade_message_read", kind);
}
