//! `aio fuzz`: the command line of the differential fuzzer.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};

use super::lang::Program;
use super::{
    PyOutcome, Verdict, apply_path, corpus_file, generator, judge, known, minimize, run_python,
    wait_for_as_312,
};
use crate::{RuntimeKind, oracle};

/// How many programs one CPython process runs.
const BATCH: usize = 250;

/// The arguments of `aio fuzz` (clap parses them; `aio fuzz --help` prints this).
#[derive(Clone, Debug, clap::Args)]
pub struct Args {
    /// How many programs to generate and run
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub programs: u64,
    /// The seed of the first program (program k has seed S+k); default: the current Unix time
    #[arg(long, value_name = "S")]
    pub seed: Option<u64>,
    /// A runtime to run the programs on (repeat for several; default: all of them)
    #[arg(long = "runtime", value_name = "R")]
    pub runtimes: Vec<RuntimeKind>,
    /// The CPython the programs are judged against
    #[arg(long, value_name = "VERSION", default_value = "3.11", value_parser = ["3.11", "3.12", "3.13"])]
    pub python: String,
    /// Where the minimal program of each difference is written
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// How many differences to shrink (the others are only listed)
    #[arg(long, value_name = "K", default_value_t = 5)]
    pub max_shrinks: usize,
    /// Replay one corpus file: CPython's trace, then each runtime's verdict (uses --python and --runtime only)
    #[arg(long, value_name = "FILE")]
    pub replay: Option<PathBuf>,
    /// Print the Python script of the program generated from SEED, and run nothing
    #[arg(long, value_name = "SEED")]
    pub print: Option<u64>,
}

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

impl Options {
    fn new(args: Args) -> Options {
        let python = match args.python.as_str() {
            "3.12" => (3, 12),
            "3.13" => (3, 13),
            _ => (3, 11),
        };
        Options {
            programs: args.programs,
            seed: args.seed.unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs())
            }),
            runtimes: if args.runtimes.is_empty() {
                RuntimeKind::ALL.to_vec()
            } else {
                args.runtimes
            },
            python,
            corpus: args
                .corpus
                .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz-corpus")),
            max_shrinks: args.max_shrinks,
            replay: args.replay,
            print: args.print,
        }
    }
}

/// Runs `aio fuzz` with its parsed arguments.
pub fn main(args: Args) -> ExitCode {
    let options = Options::new(args);
    if let Some(seed) = options.print {
        print!(
            "{}",
            super::python::render(&generator::generate(seed, options.python))
        );
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
        let programs: Vec<Program> = seeds
            .iter()
            .map(|s| generator::generate(*s, options.python))
            .collect();
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
                let rule = known(&program, options.python, &expected, &verdict)
                    .or_else(|| wait_for_as_312(&program, options.python, &verdict));
                if let Some(rule) = rule {
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
    let Some(program) = apply_path(seed, options.python, &path) else {
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
                failed |= known(&program, options.python, &expected, &verdict)
                    .or_else(|| wait_for_as_312(&program, options.python, &verdict))
                    .is_none();
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
