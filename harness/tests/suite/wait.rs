//! The `wait` scenarios on every runtime.

use crate::common;

use aio_harness::RuntimeKind;
use common::{check_parity, runtimes};
use rstest::rstest;
use rstest_reuse::apply;

#[apply(runtimes)]
fn wait_return_when(kind: RuntimeKind) {
    check_parity("wait_return_when", kind);
}

#[apply(runtimes)]
fn wait_for_timeout(kind: RuntimeKind) {
    check_parity("wait_for_timeout", kind);
}

#[apply(runtimes)]
fn as_completed_order(kind: RuntimeKind) {
    check_parity("as_completed_order", kind);
}

#[apply(runtimes)]
fn timeout_scope(kind: RuntimeKind) {
    check_parity("timeout_scope", kind);
}

#[apply(runtimes)]
fn wait_duplicates(kind: RuntimeKind) {
    check_parity("wait_duplicates", kind);
}

#[apply(runtimes)]
fn wait_for_zero_on_a_future(kind: RuntimeKind) {
    check_parity("wait_for_zero_on_a_future", kind);
}

#[apply(runtimes)]
fn wait_unretrieved(kind: RuntimeKind) {
    check_parity("wait_unretrieved", kind);
}

#[apply(runtimes)]
fn as_completed_unretrieved(kind: RuntimeKind) {
    check_parity("as_completed_unretrieved", kind);
}

#[apply(runtimes)]
fn wait_for_unretrieved(kind: RuntimeKind) {
    check_parity("wait_for_unretrieved", kind);
}

#[apply(runtimes)]
fn timeout_misuse(kind: RuntimeKind) {
    check_parity("timeout_misuse", kind);
}

#[apply(runtimes)]
fn as_completed_yields_tasks(kind: RuntimeKind) {
    check_parity("as_completed_yields_tasks", kind);
}

#[apply(runtimes)]
fn timeout_repr(kind: RuntimeKind) {
    check_parity("timeout_repr", kind);
}

#[apply(runtimes)]
fn timeout_body_catches_cancel(kind: RuntimeKind) {
    check_parity("timeout_body_catches_cancel", kind);
}

#[apply(runtimes)]
fn wait_for_inner_swallows(kind: RuntimeKind) {
    check_parity("wait_for_inner_swallows", kind);
}

#[apply(runtimes)]
fn wait_for_coroutine_swallows(kind: RuntimeKind) {
    check_parity("wait_for_coroutine_swallows", kind);
}

#[apply(runtimes)]
fn timeout_nested_in_handler(kind: RuntimeKind) {
    check_parity("timeout_nested_in_handler", kind);
}

#[apply(runtimes)]
fn timeout_waits_for_awaited_task(kind: RuntimeKind) {
    check_parity("timeout_waits_for_awaited_task", kind);
}
