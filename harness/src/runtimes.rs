//! Definition of [`RuntimeKind`] and [`Mode`]: which runtime a scenario runs on, on which clock.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use aio_rt::Clock;

/// The runtimes of the matrix.
///
/// Python: none (asyncio has one event loop; uvloop would be a second)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RuntimeKind {
    /// tokio's current_thread runtime.
    Tokio,
    /// tokio's multi_thread runtime with two workers.
    TokioMt,
    /// async-std (discontinued upstream in favour of smol; still supported).
    AsyncStd,
    /// smol, with an executor per runtime instance.
    Smol,
    /// `aio-loop`, this project's own asyncio-style event loop.
    AioLoop,
}

impl RuntimeKind {
    /// Every runtime, in the matrix's column order.
    pub const ALL: &'static [RuntimeKind] = &[
        RuntimeKind::Tokio,
        RuntimeKind::TokioMt,
        RuntimeKind::AsyncStd,
        RuntimeKind::Smol,
        RuntimeKind::AioLoop,
    ];

    /// The third-party runtimes, whose raw APIs the `differences` group shows.
    pub const THIRD_PARTY: &'static [RuntimeKind] = &[
        RuntimeKind::Tokio,
        RuntimeKind::TokioMt,
        RuntimeKind::AsyncStd,
        RuntimeKind::Smol,
    ];

    /// The name used on the command line, in snapshot names and in the docs.
    ///
    /// Python: none
    pub fn name(self) -> &'static str {
        match self {
            RuntimeKind::Tokio => "tokio",
            RuntimeKind::TokioMt => "tokio-mt",
            RuntimeKind::AsyncStd => "async-std",
            RuntimeKind::Smol => "smol",
            RuntimeKind::AioLoop => "aio-loop",
        }
    }

    /// The known names, comma-separated, for error messages.
    ///
    /// Python: none
    pub fn known_names() -> String {
        RuntimeKind::ALL
            .iter()
            .map(|kind| kind.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl fmt::Display for RuntimeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A runtime name that is not in the matrix.
///
/// Python: none
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownRuntime(pub String);

impl fmt::Display for UnknownRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no runtime '{}'; known runtimes: {}",
            self.0,
            RuntimeKind::known_names()
        )
    }
}

impl std::error::Error for UnknownRuntime {}

impl FromStr for RuntimeKind {
    type Err = UnknownRuntime;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RuntimeKind::ALL
            .iter()
            .copied()
            .find(|kind| kind.name() == s)
            .ok_or_else(|| UnknownRuntime(s.to_owned()))
    }
}

/// `--runtime R` on the command line: clap checks the name against [`RuntimeKind::ALL`],
/// suggests the nearest one when it is misspelt, and completes it in a shell.
impl clap::ValueEnum for RuntimeKind {
    fn value_variants<'a>() -> &'a [Self] {
        RuntimeKind::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

/// Which clock a scenario runs on.
///
/// Python: none (the oracle always runs on its virtual-time loop)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// Virtual time: exact ticks, deterministic order. What tests and snapshots use.
    #[default]
    Virtual,
    /// The wall clock, with short ticks: where timer precision and scheduling show.
    Real,
}

impl Mode {
    /// The clock the runtime is built with.
    pub fn clock(self) -> Clock {
        match self {
            Mode::Virtual => Clock::Virtual,
            Mode::Real => Clock::Real,
        }
    }

    /// How long one tick of a trace is: one second of virtual time, or 50 ms of real time.
    pub fn tick(self) -> Duration {
        match self {
            Mode::Virtual => Duration::from_secs(1),
            Mode::Real => Duration::from_millis(50),
        }
    }
}
