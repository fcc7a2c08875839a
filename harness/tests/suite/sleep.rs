//! The `sleep` scenarios on every runtime.

use crate::common;

use aio_harness::RuntimeKind;
use common::{check_parity, runtimes};
use rstest::rstest;
use rstest_reuse::apply;

#[apply(runtimes)]
fn sleep_order(kind: RuntimeKind) {
    check_parity("sleep_order", kind);
}

#[apply(runtimes)]
fn sleep_zero_alternates(kind: RuntimeKind) {
    check_parity("sleep_zero_alternates", kind);
}

#[apply(runtimes)]
fn sleep_with_result(kind: RuntimeKind) {
    check_parity("sleep_with_result", kind);
}

#[apply(runtimes)]
fn blocking_sleep_stalls_others(kind: RuntimeKind) {
    check_parity("blocking_sleep_stalls_others", kind);
}

#[apply(runtimes)]
fn to_thread_off_the_loop(kind: RuntimeKind) {
    check_parity("to_thread_off_the_loop", kind);
}

#[apply(runtimes)]
fn thread_waits_for_a_sleeping_task(kind: RuntimeKind) {
    check_parity("thread_waits_for_a_sleeping_task", kind);
}

#[apply(runtimes)]
fn loop_fed_by_another_thread(kind: RuntimeKind) {
    check_parity("loop_fed_by_another_thread", kind);
}
