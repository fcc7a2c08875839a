//! `aio`: asyncio-rosetta's command line (clap: `aio --help`, `aio <command> --help`).
//!
//! ```text
//! aio compare [NAME ...] [--runtime R ...] [--real-time]   the matrix: scenario x runtime, with CPython
//! aio list                                                  the scenarios by concept
//! aio docs [--check]                                        write docs/ and the book's source (or fail, naming the stale files)
//! aio oracle [--check] [NAME ...]                           re-run the CPython twins, write (or check) their traces
//! aio flake-check N [--busy]                                run `cargo test --workspace` N times in a row
//! aio bench [--quick] [--runtime R ...] [NAME ...]          benchmarks: ours vs native vs CPython
//! aio fuzz [--programs N] [--seed S] [--runtime R ...]      generated programs: CPython vs every runtime
//! aio conformance [--table-only] [--allow-todo]            CPython's asyncio tests: classified, ported, run
//! aio completions SHELL                                     a completion script for bash, zsh, fish, ...
//! ```
//!
//! Exit status: 0 on success, 1 when a parity scenario differs (compare) or something is
//! stale (`--check`), 2 on bad usage (clap's usage errors, a misspelt name with its
//! suggestion).

use std::ffi::OsStr;
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;
use clap::{CommandFactory, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use aio_harness::bench::{self, Variant, WORKLOADS};
use aio_harness::{
    CONCEPTS, Group, Mode, RuntimeKind, compare, conformance, docs, errors, oracle, registry,
    select,
};

/// asyncio-rosetta: Python's asyncio in Rust, checked against CPython on every runtime.
#[derive(Debug, Parser)]
#[command(
    name = "aio",
    version,
    arg_required_else_help = true,
    after_help = "NAME is a scenario or a concept (see 'aio list'); R is a runtime.\n\
                  Exit status: 0 on success, 1 when a parity scenario differs or something is stale, 2 on bad usage."
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Every scenario on every runtime beside CPython: the matrix, then each difference's diff
    ///
    /// Exit 1 when a parity scenario differs from CPython on some runtime.
    Compare {
        /// Scenarios or concepts to run (default: all; see 'aio list')
        #[arg(value_name = "NAME", value_parser = scenario_names(), hide_possible_values = true)]
        names: Vec<String>,
        /// A runtime to run on (repeat for several; default: all of them)
        #[arg(long = "runtime", value_name = "R")]
        runtimes: Vec<RuntimeKind>,
        /// Run on the wall clock (50 ms ticks) instead of virtual time
        #[arg(long)]
        real_time: bool,
    },
    /// The scenarios by concept, with their descriptions
    List,
    /// Write docs/ and the book's source (book/src/) from the scenarios, snapshots and oracle traces
    Docs {
        /// Write nothing; exit 1 naming the files of docs/ that are stale (book/src/ is not committed, so not checked)
        #[arg(long)]
        check: bool,
    },
    /// Re-run the CPython twins and write their traces (review the diff), then check the error catalogue
    Oracle {
        /// Write nothing; exit 1 when a committed trace is stale (skipped without python3 >= 3.11)
        #[arg(long)]
        check: bool,
        /// Scenarios or concepts (default: all; see 'aio list')
        #[arg(value_name = "NAME", value_parser = scenario_names(), hide_possible_values = true)]
        names: Vec<String>,
    },
    /// Run `cargo test --workspace` N times in a row; any failure fails (a flaky test is a bug)
    FlakeCheck {
        /// How many runs
        #[arg(value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        runs: u32,
        /// Keep the other core busy with a spinning thread meanwhile
        #[arg(long)]
        busy: bool,
    },
    /// Benchmarks: ours vs the native equivalent vs CPython, on every runtime
    ///
    /// A complete run (no NAME, no --runtime) writes docs/performance.md.
    Bench {
        /// Fewer operations and repetitions
        #[arg(long)]
        quick: bool,
        /// A runtime to measure on (repeat for several; default: all of them)
        #[arg(long = "runtime", value_name = "R")]
        runtimes: Vec<RuntimeKind>,
        /// Workloads or families to run (default: all)
        #[arg(value_name = "NAME", value_parser = workload_names(), hide_possible_values = true)]
        names: Vec<String>,
    },
    /// Differential fuzzing: generated programs run by CPython and by every runtime
    ///
    /// Each difference is shrunk to a minimal program written to the corpus.
    Fuzz(aio_harness::fuzz::cli::Args),
    /// CPython's own asyncio tests: classified, ported, run (`conformance: ...` summary)
    ///
    /// Exit 1 on an unclassified method, a failing port, a table problem, or (without
    /// --allow-todo) a row still to do.
    Conformance {
        /// Check the table only; do not run the ported tests
        #[arg(long)]
        table_only: bool,
        /// Do not fail on rows still to do
        #[arg(long)]
        allow_todo: bool,
    },
    /// Print a shell completion script (e.g. `aio completions bash > ~/.local/share/bash-completion/completions/aio`)
    Completions {
        /// The shell
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// The child process of the `task_memory` workload (internal)
    #[command(name = "__bench-memory", hide = true)]
    BenchMemory {
        /// The runtime
        kind: String,
        /// ours, ours-create-task or native
        variant: String,
        /// How many tasks
        n: String,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Cmd::Compare {
            names,
            runtimes,
            real_time,
        } => cmd_compare(&names, runtimes, real_time),
        Cmd::List => cmd_list(),
        Cmd::Docs { check } => cmd_docs(check),
        Cmd::Oracle { check, names } => cmd_oracle(check, &names),
        Cmd::FlakeCheck { runs, busy } => cmd_flake_check(runs, busy),
        Cmd::Bench {
            quick,
            runtimes,
            names,
        } => cmd_bench(quick, runtimes, &names),
        Cmd::Fuzz(args) => aio_harness::fuzz::cli::main(args),
        Cmd::Conformance {
            table_only,
            allow_todo,
        } => cmd_conformance(table_only, allow_todo),
        Cmd::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "aio", &mut script);
            emit(&String::from_utf8_lossy(&script))
        }
        Cmd::BenchMemory { kind, variant, n } => cmd_bench_memory(&kind, &variant, &n),
    }
}

/// A name checked against a list known only at run time (the scenarios, the benchmark
/// workloads): a misspelt one is a usage error (exit 2) with the nearest name as a
/// suggestion; the list also feeds the shell completions.
#[derive(Clone, Copy, Debug)]
struct NameParser {
    /// What the names are, for the error ("scenario or concept").
    what: &'static str,
    /// Where to find them, for the error.
    hint: &'static str,
    names: fn() -> Vec<&'static str>,
}

fn scenario_names() -> NameParser {
    NameParser {
        what: "scenario or concept",
        hint: "try 'aio list'",
        names: || {
            let mut names: Vec<&'static str> = registry().iter().map(|s| s.name).collect();
            names.extend(CONCEPTS.iter().map(|c| c.name));
            names
        },
    }
}

fn workload_names() -> NameParser {
    NameParser {
        what: "workload or family",
        hint: "see 'aio bench --help'",
        names: || {
            let mut names: Vec<&'static str> = WORKLOADS.iter().map(|w| w.name).collect();
            for w in WORKLOADS {
                if !names.contains(&w.family) {
                    names.push(w.family);
                }
            }
            names
        },
    }
}

/// The known name nearest to `name`, if one is near enough to be a misspelling.
fn suggest<'a>(name: &str, names: &[&'a str]) -> Option<&'a str> {
    names
        .iter()
        .map(|n| (strsim::jaro_winkler(name, n), *n))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}

impl TypedValueParser for NameParser {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<String, clap::Error> {
        let Some(value) = value.to_str() else {
            return Err(clap::Error::new(ErrorKind::InvalidUtf8).with_cmd(cmd));
        };
        let names = (self.names)();
        if names.contains(&value) {
            return Ok(value.to_owned());
        }
        let arg = arg.map_or_else(|| "NAME".to_owned(), ToString::to_string);
        let near = suggest(value, &names)
            .map(|n| format!("; did you mean '{n}'?"))
            .unwrap_or_default();
        let message = format!(
            "invalid value '{value}' for '{arg}': no {} '{value}'{near} ({})\n\n\
             For more information, try '--help'.\n",
            self.what, self.hint
        );
        Err(clap::Error::raw(ErrorKind::InvalidValue, message).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new((self.names)().into_iter().map(PossibleValue::new)))
    }
}

/// A progress bar on stderr for a long run of `len` steps; indicatif hides it when stderr
/// is not a terminal, so logs and CI see only the results.
fn progress_bar(len: usize, unit: &str) -> ProgressBar {
    let bar = ProgressBar::new(len as u64);
    let template = format!("{{bar:30}} {{pos}}/{{len}} {unit} {{msg}} [{{elapsed}}]");
    bar.set_style(
        ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

fn cmd_compare(names: &[String], mut runtimes: Vec<RuntimeKind>, real_time: bool) -> ExitCode {
    let mode = if real_time { Mode::Real } else { Mode::Virtual };
    let scenarios = match select(names) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("aio: {e}");
            return ExitCode::from(2);
        }
    };
    if runtimes.is_empty() {
        runtimes = RuntimeKind::ALL.to_vec();
    }
    // Some scenarios panic on purpose, and every panic a run did not expect is reported in
    // the matrix with its message: the default hook's output would only be noise.
    std::panic::set_hook(Box::new(|_| {}));
    let bar = progress_bar(scenarios.len(), "scenarios");
    let mut done = 0;
    let report = compare::compare(&scenarios, &runtimes, mode, |name| {
        bar.set_position(done);
        bar.set_message(name.to_owned());
        done += 1;
    });
    bar.finish_and_clear();
    print!("{}", compare::render(&report));
    if report.parity_failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn cmd_list() -> ExitCode {
    use std::fmt::Write as _;
    let all = registry();
    let mut out = String::new();
    for concept in CONCEPTS {
        let scenarios: Vec<_> = all.iter().filter(|s| s.concept == concept.name).collect();
        if scenarios.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "{} ({}): {}",
            concept.name, concept.title, concept.summary
        );
        let width = scenarios.iter().map(|s| s.name.len()).max().unwrap_or(0);
        for s in scenarios {
            let group = if s.group == Group::Differences {
                " [differences]"
            } else {
                ""
            };
            let _ = writeln!(out, "  {:<width$}  {}{group}", s.name, s.description);
        }
        out.push('\n');
    }
    emit(&out)
}

/// Writes `text` to stdout. A reader that stops early (`aio list | head`) closes the pipe:
/// that is not an error, so it ends quietly, where `println!` would panic.
fn emit(text: &str) -> ExitCode {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("aio: cannot write to stdout: {e}");
            ExitCode::FAILURE
        }
    }
}

fn cmd_docs(check: bool) -> ExitCode {
    if check {
        let stale = docs::stale();
        if stale.is_empty() {
            println!("docs/ is up to date");
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "aio: docs/ is stale; run `just docs` (or `cargo run -p aio-harness -- docs`) and commit:"
        );
        for path in stale {
            eprintln!("  {}", path.display());
        }
        return ExitCode::from(1);
    }
    match docs::write() {
        Ok(changed) => {
            for path in &changed {
                println!("wrote {}", path.display());
            }
            if changed.is_empty() {
                println!("docs/ is up to date");
            }
        }
        Err(e) => {
            eprintln!("aio: cannot write docs/: {e}");
            return ExitCode::from(1);
        }
    }
    match docs::write_book() {
        Ok((dir, pages)) => {
            let dir = dir.strip_prefix(docs::root()).unwrap_or(&dir);
            println!(
                "wrote {} ({pages} pages; `just book` builds the site)",
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("aio: cannot write the book's source: {e}");
            ExitCode::from(1)
        }
    }
}

/// `aio conformance`: joins CPython's test methods with our table, runs the ports (unless
/// `--table-only`), prints the one-line summary; exit 1 on an unclassified method, a
/// failing port, a table problem, or (without `--allow-todo`) a row still to do.
fn cmd_conformance(table_only: bool, allow_todo: bool) -> ExitCode {
    let rows = match conformance::load_tables() {
        Ok(rows) => rows,
        Err(errors) => {
            for e in errors {
                eprintln!("aio: {e}");
            }
            return ExitCode::from(1);
        }
    };
    let methods = match conformance::cpython_methods() {
        Ok(methods) => Some(methods),
        Err(e) => {
            println!("aio conformance: {e}; checking our table only");
            None
        }
    };
    let results = (!table_only).then(|| {
        let files: Vec<_> = conformance::FILES
            .iter()
            .filter(|f| conformance::has_ports(f))
            .collect();
        let bar = progress_bar(files.len(), "files of ports");
        let results = files
            .into_iter()
            .map(|f| {
                bar.set_message(f.stem);
                bar.suspend(|| {
                    eprintln!(
                        "aio conformance: running harness/tests/conformance/{}.rs",
                        f.stem
                    )
                });
                let result = (f.stem, conformance::run_ports(f));
                bar.inc(1);
                result
            })
            .collect();
        bar.finish_and_clear();
        results
    });
    let summary = conformance::summarise(&rows, methods.as_deref(), results.as_ref());
    for problem in &summary.problems {
        eprintln!("aio: {problem}");
    }
    println!("{summary}");
    if table_only {
        println!("aio conformance: table only; the ported tests were not run");
        for key in &summary.known_bugs {
            println!("aio conformance: {key}: its port is ignored as a known library bug");
        }
    }
    if summary.todo > 0 {
        println!(
            "conformance: {} to do (applicable, not yet ported)",
            summary.todo
        );
    }
    if !summary.problems.is_empty() || (summary.todo > 0 && !allow_todo) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn cmd_oracle(check: bool, names: &[String]) -> ExitCode {
    let scenarios = match select(names) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("aio: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = oracle::python_version() {
        if check {
            println!("aio oracle --check: skipped ({e})");
            return ExitCode::SUCCESS;
        }
        eprintln!("aio: {e}");
        return ExitCode::from(1);
    }
    let mut bad = 0;
    for s in scenarios.iter().filter(|s| s.group == Group::Parity) {
        let live = match oracle::run(s) {
            Ok(trace) => trace,
            Err(e @ oracle::OracleError::NoInterpreter { .. }) => {
                println!("aio oracle: {} skipped: {e}", s.name);
                continue;
            }
            Err(e) => {
                eprintln!("aio: {}: {e}", s.name);
                bad += 1;
                continue;
            }
        };
        let committed = oracle::committed(s);
        if committed.as_deref() == Some(live.as_str()) {
            continue;
        }
        if check {
            eprintln!(
                "aio: {} is stale: CPython now prints something else; run `just oracle` and review",
                oracle::trace_file(s).display()
            );
            bad += 1;
        } else if let Err(e) = std::fs::write(oracle::trace_file(s), &live) {
            eprintln!("aio: cannot write {}: {e}", oracle::trace_file(s).display());
            bad += 1;
        } else {
            println!("wrote {}", oracle::trace_file(s).display());
        }
    }
    if bad == 0 {
        println!(
            "oracle traces {}",
            if check { "are up to date" } else { "written" }
        );
    }
    if names.is_empty() {
        bad += check_catalogue();
    }
    if bad > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs every error-catalogue snippet on CPython against its Rust error; the number of
/// failures (rows that differ, or the runner failing).
fn check_catalogue() -> usize {
    match errors::verify() {
        Ok(verified) => {
            for line in &verified.skipped {
                println!("aio oracle: catalogue row skipped: {line}");
            }
            for line in &verified.differences {
                eprintln!("aio: catalogue row differs from CPython: {line}");
            }
            println!(
                "error catalogue: {} rows agree with CPython, {} differ, {} skipped",
                verified.same,
                verified.differences.len(),
                verified.skipped.len()
            );
            verified.differences.len()
        }
        Err(e) => {
            eprintln!("aio: error catalogue: {e}");
            1
        }
    }
}

/// Runs the whole test suite `N` times in a row (optionally with a thread spinning on the
/// other core), and fails if any run fails: a flaky test is a bug.
/// What a failed `cargo test` run says about its failures: each `FAILED` line, and each
/// panic with its message (the lines after "panicked at", up to the blank line that ends
/// it), so that a flake seen once can be understood and replayed.
fn failure_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut in_panic = 0;
    for line in text.lines() {
        if line.contains("panicked at") {
            in_panic = 12;
            lines.push(line);
        } else if in_panic > 0 && !line.trim().is_empty() {
            in_panic -= 1;
            lines.push(line);
        } else {
            in_panic = 0;
            if line.contains("FAILED") {
                lines.push(line);
            }
        }
        if lines.len() >= 60 {
            break;
        }
    }
    lines
}

fn cmd_flake_check(runs: u32, busy: bool) -> ExitCode {
    let cargo = || {
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.current_dir(docs::root())
            .args(["test", "--workspace", "-q"]);
        cmd
    };
    println!("building the tests once...");
    match cargo().arg("--no-run").status() {
        Ok(status) if status.success() => {}
        _ => {
            eprintln!("aio: the tests do not build");
            return ExitCode::from(1);
        }
    }
    let stop = Arc::new(AtomicBool::new(false));
    let spinner = busy.then(|| {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut x = 0u64;
            while !stop.load(Ordering::Relaxed) {
                x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
            }
        })
    });
    let mut times = Vec::new();
    let mut failures = 0;
    let bar = progress_bar(runs as usize, "runs");
    for i in 1..=runs {
        bar.set_message(format!("{failures} failed"));
        let start = Instant::now();
        let out = cargo().output();
        let elapsed = start.elapsed();
        times.push(elapsed);
        bar.inc(1);
        match out {
            Ok(out) if out.status.success() => {
                bar.suspend(|| println!("run {i}/{runs}: ok in {:.2} s", elapsed.as_secs_f64()))
            }
            Ok(out) => {
                failures += 1;
                let text =
                    String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
                bar.suspend(|| {
                    println!("run {i}/{runs}: FAILED in {:.2} s", elapsed.as_secs_f64());
                    println!("{}", failure_lines(&text).join("\n"));
                });
            }
            Err(e) => {
                bar.abandon();
                eprintln!("aio: cannot run cargo: {e}");
                return ExitCode::from(1);
            }
        }
    }
    bar.finish_and_clear();
    stop.store(true, Ordering::Relaxed);
    if let Some(spinner) = spinner {
        let _ = spinner.join();
    }
    times.sort();
    println!(
        "flake-check: {runs} runs{}, {failures} failed; wall time per run: min {:.2} s, median {:.2} s, max {:.2} s",
        if busy {
            " with the other core busy"
        } else {
            ""
        },
        times[0].as_secs_f64(),
        times[times.len() / 2].as_secs_f64(),
        times[times.len() - 1].as_secs_f64()
    );
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn cmd_bench(quick: bool, mut runtimes: Vec<RuntimeKind>, names: &[String]) -> ExitCode {
    let complete = names.is_empty() && runtimes.is_empty();
    if runtimes.is_empty() {
        runtimes = RuntimeKind::ALL.to_vec();
    }
    let workloads: Vec<&'static bench::Workload> = WORKLOADS
        .iter()
        .filter(|w| names.is_empty() || names.iter().any(|n| w.name == n || w.family == n))
        .collect();
    let reps = if quick { 3 } else { 7 };
    let python = oracle::python_version().is_ok();
    let uvloop = python && bench::has_uvloop();
    let mut jobs: Vec<(&'static bench::Workload, Option<RuntimeKind>)> = Vec::new();
    for w in &workloads {
        for &kind in &runtimes {
            if w.runtimes
                .unwrap_or(RuntimeKind::THIRD_PARTY)
                .contains(&kind)
            {
                jobs.push((w, Some(kind)));
            }
        }
        if python && w.python.is_some() {
            jobs.push((w, None));
        }
    }
    let started = Instant::now();
    let mut results = bench::Results {
        quick,
        ..Default::default()
    };
    let bar = progress_bar(jobs.len(), "runs");
    for (w, kind) in &jobs {
        bar.set_message(format!(
            "{} {}",
            w.name,
            kind.map_or("cpython", RuntimeKind::name)
        ));
        match kind {
            Some(kind) => results.rows.push(bench::measure(w, *kind, quick, reps)),
            None => {
                let script = w.python.unwrap_or_default();
                let n = if quick { w.size.1 } else { w.size.0 };
                for loop_name in ["asyncio", "uvloop"]
                    .into_iter()
                    .filter(|l| *l == "asyncio" || uvloop)
                {
                    match bench::measure_python(
                        script,
                        n,
                        loop_name,
                        if quick { 1 } else { reps.min(5) },
                    ) {
                        Ok(stats) => results.python.push(bench::PythonRow {
                            workload: w,
                            loop_name,
                            stats,
                        }),
                        Err(e) => bar.suspend(|| eprintln!("aio: {script}.py on {loop_name}: {e}")),
                    }
                }
            }
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    print!("{}", bench::render_terminal(&results));
    if !python {
        println!("(no python3 >= 3.11: the CPython column is empty)");
    }
    println!("took {:.1} s", started.elapsed().as_secs_f64());
    if complete {
        match bench::write_docs(&results) {
            Ok(paths) => {
                for p in paths {
                    println!("wrote {}", p.display());
                }
            }
            Err(e) => {
                eprintln!("aio: cannot write docs/performance.md: {e}");
                return ExitCode::from(1);
            }
        }
    } else {
        println!(
            "(a partial run: docs/performance.md is written only by a run of every workload on every runtime)"
        );
    }
    ExitCode::SUCCESS
}

/// The child process of the `task_memory` workload.
fn cmd_bench_memory(kind: &str, variant: &str, n: &str) -> ExitCode {
    let (Ok(kind), Ok(n)) = (kind.parse::<RuntimeKind>(), n.parse::<usize>()) else {
        return ExitCode::from(2);
    };
    let (variant, tasks) = match variant {
        "ours" => (Variant::Ours, bench::TaskKind::Spawn),
        "ours-create-task" => (Variant::Ours, bench::TaskKind::CreateTask),
        _ => (Variant::Native, bench::TaskKind::Spawn),
    };
    println!(
        "{}",
        bench::workloads_task_memory_child(kind, variant, tasks, n)
    );
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use clap::error::ErrorKind;
    use clap::{CommandFactory, Parser};

    use super::{Cli, failure_lines};

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_misspelt_scenario_is_a_usage_error_with_a_suggestion() {
        for line in [
            &["aio", "compare", "gahter"][..],
            &["aio", "oracle", "--check", "gahter"],
        ] {
            let e = Cli::try_parse_from(line).expect_err("a misspelt name is an error");
            assert_eq!(e.exit_code(), 2, "{line:?}");
            let text = e.to_string();
            assert!(
                text.contains("no scenario or concept 'gahter'; did you mean 'gather'?"),
                "{text}"
            );
        }
        let e = Cli::try_parse_from(["aio", "compare", "zzzzzz"]).expect_err("unknown");
        assert_eq!(e.exit_code(), 2);
        assert!(!e.to_string().contains("did you mean"), "{e}");
    }

    #[test]
    fn a_misspelt_runtime_or_workload_is_a_usage_error_with_a_suggestion() {
        let e = Cli::try_parse_from(["aio", "compare", "--runtime", "smoll"])
            .expect_err("a misspelt runtime is an error");
        assert_eq!((e.kind(), e.exit_code()), (ErrorKind::InvalidValue, 2));
        assert!(e.to_string().contains("'smol'"), "{e}");
        let e = Cli::try_parse_from(["aio", "bench", "lokc"]).expect_err("misspelt workload");
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("did you mean 'lock'?"), "{e}");
        let e = Cli::try_parse_from(["aio", "lsit"]).expect_err("misspelt command");
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("'list'"), "{e}");
    }

    #[test]
    fn every_subcommand_and_flag_has_help() {
        let cli = Cli::command();
        let mut seen = 0;
        for sub in cli.get_subcommands().filter(|s| !s.is_hide_set()) {
            let name = sub.get_name();
            assert!(sub.get_about().is_some(), "'aio {name}' has no help");
            for arg in sub.get_arguments() {
                assert!(
                    arg.get_help().is_some(),
                    "'aio {name}': {} has no help",
                    arg.get_id()
                );
            }
            let e = Cli::try_parse_from(["aio", name, "--help"]).expect_err("--help exits");
            assert_eq!(
                (e.kind(), e.exit_code()),
                (ErrorKind::DisplayHelp, 0),
                "{name}"
            );
            assert!(e.to_string().contains(&format!("Usage: aio {name}")), "{e}");
            seen += 1;
        }
        assert_eq!(
            seen, 9,
            "compare list docs oracle flake-check bench fuzz conformance completions"
        );
    }

    #[test]
    fn the_command_lines_of_the_justfile_and_ci_still_parse() {
        for line in [
            &["aio", "compare"][..],
            &[
                "aio",
                "compare",
                "gather",
                "sync",
                "--runtime",
                "tokio",
                "--runtime",
                "aio-loop",
                "--real-time",
            ],
            &["aio", "list"],
            &["aio", "docs"],
            &["aio", "docs", "--check"],
            &["aio", "oracle", "--check"],
            &["aio", "oracle", "gather"],
            &["aio", "flake-check", "30", "--busy"],
            &[
                "aio",
                "bench",
                "--quick",
                "--runtime",
                "tokio",
                "lock",
                "semaphore",
            ],
            &[
                "aio",
                "fuzz",
                "--programs",
                "460",
                "--seed",
                "1000",
                "--corpus",
                "target/fuzz-corpus",
            ],
            &[
                "aio",
                "fuzz",
                "--programs",
                "10000",
                "--seed",
                "1000",
                "--python",
                "3.11",
            ],
            &[
                "aio",
                "fuzz",
                "--replay",
                "x.py",
                "--python",
                "3.13",
                "--runtime",
                "smol",
            ],
            &["aio", "fuzz", "--print", "7"],
            &["aio", "conformance", "--table-only", "--allow-todo"],
            &["aio", "completions", "bash"],
            &["aio", "__bench-memory", "tokio", "ours", "1000"],
        ] {
            if let Err(e) = Cli::try_parse_from(line) {
                panic!("{line:?}: {e}");
            }
        }
        for line in [
            &["aio"][..],
            &["aio", "flake-check", "0"],
            &["aio", "flake-check"],
            &["aio", "list", "extra"],
            &["aio", "docs", "--chek"],
            &["aio", "fuzz", "--python", "3.10"],
        ] {
            let e = Cli::try_parse_from(line).expect_err("bad usage");
            assert_eq!(e.exit_code(), 2, "{line:?}: {e}");
        }
    }

    #[test]
    fn a_flake_report_keeps_the_panic_message() {
        let output = "running 2 tests\n\
            test a ... ok\n\
            test gather_under_random_cancellation ... FAILED\n\
            \n\
            thread 'gather' panicked at harness/tests/suite/stress.rs:200:5:\n\
            gather on smol: seed 17: values [1, 0] out of order\n\
            replay with STRESS_SEED=<seed>\n\
            \n\
            note: run with `RUST_BACKTRACE=1`\n\
            test result: FAILED. 1 passed; 1 failed\n";
        assert_eq!(
            failure_lines(output),
            [
                "test gather_under_random_cancellation ... FAILED",
                "thread 'gather' panicked at harness/tests/suite/stress.rs:200:5:",
                "gather on smol: seed 17: values [1, 0] out of order",
                "replay with STRESS_SEED=<seed>",
                "test result: FAILED. 1 passed; 1 failed",
            ]
        );
    }
}
