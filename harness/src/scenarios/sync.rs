//! Scenarios for `sync` (none yet).

use crate::Scenario;

#[allow(dead_code)]
const CONCEPT: &str = "sync";
#[allow(dead_code)]
const SOURCE: &str = include_str!("sync.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[];
