//! call_soon and timer throughput of aio-loop, beside CPython's asyncio loop running the
//! same workload (`harness/bench/loop_*.py`).
//!
//! ```text
//! cargo run --release -p aio-loop --example loop_bench
//! ```
//!
//! A benchmark, not a test: it prints figures and asserts nothing about time. Each
//! workload is one function, `call_soon_round` / `timers_round`, so that the `aio bench`
//! command can take them over as they are.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use aio_loop::EventLoop;

/// Callbacks per call_soon round, and rounds (the best one is reported).
const N: usize = 1_000_000;
const N_ROUNDS: usize = 5;
/// Timers per timer round, and rounds.
const M: usize = 10_000;
const M_ROUNDS: usize = 50;

/// What every callback does: count itself (Python: `nonlocal count; count += 1`).
static COUNT: AtomicUsize = AtomicUsize::new(0);

fn callback() {
    COUNT.fetch_add(1, Ordering::Relaxed);
}

/// `n` callbacks scheduled with `call_soon` before the loop runs, then run; a last
/// callback stops the loop. The time from the first `call_soon` to the end of the run.
fn call_soon_round(n: usize) -> Duration {
    let event_loop = EventLoop::new();
    COUNT.store(0, Ordering::Relaxed);
    let start = Instant::now();
    for _ in 0..n {
        event_loop.call_soon(callback);
    }
    let stopper = event_loop.clone();
    event_loop.call_soon(move || stopper.stop());
    event_loop.run_forever().expect("the loop ran");
    let elapsed = start.elapsed();
    assert_eq!(COUNT.load(Ordering::Relaxed), n);
    elapsed
}

/// `m` timers made with `call_later`, delays spread over (-1, 0] seconds in a scrambled
/// order: all are due at once, so this measures the heap and the callbacks, not the clock.
fn timers_round(m: usize) -> Duration {
    let event_loop = EventLoop::new();
    COUNT.store(0, Ordering::Relaxed);
    let start = Instant::now();
    for i in 0..m {
        let delay = -(((i * 7919) % m) as f64) / m as f64;
        event_loop.call_later(delay, callback);
    }
    let stopper = event_loop.clone();
    event_loop.call_soon(move || stopper.stop());
    event_loop.run_forever().expect("the loop ran");
    let elapsed = start.elapsed();
    assert_eq!(COUNT.load(Ordering::Relaxed), m);
    elapsed
}

/// The best of `rounds` rounds, in ns per operation.
fn best_ns_per_op(rounds: usize, ops: usize, round: impl Fn(usize) -> Duration) -> f64 {
    let best = (0..rounds)
        .map(|_| round(ops))
        .min()
        .expect("at least one round");
    best.as_nanos() as f64 / ops as f64
}

/// Runs a CPython twin and reads its `... <x> ns/op` figure, if python3 is there.
fn cpython(script: &str) -> Option<(f64, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../harness/bench")
        .join(script);
    let out = Command::new("python3").arg(&path).output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let figure = text
        .split_whitespace()
        .zip(text.split_whitespace().skip(1))
        .find(|(_, unit)| *unit == "ns/op")?;
    Some((figure.0.parse().ok()?, text))
}

fn report(name: &str, rust: f64, script: &str) {
    println!("{name}: aio-loop {rust:.1} ns/op");
    match cpython(script) {
        Some((python, line)) => {
            println!("  {line}");
            println!(
                "  ratio: aio-loop is {:.1}x CPython's asyncio",
                python / rust
            );
        }
        None => println!("  (python3 not found: no CPython figure)"),
    }
}

fn main() {
    let call_soon = best_ns_per_op(N_ROUNDS, N, call_soon_round);
    report(
        &format!("call_soon ({N} callbacks)"),
        call_soon,
        "loop_call_soon.py",
    );
    let timers = best_ns_per_op(M_ROUNDS, M, timers_round);
    report(
        &format!("call_later ({M} timers)"),
        timers,
        "loop_timers.py",
    );
}
