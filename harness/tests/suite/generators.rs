//! The `generators` scenarios on every runtime.

use crate::common;

use aio_harness::RuntimeKind;
use common::{check_parity, runtimes};
use rstest::rstest;
use rstest_reuse::apply;

#[apply(runtimes)]
fn async_for_rows(kind: RuntimeKind) {
    check_parity("async_for_rows", kind);
}

#[apply(runtimes)]
fn blocking_rows_stall(kind: RuntimeKind) {
    check_parity("blocking_rows_stall", kind);
}

#[apply(runtimes)]
fn lazy_start(kind: RuntimeKind) {
    check_parity("lazy_start", kind);
}

#[apply(runtimes)]
fn async_iterator_protocol(kind: RuntimeKind) {
    check_parity("async_iterator_protocol", kind);
}

#[apply(runtimes)]
fn async_comprehension(kind: RuntimeKind) {
    check_parity("async_comprehension", kind);
}

#[apply(runtimes)]
fn asend_values(kind: RuntimeKind) {
    check_parity("asend_values", kind);
}

#[apply(runtimes)]
fn athrow_handled(kind: RuntimeKind) {
    check_parity("athrow_handled", kind);
}

#[apply(runtimes)]
fn aclose_cleanup(kind: RuntimeKind) {
    check_parity("aclose_cleanup", kind);
}

#[apply(runtimes)]
fn already_running(kind: RuntimeKind) {
    check_parity("already_running", kind);
}

#[apply(runtimes)]
fn already_running_names_request(kind: RuntimeKind) {
    check_parity("already_running_names_request", kind);
}

#[apply(runtimes)]
fn ignored_generator_exit(kind: RuntimeKind) {
    check_parity("ignored_generator_exit", kind);
}

#[apply(runtimes)]
fn drop_suspended(kind: RuntimeKind) {
    check_parity("drop_suspended", kind);
}

#[apply(runtimes)]
fn evolution_countdown(kind: RuntimeKind) {
    check_parity("evolution_countdown", kind);
}

#[apply(runtimes)]
fn request_reused(kind: RuntimeKind) {
    check_parity("request_reused", kind);
}

#[apply(runtimes)]
fn close_on_drop_failure_reported(kind: RuntimeKind) {
    check_parity("close_on_drop_failure_reported", kind);
}
