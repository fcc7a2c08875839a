//! Scenarios for `wait` (none yet).

use crate::Scenario;

#[allow(dead_code)]
const CONCEPT: &str = "wait";
#[allow(dead_code)]
const SOURCE: &str = include_str!("wait.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[];
