//! Scenarios for `queues` (none yet).

use crate::Scenario;

#[allow(dead_code)]
const CONCEPT: &str = "queues";
#[allow(dead_code)]
const SOURCE: &str = include_str!("queues.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[];
