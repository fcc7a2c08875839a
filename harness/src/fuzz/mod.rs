//! Differential testing against CPython (`aio fuzz`): generated asyncio programs, run by
//! CPython on the oracle's virtual-time loop and by this project's crates on every runtime,
//! compared trace by trace.
//!
//! - [`lang`]: the program language (tasks, sleeps, cancel, gather, wait, wait_for,
//!   timeout, shield, TaskGroup, locks, semaphores, events, queues).
//! - [`generator`]: the seeded generator and the shrinker.
//! - [`python`]: a program as the asyncio script a Python user would write.
//! - [`interp`]: the same program run through `aio-tasks`, `aio-wait`, ... on any runtime.
//!
//! Each program runs twice on each runtime (a run whose two traces differ is
//! non-determinism, a bug by itself). A difference is shrunk to a minimal program, whose
//! script, traces and seed are written to the corpus folder; `aio fuzz --replay FILE`
//! runs it again.

pub mod cli;
pub mod generator;
pub mod interp;
pub mod lang;
pub mod python;

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use crate::{Cx, Mode, Run, RuntimeKind, run_parity};
use lang::Program;

/// How a generated program ran on CPython.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PyOutcome {
    /// A defined trace.
    Trace(String),
    /// Not a defined trace (two timers tied, or the loop stalled): the program is skipped.
    Undefined(String),
}

/// Why the fuzzer could not run CPython.
#[derive(Debug)]
pub struct PythonError(pub String);

impl std::fmt::Display for PythonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PythonError {}

/// The directory of the oracle scripts (where `fuzz_runner.py` and `rosetta.py` live).
fn oracle_dir() -> PathBuf {
    crate::oracle::dir()
}

/// Runs `programs` on CPython, one interpreter for all of them; `python` is the
/// interpreter to use.
pub fn run_python(python: &Path, programs: &[Program]) -> Result<Vec<PyOutcome>, PythonError> {
    let dir = std::env::temp_dir().join(format!("aio-fuzz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| PythonError(format!("{}: {e}", dir.display())))?;
    let mut scripts = Vec::with_capacity(programs.len());
    for (n, program) in programs.iter().enumerate() {
        let path = dir.join(format!("p{n}.py"));
        std::fs::write(&path, python::render(program))
            .map_err(|e| PythonError(format!("{}: {e}", path.display())))?;
        scripts.push(path);
    }
    let output = Command::new(python)
        .arg(oracle_dir().join("fuzz_runner.py"))
        .args(&scripts)
        .output()
        .map_err(|e| PythonError(format!("cannot run {}: {e}", python.display())))?;
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut outcomes = Vec::with_capacity(programs.len());
    let mut trace = String::new();
    for line in stdout.lines() {
        if line.starts_with("### run ") {
            trace.clear();
        } else if let Some(rest) = line.strip_prefix("### end ") {
            let status = rest.split_once(' ').map_or("", |(_, s)| s);
            outcomes.push(match status {
                "ok" => PyOutcome::Trace(std::mem::take(&mut trace)),
                other => PyOutcome::Undefined(other.to_owned()),
            });
        } else {
            trace.push_str(line);
            trace.push('\n');
        }
    }
    if outcomes.len() != programs.len() {
        return Err(PythonError(format!(
            "{} ran {} of {} programs; stderr:\n{}",
            python.display(),
            outcomes.len(),
            programs.len(),
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    Ok(outcomes)
}

/// Runs `program` once on `kind`, in virtual time.
pub fn run_rust(kind: RuntimeKind, program: &Arc<Program>) -> Run {
    fn on<R: aio_rt::Runtime>(
        make: impl FnOnce(aio_rt::Config) -> R,
        program: &Arc<Program>,
    ) -> Run {
        let program = program.clone();
        run_parity(make, Mode::Virtual, move |cx: Cx<R>| {
            interp::run(cx, program)
        })
    }
    match kind {
        RuntimeKind::Tokio => on(aio_rt::Tokio::current_thread_with, program),
        RuntimeKind::TokioMt => on(aio_rt::Tokio::multi_thread_with, program),
        RuntimeKind::AsyncStd => on(aio_rt::AsyncStd::with_config, program),
        RuntimeKind::Smol => on(aio_rt::Smol::with_config, program),
        RuntimeKind::AioLoop => on(aio_loop::EventLoop::with_config, program),
    }
}

/// What one runtime did with one program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Both runs printed CPython's trace.
    Same,
    /// The two runs printed different traces (non-determinism).
    Unstable {
        /// The first run's trace.
        first: String,
        /// The second run's trace.
        second: String,
    },
    /// The runs agree with each other, not with CPython (or the run failed).
    Differs {
        /// The trace (both runs printed it).
        rust: String,
        /// What the harness found wrong with the run (a task left running, a lost panic).
        failures: Vec<String>,
    },
}

/// Runs `program` twice on `kind` and judges it against CPython's `expected` trace.
pub fn judge(kind: RuntimeKind, program: &Arc<Program>, expected: &str) -> Verdict {
    let first = run_rust(kind, program);
    let second = run_rust(kind, program);
    if first.trace != second.trace {
        return Verdict::Unstable {
            first: first.trace,
            second: second.trace,
        };
    }
    if first.trace == expected && first.is_ok() {
        Verdict::Same
    } else {
        Verdict::Differs {
            rust: first.trace,
            failures: first.failures,
        }
    }
}

/// A difference that a documented rule explains: the behaviour it names, and the doc
/// section that says why.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// What differs, in a few words.
    pub name: &'static str,
    /// Where the docs explain it (a path under docs/ with its anchor).
    pub doc: &'static str,
    /// Whether the rule explains this difference: it looks at the program, the CPython
    /// version, and the two traces; never at a seed.
    pub applies: fn(&Program, (u32, u32), &str, &str) -> bool,
}

/// The documented differences the fuzzer knows. A rule names a behaviour, so that it
/// covers every program that shows it and nothing else; there is no allow-list of
/// programs.
pub const RULES: &[Rule] = &[
    Rule {
        name: "wait_for on a finished task returns without a loop turn (3.12+), where 3.11 takes one",
        doc: "docs/wait.md#wait_for-on-a-task-already-finished",
        applies: wait_for_turn,
    },
    Rule {
        name: "gather of finished tasks completes without a loop turn (3.12+), where 3.11 takes one",
        doc: "docs/gather.md#gather-of-tasks-already-finished",
        applies: gather_turn,
    },
    Rule {
        name: "3.13: a cancelled Condition.wait (a Barrier.wait too) notifies another waiter, which waits again at the end of the queue",
        doc: "docs/sync.md#a-cancelled-conditionwait-notifies-another-waiter-313",
        applies: condition_notify_on_cancel,
    },
    Rule {
        name: "3.13: a task whose TaskGroup failed while it was cancelled from outside ends cancelled",
        doc: "docs/tasks.md#a-cancelled-taskgroup-owner-stays-cancelled-313",
        applies: group_owner_recancelled,
    },
    Rule {
        name: "an over-release in a drop: a cancelled `async with` of a BoundedSemaphore cannot raise its ValueError",
        doc: "docs/sync.md#an-over-release-in-a-drop-is-lost",
        applies: release_in_drop,
    },
    Rule {
        name: "athrow on a finished async generator raises StopAsyncIteration, where CPython returns None",
        doc: "docs/generators.md#the-protocol",
        applies: athrow_when_finished,
    },
];

/// CPython's `athrow` on a finished async generator returns `None` (3.11 to 3.13); ours
/// yields the generator's item type, which has no `None`, and raises
/// `StopAsyncIteration` as `anext` does. The rule: the program throws into a generator,
/// the traces have the same number of lines, and every line that differs is an `athrow`
/// that CPython shows returning `None` where ours shows `StopAsyncIteration`.
fn athrow_when_finished(program: &Program, _: (u32, u32), expected: &str, rust: &str) -> bool {
    let throws = |s: &lang::Step| {
        matches!(
            s,
            lang::Step::GenThrow(_) | lang::Step::GenRace(_, lang::GenOp::Throw)
        )
    };
    let explained = |e: &str, r: &str| {
        e.strip_suffix(": None").is_some_and(|head| {
            athrow_line(head) && r.strip_suffix(": StopAsyncIteration") == Some(head)
        })
    };
    program.tasks.iter().any(|t| uses(&t.steps, &throws))
        && expected.lines().count() == rust.lines().count()
        && expected
            .lines()
            .zip(rust.lines())
            .filter(|(e, r)| e != r)
            .all(|(e, r)| explained(e, r))
}

/// 3.13's `Condition.wait` notifies another waiter when it is left by an exception;
/// 3.11 and 3.12 (and we) do not. asyncio's `Barrier` waits on a `Condition`, so its
/// waiters show it too. The rule: CPython 3.13 or later, the program waits on a condition
/// or a barrier, and the traces differ only in interleaving, from a `cond` or `barrier`
/// line on.
fn condition_notify_on_cancel(
    program: &Program,
    python: (u32, u32),
    expected: &str,
    rust: &str,
) -> bool {
    python >= (3, 13)
        && program.tasks.iter().any(|t| {
            uses(&t.steps, &|s| {
                matches!(s, lang::Step::CondWait(_) | lang::Step::BarrierWait(_))
            })
        })
        && (interleaving_from(expected, rust, |line| {
            line.contains(": cond ") || line.contains(": barrier ")
        }) || woken_in_another_order(expected, rust))
}

/// Whether the traces are the same up to a line where both show a task woken from a
/// condition (`cond <c> waited`) at the same instant, another task in each: from there
/// on, what the tasks do in the other order may differ in more than interleaving (one
/// resets a barrier before or after another waits on it).
fn woken_in_another_order(expected: &str, rust: &str) -> bool {
    // (instant, task, condition) of a wake-up line.
    fn woken(line: &str) -> Option<(&str, &str, &str)> {
        let (time, body) = line.split_once("] ")?;
        let (task, what) = body.split_once(": ")?;
        let cond = what.strip_prefix("cond ")?.strip_suffix(" waited")?;
        Some((time, task, cond))
    }
    match expected.lines().zip(rust.lines()).find(|(e, r)| e != r) {
        Some((e, r)) => match (woken(e), woken(r)) {
            (Some((te, e, ce)), Some((tr, r, cr))) => te == tr && ce == cr && e != r,
            _ => false,
        },
        None => false,
    }
}

/// 3.13's `TaskGroup.__aexit__` cancels its task again when it raises the group error of
/// a task that was cancelled from outside, so the task ends cancelled where 3.11 and 3.12
/// (and we) let it return. The rule: CPython 3.13 or later, same lines but for some that
/// read `t<i>: CancelledError` in CPython's trace where ours reads `t<i>: r<i>`, each
/// `t<i>` a task that runs a `TaskGroup` of its own, or the same line later in ours
/// (what waited for such a task), once the lines that such a task logs after its group
/// error in our trace only are set aside.
fn group_owner_recancelled(
    program: &Program,
    python: (u32, u32),
    expected: &str,
    rust: &str,
) -> bool {
    let owner = |label: &str| {
        label
            .strip_prefix('t')
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|i| program.tasks.get(i))
            .is_some_and(|t| uses(&t.steps, &|s| matches!(s, lang::Step::Group(..))))
    };
    // A line as (time, task, what it says).
    fn parts(line: &str) -> Option<(f64, &str, &str)> {
        let (time, body) = line.strip_prefix("[t=")?.split_once("] ")?;
        let (task, _) = body.split_once(": ")?;
        Some((time.parse().ok()?, task, body))
    }
    // CPython's `... t<i>: CancelledError` where ours reads `... t<i>: r<i>`.
    let explained = |e: &str, r: &str| {
        let Some((head, label)) = e
            .strip_suffix(": CancelledError")
            .and_then(|head| head.rsplit_once(' ').map(|(_, label)| (head, label)))
        else {
            return false;
        };
        owner(label) && r == format!("{head}: r{}", &label[1..])
    };
    // The steps such a task takes after its group error, which 3.13 cancels at their
    // first await: ours only.
    let mut after_error = std::collections::HashSet::new();
    let rust: Vec<&str> = rust
        .lines()
        .filter(|line| {
            let Some((_, task, body)) = parts(line) else {
                return true;
            };
            if after_error.contains(task) {
                return expected.lines().any(|e| e == *line);
            }
            if owner(task) && body.contains(": group: ExceptionGroup") {
                after_error.insert(task.to_owned());
            }
            true
        })
        .collect();
    // Each task's lines, in order: the same, or explained, at the same time or later in
    // ours (what waits for such a task, its parent's group, ends when it ends).
    let per_task = |lines: &mut dyn Iterator<Item = &str>| {
        let mut tasks = std::collections::BTreeMap::<String, Vec<(f64, String)>>::new();
        for line in lines {
            let (time, task, body) = parts(line).unwrap_or((0.0, "", line));
            tasks
                .entry(task.to_owned())
                .or_default()
                .push((time, body.to_owned()));
        }
        tasks
    };
    let (theirs, ours) = (
        per_task(&mut expected.lines()),
        per_task(&mut rust.iter().copied()),
    );
    let mut any_explained = false;
    let matches = theirs.len() == ours.len()
        && theirs.iter().all(|(task, lines)| {
            ours.get(task).is_some_and(|mine| {
                mine.len() == lines.len()
                    && lines.iter().zip(mine).all(|((te, e), (tr, r))| {
                        let why = explained(e, r);
                        any_explained |= why;
                        tr >= te && (e == r || why)
                    })
            })
        });
    python >= (3, 13) && matches && any_explained
}

/// asyncio's `async with` of a `BoundedSemaphore` left by a cancellation raises the
/// over-release `ValueError` in place of the `CancelledError`; a dropped permit cannot.
/// The rule: the program has a bounded semaphore, holds one in a block and releases one
/// by hand, and the traces agree up to the first line where they differ, which is one
/// where CPython shows that `ValueError` and ours does not. What follows may differ too:
/// in CPython the task carries on with a `ValueError` where ours was cancelled (a
/// `TaskGroup` body adds it to its group, the task's own code may catch it and return),
/// so the rest of the run is a consequence of that one line (seed 26365).
fn release_in_drop(program: &Program, _: (u32, u32), expected: &str, rust: &str) -> bool {
    const TOO_MANY: &str = "BoundedSemaphore released too many times";
    let uses_both =
        |pick: &dyn Fn(&lang::Step) -> bool| program.tasks.iter().any(|t| uses(&t.steps, pick));
    let first_difference = expected
        .lines()
        .map(Some)
        .chain(std::iter::repeat(None))
        .zip(rust.lines().map(Some).chain(std::iter::repeat(None)))
        .take_while(|pair| *pair != (None, None))
        .find(|(e, r)| e != r);
    program.sems.iter().any(|&(_, bounded)| bounded)
        && uses_both(&|s| matches!(s, lang::Step::Sem(..)))
        && uses_both(&|s| matches!(s, lang::Step::SemRelease(_)))
        && matches!(first_difference, Some((Some(e), r))
            if e.contains(TOO_MANY) && !r.is_some_and(|r| r.contains(TOO_MANY)))
}

/// Whether the two traces hold the same lines, each task's in the same order (they differ
/// only in how the tasks interleave), and the first line where they part is one that
/// `marks` picks out, in either trace.
fn interleaving_from(expected: &str, rust: &str, marks: impl Fn(&str) -> bool) -> bool {
    fn per_task(trace: &str) -> std::collections::BTreeMap<&str, Vec<&str>> {
        let mut tasks = std::collections::BTreeMap::<&str, Vec<&str>>::new();
        for line in trace.lines() {
            let body = line.split_once("] ").map_or(line, |(_, body)| body);
            let task = body.split_once(':').map_or("", |(task, _)| task);
            tasks.entry(task).or_default().push(line);
        }
        tasks
    }
    if per_task(expected) != per_task(rust) {
        return false;
    }
    match expected.lines().zip(rust.lines()).find(|(e, r)| e != r) {
        Some((e, r)) => marks(e) || marks(r),
        None => false,
    }
}

/// 3.12 made `gather` call its done callback at once for a child already done; 3.11 (and
/// we) go through the loop, one turn. The rule: CPython 3.12 or later, the program uses
/// `gather`, and the traces differ only in interleaving, from a `gather` line on.
fn gather_turn(program: &Program, python: (u32, u32), expected: &str, rust: &str) -> bool {
    python >= (3, 12)
        && program
            .tasks
            .iter()
            .any(|t| uses(&t.steps, &|s| matches!(s, lang::Step::Gather(..))))
        && interleaving_from(expected, rust, |line| line.contains(": gather ["))
}

/// Whether `steps` (nested blocks included) hold a step that `pick` picks.
fn uses(steps: &[lang::Step], pick: &dyn Fn(&lang::Step) -> bool) -> bool {
    steps.iter().any(|s| {
        pick(s)
            || match s {
                lang::Step::Group(_, inner, _)
                | lang::Step::Timeout(_, inner)
                | lang::Step::Lock(_, inner)
                | lang::Step::Sem(_, inner) => uses(inner, pick),
                _ => false,
            }
    })
}

/// 3.11's `wait_for` always waits on its own future, released by a done callback: even a
/// finished task costs one loop turn, and a task it awaits costs one more. 3.12's (`async
/// with timeout(): return await fut`) does not, nor do we. The rule: CPython 3.11, the
/// program uses `wait_for`, and the traces differ only in interleaving, from a `wait_for`
/// line on.
fn wait_for_turn(program: &Program, python: (u32, u32), expected: &str, rust: &str) -> bool {
    python == (3, 11)
        && program
            .tasks
            .iter()
            .any(|t| uses(&t.steps, &|s| matches!(s, lang::Step::WaitFor(..))))
        && interleaving_from(expected, rust, |line| line.contains(": wait_for "))
}

/// The rule of a 3.11 difference that CPython 3.12 confirms (see [`wait_for_as_312`]).
pub const WAIT_FOR_312: Rule = Rule {
    name: "3.11's wait_for waits on a future of its own; ours is 3.12's, whose trace this is",
    doc: "docs/wait.md#wait_for-on-a-task-already-finished",
    applies: |_, _, _, _| false,
};

/// 3.11's `wait_for` differs from 3.12's by more than a turn when the awaiting task is
/// cancelled in the turn the awaited one finishes (3.11 returns the result and swallows
/// the cancellation). We follow 3.12. The rule, checked by running the program on
/// CPython 3.12 (found like the oracle's interpreters; none, no rule): CPython 3.11, the
/// program uses `wait_for`, and our trace is exactly 3.12's.
pub fn wait_for_as_312(
    program: &Program,
    python: (u32, u32),
    verdict: &Verdict,
) -> Option<&'static Rule> {
    let Verdict::Differs { rust, failures } = verdict else {
        return None;
    };
    let uses_wait_for = program
        .tasks
        .iter()
        .any(|t| uses(&t.steps, &|s| matches!(s, lang::Step::WaitFor(..))));
    if python != (3, 11) || !failures.is_empty() || !uses_wait_for {
        return None;
    }
    let py312 = crate::oracle::find_python((3, 12))?;
    match run_python(&py312, std::slice::from_ref(program))
        .ok()?
        .pop()?
    {
        PyOutcome::Trace(trace) if trace == *rust => Some(&WAIT_FOR_312),
        _ => None,
    }
}

/// The rule that explains a difference, if one does.
pub fn known(
    program: &Program,
    python: (u32, u32),
    expected: &str,
    verdict: &Verdict,
) -> Option<&'static Rule> {
    let Verdict::Differs { rust, failures } = verdict else {
        return None; // a run that differs from itself is never explained away
    };
    if !failures.is_empty() {
        return None;
    }
    let find = |expected: &str| {
        RULES
            .iter()
            .find(|rule| (rule.applies)(program, python, expected, rust))
    };
    // A difference that takes two rules: the `athrow` one, which only renames lines, and
    // another, judged on CPython's trace with those lines as ours.
    find(expected).or_else(|| find(&athrow_as_ours(program, expected)?))
}

/// CPython's trace with each `athrow g<N>: None` (a finished generator, see
/// [`athrow_when_finished`]) written as ours, `athrow g<N>: StopAsyncIteration`; `None`
/// when the program throws into no generator or no such line changed.
fn athrow_as_ours(program: &Program, expected: &str) -> Option<String> {
    let throws = |s: &lang::Step| {
        matches!(
            s,
            lang::Step::GenThrow(_) | lang::Step::GenRace(_, lang::GenOp::Throw)
        )
    };
    if !program.tasks.iter().any(|t| uses(&t.steps, &throws)) {
        return None;
    }
    let mut changed = false;
    let mut out = String::with_capacity(expected.len() + 64);
    for line in expected.lines() {
        match line.strip_suffix(": None") {
            Some(head) if athrow_line(head) => {
                changed = true;
                out.push_str(head);
                out.push_str(": StopAsyncIteration");
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    changed.then_some(out)
}

/// Whether `head` (a line without its outcome) is main's `athrow g<N>` or `race athrow
/// g<N>`.
fn athrow_line(head: &str) -> bool {
    head.rsplit_once("] main: ").is_some_and(|(_, what)| {
        what.strip_prefix("athrow g")
            .or_else(|| what.strip_prefix("race athrow g"))
            .is_some_and(|g| g.parse::<usize>().is_ok())
    })
}

/// Shrinks `program` while `still_differs` holds; gives the smallest program found and
/// the path of choices that leads to it from the original (replayable with
/// [`apply_path`]).
pub fn minimize(
    program: &Program,
    mut still_differs: impl FnMut(&[Program]) -> Option<usize>,
) -> (Program, Vec<usize>) {
    let mut current = program.clone();
    let mut path = Vec::new();
    loop {
        let candidates = generator::shrink(&current);
        if candidates.is_empty() {
            break;
        }
        match still_differs(&candidates) {
            Some(k) => {
                current = candidates[k].clone();
                path.push(k);
            }
            None => break,
        }
    }
    (current, path)
}

/// The program of `seed` for CPython `python`, shrunk along `path` (what [`minimize`]
/// returned).
pub fn apply_path(seed: u64, python: (u32, u32), path: &[usize]) -> Option<Program> {
    let mut program = generator::generate(seed, python);
    for k in path {
        program = generator::shrink(&program).get(*k)?.clone();
    }
    Some(program)
}

/// The corpus file of a difference: the Python script, with the seed, the shrink path and
/// both traces in comments at the top, so that `aio fuzz --replay FILE` can rebuild it.
pub fn corpus_file(
    seed: u64,
    path: &[usize],
    program: &Program,
    kind: RuntimeKind,
    expected: &str,
    verdict: &Verdict,
) -> String {
    let path_text: Vec<String> = path.iter().map(usize::to_string).collect();
    let mut out = format!(
        "# aio fuzz: seed {seed} shrink [{}] runtime {kind}\n",
        path_text.join(",")
    );
    let comment = |out: &mut String, title: &str, text: &str| {
        let _ = writeln!(out, "#\n# {title}:");
        for line in text.lines() {
            let _ = writeln!(out, "#   {line}");
        }
    };
    comment(&mut out, "CPython", expected);
    match verdict {
        Verdict::Same => {}
        Verdict::Unstable { first, second } => {
            comment(&mut out, &format!("{kind}, first run"), first);
            comment(&mut out, &format!("{kind}, second run"), second);
        }
        Verdict::Differs { rust, failures } => {
            comment(&mut out, kind.name(), rust);
            if !failures.is_empty() {
                comment(&mut out, "failures", &failures.join("\n"));
            }
        }
    }
    out.push('\n');
    out.push_str(&python::render(program));
    out
}

/// Reads the seed, the shrink path and the runtime back from a corpus file's first line.
pub fn parse_corpus(text: &str) -> io::Result<(u64, Vec<usize>, RuntimeKind)> {
    let bad = |why: &str| io::Error::new(io::ErrorKind::InvalidData, why.to_owned());
    let first = text.lines().next().unwrap_or_default();
    let rest = first
        .strip_prefix("# aio fuzz: seed ")
        .ok_or_else(|| bad("not an aio fuzz corpus file: its first line must be '# aio fuzz: seed S shrink [..] runtime R'"))?;
    let mut words = rest.split_whitespace();
    let seed = words
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("the seed is not a number"))?;
    let path = match (words.next(), words.next()) {
        (Some("shrink"), Some(list)) => {
            let inner = list.trim_start_matches('[').trim_end_matches(']');
            inner
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse()
                        .map_err(|_| bad("the shrink path is not a list of numbers"))
                })
                .collect::<io::Result<Vec<usize>>>()?
        }
        _ => return Err(bad("no shrink path after the seed")),
    };
    let kind = match (words.next(), words.next()) {
        (Some("runtime"), Some(name)) => name.parse().map_err(|e| bad(&format!("{e}")))?,
        _ => return Err(bad("no runtime after the shrink path")),
    };
    Ok((seed, path, kind))
}

#[cfg(test)]
mod rule_tests {
    use super::lang::{Dur, Program, Step, TaskDef};
    use super::{
        Verdict, athrow_when_finished, condition_notify_on_cancel, group_owner_recancelled,
        interleaving_from, known, release_in_drop,
    };

    fn holds_and_releases() -> Program {
        let main = TaskDef {
            steps: vec![
                Step::Spawn(1),
                Step::Sem(0, vec![Step::Sleep(Dur { ticks: 1, site: 0 })]),
            ],
            fails: false,
        };
        let other = TaskDef {
            steps: vec![Step::SemRelease(0)],
            fails: false,
        };
        Program {
            tasks: vec![main, other],
            locks: 0,
            sems: vec![(2, true)],
            events: 0,
            queues: Vec::new(),
            conds: 0,
            barriers: Vec::new(),
            gens: Vec::new(),
        }
    }

    #[test]
    fn a_group_owner_recancelled_on_3_13_only() {
        let mut program = holds_and_releases();
        program.tasks[1].steps = vec![Step::Group(Vec::new(), Vec::new(), true)];
        let cpython = "[t=0] main: start\n[t=50] main: join t1: CancelledError";
        let ours = "[t=0] main: start\n[t=50] main: join t1: r1";
        assert!(group_owner_recancelled(&program, (3, 13), cpython, ours));
        assert!(!group_owner_recancelled(&program, (3, 12), cpython, ours));
        // t1 without a group of its own: not explained.
        assert!(!group_owner_recancelled(
            &holds_and_releases(),
            (3, 13),
            cpython,
            ours
        ));
        // Another value: not explained.
        let ours = "[t=0] main: start\n[t=50] main: join t1: r2";
        assert!(!group_owner_recancelled(&program, (3, 13), cpython, ours));
        // t1 goes on after its group error in our trace only: those steps are set aside.
        let cpython = "[t=0] t1: group: ExceptionGroup: x\n[t=50] main: join t1: CancelledError";
        let ours = "[t=0] t1: group: ExceptionGroup: x\n[t=0] t1: slept\n[t=50] main: join t1: r1";
        assert!(group_owner_recancelled(&program, (3, 13), cpython, ours));
        // What waits for t1 ends later in ours: the same line, a later time.
        let ours = "[t=0] t1: group: ExceptionGroup: x\n[t=2] t1: slept\n[t=50] main: join t1: r1";
        assert!(group_owner_recancelled(&program, (3, 13), cpython, ours));
        let cpython2 = "[t=0] t1: group: ExceptionGroup: x\n[t=0] main: group: ok\n[t=50] main: join t1: CancelledError";
        let ours = "[t=0] t1: group: ExceptionGroup: x\n[t=2] t1: slept\n[t=2] main: group: ok\n[t=50] main: join t1: r1";
        assert!(group_owner_recancelled(&program, (3, 13), cpython2, ours));
        // Earlier is not explained.
        let cpython3 = "[t=0] t1: group: ExceptionGroup: x\n[t=3] main: group: ok\n[t=50] main: join t1: CancelledError";
        assert!(!group_owner_recancelled(&program, (3, 13), cpython3, ours));
        // But not the lines of another task.
        let ours = "[t=0] t1: group: ExceptionGroup: x\n[t=0] t2: slept\n[t=50] main: join t1: r1";
        assert!(!group_owner_recancelled(&program, (3, 13), cpython, ours));
    }

    #[test]
    fn an_over_release_lost_in_a_drop_is_the_only_difference() {
        let cpython = "[t=0] t1: sem 0 extra release\n[t=1] main: join t2: ValueError: BoundedSemaphore released too many times";
        let ours = "[t=0] t1: sem 0 extra release\n[t=1] main: join t2: CancelledError";
        assert!(release_in_drop(
            &holds_and_releases(),
            (3, 11),
            cpython,
            ours
        ));
        // Another line differs before it: not explained.
        let ours = "[t=0] t1: sem 0 extra release: ValueError\n[t=1] main: join t2: CancelledError";
        assert!(!release_in_drop(
            &holds_and_releases(),
            (3, 11),
            cpython,
            ours
        ));
        // The same traces: nothing to explain.
        assert!(!release_in_drop(
            &holds_and_releases(),
            (3, 11),
            cpython,
            cpython
        ));
        // A program without a semaphore block: not explained.
        let mut program = holds_and_releases();
        program.tasks[0].steps.pop();
        let ours = "[t=0] t1: sem 0 extra release\n[t=1] main: join t2: CancelledError";
        assert!(!release_in_drop(&program, (3, 11), cpython, ours));
    }

    /// Seed 26365: the `ValueError` replaced the cancellation of a task in a TaskGroup, so
    /// in CPython its group fails and the task carries on; ours was cancelled. The traces
    /// part at CPython's over-release line and never meet again.
    #[test]
    fn what_follows_a_lost_over_release_follows_from_it() {
        let cpython = "[t=0] t2: sem 0 extra release\n[t=0] main: group body raises\n\
            [t=0] t1: group: ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception) [ValueError: BoundedSemaphore released too many times]\n\
            [t=0] t1: return r1\n[t=50] main: join t1: r1";
        let ours = "[t=0] t2: sem 0 extra release\n[t=0] main: group body raises\n\
            [t=50] main: join t1: CancelledError";
        assert!(release_in_drop(
            &holds_and_releases(),
            (3, 11),
            cpython,
            ours
        ));
        // Parting anywhere else first is not this difference, whatever comes later.
        let ours = "[t=0] t2: sem 0 extra release\n[t=0] main: group body raised\n\
            [t=50] main: join t1: CancelledError";
        assert!(!release_in_drop(
            &holds_and_releases(),
            (3, 11),
            cpython,
            ours
        ));
    }

    #[test]
    fn athrow_on_a_finished_generator_returns_none_in_cpython_only() {
        let mut program = holds_and_releases();
        program.gens = vec![super::lang::GenDef {
            parts: vec![super::lang::GenPart::Yield],
        }];
        program.tasks[0].steps = vec![Step::GenClose(0), Step::GenThrow(0)];
        let cpython = "[t=0] main: aclose g0: None\n[t=0] main: athrow g0: None";
        let ours = "[t=0] main: aclose g0: None\n[t=0] main: athrow g0: StopAsyncIteration";
        assert!(athrow_when_finished(&program, (3, 11), cpython, ours));
        // The aclose line is not explained: aclose does return None.
        let ours2 =
            "[t=0] main: aclose g0: StopAsyncIteration\n[t=0] main: athrow g0: StopAsyncIteration";
        assert!(!athrow_when_finished(&program, (3, 11), cpython, ours2));
        // Another line differs too.
        let ours3 = "[t=1] main: aclose g0: None\n[t=0] main: athrow g0: StopAsyncIteration";
        assert!(!athrow_when_finished(&program, (3, 11), cpython, ours3));
        // A program that throws into no generator.
        program.tasks[0].steps = vec![Step::GenClose(0)];
        assert!(!athrow_when_finished(&program, (3, 11), cpython, ours));
    }

    #[test]
    fn barrier_waiters_reordered_by_a_cancelled_wait_on_3_13_only() {
        let mut program = holds_and_releases();
        program.barriers = vec![3];
        program.tasks[1].steps = vec![Step::BarrierWait(0)];
        let cpython =
            "[t=50] t2: barrier 0: BrokenBarrierError\n[t=50] t1: barrier 0: BrokenBarrierError";
        let ours =
            "[t=50] t1: barrier 0: BrokenBarrierError\n[t=50] t2: barrier 0: BrokenBarrierError";
        assert!(condition_notify_on_cancel(&program, (3, 13), cpython, ours));
        assert!(!condition_notify_on_cancel(
            &program,
            (3, 12),
            cpython,
            ours
        ));
        // Without a barrier (or condition) wait: not explained.
        program.tasks[1].steps = vec![Step::BarrierAbort(0)];
        assert!(!condition_notify_on_cancel(
            &program,
            (3, 13),
            cpython,
            ours
        ));
    }

    #[test]
    fn waiters_woken_in_another_order_may_then_do_other_things() {
        let cpython = "[t=1] t3: x\n[t=50] main: cond 0 waited\n[t=50] main: barrier 0: BrokenBarrierError\n[t=50] t2: cond 0 waited";
        let ours = "[t=1] t3: x\n[t=50] t2: cond 0 waited\n[t=50] main: cond 0 waited\n[t=50] main: barrier 0: 0";
        assert!(super::woken_in_another_order(cpython, ours));
        let mut program = holds_and_releases();
        program.conds = 1;
        program.tasks[1].steps = vec![Step::CondWait(0)];
        assert!(condition_notify_on_cancel(&program, (3, 13), cpython, ours));
        assert!(!condition_notify_on_cancel(
            &program,
            (3, 12),
            cpython,
            ours
        ));
        // Parting earlier, or at a wake-up of the same task, or of another condition: no.
        let earlier = "[t=1] t3: y\n[t=50] t2: cond 0 waited";
        assert!(!super::woken_in_another_order(cpython, earlier));
        let other = "[t=1] t3: x\n[t=50] t2: cond 1 waited";
        assert!(!super::woken_in_another_order(cpython, other));
        let later = "[t=1] t3: x\n[t=51] t2: cond 0 waited";
        assert!(!super::woken_in_another_order(cpython, later));
    }

    #[test]
    fn the_athrow_rule_composes_with_another() {
        let mut program = holds_and_releases();
        program.gens = vec![super::lang::GenDef {
            parts: vec![super::lang::GenPart::Yield],
        }];
        program.tasks[0].steps = vec![Step::GenThrow(0), Step::Gather(vec![1], false)];
        let cpython = "[t=0] main: athrow g0: None\n[t=0] main: gather [t1]: [r1]\n[t=0] t2: start";
        let rust = "[t=0] main: athrow g0: StopAsyncIteration\n[t=0] t2: start\n[t=0] main: gather [t1]: [r1]";
        let verdict = Verdict::Differs {
            rust: rust.to_owned(),
            failures: Vec::new(),
        };
        let rule = known(&program, (3, 12), cpython, &verdict).expect("explained");
        assert!(rule.name.contains("gather"), "{}", rule.name);
        // The other part alone is not enough: 3.11 has no gather rule.
        assert!(known(&program, (3, 11), cpython, &verdict).is_none());
    }

    const CPYTHON: &str =
        "[t=0] main: start\n[t=0] main: gather [t1]: [r1]\n[t=0] t2: start\n[t=0] t2: return r2";

    #[test]
    fn a_gather_line_one_turn_later_is_interleaving_from_gather() {
        let ours = "[t=0] main: start\n[t=0] t2: start\n[t=0] t2: return r2\n[t=0] main: gather [t1]: [r1]";
        assert!(interleaving_from(CPYTHON, ours, |l| l.contains(": gather [")));
    }

    #[test]
    fn another_line_or_order_within_a_task_is_not() {
        // t2's own lines in another order: not a mere interleaving.
        let ours = "[t=0] main: start\n[t=0] main: gather [t1]: [r1]\n[t=0] t2: return r2\n[t=0] t2: start";
        assert!(!interleaving_from(CPYTHON, ours, |_| true));
        // A different line: not the same lines.
        let ours = "[t=0] main: start\n[t=0] main: gather [t1]: [r9]\n[t=0] t2: start\n[t=0] t2: return r2";
        assert!(!interleaving_from(CPYTHON, ours, |_| true));
        // Parting at a line the rule does not name.
        let moved = "[t=0] t2: start\n[t=0] main: start\n[t=0] main: gather [t1]: [r1]\n[t=0] t2: return r2";
        assert!(!interleaving_from(CPYTHON, moved, |l| l.contains(": gather [")));
    }
}
