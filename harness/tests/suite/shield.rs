//! The `shield` scenarios on every runtime.

use crate::common;

use aio_harness::RuntimeKind;
use common::{check_parity, runtimes};
use rstest::rstest;
use rstest_reuse::apply;

#[apply(runtimes)]
fn shield_timeout_pattern(kind: RuntimeKind) {
    check_parity("shield_timeout_pattern", kind);
}

#[apply(runtimes)]
fn shield_outer_cancelled(kind: RuntimeKind) {
    check_parity("shield_outer_cancelled", kind);
}

#[apply(runtimes)]
fn shield_inner_outcomes(kind: RuntimeKind) {
    check_parity("shield_inner_outcomes", kind);
}

#[apply(runtimes)]
fn shield_outer_cancel(kind: RuntimeKind) {
    check_parity("shield_outer_cancel", kind);
}

#[apply(runtimes)]
fn shield_of_future(kind: RuntimeKind) {
    check_parity("shield_of_future", kind);
}

#[apply(runtimes)]
fn shield_cancelled_unretrieved(kind: RuntimeKind) {
    check_parity("shield_cancelled_unretrieved", kind);
}
