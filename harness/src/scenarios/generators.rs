//! Scenarios for `generators` (none yet).

use crate::Scenario;

#[allow(dead_code)]
const CONCEPT: &str = "generators";
#[allow(dead_code)]
const SOURCE: &str = include_str!("generators.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[];
