//! Scenarios for `gather` (none yet).

use crate::Scenario;

#[allow(dead_code)]
const CONCEPT: &str = "gather";
#[allow(dead_code)]
const SOURCE: &str = include_str!("gather.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[];
