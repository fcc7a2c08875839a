//! create_task + await of 100k trivial tasks, and bytes per pending task, against the raw
//! runtime spawn and `aio_rt::Runtime::spawn`, on every runtime.
//!
//! Run: `cargo run --release -p aio-tasks --example tasks_bench [N]`; CPython's side:
//! `python3 harness/bench/tasks_spawn.py [N]`. The three variants run interleaved, round
//! after round, so that a loaded machine slows them alike. `--profile [N] [ROUNDS]` runs
//! create_task alone on smol, for a profiler (`perf record`).
//!
//! Memory is measured as the growth of the resident set (`/proc/self/statm`, Linux only)
//! while N tasks are alive and pending, divided by N, each measurement in a fresh child
//! process: no counting allocator, because a `GlobalAlloc` needs `unsafe`, which the
//! workspace forbids. It is coarse (pages, allocator slack). It includes everything a pending task costs: the
//! runtime's task cell, `aio_rt`'s JoinHandle state, and for `create_task` the shared
//! task state and the family's list entry.

use std::time::{Duration, Instant};

use aio_rt::{AsyncStd, Runtime, Smol, Tokio};
use aio_tasks::create_task;

const ROUNDS: usize = 5;

fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// RSS growth per task while `n` pending tasks made by `spawn_pending` are alive. Run in
/// a fresh process (see `main`): memory freed earlier in the same process would be
/// reused and hide the growth.
fn bytes_per_task<R: Runtime>(
    rt: &R,
    n: u64,
    spawn_pending: impl Fn(&R) -> Box<dyn FnOnce() + Send> + Send + 'static,
) -> Option<f64> {
    let r = rt.clone();
    // Inside a main task, so that `create_task` joins one family, as under asyncio.run.
    let main = create_task(rt, async move {
        let rt = r;
        rt.sleep(Duration::from_millis(5)).await;
        let mut cancels: Vec<Box<dyn FnOnce() + Send>> = Vec::with_capacity(n as usize);
        let Some(before) = rss_bytes() else {
            return Ok(None);
        };
        for _ in 0..n {
            cancels.push(spawn_pending(&rt));
        }
        // Let every task be polled once, so that its state is what a pending task holds.
        rt.sleep(Duration::from_millis(50)).await;
        let Some(after) = rss_bytes() else {
            return Ok(None);
        };
        let per_task = (after.saturating_sub(before)) as f64 / n as f64;
        for cancel in cancels {
            cancel();
        }
        rt.sleep(Duration::from_millis(20)).await;
        Ok::<_, String>(Some(per_task))
    });
    rt.block_on(async { main.await.ok().flatten() })
}

/// `--memory RUNTIME VARIANT N`: one memory measurement, in this (fresh) process.
fn memory(runtime: &str, variant: &str, n: u64) -> Option<f64> {
    fn generic<R: Runtime>(
        rt: R,
        variant: &str,
        n: u64,
        raw: impl Fn(&R) -> Box<dyn FnOnce() + Send> + Send + 'static,
    ) -> Option<f64> {
        match variant {
            "raw" => bytes_per_task(&rt, n, raw),
            "rt" => bytes_per_task(&rt, n, |rt| {
                let h = rt.spawn(std::future::pending::<()>());
                Box::new(move || {
                    h.cancel();
                })
            }),
            _ => bytes_per_task(&rt, n, |rt| {
                let t = create_task(rt, async {
                    std::future::pending::<()>().await;
                    Ok::<(), String>(())
                });
                Box::new(move || {
                    t.cancel(None);
                })
            }),
        }
    }
    let tokio_raw = |rt: &Tokio| -> Box<dyn FnOnce() + Send> {
        let h = rt.handle().spawn(std::future::pending::<()>());
        Box::new(move || h.abort())
    };
    match runtime {
        "tokio" => generic(Tokio::current_thread(), variant, n, tokio_raw),
        "tokio-mt" => generic(Tokio::multi_thread(), variant, n, tokio_raw),
        "async-std" => generic(AsyncStd::new(), variant, n, |_| {
            let h = async_std::task::spawn(std::future::pending::<()>());
            Box::new(move || drop(h.cancel()))
        }),
        _ => generic(Smol::new(), variant, n, |rt: &Smol| {
            let t = rt.executor().spawn(std::future::pending::<()>());
            Box::new(move || drop(t))
        }),
    }
}

/// Runs one memory measurement in a child process.
fn memory_in_child(runtime: &str, variant: &str, n: u64) -> Option<f64> {
    let exe = std::env::current_exe().ok()?;
    let out = std::process::Command::new(exe)
        .args(["--memory", runtime, variant, &n.to_string()])
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

struct Row {
    runtime: &'static str,
    raw: Duration,
    rt_spawn: Duration,
    task: Duration,
    raw_bytes: Option<f64>,
    rt_bytes: Option<f64>,
    task_bytes: Option<f64>,
}

/// Times one run of `f`, which spawns and awaits `n` tasks.
fn time_one(n: u64, f: impl FnOnce(u64) -> u64) -> Duration {
    let start = Instant::now();
    let sum = f(n);
    let elapsed = start.elapsed();
    assert_eq!(sum, n * (n - 1) / 2);
    elapsed
}

/// The three variants on `rt`, interleaved (raw, Runtime::spawn, create_task, raw, ...)
/// so that a loaded machine slows them alike; the best of `ROUNDS` of each.
fn measure<R: Runtime>(rt: R, n: u64, raw: impl Fn(&R, u64) -> u64) -> Row {
    let rt_spawn = |n: u64| {
        let rt2 = rt.clone();
        rt.block_on(async move {
            let handles: Vec<_> = (0..n).map(|i| rt2.spawn(async move { i })).collect();
            let mut sum = 0;
            for h in handles {
                sum += h.await.unwrap();
            }
            sum
        })
    };
    // Inside a main task, as `asyncio.run(main())` runs it: the tasks join its family.
    let task = |n: u64| {
        let rt2 = rt.clone();
        let main = create_task(&rt, async move {
            let tasks: Vec<_> = (0..n)
                .map(|i| create_task(&rt2, async move { Ok::<_, String>(i) }))
                .collect();
            let mut sum = 0;
            for t in tasks {
                sum += t.await.unwrap();
            }
            Ok::<_, String>(sum)
        });
        rt.block_on(async move { main.await.unwrap() })
    };
    // A warm-up round of each, not counted.
    let warm = n.min(10_000);
    time_one(warm, |n| raw(&rt, n));
    time_one(warm, rt_spawn);
    time_one(warm, task);
    let (mut best_raw, mut best_rt, mut best_task) = (Duration::MAX, Duration::MAX, Duration::MAX);
    for _ in 0..ROUNDS {
        best_raw = best_raw.min(time_one(n, |n| raw(&rt, n)));
        best_rt = best_rt.min(time_one(n, rt_spawn));
        best_task = best_task.min(time_one(n, task));
    }
    let name = rt.name();
    Row {
        runtime: name,
        raw: best_raw,
        rt_spawn: best_rt,
        task: best_task,
        raw_bytes: memory_in_child(name, "raw", n),
        rt_bytes: memory_in_child(name, "rt", n),
        task_bytes: memory_in_child(name, "task", n),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--memory") {
        let n = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(100_000);
        if let Some(bytes) = memory(&args[2], &args[3], n) {
            println!("{bytes}");
        }
        return;
    }
    if args.get(1).map(String::as_str) == Some("--profile") {
        // `--profile N ROUNDS`: create_task only, on smol, for a profiler.
        let n: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(20_000);
        let rounds: u64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(100);
        let rt = Smol::new();
        for _ in 0..rounds {
            let rt2 = rt.clone();
            let main = create_task(&rt, async move {
                let tasks: Vec<_> = (0..n)
                    .map(|i| create_task(&rt2, async move { Ok::<_, String>(i) }))
                    .collect();
                let mut sum = 0;
                for t in tasks {
                    sum += t.await.unwrap();
                }
                Ok::<_, String>(sum)
            });
            rt.block_on(async move { main.await.unwrap() });
        }
        return;
    }
    let n: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let mut rows = Vec::new();

    // tokio current_thread and multi_thread: raw `Handle::spawn`.
    let tokio_raw = |rt: &Tokio, n: u64| {
        let handle = rt.handle().clone();
        rt.block_on(async move {
            let hs: Vec<_> = (0..n).map(|i| handle.spawn(async move { i })).collect();
            let mut sum = 0;
            for h in hs {
                sum += h.await.unwrap();
            }
            sum
        })
    };
    rows.push(measure(Tokio::current_thread(), n, tokio_raw));
    rows.push(measure(Tokio::multi_thread(), n, tokio_raw));

    // async-std: raw `task::spawn`.
    rows.push(measure(AsyncStd::new(), n, |rt, n| {
        rt.block_on(async move {
            let hs: Vec<_> = (0..n)
                .map(|i| async_std::task::spawn(async move { i }))
                .collect();
            let mut sum = 0;
            for h in hs {
                sum += h.await;
            }
            sum
        })
    }));

    // smol: raw `Executor::spawn` on the same executor.
    rows.push(measure(Smol::new(), n, |rt, n| {
        let ex = rt.clone();
        rt.block_on(async move {
            let hs: Vec<_> = (0..n)
                .map(|i| ex.executor().spawn(async move { i }))
                .collect();
            let mut sum = 0;
            for h in hs {
                sum += h.await;
            }
            sum
        })
    }));

    let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1e3);
    let bytes = |b: Option<f64>| b.map_or_else(|| "n/a".to_owned(), |b| format!("{b:.0}"));
    println!(
        "create_task + await of {n} trivial tasks (best of {ROUNDS}, interleaved), and RSS bytes per pending task"
    );
    println!(
        "| runtime | raw spawn ms | Runtime::spawn ms | create_task ms | create_task / raw | raw B/task | Runtime::spawn B/task | create_task B/task | create_task - raw B |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for r in rows {
        let ratio = r.task.as_secs_f64() / r.raw.as_secs_f64();
        let extra = match (r.task_bytes, r.raw_bytes) {
            (Some(t), Some(raw)) => format!("{:+.0}", t - raw),
            _ => "n/a".to_owned(),
        };
        println!(
            "| {} | {} | {} | {} | {ratio:.2}x | {} | {} | {} | {extra} |",
            r.runtime,
            ms(r.raw),
            ms(r.rt_spawn),
            ms(r.task),
            bytes(r.raw_bytes),
            bytes(r.rt_bytes),
            bytes(r.task_bytes)
        );
    }
}
