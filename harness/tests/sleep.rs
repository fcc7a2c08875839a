//! The `sleep` scenarios on every runtime.

mod common;

use aio_harness::RuntimeKind;
use common::{check_parity, runtimes};
use rstest::rstest;
use rstest_reuse::apply;

#[apply(runtimes)]
fn sleep_order(kind: RuntimeKind) {
    check_parity("sleep_order", kind);
}
