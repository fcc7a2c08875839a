//! The `differences` scenarios (concept `runtime`), each on every runtime, against that
//! runtime's own snapshot.

use crate::common;

use aio_harness::RuntimeKind;
use common::{check_differences, third_party_runtimes};
use rstest::rstest;
use rstest_reuse::apply;

#[apply(third_party_runtimes)]
fn drop_handle(kind: RuntimeKind) {
    check_differences("drop_handle", kind);
}

#[apply(third_party_runtimes)]
fn panic_in_task(kind: RuntimeKind) {
    check_differences("panic_in_task", kind);
}

#[apply(third_party_runtimes)]
fn cancel_finished(kind: RuntimeKind) {
    check_differences("cancel_finished", kind);
}

#[apply(third_party_runtimes)]
fn spawn_order(kind: RuntimeKind) {
    check_differences("spawn_order", kind);
}

#[apply(third_party_runtimes)]
fn yield_loop(kind: RuntimeKind) {
    check_differences("yield_loop", kind);
}

#[apply(third_party_runtimes)]
fn zero_sleep(kind: RuntimeKind) {
    check_differences("zero_sleep", kind);
}

#[apply(third_party_runtimes)]
fn coop_budget(kind: RuntimeKind) {
    check_differences("coop_budget", kind);
}

#[apply(third_party_runtimes)]
fn tasks_after_block_on(kind: RuntimeKind) {
    check_differences("tasks_after_block_on", kind);
}

#[apply(third_party_runtimes)]
fn nested_block_on(kind: RuntimeKind) {
    check_differences("nested_block_on", kind);
}

#[apply(third_party_runtimes)]
fn raw_timer_virtual(kind: RuntimeKind) {
    check_differences("raw_timer_virtual", kind);
}
