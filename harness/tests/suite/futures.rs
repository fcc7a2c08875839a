//! The `futures` scenarios on every runtime.

use crate::common;

use aio_harness::RuntimeKind;
use common::{check_parity, runtimes};
use rstest::rstest;
use rstest_reuse::apply;

#[apply(runtimes)]
fn set_result_wakes_awaiters(kind: RuntimeKind) {
    check_parity("set_result_wakes_awaiters", kind);
}

#[apply(runtimes)]
fn done_callbacks_order(kind: RuntimeKind) {
    check_parity("done_callbacks_order", kind);
}

#[apply(runtimes)]
fn set_exception_propagates(kind: RuntimeKind) {
    check_parity("set_exception_propagates", kind);
}

#[apply(runtimes)]
fn cancel_with_message(kind: RuntimeKind) {
    check_parity("cancel_with_message", kind);
}

#[apply(runtimes)]
fn invalid_state_errors(kind: RuntimeKind) {
    check_parity("invalid_state_errors", kind);
}

#[apply(runtimes)]
fn cancelling_the_task_cancels_the_future(kind: RuntimeKind) {
    check_parity("cancelling_the_task_cancels_the_future", kind);
}

#[apply(runtimes)]
fn future_exception_never_retrieved(kind: RuntimeKind) {
    check_parity("future_exception_never_retrieved", kind);
}

#[apply(runtimes)]
fn done_callback_raises(kind: RuntimeKind) {
    check_parity("done_callback_raises", kind);
}

#[apply(runtimes)]
fn future_repr(kind: RuntimeKind) {
    check_parity("future_repr", kind);
}
