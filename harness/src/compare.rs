//! `aio compare`: every scenario on every runtime, beside CPython, as a matrix.

use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};

use similar::TextDiff;

use crate::run::panic_text;
use crate::{Group, Mode, Run, RuntimeKind, Scenario, oracle};

/// One cell of the matrix.
///
/// Python: none
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    /// The trace equals the reference.
    Same,
    /// The trace differs from the reference; the diff is in [`Row::diffs`].
    Differs,
    /// The run itself failed (a panic, a task left running, a lost panic).
    Failed,
    /// This column is the reference the others are compared with.
    Reference,
    /// Not run: no usable python3, or no twin for this scenario.
    NotRun(String),
}

impl Cell {
    fn text(&self) -> &str {
        match self {
            Cell::Same => "same",
            Cell::Differs => "DIFFERS",
            Cell::Failed => "FAILED",
            Cell::Reference => "(ref)",
            Cell::NotRun(_) => "-",
        }
    }
}

/// One scenario's row: a cell per runtime, the CPython cell, and the diffs.
#[derive(Clone, Debug)]
pub struct Row {
    /// The scenario.
    pub scenario: &'static Scenario,
    /// One cell per runtime, in the order of the report's runtimes.
    pub cells: Vec<Cell>,
    /// CPython's cell.
    pub cpython: Cell,
    /// For every cell that differs or failed: a title and the unified diff or the failure.
    pub diffs: Vec<(String, String)>,
}

/// The whole matrix.
#[derive(Clone, Debug)]
pub struct Report {
    /// The runtime columns.
    pub runtimes: Vec<RuntimeKind>,
    /// The mode the scenarios ran in.
    pub mode: Mode,
    /// One row per scenario.
    pub rows: Vec<Row>,
}

impl Report {
    /// Whether any parity scenario differs from its reference or failed: `aio compare`
    /// then exits with 1.
    pub fn parity_failed(&self) -> bool {
        self.rows.iter().any(|row| {
            row.scenario.group == Group::Parity
                && row
                    .cells
                    .iter()
                    .chain([&row.cpython])
                    .any(|c| matches!(c, Cell::Differs | Cell::Failed))
        })
    }
}

fn run_guarded(scenario: &Scenario, kind: RuntimeKind, mode: Mode) -> Run {
    catch_unwind(AssertUnwindSafe(|| (scenario.run)(kind, mode))).unwrap_or_else(|payload| Run {
        trace: String::new(),
        failures: vec![format!("the scenario panicked: {}", panic_text(&*payload))],
    })
}

fn diff(reference: &str, trace: &str, from: &str, to: &str) -> String {
    TextDiff::from_lines(reference, trace)
        .unified_diff()
        .context_radius(3)
        .header(from, to)
        .to_string()
}

/// Runs `scenarios` on `runtimes` in `mode` and compares each trace with the reference:
/// CPython's committed trace for a parity scenario, the first runtime's trace for a
/// differences scenario. CPython's column re-runs the Python twin (when python3 >= 3.11 is
/// there) and compares it with the committed trace.
pub fn compare(
    scenarios: &[&'static Scenario],
    runtimes: &[RuntimeKind],
    mode: Mode,
    mut progress: impl FnMut(&str),
) -> Report {
    let python = oracle::python_version();
    let mut rows = Vec::new();
    for &scenario in scenarios {
        progress(scenario.name);
        let mut row = Row {
            scenario,
            cells: Vec::new(),
            cpython: Cell::NotRun(String::new()),
            diffs: Vec::new(),
        };
        let mut reference: Option<(String, String)> = match scenario.group {
            Group::Parity => {
                oracle::committed(scenario).map(|t| ("cpython (committed)".to_owned(), t))
            }
            Group::Differences => None,
        };
        if scenario.group == Group::Parity {
            row.cpython = match (&python, &reference) {
                (Err(e), _) => Cell::NotRun(e.to_string()),
                (Ok(_), None) => Cell::NotRun("no committed trace".into()),
                (Ok(_), Some((_, committed))) => match oracle::run(scenario) {
                    Ok(live) if &live == committed => Cell::Same,
                    Ok(live) => {
                        row.diffs.push((
                            "cpython (live) vs committed".into(),
                            diff(committed, &live, "committed", "cpython"),
                        ));
                        Cell::Differs
                    }
                    Err(e @ oracle::OracleError::NoInterpreter { .. }) => {
                        Cell::NotRun(e.to_string())
                    }
                    Err(e) => {
                        row.diffs.push(("cpython".into(), e.to_string()));
                        Cell::Failed
                    }
                },
            };
        } else {
            row.cpython = Cell::NotRun("differences scenarios have no twin".into());
        }
        for &kind in runtimes {
            if !scenario.runtimes().contains(&kind) {
                row.cells
                    .push(Cell::NotRun("not in this scenario's runtimes".into()));
                continue;
            }
            let run = run_guarded(scenario, kind, mode);
            let cell = if !run.is_ok() {
                row.diffs
                    .push((format!("{kind}: failed"), run.failures.join("\n")));
                Cell::Failed
            } else if let Some((ref_name, ref_trace)) = &reference {
                if &run.trace == ref_trace {
                    Cell::Same
                } else {
                    row.diffs.push((
                        format!("{kind} vs {ref_name}"),
                        diff(ref_trace, &run.trace, ref_name, kind.name()),
                    ));
                    Cell::Differs
                }
            } else {
                reference = Some((kind.name().to_owned(), run.trace));
                Cell::Reference
            };
            row.cells.push(cell);
        }
        rows.push(row);
    }
    Report {
        runtimes: runtimes.to_vec(),
        mode,
        rows,
    }
}

/// The report as text: the matrix, then each diff.
pub fn render(report: &Report) -> String {
    let mut header = vec!["scenario".to_owned(), "group".to_owned()];
    header.extend(report.runtimes.iter().map(|k| k.name().to_owned()));
    header.push("cpython".into());
    let mut table = vec![header];
    for row in &report.rows {
        let mut line = vec![
            row.scenario.name.to_owned(),
            row.scenario.group.name().to_owned(),
        ];
        line.extend(row.cells.iter().map(|c| c.text().to_owned()));
        line.push(row.cpython.text().to_owned());
        table.push(line);
    }
    let widths: Vec<usize> = (0..table[0].len())
        .map(|i| table.iter().map(|r| r[i].len()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    let mode = match report.mode {
        Mode::Virtual => "virtual time",
        Mode::Real => "real time",
    };
    let _ = writeln!(
        out,
        "aio compare: {} scenario(s), {mode}; parity scenarios against CPython's committed trace, differences scenarios against the first runtime\n",
        report.rows.len()
    );
    for (i, line) in table.iter().enumerate() {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
        if i == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            let _ = writeln!(out, "{}", rule.join("  "));
        }
    }
    let skipped: Vec<String> = report
        .rows
        .iter()
        .filter_map(|r| match &r.cpython {
            Cell::NotRun(why) if r.scenario.group == Group::Parity && !why.is_empty() => {
                Some(why.clone())
            }
            _ => None,
        })
        .collect();
    if let Some(why) = skipped.first() {
        let _ = writeln!(out, "\ncpython column not run: {why}");
    }
    for row in &report.rows {
        for (title, text) in &row.diffs {
            let _ = writeln!(
                out,
                "\n=== {} ({}) - {title}\n{}",
                row.scenario.name,
                row.scenario.group.name(),
                text.trim_end()
            );
        }
    }
    out
}
