//! Scenarios for `tasks` (none yet).

use crate::Scenario;

#[allow(dead_code)]
const CONCEPT: &str = "tasks";
#[allow(dead_code)]
const SOURCE: &str = include_str!("tasks.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[];
