//! The scenarios, one module per concept. A module lists its scenarios in `SCENARIOS`;
//! [`ALL`] gathers the modules.

/// A parity scenario: `$name` is an `async fn $name<R: Runtime>(cx: Cx<R>)` in the module,
/// which must define `CONCEPT` and `SOURCE` (its own text).
#[allow(unused_macros)]
macro_rules! parity {
    ($name:ident, $description:literal) => {
        $crate::Scenario {
            name: stringify!($name),
            concept: CONCEPT,
            group: $crate::Group::Parity,
            description: $description,
            run: |kind, mode| $crate::__on_runtime!(kind, mode, $name),
            source: SOURCE,
        }
    };
}

/// A differences scenario: `$name` is a `fn $name(kind: RuntimeKind, mode: Mode) -> Run`
/// written against the raw runtime APIs.
#[allow(unused_macros)]
macro_rules! differences {
    ($name:ident, $description:literal) => {
        $crate::Scenario {
            name: stringify!($name),
            concept: CONCEPT,
            group: $crate::Group::Differences,
            description: $description,
            run: $name,
            source: SOURCE,
        }
    };
}

pub(crate) mod event_loop;
pub(crate) mod futures;
pub(crate) mod gather;
pub(crate) mod generators;
pub(crate) mod queues;
pub(crate) mod runtime;
pub(crate) mod shield;
pub(crate) mod sleep;
pub(crate) mod sync;
pub(crate) mod tasks;
pub(crate) mod wait;

/// Every concept module's scenarios.
pub(crate) const ALL: &[&[crate::Scenario]] = &[
    event_loop::SCENARIOS,
    futures::SCENARIOS,
    tasks::SCENARIOS,
    sleep::SCENARIOS,
    gather::SCENARIOS,
    wait::SCENARIOS,
    shield::SCENARIOS,
    queues::SCENARIOS,
    sync::SCENARIOS,
    generators::SCENARIOS,
    runtime::SCENARIOS,
];
