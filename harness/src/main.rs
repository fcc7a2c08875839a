//! `aio`: asyncio-rosetta's command line.
//!
//! ```text
//! aio compare [NAME ...] [--runtime R ...] [--real-time]   the matrix: scenario x runtime, with CPython
//! aio list                                                  the scenarios by concept
//! aio docs [--check]                                        write docs/ (or fail, naming the stale files)
//! aio oracle [--check] [NAME ...]                           re-run the CPython twins, write (or check) their traces
//! aio flake-check N [--busy]                                run `cargo test --workspace` N times in a row
//! aio bench [--quick] [--runtime R ...] [NAME ...]          benchmarks: ours vs native vs CPython
//! aio fuzz [--programs N] [--seed S] [--runtime R ...]      generated programs: CPython vs every runtime
//! aio conformance [--table-only] [--allow-todo]            CPython's asyncio tests: classified, ported, run
//! ```
//!
//! Exit status: 0 on success, 1 when a parity scenario differs (compare) or something is
//! stale (`--check`), 2 on bad usage.

use std::io::IsTerminal;
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use aio_harness::bench::{self, Variant, WORKLOADS};
use aio_harness::{
    CONCEPTS, Group, Mode, RuntimeKind, compare, conformance, docs, errors, oracle, registry,
    select,
};

const USAGE: &str = "usage:
  aio compare [NAME ...] [--runtime R ...] [--real-time]
  aio list
  aio docs [--check]
  aio oracle [--check] [NAME ...]
  aio flake-check N [--busy]
  aio bench [--quick] [--runtime R ...] [NAME ...]
  aio fuzz [--programs N] [--seed S] [--runtime R ...] [--python 3.11|3.13] [--corpus DIR] [--max-shrinks K]
  aio fuzz --replay FILE
  aio conformance [--table-only] [--allow-todo]

NAME is a scenario or a concept (see 'aio list'); R is a runtime";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match command.as_str() {
        "compare" => cmd_compare(rest),
        "list" => cmd_list(rest),
        "docs" => cmd_docs(rest),
        "oracle" => cmd_oracle(rest),
        "flake-check" => cmd_flake_check(rest),
        "bench" => cmd_bench(rest),
        "fuzz" => aio_harness::fuzz::cli::main(rest),
        "conformance" => cmd_conformance(rest),
        "__bench-memory" => cmd_bench_memory(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => usage_error(&format!("unknown command '{other}'")),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("aio: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

fn cmd_compare(args: &[String]) -> ExitCode {
    let mut names = Vec::new();
    let mut runtimes = Vec::new();
    let mut mode = Mode::Virtual;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--real-time" => mode = Mode::Real,
            "--runtime" => {
                let Some(name) = args.next() else {
                    return usage_error(&format!(
                        "--runtime needs a value; known runtimes: {}",
                        RuntimeKind::known_names()
                    ));
                };
                match name.parse::<RuntimeKind>() {
                    Ok(kind) => runtimes.push(kind),
                    Err(e) => {
                        eprintln!("aio: {e}");
                        return ExitCode::from(2);
                    }
                }
            }
            flag if flag.starts_with("--") => {
                return usage_error(&format!("unknown option '{flag}'"));
            }
            name => names.push(name.to_owned()),
        }
    }
    let scenarios = match select(&names) {
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
    let tty = std::io::stderr().is_terminal();
    let total = scenarios.len();
    let mut done = 0;
    let report = compare::compare(&scenarios, &runtimes, mode, |name| {
        done += 1;
        if tty {
            eprint!("\r\x1b[2K[{done}/{total}] {name}");
        }
    });
    if tty {
        eprint!("\r\x1b[2K");
    }
    print!("{}", compare::render(&report));
    if report.parity_failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn cmd_list(args: &[String]) -> ExitCode {
    if let Some(arg) = args.first() {
        return usage_error(&format!("'aio list' takes no arguments, got '{arg}'"));
    }
    let all = registry();
    for concept in CONCEPTS {
        let scenarios: Vec<_> = all.iter().filter(|s| s.concept == concept.name).collect();
        if scenarios.is_empty() {
            continue;
        }
        println!("{} ({}): {}", concept.name, concept.title, concept.summary);
        let width = scenarios.iter().map(|s| s.name.len()).max().unwrap_or(0);
        for s in scenarios {
            let group = if s.group == Group::Differences {
                " [differences]"
            } else {
                ""
            };
            println!("  {:<width$}  {}{group}", s.name, s.description);
        }
        println!();
    }
    ExitCode::SUCCESS
}

fn cmd_docs(args: &[String]) -> ExitCode {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        [other, ..] => return usage_error(&format!("unexpected argument '{other}'")),
    };
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
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("aio: cannot write docs/: {e}");
            ExitCode::from(1)
        }
    }
}

/// `aio conformance`: joins CPython's test methods with our table, runs the ports (unless
/// `--table-only`), prints the one-line summary; exit 1 on an unclassified method, a
/// failing port, a table problem, or (without `--allow-todo`) a row still to do.
fn cmd_conformance(args: &[String]) -> ExitCode {
    let mut table_only = false;
    let mut allow_todo = false;
    for arg in args {
        match arg.as_str() {
            "--table-only" => table_only = true,
            "--allow-todo" => allow_todo = true,
            other => return usage_error(&format!("unexpected argument '{other}'")),
        }
    }
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
        conformance::FILES
            .iter()
            .filter(|f| conformance::has_ports(f))
            .map(|f| {
                eprintln!(
                    "aio conformance: running harness/tests/conformance/{}.rs",
                    f.stem
                );
                (f.stem, conformance::run_ports(f))
            })
            .collect()
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

fn cmd_oracle(args: &[String]) -> ExitCode {
    let check = args.iter().any(|a| a == "--check");
    let names: Vec<String> = args.iter().filter(|a| *a != "--check").cloned().collect();
    if let Some(flag) = names.iter().find(|n| n.starts_with("--")) {
        return usage_error(&format!("unknown option '{flag}'"));
    }
    let scenarios = match select(&names) {
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

fn cmd_flake_check(args: &[String]) -> ExitCode {
    let busy = args.iter().any(|a| a == "--busy");
    let rest: Vec<&String> = args.iter().filter(|a| *a != "--busy").collect();
    let runs = match rest.as_slice() {
        [n] => match n.parse::<u32>() {
            Ok(n) if n > 0 => n,
            _ => {
                return usage_error(&format!(
                    "flake-check needs a positive number of runs, got '{n}'"
                ));
            }
        },
        _ => return usage_error("flake-check needs the number of runs"),
    };
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
    for i in 1..=runs {
        let start = Instant::now();
        let out = cargo().output();
        let elapsed = start.elapsed();
        times.push(elapsed);
        match out {
            Ok(out) if out.status.success() => {
                println!("run {i}/{runs}: ok in {:.2} s", elapsed.as_secs_f64())
            }
            Ok(out) => {
                failures += 1;
                println!("run {i}/{runs}: FAILED in {:.2} s", elapsed.as_secs_f64());
                let text =
                    String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
                println!("{}", failure_lines(&text).join("\n"));
            }
            Err(e) => {
                eprintln!("aio: cannot run cargo: {e}");
                return ExitCode::from(1);
            }
        }
    }
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

fn cmd_bench(args: &[String]) -> ExitCode {
    let mut quick = false;
    let mut names = Vec::new();
    let mut runtimes = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--runtime" => match args.next().map(|n| n.parse::<RuntimeKind>()) {
                Some(Ok(kind)) => runtimes.push(kind),
                Some(Err(e)) => {
                    eprintln!("aio: {e}");
                    return ExitCode::from(2);
                }
                None => {
                    return usage_error(&format!(
                        "--runtime needs a value; known runtimes: {}",
                        RuntimeKind::known_names()
                    ));
                }
            },
            flag if flag.starts_with("--") => {
                return usage_error(&format!("unknown option '{flag}'"));
            }
            name => names.push(name.to_owned()),
        }
    }
    for name in &names {
        if !WORKLOADS.iter().any(|w| w.name == name || w.family == name) {
            let known: Vec<&str> = WORKLOADS.iter().map(|w| w.name).collect();
            let mut families: Vec<&str> = WORKLOADS.iter().map(|w| w.family).collect();
            families.dedup();
            eprintln!(
                "aio: no workload or family '{name}'; workloads: {}; families: {}",
                known.join(", "),
                families.join(", ")
            );
            return ExitCode::from(2);
        }
    }
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
    for (i, (w, kind)) in jobs.iter().enumerate() {
        progress(
            i,
            jobs.len(),
            w.name,
            kind.map_or("cpython", RuntimeKind::name),
            started,
        );
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
                        Err(e) => eprintln!("\naio: {script}.py on {loop_name}: {e}"),
                    }
                }
            }
        }
    }
    progress(jobs.len(), jobs.len(), "done", "", started);
    eprintln!();
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

fn progress(done: usize, total: usize, what: &str, runtime: &str, started: Instant) {
    if !std::io::stderr().is_terminal() {
        return;
    }
    let width = 30;
    let filled = (done * width).checked_div(total).unwrap_or(width);
    eprint!(
        "\r\x1b[2K[{}{}] {done}/{total} {what} {runtime} ({:.0} s)",
        "#".repeat(filled),
        "-".repeat(width - filled),
        started.elapsed().as_secs_f64()
    );
}

/// The child process of the `task_memory` workload.
fn cmd_bench_memory(args: &[String]) -> ExitCode {
    let [kind, variant, n] = args else {
        return ExitCode::from(2);
    };
    let (Ok(kind), Ok(n)) = (kind.parse::<RuntimeKind>(), n.parse::<usize>()) else {
        return ExitCode::from(2);
    };
    let (variant, tasks) = match variant.as_str() {
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
    use super::failure_lines;

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
