//! The `queues` scenarios on every runtime.

use crate::common;

use aio_harness::RuntimeKind;
use common::{check_parity, runtimes};
use rstest::rstest;
use rstest_reuse::apply;

#[apply(runtimes)]
fn queue_orders(kind: RuntimeKind) {
    check_parity("queue_orders", kind);
}

#[apply(runtimes)]
fn queue_put_blocks_when_full(kind: RuntimeKind) {
    check_parity("queue_put_blocks_when_full", kind);
}

#[apply(runtimes)]
fn queue_getters_in_arrival_order(kind: RuntimeKind) {
    check_parity("queue_getters_in_arrival_order", kind);
}

#[apply(runtimes)]
fn queue_nowait_errors(kind: RuntimeKind) {
    check_parity("queue_nowait_errors", kind);
}

#[apply(runtimes)]
fn queue_join(kind: RuntimeKind) {
    check_parity("queue_join", kind);
}

#[apply(runtimes)]
fn queue_robbed_getter(kind: RuntimeKind) {
    check_parity("queue_robbed_getter", kind);
}

#[apply(runtimes)]
fn queue_get_timeout(kind: RuntimeKind) {
    check_parity("queue_get_timeout", kind);
}

#[apply(runtimes)]
fn queue_get_woken_then_cancelled(kind: RuntimeKind) {
    check_parity("queue_get_woken_then_cancelled", kind);
}

#[apply(runtimes)]
fn queue_put_timeout(kind: RuntimeKind) {
    check_parity("queue_put_timeout", kind);
}

#[apply(runtimes)]
fn queue_shutdown(kind: RuntimeKind) {
    check_parity("queue_shutdown", kind);
}

#[apply(runtimes)]
fn queue_shutdown_immediate(kind: RuntimeKind) {
    check_parity("queue_shutdown_immediate", kind);
}

#[apply(runtimes)]
fn queue_repr(kind: RuntimeKind) {
    check_parity("queue_repr", kind);
}
