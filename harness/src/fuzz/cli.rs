//! `aio fuzz`: the command line of the differential fuzzer.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};

use super::lang::Program;
use super::{
    PyOutcome, Verdict, apply_path, corpus_file, generator, judge, known, minimize, run_python,
};
use crate::{RuntimeKind, oracle};

/// The usage text of `aio fuzz`.
pub const USAGE: &str = "aio fuzz [--programs N] [--seed S] [--runtime R ...] [--python 3.11|3.13] [--corpus DIR] [--max-shrinks K]
  aio fuzz --replay FILE [--python 3.11|3.13]
  aio fuzz --print SEED   (the Python script of one generated program)";

/// How many programs one CPython process runs.
const BATCH: usize = 250;

struct Options {
    programs: u64,
    seed: u64,
    runtimes: Vec<RuntimeKind>,
    python: (u32, u32),
    corpus: PathBuf,
    max_shrinks: usize,
    replay: Option<PathBuf>,
    print: Option<u64>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        programs: 1000,
        seed: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        runtimes: Vec::new(),
        python: (3, 11),
        corpus: Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz-corpus"),
        max_shrinks: 5,
        replay: None,
        print: None,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{arg} needs a value"))
                .cloned()
        };
        match arg.as_str() {
            "--programs" => {
                let v = value()?;
                options.programs = v
                    .parse()
                    .map_err(|_| format!("--programs: '{v}' is not a number"))?;
            }
            "--seed" => {
                let v = value()?;
                options.seed = v
                    .parse()
                    .map_err(|_| format!("--seed: '{v}' is not a number"))?;
            }
            "--runtime" => {
                let v = value()?;
                options
                    .runtimes
                    .push(v.parse().map_err(|e| format!("{e}"))?);
            }
            "--python" => {
                let v = value()?;
                options.python = match v.as_str() {
                    "3.11" => (3, 11),
                    "3.12" => (3, 12),
                    "3.13" => (3, 13),
                    _ => return Err(format!("--python: '{v}' is not one of 3.11, 3.12, 3.13")),
                };
            }
            "--corpus" => options.corpus = PathBuf::from(value()?),
            "--max-shrinks" => {
                let v = value()?;
                options.max_shrinks = v
                    .parse()
                    .map_err(|_| format!("--max-shrinks: '{v}' is not a number"))?;
            }
            "--replay" => options.replay = Some(PathBuf::from(value()?)),
            "--print" => {
                let v = value()?;
                options.print = Some(
                    v.parse()
                        .map_err(|_| format!("--print: '{v}' is not a number"))?,
                );
            }
            other => return Err(format!("unexpected argument '{other}'")),
        }
    }
    if options.runtimes.is_empty() {
        options.runtimes = RuntimeKind::ALL.to_vec();
    }
    Ok(options)
}

/// Runs `aio fuzz` with `args` (after the command name).
pub fn main(args: &[String]) -> ExitCode {
    let options = match parse(args) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("aio fuzz: {e}\n\nusage: {USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(seed) = options.print {
        print!("{}", super::python::render(&generator::generate(seed)));
        return ExitCode::SUCCESS;
    }
    let Some(python) = oracle::find_python(options.python) else {
        eprintln!(
            "aio fuzz: no CPython {}.{} found (pyenv or python{}.{} on PATH); the fuzzer needs it as its oracle",
            options.python.0, options.python.1, options.python.0, options.python.1
        );
        return ExitCode::from(2);
    };
    match &options.replay {
        Some(file) => replay(&python, file, &options),
        None => fuzz(&python, &options),
    }
}

fn fuzz(python: &Path, options: &Options) -> ExitCode {
    let bar = ProgressBar::new(options.programs);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} programs, {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut undefined: std::collections::BTreeMap<String, u64> = Default::default();
    let (mut differences, mut known_count, mut shrunk, mut broken) = (0u64, 0u64, 0usize, 0u64);
    let mut start = 0u64;
    while start < options.programs {
        let end = (start + BATCH as u64).min(options.programs);
        let seeds: Vec<u64> = (start..end).map(|k| options.seed.wrapping_add(k)).collect();
        let programs: Vec<Program> = seeds.iter().map(|s| generator::generate(*s)).collect();
        let outcomes = match run_python(python, &programs) {
            Ok(outcomes) => outcomes,
            Err(e) => {
                bar.abandon();
                eprintln!("aio fuzz: {e}");
                return ExitCode::from(2);
            }
        };
        for ((seed, program), outcome) in seeds.iter().zip(programs).zip(outcomes) {
            bar.inc(1);
            let expected = match outcome {
                PyOutcome::Trace(expected) => expected,
                PyOutcome::Undefined(why) => {
                    if !["tie", "stall", "set-order"].contains(&why.as_str()) {
                        // An error is the renderer's bug.
                        bar.suspend(|| println!("broken program: seed {seed}: {why}"));
                        broken += 1;
                    }
                    *undefined.entry(why).or_default() += 1;
                    continue;
                }
            };
            let program = Arc::new(program);
            for kind in &options.runtimes {
                let verdict = judge(*kind, &program, &expected);
                if verdict == Verdict::Same {
                    continue;
                }
                if let Some(rule) = known(&program, options.python, &expected, &verdict) {
                    known_count += 1;
                    bar.suspend(|| {
                        println!("known: seed {seed} on {kind}: {} ({})", rule.name, rule.doc)
                    });
                    continue;
                }
                differences += 1;
                if shrunk >= options.max_shrinks {
                    bar.suspend(|| {
                        println!(
                            "difference: seed {seed} on {kind} (not shrunk: --max-shrinks {})",
                            options.max_shrinks
                        )
                    });
                    continue;
                }
                shrunk += 1;
                bar.set_message(format!("shrinking seed {seed}"));
                match write_minimal(python, options, *seed, &program, *kind) {
                    Ok(file) => bar.suspend(|| {
                        println!("difference: seed {seed} on {kind}: {}", file.display())
                    }),
                    Err(e) => bar.suspend(|| {
                        println!("difference: seed {seed} on {kind} (corpus not written: {e})")
                    }),
                }
            }
            bar.set_message(format!("{differences} differences"));
        }
        start = end;
    }
    bar.finish_and_clear();
    for (why, n) in &undefined {
        println!("skipped: {n} programs whose trace CPython leaves undefined ({why})");
        // A stall: a barrier reset after the setter's abort, with nobody left to fill it.
    }
    println!(
        "fuzz: {} programs, {differences} differences, {known_count} known (documented); seed {}",
        options.programs, options.seed
    );
    if differences > 0 || broken > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Shrinks the difference of `seed` on `kind` and writes it to the corpus; gives the file.
fn write_minimal(
    python: &Path,
    options: &Options,
    seed: u64,
    program: &Program,
    kind: RuntimeKind,
) -> std::io::Result<PathBuf> {
    let (minimal, path) = minimize(program, |candidates| {
        let outcomes = run_python(python, candidates).ok()?;
        candidates
            .iter()
            .zip(outcomes)
            .position(|(candidate, outcome)| {
                let PyOutcome::Trace(expected) = outcome else {
                    return false;
                };
                let candidate = Arc::new(candidate.clone());
                let verdict = judge(kind, &candidate, &expected);
                verdict != Verdict::Same
                    && known(&candidate, options.python, &expected, &verdict).is_none()
            })
    });
    let expected = match run_python(python, std::slice::from_ref(&minimal)) {
        Ok(mut outcomes) => match outcomes.pop() {
            Some(PyOutcome::Trace(t)) => t,
            _ => String::new(),
        },
        Err(e) => return Err(std::io::Error::other(e.0)),
    };
    let verdict = judge(kind, &Arc::new(minimal.clone()), &expected);
    std::fs::create_dir_all(&options.corpus)?;
    let file = options.corpus.join(format!("seed-{seed}-{kind}.py"));
    std::fs::write(
        &file,
        corpus_file(seed, &path, &minimal, kind, &expected, &verdict),
    )?;
    Ok(file)
}

fn replay(python: &Path, file: &Path, options: &Options) -> ExitCode {
    let text = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("aio fuzz: {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let (seed, path, kind) = match super::parse_corpus(&text) {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("aio fuzz: {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    let Some(program) = apply_path(seed, &path) else {
        eprintln!(
            "aio fuzz: {}: the shrink path does not apply to seed {seed} (the generator changed since it was written)",
            file.display()
        );
        return ExitCode::from(2);
    };
    let expected = match run_python(python, std::slice::from_ref(&program)) {
        Ok(mut outcomes) => match outcomes.pop() {
            Some(PyOutcome::Trace(t)) => t,
            Some(PyOutcome::Undefined(why)) => {
                eprintln!("aio fuzz: CPython leaves this program's trace undefined ({why})");
                return ExitCode::from(2);
            }
            None => unreachable!("run_python checks the count"),
        },
        Err(e) => {
            eprintln!("aio fuzz: {e}");
            return ExitCode::from(2);
        }
    };
    let program = Arc::new(program);
    let mut runtimes = options.runtimes.clone();
    if !runtimes.contains(&kind) {
        runtimes.push(kind);
    }
    println!("--- CPython\n{expected}");
    let mut failed = false;
    for kind in runtimes {
        match judge(kind, &program, &expected) {
            Verdict::Same => println!("--- {kind}: same"),
            verdict => {
                failed |= known(&program, options.python, &expected, &verdict).is_none();
                println!("--- {kind}: {verdict:?}");
                if let Verdict::Differs { rust, .. } = &verdict {
                    println!("{rust}");
                }
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
