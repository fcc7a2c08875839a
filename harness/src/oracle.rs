//! The CPython oracle: each parity scenario's Python twin, `oracle/<concept>/<name>.py`,
//! and its committed trace, `oracle/<concept>/<name>.trace`.
//!
//! The twins are plain asyncio plus `from rosetta import log`; `oracle/rosetta.py` runs
//! them on a virtual-time event loop, so CPython's trace is as exact as ours.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Group, Scenario};

/// The oldest CPython whose asyncio the traces are taken from.
pub const MIN_PYTHON: (u32, u32) = (3, 11);

/// Where the oracle scripts live: `harness/oracle`.
pub fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("oracle")
}

/// The Python twin of `scenario`.
pub fn script(scenario: &Scenario) -> PathBuf {
    dir()
        .join(scenario.concept)
        .join(format!("{}.py", scenario.name))
}

/// The committed CPython trace of `scenario`.
pub fn trace_file(scenario: &Scenario) -> PathBuf {
    dir()
        .join(scenario.concept)
        .join(format!("{}.trace", scenario.name))
}

/// The committed CPython trace of `scenario`, if there is one.
pub fn committed(scenario: &Scenario) -> Option<String> {
    std::fs::read_to_string(trace_file(scenario)).ok()
}

/// What went wrong running the oracle.
///
/// Python: none
#[derive(Debug)]
pub enum OracleError {
    /// No `python3` on PATH, or one older than [`MIN_PYTHON`].
    NoPython(String),
    /// The scenario is in the differences group: it has no Python twin.
    NoTwin(&'static str),
    /// The script failed; its stderr.
    Failed {
        /// The script that failed.
        script: PathBuf,
        /// What it printed on stderr.
        stderr: String,
    },
}

impl fmt::Display for OracleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OracleError::NoPython(why) => write!(f, "no usable python3: {why}"),
            OracleError::NoTwin(name) => write!(
                f,
                "'{name}' is a differences scenario: it has no Python twin"
            ),
            OracleError::Failed { script, stderr } => {
                write!(f, "{} failed:\n{}", script.display(), stderr.trim_end())
            }
        }
    }
}

impl std::error::Error for OracleError {}

/// The version of `python3` on PATH, if it is at least [`MIN_PYTHON`].
///
/// # Errors
///
/// [`OracleError::NoPython`], saying why.
pub fn python_version() -> Result<(u32, u32), OracleError> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import sys; print(sys.version_info[0], sys.version_info[1])",
        ])
        .output()
        .map_err(|e| OracleError::NoPython(format!("cannot run python3: {e}")))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace().map(|p| p.parse::<u32>());
    match (parts.next(), parts.next()) {
        (Some(Ok(major)), Some(Ok(minor))) if (major, minor) >= MIN_PYTHON => Ok((major, minor)),
        (Some(Ok(major)), Some(Ok(minor))) => Err(OracleError::NoPython(format!(
            "python3 is {major}.{minor}; the oracle needs {}.{} or newer",
            MIN_PYTHON.0, MIN_PYTHON.1
        ))),
        _ => Err(OracleError::NoPython(format!(
            "python3 printed {text:?} for its version"
        ))),
    }
}

/// Runs the Python twin of `scenario` on CPython's virtual-time loop; its trace.
///
/// # Errors
///
/// When there is no usable python3, no twin, or the script fails.
pub fn run(scenario: &Scenario) -> Result<String, OracleError> {
    if scenario.group != Group::Parity {
        return Err(OracleError::NoTwin(scenario.name));
    }
    let script = script(scenario);
    let out = Command::new("python3")
        .arg(dir().join("rosetta.py"))
        .arg(&script)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONHASHSEED", "0")
        .output()
        .map_err(|e| OracleError::NoPython(format!("cannot run python3: {e}")))?;
    if !out.status.success() {
        return Err(OracleError::Failed {
            script,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
