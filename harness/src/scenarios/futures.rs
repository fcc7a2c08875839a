//! Scenarios for `futures` (none yet).

use crate::Scenario;

#[allow(dead_code)]
const CONCEPT: &str = "futures";
#[allow(dead_code)]
const SOURCE: &str = include_str!("futures.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[];
