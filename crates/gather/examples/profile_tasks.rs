//! One run of n trivial tasks spawned one way and collected, on smol, and nothing else: a
//! small, deterministic program for counting instructions and allocations per task, where
//! wall-clock figures are too noisy to compare two builds.
//!
//! ```text
//! cargo build --release -p aio-gather --example profile_tasks
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/profile_tasks KIND 10000
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/profile_tasks KIND 20000
//! ```
//!
//! The difference of the two totals, divided by 10,000, is the cost of one task without
//! the runtime's start-up. `valgrind --tool=dhat` the same way gives heap blocks and bytes
//! per task (its `Total` line), and its `At t-gmax` line the bytes alive at the peak, when
//! every task is spawned and none has run (`callgrind_annotate --inclusive=yes` says where
//! the instructions go). KIND is one of:
//!
//! - `native`: `smol::Executor::spawn` and its `Task` awaited in order: the runtime alone;
//! - `floor`: the same plus one 72-byte `Arc` per task, shared by the task and its
//!   awaiter: the floor of a runtime-agnostic task (its state beside the runtime's task);
//! - `spawn`: `aio_rt::Runtime::spawn` and its `JoinHandle` (`aio bench spawn_await`);
//! - `create_task`: `aio_tasks::create_task` in a main task, awaited in order;
//! - `gather`: the same tasks collected by `aio_gather::gather`;
//! - `taskgroup`: the same tasks created in an `aio_tasks::TaskGroup`, which waits for
//!   them.
//!
//! Measured on 2026-12-07 (smol; per task, the difference between n = 10,000 and 20,000;
//! bytes at the peak are dhat's `At t-gmax` for n = 20,000, divided by n):
//!
//! | kind | instructions | heap blocks | heap bytes | bytes at the peak |
//! |---|---|---|---|---|
//! | native | 1,320 | 1.0 | 173 | 150 |
//! | floor | 1,677 | 2.0 | 261 | 238 |
//! | spawn | 2,340 | 2.0 | 398 | 308 |
//! | create_task | 2,847 | 2.0 | 450 | 334 |
//! | gather | 5,394 | 5.1 | 987 | 567 |
//! | taskgroup | 5,967 | 5.2 | 709 | 565 |

use std::hint::black_box;
use std::sync::Arc;

use aio_rt::Runtime;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let kind = args
        .first()
        .map_or("create_task", String::as_str)
        .to_owned();
    let n: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let sum = match kind.as_str() {
        "native" => native(n, false),
        "floor" => native(n, true),
        _ => ours(&aio_rt::Smol::new(), &kind, n),
    };
    assert_eq!(sum, n * n.saturating_sub(1) / 2, "every task ran");
    println!("{kind}: {n} tasks");
}

/// smol's own spawn, with or without one shared allocation per task.
fn native(n: u64, with_state: bool) -> u64 {
    let ex = Arc::new(smol::Executor::new());
    let spawner = Arc::clone(&ex);
    smol::block_on(ex.run(async move {
        let tasks: Vec<_> = (0..n)
            .map(|i| {
                let state = with_state.then(|| Arc::new(black_box([0u64; 9])));
                let theirs = state.clone();
                let task = spawner.spawn(async move {
                    drop(theirs);
                    i
                });
                (task, state)
            })
            .collect();
        let mut sum = 0;
        for (task, state) in tasks {
            sum += task.await;
            drop(state);
        }
        sum
    }))
}

fn ours<R: Runtime>(rt: &R, kind: &str, n: u64) -> u64 {
    let r = rt.clone();
    if kind == "spawn" {
        return rt.block_on(async move {
            let tasks: Vec<_> = (0..n).map(|i| r.spawn(async move { i })).collect();
            let mut sum = 0;
            for task in tasks {
                sum += task.await.expect("a trivial task completes");
            }
            sum
        });
    }
    let kind = kind.to_owned();
    let main = aio_tasks::create_task(rt, async move {
        let spawn = |i: u64| aio_tasks::create_task(&r, async move { Ok::<u64, String>(i) });
        match kind.as_str() {
            "create_task" => {
                let tasks: Vec<_> = (0..n).map(spawn).collect();
                let mut sum = 0;
                for task in tasks {
                    sum += task.await.map_err(|e| e.to_string())?;
                }
                Ok(sum)
            }
            "gather" => {
                let values = aio_gather::gather(&r, (0..n).map(spawn).collect::<Vec<_>>())
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(values.into_iter().sum())
            }
            "taskgroup" => {
                let children = aio_tasks::TaskGroup::run(&r, |tg| async move {
                    (0..n)
                        .map(|i| tg.create_task(async move { Ok::<u64, String>(i) }))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| e.to_string())
                })
                .await
                .map_err(|e| e.to_string())?;
                Ok(children.iter().map(|t| t.result().unwrap_or(0)).sum())
            }
            other => Err(format!(
                "unknown kind {other:?}: native, floor, spawn, create_task, gather or taskgroup"
            )),
        }
    });
    rt.block_on(async move { main.await })
        .unwrap_or_else(|e| panic!("{e}"))
}
