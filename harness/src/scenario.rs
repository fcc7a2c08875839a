//! Definition of [`Scenario`] and the registry that lists them.

use std::fmt;

use crate::{Mode, Run, RuntimeKind};

/// Whether a scenario must give one trace everywhere, or shows where runtimes disagree.
///
/// Python: none
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    /// Written against `aio_rt::Runtime`: the trace must be the same on every runtime and
    /// equal to CPython's. One snapshot shared by every runtime.
    Parity,
    /// Written against the raw runtime APIs on purpose, to show a difference. One
    /// snapshot per runtime; no CPython twin.
    Differences,
}

impl Group {
    /// `parity` or `differences`.
    pub fn name(self) -> &'static str {
        match self {
            Group::Parity => "parity",
            Group::Differences => "differences",
        }
    }
}

/// A scenario: a small program that records a trace, run by the harness on every runtime.
///
/// Python: an oracle script under `harness/oracle/<concept>/<name>.py`
#[derive(Clone, Copy)]
pub struct Scenario {
    /// The name that links the Rust function, the Python twin, the snapshot and the docs.
    pub name: &'static str,
    /// The concept: the folder name of its crate (`sleep`, `queues`, ...), or `runtime`.
    pub concept: &'static str,
    /// Parity or differences.
    pub group: Group,
    /// One line: what the scenario shows.
    pub description: &'static str,
    /// Runs it on one runtime, in one mode.
    pub run: fn(RuntimeKind, Mode) -> Run,
    /// The text of the source file that defines it, for the docs.
    pub source: &'static str,
}

impl Scenario {
    /// The runtimes it runs on: every runtime for a parity scenario; the third-party
    /// runtimes for a differences scenario (they show raw APIs; aio-loop has none of its own
    /// there).
    pub fn runtimes(&self) -> &'static [RuntimeKind] {
        match self.group {
            Group::Parity => RuntimeKind::ALL,
            Group::Differences => RuntimeKind::THIRD_PARTY,
        }
    }

    /// The insta snapshot name of the scenario's trace on `kind`: the scenario's name for
    /// a parity scenario (one snapshot for all runtimes), `name@runtime` for a differences
    /// scenario.
    pub fn snapshot_name(&self, kind: RuntimeKind) -> String {
        match self.group {
            Group::Parity => self.name.to_owned(),
            Group::Differences => format!("{}@{}", self.name, kind.name()),
        }
    }
}

impl fmt::Debug for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scenario")
            .field("name", &self.name)
            .field("concept", &self.concept)
            .field("group", &self.group)
            .finish_non_exhaustive()
    }
}

/// A concept: one crate of the workspace, one page of the docs.
///
/// Python: one topic of the asyncio docs
#[derive(Clone, Copy, Debug)]
pub struct Concept {
    /// The crate's folder name (`runtime` for the differences group).
    pub name: &'static str,
    /// The page title.
    pub title: &'static str,
    /// What the page is about, in one sentence.
    pub summary: &'static str,
}

/// Every concept, in the order the docs list them.
pub const CONCEPTS: &[Concept] = &[
    Concept {
        name: "loop",
        title: "The event loop and callbacks",
        summary: "call_soon, call_later, the ready queue and the timer heap",
    },
    Concept {
        name: "futures",
        title: "Futures",
        summary: "asyncio.Future: results, exceptions, callbacks",
    },
    Concept {
        name: "tasks",
        title: "Tasks",
        summary: "create_task, cancellation, TaskGroup",
    },
    Concept {
        name: "sleep",
        title: "Sleeping",
        summary: "asyncio.sleep, the timer, and blocking versus non-blocking sleep",
    },
    Concept {
        name: "gather",
        title: "gather",
        summary: "running awaitables concurrently and collecting results in order",
    },
    Concept {
        name: "wait",
        title: "wait, wait_for, as_completed, timeout",
        summary: "waiting with conditions and deadlines",
    },
    Concept {
        name: "shield",
        title: "shield",
        summary: "protecting work from cancellation",
    },
    Concept {
        name: "queues",
        title: "Queues",
        summary: "Queue, PriorityQueue, LifoQueue",
    },
    Concept {
        name: "sync",
        title: "Synchronization primitives",
        summary: "Lock, Semaphore, Event, Condition, Barrier",
    },
    Concept {
        name: "generators",
        title: "Async generators",
        summary: "async iterators and async generators",
    },
    Concept {
        name: "io",
        title: "I/O: why asyncio exists",
        summary: "streams, ten thousand connections on one thread, threads and CPython for contrast",
    },
    Concept {
        name: "runtime",
        title: "Runtime differences",
        summary: "where tokio, async-std and smol disagree, on their raw APIs",
    },
];

/// A name that is neither a scenario nor a concept.
///
/// Python: none
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownScenario(pub String);

impl fmt::Display for UnknownScenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no scenario or concept '{}'; try 'aio list'", self.0)
    }
}

impl std::error::Error for UnknownScenario {}

/// Every registered scenario, by concept in [`CONCEPTS`] order, then in registration order.
pub fn registry() -> Vec<&'static Scenario> {
    let mut all: Vec<&'static Scenario> = crate::scenarios::ALL
        .iter()
        .flat_map(|group| group.iter())
        .collect();
    let rank = |s: &Scenario| {
        CONCEPTS
            .iter()
            .position(|c| c.name == s.concept)
            .unwrap_or(usize::MAX)
    };
    all.sort_by_key(|s| rank(s));
    all
}

/// The scenarios `names` select (each a scenario or a concept name), in registry order;
/// all of them when `names` is empty.
///
/// # Errors
///
/// [`UnknownScenario`] for the first name that matches nothing.
pub fn select(names: &[String]) -> Result<Vec<&'static Scenario>, UnknownScenario> {
    let all = registry();
    for name in names {
        if !all.iter().any(|s| s.name == name || s.concept == name) {
            return Err(UnknownScenario(name.clone()));
        }
    }
    Ok(all
        .into_iter()
        .filter(|s| names.is_empty() || names.iter().any(|n| s.name == n || s.concept == n))
        .collect())
}

/// Looks a scenario up by name.
pub fn find(name: &str) -> Option<&'static Scenario> {
    registry().into_iter().find(|s| s.name == name)
}
