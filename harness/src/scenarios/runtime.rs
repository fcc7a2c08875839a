//! The `differences` group: where the raw runtimes disagree, shown on their own APIs.

use crate::{Mode, Run, RuntimeKind, Scenario};

const CONCEPT: &str = "runtime";
const SOURCE: &str = include_str!("runtime.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[];

#[allow(dead_code)]
fn _unused(_: RuntimeKind, _: Mode) -> Run {
    let _ = (CONCEPT, SOURCE);
    Run::default()
}
