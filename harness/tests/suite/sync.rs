//! The `sync` scenarios on every runtime.

use crate::common;

use aio_harness::RuntimeKind;
use common::{check_parity, runtimes};
use rstest::rstest;
use rstest_reuse::apply;

#[apply(runtimes)]
fn lock_fifo(kind: RuntimeKind) {
    check_parity("lock_fifo", kind);
}

#[apply(runtimes)]
fn lock_no_barging(kind: RuntimeKind) {
    check_parity("lock_no_barging", kind);
}

#[apply(runtimes)]
fn lock_release_errors(kind: RuntimeKind) {
    check_parity("lock_release_errors", kind);
}

#[apply(runtimes)]
fn lock_acquire_timeout(kind: RuntimeKind) {
    check_parity("lock_acquire_timeout", kind);
}

#[apply(runtimes)]
fn lock_woken_then_cancelled(kind: RuntimeKind) {
    check_parity("lock_woken_then_cancelled", kind);
}

#[apply(runtimes)]
fn semaphore_limits_concurrency(kind: RuntimeKind) {
    check_parity("semaphore_limits_concurrency", kind);
}

#[apply(runtimes)]
fn semaphore_no_barging(kind: RuntimeKind) {
    check_parity("semaphore_no_barging", kind);
}

#[apply(runtimes)]
fn semaphore_release_errors(kind: RuntimeKind) {
    check_parity("semaphore_release_errors", kind);
}

#[apply(runtimes)]
fn semaphore_woken_then_cancelled(kind: RuntimeKind) {
    check_parity("semaphore_woken_then_cancelled", kind);
}

#[apply(runtimes)]
fn event_set_wakes_all(kind: RuntimeKind) {
    check_parity("event_set_wakes_all", kind);
}

#[apply(runtimes)]
fn condition_notify(kind: RuntimeKind) {
    check_parity("condition_notify", kind);
}

#[apply(runtimes)]
fn condition_wait_for(kind: RuntimeKind) {
    check_parity("condition_wait_for", kind);
}

#[apply(runtimes)]
fn condition_errors(kind: RuntimeKind) {
    check_parity("condition_errors", kind);
}

#[apply(runtimes)]
fn condition_wait_timeout(kind: RuntimeKind) {
    check_parity("condition_wait_timeout", kind);
}

#[apply(runtimes)]
fn condition_notified_then_cancelled(kind: RuntimeKind) {
    check_parity("condition_notified_then_cancelled", kind);
}

#[apply(runtimes)]
fn barrier_wait(kind: RuntimeKind) {
    check_parity("barrier_wait", kind);
}

#[apply(runtimes)]
fn barrier_abort_reset(kind: RuntimeKind) {
    check_parity("barrier_abort_reset", kind);
}

#[apply(runtimes)]
fn barrier_cancelled_waiter(kind: RuntimeKind) {
    check_parity("barrier_cancelled_waiter", kind);
}

#[apply(runtimes)]
fn bounded_semaphore_block_over_release(kind: RuntimeKind) {
    check_parity("bounded_semaphore_block_over_release", kind);
}

#[apply(runtimes)]
fn lock_repr(kind: RuntimeKind) {
    check_parity("lock_repr", kind);
}

#[apply(runtimes)]
fn event_repr(kind: RuntimeKind) {
    check_parity("event_repr", kind);
}

#[apply(runtimes)]
fn semaphore_repr(kind: RuntimeKind) {
    check_parity("semaphore_repr", kind);
}

#[apply(runtimes)]
fn condition_repr(kind: RuntimeKind) {
    check_parity("condition_repr", kind);
}

#[apply(runtimes)]
fn barrier_repr(kind: RuntimeKind) {
    check_parity("barrier_repr", kind);
}

#[apply(runtimes)]
fn condition_wait_cancel_relocks(kind: RuntimeKind) {
    check_parity("condition_wait_cancel_relocks", kind);
}
