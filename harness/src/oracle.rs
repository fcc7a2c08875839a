//! The CPython oracle: each parity scenario's Python twin, `oracle/<concept>/<name>.py`,
//! and its committed trace, `oracle/<concept>/<name>.trace`.
//!
//! The twins are plain asyncio plus `from rosetta import log, exc`; `oracle/rosetta.py`
//! runs them on a virtual-time event loop, so CPython's trace is as exact as ours.
//!
//! A twin runs on `python3` (3.11 or newer), unless its first line asks for another
//! interpreter, `# python: 3.13`: then it runs on that CPython, found on pyenv
//! (`$PYENV_ROOT/versions/3.13.*`) or as `python3.13` on PATH. A twin whose interpreter is
//! missing is skipped, saying which one it wanted; nothing is backported.

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
    /// The twin asks for an interpreter this machine does not have.
    NoInterpreter {
        /// The twin.
        script: PathBuf,
        /// The version it asks for (`3.13`).
        wanted: (u32, u32),
    },
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
            OracleError::NoInterpreter { script, wanted } => write!(
                f,
                "{} wants python {}.{}, which is not installed (pyenv install {}.{}, or python{}.{} on PATH)",
                script.display(),
                wanted.0,
                wanted.1,
                wanted.0,
                wanted.1,
                wanted.0,
                wanted.1
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
    let python = match wanted_python(&script) {
        None => PathBuf::from("python3"),
        Some(wanted) => find_python(wanted).ok_or_else(|| OracleError::NoInterpreter {
            script: script.clone(),
            wanted,
        })?,
    };
    let out = Command::new(python)
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

/// The interpreter a twin asks for on its first line, `# python: 3.13`; `None` for python3.
pub fn wanted_python(script: &Path) -> Option<(u32, u32)> {
    let text = std::fs::read_to_string(script).ok()?;
    parse_wanted(text.lines().next()?)
}

/// `# python: 3.13` -> `(3, 13)`.
pub(crate) fn parse_wanted(line: &str) -> Option<(u32, u32)> {
    let version = line.strip_prefix("# python:")?.trim();
    let (major, minor) = version.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// The CPython `major.minor` interpreter: pyenv's newest `major.minor.*` build, else
/// `pythonX.Y` on PATH; `None` when neither runs and reports that version.
pub fn find_python(wanted: (u32, u32)) -> Option<PathBuf> {
    let name = format!("python{}.{}", wanted.0, wanted.1);
    let root = std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".pyenv")));
    let mut candidates = Vec::new();
    if let Some(Ok(entries)) = root.map(|r| std::fs::read_dir(r.join("versions"))) {
        let prefix = format!("{}.{}.", wanted.0, wanted.1);
        let mut builds: Vec<(u32, PathBuf)> = entries
            .flatten()
            .filter_map(|e| {
                let dir = e.file_name().into_string().ok()?;
                let patch = dir.strip_prefix(&prefix)?.parse().ok()?;
                Some((patch, e.path().join("bin").join(&name)))
            })
            .collect();
        builds.sort();
        candidates.extend(builds.into_iter().rev().map(|(_, path)| path));
    }
    candidates.push(PathBuf::from(&name));
    candidates.into_iter().find(|python| {
        Command::new(python)
            .args(["-c", "import sys; print(*sys.version_info[:2])"])
            .env_remove("PYENV_VERSION")
            .output()
            .is_ok_and(|out| {
                out.status.success()
                    && String::from_utf8_lossy(&out.stdout).trim()
                        == format!("{} {}", wanted.0, wanted.1)
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_names_the_interpreter() {
        assert_eq!(parse_wanted("# python: 3.13"), Some((3, 13)));
        assert_eq!(parse_wanted("\"\"\"a docstring\"\"\""), None);
        assert_eq!(parse_wanted("# python: three"), None);
    }
}
