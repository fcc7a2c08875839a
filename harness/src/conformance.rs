//! `aio conformance`: CPython's own asyncio tests as our acceptance suite.
//!
//! Every test method in scope (CPython 3.13's `Lib/test/test_asyncio/test_locks.py` and its
//! neighbours, listed in [`FILES`]) has exactly one row in a committed table,
//! `harness/conformance/<stem>.txt`, under the class that defines it:
//!
//! ```text
//! [LockTests]
//! test_acquire_cancel   ported   lock_tests::test_acquire_cancel
//! test_repr             na       repr      the repr of asyncio.Lock, a Python object
//! test_foo              differs  docs/sync.md#anchor   why ours behaves otherwise
//! test_bar              todo
//! ```
//!
//! - **ported**: a Rust test in `harness/tests/conformance/<stem>.rs`, written fresh, that
//!   checks the same behaviour through our public API on all five runtimes in virtual
//!   time; it names the CPython test it ports in a `// CPython: test_locks.LockTests.test_x`
//!   line just above it.
//! - **na** (not applicable): one of the [`NA_CATEGORIES`] and a one-line reason.
//! - **differs**: a link to where our docs explain the difference, and a one-line reason.
//! - **todo**: applicable and not yet ported; counted apart, and the command fails while
//!   any remain (unless `--allow-todo`).
//!
//! The list of methods comes from the CPython sources on the machine, read with Python's
//! `ast` module by `harness/conformance/methods.py` under CPython 3.13: the interpreter
//! parses its own test files exactly (nested classes, `async def`, decorators), where a
//! hand-written scan of Python text would guess. Without CPython 3.13 the command says
//! so and checks the table alone.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::docs::root;
use crate::oracle::find_python;

/// The CPython files in scope: the file, the classes in scope (empty: all of them), and
/// the stem naming our table (`harness/conformance/<stem>.txt`) and our ports
/// (`harness/tests/conformance/<stem>.rs`).
///
/// `test_asyncgen.py` sits beside `test_asyncio/`; only its asyncio class is in scope (the
/// others step generators by hand, without an event loop).
pub const FILES: &[CpythonFile] = &[
    CpythonFile::new("test_locks.py", &[], "locks"),
    CpythonFile::new("test_queues.py", &[], "queues"),
    CpythonFile::new("test_timeouts.py", &[], "timeouts"),
    CpythonFile::new("test_waitfor.py", &[], "waitfor"),
    CpythonFile::new("test_taskgroups.py", &[], "taskgroups"),
    CpythonFile::new("test_tasks.py", &[], "tasks"),
    CpythonFile::new("test_futures.py", &[], "futures"),
    CpythonFile::new("test_futures2.py", &[], "futures2"),
    CpythonFile::new("test_runners.py", &[], "runners"),
    CpythonFile::new("test_pep492.py", &[], "pep492"),
    CpythonFile::new("test_asyncgen.py", &["AsyncGenAsyncioTest"], "asyncgen"),
];

/// Why a test method does not apply to a Rust library; a `na` row names one.
pub const NA_CATEGORIES: &[(&str, &str)] = &[
    (
        "c-accelerator",
        "tests the C accelerator (_asyncio) against the pure-Python one",
    ),
    ("private", "tests a private attribute or helper of asyncio"),
    (
        "type-checker",
        "a call Rust's type checker rejects (the reason names it)",
    ),
    ("gc", "garbage-collection or refcount timing"),
    ("repr", "the repr of a Python object"),
    ("subclassing", "subclassing a Python class"),
    (
        "mock-loop",
        "the internals of a mock or custom event loop, or the loop's own API",
    ),
    (
        "python-only",
        "a Python language mechanism with no Rust counterpart (the reason names it)",
    ),
];

/// One CPython test file in scope.
#[derive(Clone, Copy, Debug)]
pub struct CpythonFile {
    /// Its name, `test_locks.py`.
    pub name: &'static str,
    /// The classes in scope; empty for all.
    pub classes: &'static [&'static str],
    /// Our stem: `harness/conformance/<stem>.txt`, `harness/tests/conformance/<stem>.rs`.
    pub stem: &'static str,
}

impl CpythonFile {
    const fn new(name: &'static str, classes: &'static [&'static str], stem: &'static str) -> Self {
        CpythonFile {
            name,
            classes,
            stem,
        }
    }

    /// The module name in `// CPython:` lines: `test_locks`.
    pub fn module(&self) -> &'static str {
        self.name.trim_end_matches(".py")
    }

    /// Where CPython keeps it, for the docs.
    pub fn location(&self) -> String {
        if self.name == "test_asyncgen.py" {
            format!("Lib/test/{}", self.name)
        } else {
            format!("Lib/test/test_asyncio/{}", self.name)
        }
    }

    /// Our table.
    pub fn table_path(&self) -> PathBuf {
        root()
            .join("harness/conformance")
            .join(format!("{}.txt", self.stem))
    }

    /// Our ports, relative to the workspace root.
    pub fn ports_path(&self) -> String {
        format!("harness/tests/conformance/{}.rs", self.stem)
    }
}

/// What a row says about its test method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Ported: the Rust test's path inside its file, `lock_tests::test_acquire`.
    Ported(String),
    /// Not applicable: the category and the reason.
    Na(String, String),
    /// A documented difference: the docs link and the reason.
    Differs(String, String),
    /// Applicable, not yet ported; an optional note.
    Todo(String),
}

/// One row of a table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The CPython file.
    pub file: &'static str,
    /// The class that defines the method.
    pub class: String,
    /// The test method.
    pub method: String,
    /// What we say about it.
    pub kind: Kind,
    /// Its line in the table, for messages.
    pub line: usize,
}

impl Row {
    /// `test_locks.py::LockTests::test_acquire`.
    pub fn key(&self) -> String {
        format!("{}::{}::{}", self.file, self.class, self.method)
    }
}

/// Parses one table; the rows, or the problems, each naming its line.
pub fn parse_table(file: &CpythonFile, text: &str) -> Result<Vec<Row>, Vec<String>> {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut class: Option<String> = None;
    let table = format!("harness/conformance/{}.txt", file.stem);
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let text = raw.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        if let Some(name) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            class = Some(name.trim().to_owned());
            continue;
        }
        let Some(class) = class.clone() else {
            errors.push(format!("{table}:{line}: a row before any [Class] header"));
            continue;
        };
        let mut words = text.split_whitespace();
        let method = words.next().unwrap_or_default().to_owned();
        let kind = words.next().unwrap_or_default();
        let target = words.next().unwrap_or_default().to_owned();
        let reason = words.collect::<Vec<_>>().join(" ");
        let kind = match kind {
            "ported" if !target.is_empty() => Kind::Ported(target),
            "na" if NA_CATEGORIES.iter().any(|(c, _)| *c == target) && !reason.is_empty() => {
                Kind::Na(target, reason)
            }
            "na" => {
                errors.push(format!(
                    "{table}:{line}: a `na` row needs a category ({}) and a reason",
                    NA_CATEGORIES
                        .iter()
                        .map(|(c, _)| *c)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                continue;
            }
            "differs" if target.starts_with("docs/") && !reason.is_empty() => {
                Kind::Differs(target, reason)
            }
            "differs" => {
                errors.push(format!(
                    "{table}:{line}: a `differs` row needs a docs link (docs/<page>.md#anchor) and a reason"
                ));
                continue;
            }
            "todo" => Kind::Todo([target, reason].join(" ").trim().to_owned()),
            "ported" => {
                errors.push(format!(
                    "{table}:{line}: a `ported` row needs its Rust test"
                ));
                continue;
            }
            other => {
                errors.push(format!(
                    "{table}:{line}: unknown kind '{other}' (ported, na, differs, todo)"
                ));
                continue;
            }
        };
        rows.push(Row {
            file: file.name,
            class,
            method,
            kind,
            line,
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Every table, parsed; the problems when one is missing or malformed.
pub fn load_tables() -> Result<Vec<Row>, Vec<String>> {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for file in FILES {
        match std::fs::read_to_string(file.table_path()) {
            Ok(text) => match parse_table(file, &text) {
                Ok(mut r) => rows.append(&mut r),
                Err(mut e) => errors.append(&mut e),
            },
            Err(e) => errors.push(format!("{}: {e}", file.table_path().display())),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// GitHub's anchor for a Markdown heading: lower case, spaces to dashes, punctuation dropped.
fn anchor_of(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Checks the table against itself, our ports and our docs: no key twice; each ported row's
/// Rust test exists and names its CPython test; each `// CPython:` line of a port has a
/// ported row; each docs link resolves. The problems found.
pub fn check_table(rows: &[Row]) -> Vec<String> {
    let root = root();
    let mut errors = Vec::new();
    let mut seen = BTreeSet::new();
    for row in rows {
        if !seen.insert(row.key()) {
            errors.push(format!("{} has two rows", row.key()));
        }
    }
    for file in FILES {
        let ports = std::fs::read_to_string(root.join(file.ports_path())).unwrap_or_default();
        let named = cpython_lines(&ports);
        let ported: BTreeMap<String, &Row> = rows
            .iter()
            .filter(|r| r.file == file.name)
            .filter(|r| matches!(r.kind, Kind::Ported(_)))
            .map(|r| (format!("{}.{}.{}", file.module(), r.class, r.method), r))
            .collect();
        for (name, row) in &ported {
            let Kind::Ported(path) = &row.kind else {
                continue;
            };
            match named.get(name) {
                None => errors.push(format!(
                    "{}: ported as {path}, but {} has no `// CPython: {name}` line",
                    row.key(),
                    file.ports_path()
                )),
                Some(Port { function, .. })
                    if !path.ends_with(&format!("::{function}")) && path != function =>
                {
                    errors.push(format!(
                        "{}: the table says {path}, but the test below `// CPython: {name}` is `{function}`",
                        row.key()
                    ))
                }
                Some(_) => {}
            }
        }
        for name in named.keys() {
            if !ported.contains_key(name) {
                errors.push(format!(
                    "{} ports {name}, which has no `ported` row in harness/conformance/{}.txt",
                    file.ports_path(),
                    file.stem
                ));
            }
        }
    }
    for row in rows {
        if let Kind::Differs(link, _) = &row.kind {
            let (page, anchor) = link.split_once('#').unwrap_or((link, ""));
            match std::fs::read_to_string(root.join(page)) {
                Err(_) => errors.push(format!("{}: no page {page}", row.key())),
                Ok(text) => {
                    let found = anchor.is_empty()
                        || text.lines().any(|l| {
                            l.starts_with('#') && anchor_of(l.trim_start_matches('#')) == anchor
                        });
                    if !found {
                        errors.push(format!("{}: {page} has no heading #{anchor}", row.key()));
                    }
                }
            }
        }
    }
    errors
}

/// The `// CPython: test_x.Class.method` lines of a ports file, each with the name of the
/// test function that follows it: the first `fn` under an attribute (`#[apply(runtimes)]`,
/// `#[test]`); the port's body function may come between.
fn cpython_lines(source: &str) -> BTreeMap<String, Port> {
    let mut found = BTreeMap::new();
    let mut pending: Vec<String> = Vec::new();
    let mut attributed = false;
    let mut ignored = false;
    for line in source.lines() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix("// CPython:") {
            pending.push(name.trim().to_owned());
            ignored = false;
        } else if let Some(rest) = t.strip_prefix("fn ").filter(|_| attributed) {
            let function: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            for name in pending.drain(..) {
                let port = Port {
                    function: function.clone(),
                    ignored,
                };
                found.insert(name, port);
            }
            ignored = false;
        }
        if !t.is_empty() {
            attributed = t.starts_with("#[");
            ignored |= t.starts_with("#[ignore");
        }
    }
    found
}

/// A port found in a ports file: its test function, and whether it is `#[ignore]`d (a
/// known library bug, named in the attribute).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Port {
    function: String,
    ignored: bool,
}

/// The ported rows whose test is `#[ignore]`d: known library bugs, each failing until the
/// library is fixed. Their keys.
pub fn ignored_ports(rows: &[Row]) -> Vec<String> {
    let root = root();
    let mut ignored = Vec::new();
    for file in FILES {
        let ports = std::fs::read_to_string(root.join(file.ports_path())).unwrap_or_default();
        let named = cpython_lines(&ports);
        for row in rows.iter().filter(|r| r.file == file.name) {
            let name = format!("{}.{}.{}", file.module(), row.class, row.method);
            if matches!(row.kind, Kind::Ported(_)) && named.get(&name).is_some_and(|p| p.ignored) {
                ignored.push(row.key());
            }
        }
    }
    ignored
}

/// The test methods in scope, from the CPython 3.13 sources on this machine, as
/// `(file, class, method)`; an error saying why they cannot be read.
pub fn cpython_methods() -> Result<Vec<(String, String, String)>, String> {
    let python = find_python((3, 13))
        .ok_or("CPython 3.13 not found (pyenv's 3.13.* or python3.13 on PATH)")?;
    let script = root().join("harness/conformance/methods.py");
    let scope: Vec<String> = FILES
        .iter()
        .map(|f| {
            if f.classes.is_empty() {
                f.name.to_owned()
            } else {
                format!("{}={}", f.name, f.classes.join(","))
            }
        })
        .collect();
    let out = Command::new(&python)
        .arg(&script)
        .args(&scope)
        .env_remove("PYENV_VERSION")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut methods = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let parts: Vec<&str> = line.split('\t').collect();
        match parts.as_slice() {
            ["missing", name, path] => {
                return Err(format!("CPython's {name} is not at {path}"));
            }
            [file, class, method] => methods.push((
                (*file).to_owned(),
                (*class).to_owned(),
                (*method).to_owned(),
            )),
            _ => return Err(format!("unexpected line from methods.py: {line}")),
        }
    }
    Ok(methods)
}

/// The outcome of one Rust test file: each test's full name and whether it passed; `Err`
/// with cargo's output when it did not build or run.
pub type PortResults = Result<BTreeMap<String, bool>, String>;

/// Runs one ports file (`cargo test -p aio-harness --test conformance <stem>::`: each file
/// is a module of the ports' test binary) and reads each test's outcome, named within
/// that module; an ignored test (a known library bug) counts as not passing.
pub fn run_ports(file: &CpythonFile) -> PortResults {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let module = format!("{}::", file.stem);
    let out = Command::new(cargo)
        .current_dir(root())
        .args([
            "test",
            "-q",
            "-p",
            "aio-harness",
            "--test",
            "conformance",
            "--",
            &module,
            "--format",
            "pretty",
        ])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut results = BTreeMap::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test ") else {
            continue;
        };
        if let Some((name, outcome)) = rest.rsplit_once(" ... ") {
            let name = name.strip_prefix(&module).unwrap_or(name);
            results.insert(name.to_owned(), outcome.trim() == "ok");
        }
    }
    if results.is_empty() && !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(results)
}

/// How many runtimes a ported test must pass on: all of them.
const RUNTIMES: usize = 5;

/// The counts of one run, and what failed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Test methods in scope (from CPython's sources, or our table without them).
    pub in_scope: usize,
    /// Rows that classify a method in scope: ported, na or differs.
    pub classified: usize,
    /// Ported rows whose test passed on every runtime (or, in table-only mode, ported rows).
    pub passing: usize,
    /// Not applicable.
    pub na: usize,
    /// Documented differences.
    pub differs: usize,
    /// Applicable, not yet ported.
    pub todo: usize,
    /// In table-only mode: ported rows whose test is `#[ignore]`d as a known library bug
    /// (not counted as passing; a full run counts them as failing).
    pub known_bugs: Vec<String>,
    /// What is wrong, one line each: unclassified methods, failing ports, table problems.
    pub problems: Vec<String>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "conformance: {} in scope, {} classified, {} ported and passing on every runtime, {} not applicable, {} documented differences",
            self.in_scope, self.classified, self.passing, self.na, self.differs
        )
    }
}

/// Joins the table with CPython's methods (`None`: not available) and the ports' results
/// (`None`: table-only), and counts.
pub fn summarise(
    rows: &[Row],
    methods: Option<&[(String, String, String)]>,
    results: Option<&BTreeMap<&'static str, PortResults>>,
) -> Summary {
    let mut summary = Summary {
        problems: check_table(rows),
        ..Summary::default()
    };
    let by_key: BTreeMap<String, &Row> = rows.iter().map(|r| (r.key(), r)).collect();
    let ignored = ignored_ports(rows);
    let in_scope: Vec<String> = match methods {
        Some(methods) => methods
            .iter()
            .map(|(f, c, m)| format!("{f}::{c}::{m}"))
            .collect(),
        None => rows.iter().map(Row::key).collect(),
    };
    summary.in_scope = in_scope.len();
    let scope: BTreeSet<&String> = in_scope.iter().collect();
    for key in &in_scope {
        let Some(row) = by_key.get(key) else {
            summary
                .problems
                .push(format!("{key} is not classified (no row in our table)"));
            continue;
        };
        match &row.kind {
            Kind::Na(..) => summary.na += 1,
            Kind::Differs(..) => summary.differs += 1,
            Kind::Todo(_) => summary.todo += 1,
            Kind::Ported(path) => match results {
                None if ignored.contains(key) => summary.known_bugs.push(key.clone()),
                None => summary.passing += 1,
                Some(results) => {
                    let file = FILES.iter().find(|f| f.name == row.file);
                    let outcome = file.and_then(|f| results.get(f.stem));
                    match outcome {
                        Some(Ok(tests)) => {
                            let cases: Vec<bool> = tests
                                .iter()
                                .filter(|(name, _)| {
                                    *name == path || name.starts_with(&format!("{path}::"))
                                })
                                .map(|(_, ok)| *ok)
                                .collect();
                            if cases.len() == RUNTIMES && cases.iter().all(|ok| *ok) {
                                summary.passing += 1;
                            } else {
                                let passed = cases.iter().filter(|ok| **ok).count();
                                summary.problems.push(format!(
                                    "{key}: {path} passed on {passed} of {RUNTIMES} runtimes"
                                ));
                            }
                        }
                        Some(Err(_)) | None => summary
                            .problems
                            .push(format!("{key}: {path} did not build or run")),
                    }
                }
            },
        }
        if !matches!(row.kind, Kind::Todo(_)) {
            summary.classified += 1;
        }
    }
    for row in rows {
        if !scope.contains(&row.key()) {
            summary.problems.push(format!(
                "{} (harness/conformance line {}) is not a test method in CPython's sources",
                row.key(),
                row.line
            ));
        }
    }
    summary
}

/// `docs/conformance.md`: per file the counts, per test method its row.
pub fn render(rows: &[Row], generated: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{generated}\n");
    out.push_str("# Conformance: CPython's asyncio tests, ported\n\n");
    out.push_str(
        "Our scenarios are written by the same hands as the library; CPython's own test suite \
         is the outside judge. Every test method of the files below (CPython 3.13) has one row \
         in `harness/conformance/<file>.txt`: **ported** (a Rust test in \
         `harness/tests/conformance/<file>.rs`, run on all five runtimes in virtual time, \
         checking the same behaviour and the same assertions through our public API), \
         **not applicable** (a category and a reason), **differs** (a link to where our docs \
         explain it), or **to do** (applicable, not yet ported). `aio conformance` lists the \
         methods from the CPython sources on the machine, joins them with the tables, runs the \
         ports and prints the counts; it fails on an unclassified method or a failing port.\n\n",
    );
    out.push_str("Categories of *not applicable*:\n\n");
    for (category, meaning) in NA_CATEGORIES {
        let _ = writeln!(out, "- `{category}`: {meaning}");
    }
    out.push_str("\n## Counts\n\n| CPython file | methods | ported | not applicable | differs | to do |\n|---|---|---|---|---|---|\n");
    let count =
        |rows: &[&Row], pick: fn(&Kind) -> bool| rows.iter().filter(|r| pick(&r.kind)).count();
    let mut totals = [0usize; 5];
    for file in FILES {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.file == file.name).collect();
        let n = [
            mine.len(),
            count(&mine, |k| matches!(k, Kind::Ported(_))),
            count(&mine, |k| matches!(k, Kind::Na(..))),
            count(&mine, |k| matches!(k, Kind::Differs(..))),
            count(&mine, |k| matches!(k, Kind::Todo(_))),
        ];
        for (total, n) in totals.iter_mut().zip(n) {
            *total += n;
        }
        let _ = writeln!(
            out,
            "| [{}](#{}) | {} | {} | {} | {} | {} |",
            file.name,
            anchor_of(file.name),
            n[0],
            n[1],
            n[2],
            n[3],
            n[4]
        );
    }
    let _ = writeln!(
        out,
        "| total | {} | {} | {} | {} | {} |",
        totals[0], totals[1], totals[2], totals[3], totals[4]
    );
    let ignored = ignored_ports(rows);
    if !ignored.is_empty() {
        let _ = writeln!(
            out,
            "\nPorted, and ignored as known library bugs (the port states the bug in its `#[ignore]`):\n"
        );
        for key in &ignored {
            let _ = writeln!(out, "- `{key}`");
        }
    }
    for file in FILES {
        let _ = writeln!(out, "\n## {}\n", file.name);
        let _ = writeln!(
            out,
            "`{}`{}; our ports: `{}`.",
            file.location(),
            if file.classes.is_empty() {
                String::new()
            } else {
                format!(" (in scope: {})", file.classes.join(", "))
            },
            file.ports_path()
        );
        let mut class = None;
        for row in rows.iter().filter(|r| r.file == file.name) {
            if class != Some(&row.class) {
                let _ = writeln!(
                    out,
                    "\n### {}\n\n| method | row | |\n|---|---|---|",
                    row.class
                );
                class = Some(&row.class);
            }
            let (kind, detail) = match &row.kind {
                Kind::Ported(path) if ignored.contains(&row.key()) => (
                    "ported, ignored: known library bug".to_owned(),
                    format!("`{path}`"),
                ),
                Kind::Ported(path) => ("ported".to_owned(), format!("`{path}`")),
                Kind::Na(category, reason) => {
                    (format!("not applicable: {category}"), reason.clone())
                }
                Kind::Differs(link, reason) => (
                    "differs".to_owned(),
                    format!(
                        "[{}]({}): {reason}",
                        link.trim_start_matches("docs/"),
                        link.trim_start_matches("docs/")
                    ),
                ),
                Kind::Todo(note) => ("to do".to_owned(), note.clone()),
            };
            let _ = writeln!(out, "| `{}` | {kind} | {detail} |", row.method);
        }
    }
    out
}

/// `docs/conformance.md` from the committed tables; a page saying what is wrong when a
/// table does not parse (so that `aio docs --check` fails on it).
pub fn page(generated: &str) -> String {
    match load_tables() {
        Ok(rows) => render(&rows, generated),
        Err(errors) => format!(
            "{generated}\n\n# Conformance\n\nThe tables do not parse:\n\n{}\n",
            errors.join("\n")
        ),
    }
}

/// Whether the ports file of `file` exists.
pub fn has_ports(file: &CpythonFile) -> bool {
    Path::new(&root()).join(file.ports_path()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCKS: CpythonFile = CpythonFile::new("test_locks.py", &[], "locks");

    #[test]
    fn parses_each_kind_and_rejects_bad_rows() {
        let text = "# c\n[LockTests]\ntest_a  ported  lock_tests::test_a\ntest_b  na  repr  the repr of a Lock\ntest_c  differs  docs/sync.md#x  ours waits\ntest_d  todo\n";
        let rows = parse_table(&LOCKS, text).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0].key(), "test_locks.py::LockTests::test_a");
        assert_eq!(
            rows[1].kind,
            Kind::Na("repr".into(), "the repr of a Lock".into())
        );
        assert_eq!(rows[3].kind, Kind::Todo(String::new()));
        assert!(parse_table(&LOCKS, "[A]\ntest_a  na  unknown  why\n").is_err());
        assert!(parse_table(&LOCKS, "[A]\ntest_a  na  repr\n").is_err());
        assert!(parse_table(&LOCKS, "[A]\ntest_a  differs  sync.md#x  why\n").is_err());
        assert!(parse_table(&LOCKS, "test_a  todo\n").is_err());
    }

    #[test]
    fn finds_the_function_below_each_cpython_line() {
        let src = "mod lock_tests {\n    // CPython: test_locks.LockTests.test_a\n    fn a<R>(rt: R) {}\n\n    #[apply(runtimes)]\n    fn test_a(kind: RuntimeKind) {}\n}\n";
        let found = cpython_lines(src);
        assert_eq!(
            found.get("test_locks.LockTests.test_a"),
            Some(&Port {
                function: "test_a".to_owned(),
                ignored: false
            })
        );
        let ignored = "// CPython: test_x.C.test_b\nasync fn b() {}\n#[apply(runtimes)]\n#[ignore = \"library bug\"]\nfn test_b(kind: RuntimeKind) {}\n";
        assert!(
            cpython_lines(ignored)
                .get("test_x.C.test_b")
                .unwrap()
                .ignored
        );
    }

    #[test]
    fn anchors_follow_github() {
        assert_eq!(
            anchor_of(" Lock: release wakes one"),
            "lock-release-wakes-one"
        );
        assert_eq!(anchor_of("test_locks.py"), "test_lockspy");
    }

    #[test]
    fn an_unclassified_method_is_a_problem() {
        let rows = parse_table(&LOCKS, "[LockTests]\ntest_a  todo\n").unwrap();
        let methods = vec![
            (
                "test_locks.py".to_owned(),
                "LockTests".to_owned(),
                "test_a".to_owned(),
            ),
            (
                "test_locks.py".to_owned(),
                "LockTests".to_owned(),
                "test_b".to_owned(),
            ),
        ];
        let summary = summarise(&rows, Some(&methods), None);
        assert_eq!(summary.in_scope, 2);
        assert_eq!(summary.classified, 0);
        assert_eq!(summary.todo, 1);
        assert!(
            summary
                .problems
                .iter()
                .any(|p| p.contains("test_b is not classified"))
        );
    }
}
