//! gather, wait(ALL_COMPLETED) and as_completed over n trivial tasks, against the best
//! native way to spawn and collect n tasks on each runtime.
//!
//! Run: `cargo run --release -p aio-gather --example gather_bench [N...]` (default 10000 100000
//! 1000000); CPython's side: `python3 harness/bench/gather_tasks.py 100000`.
//!
//! Every workload is a plain `fn(&R, n) -> Duration` (the `aio bench` shape): it spawns
//! n tasks returning their index, collects every value, checks the sum, and times the
//! whole (spawning included) inside one `block_on`. Ours run inside a main task, as
//! under `asyncio.run(main())`, so the children join its family.
//!
//! Native ways, the fastest of which is the reference per runtime:
//! - `spawn+await`: the runtime's own spawn, handles awaited in order (what `join_all`
//!   does with owned handles, without its polling);
//! - `JoinSet` (tokio only): spawn into a `tokio::task::JoinSet`, `join_next` until empty.

use std::time::{Duration, Instant};

use aio_gather::gather;
use aio_rt::{AsyncStd, Runtime, Smol, Tokio};
use aio_tasks::{Task, create_task};
use aio_wait::{ReturnWhen, as_completed, wait};
use futures_lite::StreamExt;

fn expected(n: u64) -> u64 {
    n * (n - 1) / 2
}

/// Runs `body` as the main task on `rt` and times it.
fn in_main<R, F>(rt: &R, body: impl FnOnce(R) -> F) -> Duration
where
    R: Runtime,
    F: Future<Output = Result<(), String>> + Send + 'static,
{
    let start = Instant::now();
    let main = create_task(rt, body(rt.clone()));
    rt.block_on(async { main.await.expect("the workload succeeds") });
    start.elapsed()
}

fn spawn_n<R: Runtime>(rt: &R, n: u64) -> Vec<Task<u64, String>> {
    (0..n)
        .map(|i| create_task(rt, async move { Ok(i) }))
        .collect()
}

/// `gather(tasks).await` over n `create_task`s.
pub fn gather_workload<R: Runtime>(rt: &R, n: u64) -> Duration {
    in_main(rt, move |rt| async move {
        let values = gather(&rt, spawn_n(&rt, n))
            .await
            .map_err(|e| e.to_string())?;
        assert_eq!(values.into_iter().sum::<u64>(), expected(n));
        Ok(())
    })
}

/// `wait(tasks, ALL_COMPLETED)` over n `create_task`s, then the values from `done`.
pub fn wait_workload<R: Runtime>(rt: &R, n: u64) -> Duration {
    in_main(rt, move |rt| async move {
        let (done, pending) = wait(&rt, spawn_n(&rt, n), ReturnWhen::AllCompleted, None)
            .await
            .map_err(|e| e.to_string())?;
        assert!(pending.is_empty());
        let sum: u64 = done.iter().map(|t| t.result().unwrap_or(0)).sum();
        assert_eq!(sum, expected(n));
        Ok(())
    })
}

/// `as_completed(tasks)` over n `create_task`s, summing the stream.
pub fn as_completed_workload<R: Runtime>(rt: &R, n: u64) -> Duration {
    in_main(rt, move |rt| async move {
        let mut stream = as_completed(&rt, spawn_n(&rt, n), None);
        let mut sum = 0;
        while let Some(value) = stream.next().await {
            sum += value.map_err(|e| e.to_string())?;
        }
        assert_eq!(sum, expected(n));
        Ok(())
    })
}

/// `create_task` + await in order (aio-tasks without gather): our own baseline.
pub fn tasks_in_order_workload<R: Runtime>(rt: &R, n: u64) -> Duration {
    in_main(rt, move |rt| async move {
        let mut sum = 0;
        for task in spawn_n(&rt, n) {
            sum += task.await.map_err(|e| e.to_string())?;
        }
        assert_eq!(sum, expected(n));
        Ok(())
    })
}

/// The best native way on `rt`, and its name.
fn native(rt: &dyn NativeRt, n: u64) -> (Duration, &'static str) {
    rt.best(n)
}

trait NativeRt {
    fn best(&self, n: u64) -> (Duration, &'static str);
}

fn timed(f: impl FnOnce() -> u64, n: u64) -> Duration {
    let start = Instant::now();
    assert_eq!(f(), expected(n));
    start.elapsed()
}

impl NativeRt for Tokio {
    fn best(&self, n: u64) -> (Duration, &'static str) {
        let handle = self.handle().clone();
        let h2 = handle.clone();
        let in_order = timed(
            || {
                self.block_on(async move {
                    let hs: Vec<_> = (0..n).map(|i| h2.spawn(async move { i })).collect();
                    let mut sum = 0;
                    for h in hs {
                        sum += h.await.unwrap_or(0);
                    }
                    sum
                })
            },
            n,
        );
        let joinset = timed(
            || {
                self.block_on(async move {
                    let mut set = tokio::task::JoinSet::new();
                    for i in 0..n {
                        set.spawn_on(async move { i }, &handle);
                    }
                    let mut sum = 0;
                    while let Some(v) = set.join_next().await {
                        sum += v.unwrap_or(0);
                    }
                    sum
                })
            },
            n,
        );
        if joinset < in_order {
            (joinset, "JoinSet")
        } else {
            (in_order, "spawn+await")
        }
    }
}

impl NativeRt for AsyncStd {
    fn best(&self, n: u64) -> (Duration, &'static str) {
        let d = timed(
            || {
                self.block_on(async move {
                    let hs: Vec<_> = (0..n)
                        .map(|i| async_std::task::spawn(async move { i }))
                        .collect();
                    let mut sum = 0;
                    for h in hs {
                        sum += h.await;
                    }
                    sum
                })
            },
            n,
        );
        (d, "spawn+await")
    }
}

impl NativeRt for Smol {
    fn best(&self, n: u64) -> (Duration, &'static str) {
        let ex = self.clone();
        let d = timed(
            || {
                self.block_on(async move {
                    let hs: Vec<_> = (0..n)
                        .map(|i| ex.executor().spawn(async move { i }))
                        .collect();
                    let mut sum = 0;
                    for h in hs {
                        sum += h.await;
                    }
                    sum
                })
            },
            n,
        );
        (d, "spawn+await")
    }
}

fn best_of(rounds: usize, mut f: impl FnMut() -> Duration) -> Duration {
    (0..rounds).map(|_| f()).min().expect("rounds > 0")
}

fn row<R: Runtime + NativeRt>(rt: R, n: u64) {
    let rounds = if n >= 1_000_000 { 3 } else { 5 };
    let per = |d: Duration| d.as_nanos() as f64 / n as f64;
    let mut native_name = "";
    let native = best_of(rounds, || {
        let (d, name) = native(&rt, n);
        native_name = name;
        d
    });
    let order = best_of(rounds, || tasks_in_order_workload(&rt, n));
    let g = best_of(rounds, || gather_workload(&rt, n));
    let w = best_of(rounds, || wait_workload(&rt, n));
    let a = best_of(rounds, || as_completed_workload(&rt, n));
    println!(
        "| {} | {n} | {:.0} ({native_name}) | {:.0} | {:.0} | {:.0} | {:.0} | {:.2}x |",
        rt.name(),
        per(native),
        per(order),
        per(g),
        per(w),
        per(a),
        g.as_secs_f64() / native.as_secs_f64(),
    );
}

fn main() {
    let sizes: Vec<u64> = {
        let args: Vec<u64> = std::env::args()
            .skip(1)
            .filter_map(|a| a.parse().ok())
            .collect();
        if args.is_empty() {
            vec![10_000, 100_000, 1_000_000]
        } else {
            args
        }
    };
    println!("ns per task, best of 5 (3 at 1M); spawning included; real clock");
    println!(
        "| runtime | n | best native | create_task+await | gather | wait(ALL) | as_completed | gather / native |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for &n in &sizes {
        row(Tokio::current_thread(), n);
        row(Tokio::multi_thread(), n);
        row(AsyncStd::new(), n);
        row(Smol::new(), n);
    }
}
