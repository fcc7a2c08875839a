//! Scenarios for `shield` (none yet).

use crate::Scenario;

#[allow(dead_code)]
const CONCEPT: &str = "shield";
#[allow(dead_code)]
const SOURCE: &str = include_str!("shield.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[];
