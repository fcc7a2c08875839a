//! The `loop` scenarios on every runtime.

use crate::common;

use aio_harness::RuntimeKind;
use common::{check_parity, runtimes};
use rstest::rstest;
use rstest_reuse::apply;

#[apply(runtimes)]
fn ready_queue_order(kind: RuntimeKind) {
    check_parity("ready_queue_order", kind);
}

#[apply(runtimes)]
fn call_later_by_deadline(kind: RuntimeKind) {
    check_parity("call_later_by_deadline", kind);
}

#[apply(runtimes)]
fn cancelled_handle_never_runs(kind: RuntimeKind) {
    check_parity("cancelled_handle_never_runs", kind);
}

#[apply(runtimes)]
fn panicking_callback(kind: RuntimeKind) {
    check_parity("panicking_callback", kind);
}

#[apply(runtimes)]
fn stop_finishes_the_iteration(kind: RuntimeKind) {
    check_parity("stop_finishes_the_iteration", kind);
}

#[apply(runtimes)]
fn get_running_loop_outside(kind: RuntimeKind) {
    check_parity("get_running_loop_outside", kind);
}

#[apply(runtimes)]
fn get_event_loop_pitfall(kind: RuntimeKind) {
    check_parity("get_event_loop_pitfall", kind);
}

#[apply(runtimes)]
fn one_loop_per_thread(kind: RuntimeKind) {
    check_parity("one_loop_per_thread", kind);
}

#[apply(runtimes)]
fn run_in_executor(kind: RuntimeKind) {
    check_parity("run_in_executor", kind);
}
