//! What one extra heap object per task costs, beside `create_task` and the raw spawn.
//!
//! Python: none (a measurement of the Rust side: what asyncio's `create_task` costs in
//! Rust when the task's shared state cannot live in the runtime's own task)
//!
//! `aio_tasks::create_task` works on every runtime through the `aio_rt::Runtime` trait, so
//! it cannot put its shared state (outcome, awaiters, name, cancel request) inside the
//! runtime's task: a task costs the runtime's allocation plus one `Arc` of that state.
//! This example times, for 100,000 trivial tasks created and then awaited in order (the
//! `create_task` workload of `aio bench`):
//!
//! - `raw`: the runtime's own spawn and join handle;
//! - `raw + Arc`: the same, plus one `Arc` of 72 bytes per task (the size of aio-tasks'
//!   shared state for `Task<(), _>`), created with the task and dropped after its await:
//!   the floor for any design that keeps the state in an allocation of its own;
//! - `create_task`: `aio_tasks::create_task` from a main task, as `asyncio.run` does.
//!
//! Run it on an idle machine: `cargo run --release -p aio-harness --example task_floor`
//! (add a number of rounds, default 15, then runtimes to run only those; each round runs
//! the three in turn).

use std::convert::Infallible;
use std::future::Future;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use aio_rt::{AsyncStd, Runtime, Smol, Tokio};

const TASKS: usize = 100_000;

/// The shared state's stand-in: as big as aio-tasks' `Inner<(), Infallible>`.
type Floor = Arc<[u64; 9]>;

fn floor(on: bool) -> Option<Floor> {
    on.then(|| Arc::new(black_box([0; 9])))
}

/// `TASKS` tasks made with `create_task` by a main task, then awaited in order.
async fn create_task_all<R: Runtime>(rt: R) {
    let inner = rt.clone();
    let main = aio_tasks::create_task(&rt, async move {
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| aio_tasks::create_task(&inner, async { Ok::<_, Infallible>(()) }))
            .collect();
        for task in tasks {
            task.await.expect("a trivial task completes");
        }
        Ok::<_, Infallible>(())
    });
    main.await.expect("the main task completes");
}

/// One variant on `rt`: 0 raw, 1 raw + Arc, 2 create_task. `spawn` is the runtime's own
/// spawn of a trivial task, and `check` looks at what awaiting its handle gave.
fn run<R: Runtime, H: Future>(rt: &R, variant: usize, spawn: impl Fn() -> H, check: fn(H::Output)) {
    if variant == 2 {
        rt.block_on(create_task_all(rt.clone()));
        return;
    }
    let with_floor = variant == 1;
    rt.block_on(async move {
        let all: Vec<_> = (0..TASKS).map(|_| (spawn(), floor(with_floor))).collect();
        for (task, state) in all {
            check(task.await);
            drop(state);
        }
    });
}

/// One round on one runtime: nanoseconds per task for raw, raw + Arc and create_task.
fn round(runtime: &str) -> [f64; 3] {
    let mut out = [0.0; 3];
    for (variant, slot) in out.iter_mut().enumerate() {
        let start = Instant::now();
        match runtime {
            "tokio" | "tokio-mt" => {
                let rt = if runtime == "tokio" {
                    Tokio::current_thread()
                } else {
                    Tokio::multi_thread()
                };
                let handle = rt.handle().clone();
                run(
                    &rt,
                    variant,
                    || handle.spawn(async {}),
                    |joined| joined.expect("a trivial task completes"),
                );
            }
            "async-std" => run(
                &AsyncStd::new(),
                variant,
                || async_std::task::spawn(async {}),
                drop,
            ),
            _ => {
                let rt = Smol::new();
                run(&rt, variant, || rt.executor().spawn(async {}), drop);
            }
        }
        *slot = start.elapsed().as_nanos() as f64 / TASKS as f64;
    }
    out
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(15);
    let only: Vec<String> = std::env::args().skip(2).collect();
    println!("{TASKS} trivial tasks created then awaited, median of {rounds} rounds, ns per task");
    println!("| runtime | raw | raw + Arc | create_task | raw + Arc / raw | create_task / raw |");
    println!("|---|---|---|---|---|---|");
    for runtime in ["tokio", "tokio-mt", "async-std", "smol"] {
        if !only.is_empty() && !only.iter().any(|name| name == runtime) {
            continue;
        }
        let all: Vec<[f64; 3]> = (0..rounds).map(|_| round(runtime)).collect();
        let [raw, floored, ours] =
            [0, 1, 2].map(|i| median(all.iter().map(|round| round[i]).collect()));
        println!(
            "| {runtime} | {raw:.0} | {floored:.0} | {ours:.0} | {:.2}x | {:.2}x |",
            floored / raw,
            ours / raw
        );
    }
}
