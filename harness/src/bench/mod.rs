//! `aio bench`: each workload on each runtime, our primitive beside the best native
//! equivalent on that runtime, interleaved (A B A B ...), beside CPython's asyncio.
//!
//! Benchmarks are never tests: nothing in `cargo test` depends on timing. Each workload
//! reports nanoseconds per operation; the runner takes the median of several
//! interleaved runs, with the min-max range, and the ratios to native and to CPython are
//! the headline.

mod gather;
mod more;
mod prims;
mod report;
mod workloads;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

pub use report::{render_markdown, render_svg, render_terminal, write_docs};
pub use workloads::{TaskKind, WORKLOADS, task_memory_child as workloads_task_memory_child};

use crate::RuntimeKind;

/// Which implementation a measurement is of.
///
/// Python: none
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// Ours: the asyncio-rosetta primitive, through `aio_rt::Runtime`.
    Ours,
    /// The best native equivalent on the same runtime.
    Native,
}

/// What one run of a workload measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// Nanoseconds per operation.
    pub ns_per_op: f64,
}

/// A benchmark workload.
///
/// Python: the script `harness/bench/<python>.py`
#[derive(Clone, Copy)]
pub struct Workload {
    /// The name, as given on the command line.
    pub name: &'static str,
    /// The chart it belongs to (`tasks`, `gather`, `queues`, ...).
    pub family: &'static str,
    /// What one operation is, and the fixed size.
    pub description: &'static str,
    /// The native equivalent it is compared with.
    pub native: &'static str,
    /// The size of the full run, and of a `--quick` run.
    pub size: (usize, usize),
    /// Runs the workload once on `kind` with `n` operations.
    pub run: fn(RuntimeKind, Variant, usize) -> Sample,
    /// The CPython twin's script name under `harness/bench/`, if there is one.
    pub python: Option<&'static str>,
    /// The runtimes it runs on (`None`: the third-party runtimes, where a native
    /// equivalent exists).
    pub runtimes: Option<&'static [RuntimeKind]>,
    /// What the figures mean when the unit is not nanoseconds per operation.
    pub unit: &'static str,
}

impl std::fmt::Debug for Workload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workload")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Median, min and max of some samples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stats {
    /// The median.
    pub median: f64,
    /// The smallest.
    pub min: f64,
    /// The largest.
    pub max: f64,
}

impl Stats {
    /// The statistics of `values`; `None` when there are none.
    pub fn of(values: &[f64]) -> Option<Stats> {
        let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let mid = v.len() / 2;
        let median = if v.len() % 2 == 0 {
            (v[mid - 1] + v[mid]) / 2.0
        } else {
            v[mid]
        };
        Some(Stats {
            median,
            min: v[0],
            max: v[v.len() - 1],
        })
    }
}

/// One row of the results: a workload on a runtime.
#[derive(Clone, Debug)]
pub struct Row {
    /// The workload.
    pub workload: &'static Workload,
    /// The runtime.
    pub runtime: RuntimeKind,
    /// The size run.
    pub size: usize,
    /// Ours.
    pub ours: Stats,
    /// The native equivalent.
    pub native: Stats,
    /// On a runtime with two threads or more (tokio-mt, async-std): [`handoff_ns`],
    /// measured before each round, the state of the machine the row ran in. `None` on a
    /// single-threaded runtime, whose workloads never hand data between cores.
    pub handoff: Option<Stats>,
}

impl Row {
    /// Ours divided by native: 1.0 is as fast, 2.0 twice as slow.
    pub fn ratio(&self) -> f64 {
        self.ours.median / self.native.median
    }
}

/// CPython's figure for a workload.
#[derive(Clone, Debug)]
pub struct PythonRow {
    /// The workload.
    pub workload: &'static Workload,
    /// `asyncio` or `uvloop`.
    pub loop_name: &'static str,
    /// The measurement.
    pub stats: Stats,
}

/// Everything one `aio bench` run measured.
#[derive(Clone, Debug, Default)]
pub struct Results {
    /// Our primitive against native, per runtime.
    pub rows: Vec<Row>,
    /// CPython, per workload.
    pub python: Vec<PythonRow>,
    /// Whether this was a `--quick` run.
    pub quick: bool,
}

/// Runs `workload` on `kind`: `reps` interleaved rounds of ours and native.
pub fn measure(workload: &'static Workload, kind: RuntimeKind, quick: bool, reps: usize) -> Row {
    let size = if quick {
        workload.size.1
    } else {
        workload.size.0
    };
    // A warm-up round of each, not counted.
    (workload.run)(kind, Variant::Ours, size.min(10_000));
    (workload.run)(kind, Variant::Native, size.min(10_000));
    let threaded = matches!(kind, RuntimeKind::TokioMt | RuntimeKind::AsyncStd);
    let (mut ours, mut native, mut handoff) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..reps {
        if threaded {
            handoff.push(handoff_ns());
        }
        ours.push((workload.run)(kind, Variant::Ours, size).ns_per_op);
        native.push((workload.run)(kind, Variant::Native, size).ns_per_op);
    }
    let nan = Stats {
        median: f64::NAN,
        min: f64::NAN,
        max: f64::NAN,
    };
    Row {
        workload,
        runtime: kind,
        size,
        ours: Stats::of(&ours).unwrap_or(nan),
        native: Stats::of(&native).unwrap_or(nan),
        handoff: Stats::of(&handoff),
    }
}

/// The round trip of one cache line between two threads, in nanoseconds: this thread
/// writes a number, a second thread sees it and writes the next, 5,000 times; the least
/// of four such runs (a run in which either thread was preempted reads high).
///
/// A workload whose tasks share data across the two worker threads of a multi-threaded
/// runtime (a queue, a lock, a wake-up) pays this on every hand-over. On a virtual
/// machine it is not a constant: it moves as the host places the two vCPUs (on the
/// machine of `docs/performance.md`, from about 50 to about 470 ns within minutes), and
/// those workloads move with it. Measured beside each round, it says which state a row
/// ran in.
///
/// Python: none
pub fn handoff_ns() -> f64 {
    (0..4)
        .map(|_| handoff_run(5_000))
        .fold(f64::INFINITY, f64::min)
}

/// One run of [`handoff_ns`]: `round_trips` hand-overs and back, nanoseconds each.
fn handoff_run(round_trips: u64) -> f64 {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};

    let line = Arc::new(AtomicU64::new(0));
    let other = Arc::clone(&line);
    let echo = std::thread::spawn(move || {
        for i in 0..round_trips {
            while other.load(Ordering::Acquire) != 2 * i + 1 {
                std::hint::spin_loop();
            }
            other.store(2 * i + 2, Ordering::Release);
        }
    });
    // Timed from the echo thread's first answer, not from its spawn.
    line.store(1, Ordering::Release);
    while line.load(Ordering::Acquire) != 2 {
        std::hint::spin_loop();
    }
    let start = std::time::Instant::now();
    for i in 1..round_trips {
        line.store(2 * i + 1, Ordering::Release);
        while line.load(Ordering::Acquire) != 2 * i + 2 {
            std::hint::spin_loop();
        }
    }
    let elapsed = start.elapsed();
    // The echo thread has made its last store once we saw it: the join only reaps it.
    let _ = echo.join();
    elapsed.as_nanos() as f64 / (round_trips - 1) as f64
}

/// Where the CPython twins live: `harness/bench`.
pub fn python_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("bench")
}

/// Whether uvloop can be imported by python3.
pub fn has_uvloop() -> bool {
    Command::new("python3")
        .args(["-c", "import uvloop"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs the CPython twin `script` `reps` times with `n` operations on `loop_name`
/// (`asyncio` or `uvloop`); each run prints `ns_per_op=<float>`.
///
/// # Errors
///
/// The script's stderr, or why it could not run.
pub fn measure_python(
    script: &str,
    n: usize,
    loop_name: &str,
    reps: usize,
) -> Result<Stats, String> {
    let mut values = Vec::new();
    for _ in 0..reps {
        let out = Command::new("python3")
            .arg(python_dir().join(format!("{script}.py")))
            .arg(n.to_string())
            .env("ROSETTA_LOOP", loop_name)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .output()
            .map_err(|e| format!("cannot run python3: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        let text = String::from_utf8_lossy(&out.stdout);
        // `ns_per_op=<x>`, or `... <x> ns/op ...` (the aio-loop twins).
        let words: Vec<&str> = text.split_whitespace().collect();
        let value = text
            .lines()
            .find_map(|l| l.strip_prefix("ns_per_op="))
            .or_else(|| {
                words
                    .windows(2)
                    .find(|w| w[1].starts_with("ns") && w[0].parse::<f64>().is_ok())
                    .map(|w| w[0])
            })
            .and_then(|v| v.trim().parse::<f64>().ok())
            .ok_or_else(|| format!("{script}.py printed no ns_per_op= line: {text}"))?;
        values.push(value);
    }
    Stats::of(&values).ok_or_else(|| "no runs".to_owned())
}

/// Nanoseconds per operation of `n` operations taking `elapsed`.
pub fn per_op(elapsed: Duration, n: usize) -> Sample {
    Sample {
        ns_per_op: elapsed.as_nanos() as f64 / n.max(1) as f64,
    }
}

/// The resident set size of this process in bytes, from `/proc/self/statm` (Linux); 0 elsewhere.
pub fn rss_bytes() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<usize>().ok())
        })
        .map_or(0, |pages| pages * 4096)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_take_the_median_and_range() {
        let s = Stats::of(&[5.0, 1.0, 3.0]).unwrap();
        assert_eq!((s.median, s.min, s.max), (3.0, 1.0, 5.0));
        assert_eq!(Stats::of(&[4.0, 2.0]).unwrap().median, 3.0);
        assert!(Stats::of(&[]).is_none());
        assert!(Stats::of(&[f64::NAN]).is_none());
    }
}
