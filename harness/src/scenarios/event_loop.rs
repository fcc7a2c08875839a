//! Scenarios for `loop` (none yet).

use crate::Scenario;

#[allow(dead_code)]
const CONCEPT: &str = "loop";
#[allow(dead_code)]
const SOURCE: &str = include_str!("event_loop.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[];
