//! The `gather` scenarios on every runtime.

use crate::common;

use aio_harness::RuntimeKind;
use common::{check_parity, runtimes};
use rstest::rstest;
use rstest_reuse::apply;

#[apply(runtimes)]
fn gather_results_in_order(kind: RuntimeKind) {
    check_parity("gather_results_in_order", kind);
}

#[apply(runtimes)]
fn gather_first_failure(kind: RuntimeKind) {
    check_parity("gather_first_failure", kind);
}

#[apply(runtimes)]
fn gather_return_exceptions(kind: RuntimeKind) {
    check_parity("gather_return_exceptions", kind);
}

#[apply(runtimes)]
fn gather_cancelled(kind: RuntimeKind) {
    check_parity("gather_cancelled", kind);
}

#[apply(runtimes)]
fn gather_cancelled_after_done(kind: RuntimeKind) {
    check_parity("gather_cancelled_after_done", kind);
}

#[apply(runtimes)]
fn gather_cancel_method(kind: RuntimeKind) {
    check_parity("gather_cancel_method", kind);
}

#[apply(runtimes)]
fn gather_retrieves_failures(kind: RuntimeKind) {
    check_parity("gather_retrieves_failures", kind);
}

#[apply(runtimes)]
fn gather_all_cancel_method(kind: RuntimeKind) {
    check_parity("gather_all_cancel_method", kind);
}

#[apply(runtimes)]
fn gather_cancel_last_message(kind: RuntimeKind) {
    check_parity("gather_cancel_last_message", kind);
}

#[apply(runtimes)]
fn gather_cancel_messages(kind: RuntimeKind) {
    check_parity("gather_cancel_messages", kind);
}

#[apply(runtimes)]
fn gather_resumes_after_callback(kind: RuntimeKind) {
    check_parity("gather_resumes_after_callback", kind);
}

#[apply(runtimes)]
fn gather_all_cancel_turns(kind: RuntimeKind) {
    check_parity("gather_all_cancel_turns", kind);
}

#[apply(runtimes)]
fn gather_awaiter_cancelled(kind: RuntimeKind) {
    check_parity("gather_awaiter_cancelled", kind);
}
