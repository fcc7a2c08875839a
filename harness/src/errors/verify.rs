//! The catalogue's check against CPython: every row's Python snippet, run by the real
//! interpreter, raises what the row's Rust error stands for (class, `str()`, cause), and
//! what the row says CPython raises. Run by `aio oracle --check` and by `cargo test`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::{CATALOGUE, TYPED_AWAY};
use crate::oracle::{self, OracleError};
use crate::{exc, exc_cause};

/// What the check found.
///
/// Python: none (Rust only: the project's check of its error catalogue)
#[derive(Debug, Default)]
pub struct Verified {
    /// Rows whose snippet CPython ran and agreed with.
    pub same: usize,
    /// One line per row that differs: the row and what differs.
    pub differences: Vec<String>,
    /// Rows not run, with the interpreter they want that is missing.
    pub skipped: Vec<String>,
}

/// One row to run: where it comes from, and what the Python side compares.
struct Row {
    label: String,
    code: &'static str,
    exc: Option<String>,
    cause: Option<String>,
    python: &'static str,
    message: &'static str,
}

/// Every row with a snippet, catalogue first, then the rows the types rule out.
fn rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for case in CATALOGUE.iter().filter(|c| !c.snippet.is_empty()) {
        let error = case.raise.map(|raise| raise());
        rows.push(Row {
            label: format!("{} / {}", case.krate, case.when),
            code: case.snippet,
            exc: error.as_deref().map(exc),
            cause: error.as_deref().map(exc_cause),
            python: case.python,
            message: case.python_message,
        });
    }
    for case in TYPED_AWAY {
        rows.push(Row {
            label: format!("{} / {} (ruled out by the types)", case.krate, case.when),
            code: case.snippet,
            exc: None,
            cause: None,
            python: case.python,
            message: case.python_message,
        });
    }
    rows
}

/// `text` as a JSON string.
fn json(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_or_null(text: Option<&str>) -> String {
    text.map_or_else(|| "null".to_owned(), json)
}

/// Runs `rows` (indexes into `all`) on `python`; the lines it printed.
fn run(python: PathBuf, all: &[Row], rows: &[usize]) -> Result<String, OracleError> {
    let mut input = String::from("[");
    for (n, &i) in rows.iter().enumerate() {
        let row = &all[i];
        let _ = write!(
            input,
            "{}{{\"id\": {i}, \"code\": {}, \"exc\": {}, \"cause\": {}, \"python\": {}, \"message\": {}}}",
            if n == 0 { "" } else { ", " },
            json(row.code),
            json_or_null(row.exc.as_deref()),
            json_or_null(row.cause.as_deref()),
            json(row.python),
            json(row.message),
        );
    }
    input.push(']');
    let script = oracle::dir().join("catalogue.py");
    let mut child = Command::new(&python)
        .arg(&script)
        .current_dir(oracle::dir())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| OracleError::NoPython(format!("cannot run {}: {e}", python.display())))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A write error shows as the script's failure below.
        let _ = stdin.write_all(input.as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| OracleError::NoPython(format!("cannot run {}: {e}", python.display())))?;
    if !out.status.success() {
        return Err(OracleError::Failed {
            script,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs every row's snippet on the CPython it asks for (python3, or the version on its
/// first line) and compares.
///
/// # Errors
///
/// [`OracleError::NoPython`] without a usable python3; [`OracleError::Failed`] when the
/// runner itself fails. A row that differs is not an error: it is in
/// [`Verified::differences`].
pub fn verify() -> Result<Verified, OracleError> {
    oracle::python_version()?;
    let all = rows();
    let mut by_python: BTreeMap<Option<(u32, u32)>, Vec<usize>> = BTreeMap::new();
    for (i, row) in all.iter().enumerate() {
        let wanted = row.code.lines().next().and_then(oracle::parse_wanted);
        by_python.entry(wanted).or_default().push(i);
    }
    let mut verified = Verified::default();
    for (wanted, rows) in by_python {
        let python = match wanted {
            None => PathBuf::from("python3"),
            Some(version) => match oracle::find_python(version) {
                Some(python) => python,
                None => {
                    for &i in &rows {
                        verified.skipped.push(format!(
                            "{}: wants python {}.{}, not installed",
                            all[i].label, version.0, version.1
                        ));
                    }
                    continue;
                }
            },
        };
        let printed = run(python, &all, &rows)?;
        for line in printed.lines() {
            if line.starts_with("same ") {
                verified.same += 1;
            } else if let Some(rest) = line.strip_prefix("differs ") {
                let (id, what) = rest.split_once(": ").unwrap_or((rest, ""));
                let label = id
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| all.get(i))
                    .map_or(id, |row| row.label.as_str());
                verified.differences.push(format!("{label}: {what}"));
            }
        }
    }
    Ok(verified)
}
