//! What `catch_cancel` costs: create_task + await of N tasks, each suspended once (a
//! yield), with the yield awaited plainly, or inside `catch_cancel`; and N tasks
//! cancelled while suspended, dropped (plain) or receiving the cancellation inside
//! `catch_cancel` and re-raising it. Best of 5 rounds, interleaved, on smol and tokio
//! current_thread.
//!
//! `cargo run --release -p aio-tasks --example catch_bench [N]` (N = 100000 by default).
//!
//! A task that never uses `catch_cancel` pays for it only on the cancel path (one lock
//! taken when the driver sees a request): the plain columns are the figure to compare
//! with `tasks_bench`'s create_task column on a build without the feature.

use std::time::{Duration, Instant};

use aio_rt::{Runtime, Smol, Tokio};
use aio_tasks::{CancelledError, catch_cancel, create_task};

const ROUNDS: usize = 5;

/// N tasks, each yielding once (inside `catch_cancel` when `catching`), all awaited.
fn run_once<R: Runtime>(rt: &R, n: u64, catching: bool) -> Duration {
    let rt2 = rt.clone();
    let start = Instant::now();
    let main = create_task(rt, async move {
        let tasks: Vec<_> = (0..n)
            .map(|i| {
                let rt3 = rt2.clone();
                create_task(&rt2, async move {
                    if catching {
                        catch_cancel(rt3.yield_now()).await?;
                    } else {
                        rt3.yield_now().await;
                    }
                    Ok::<_, CancelledError>(i)
                })
            })
            .collect();
        let mut sum = 0;
        for t in tasks {
            sum += t.await.unwrap();
        }
        Ok::<_, String>(sum)
    });
    let sum = rt.block_on(async move { main.await.unwrap() });
    let elapsed = start.elapsed();
    assert_eq!(sum, n * (n - 1) / 2);
    elapsed
}

/// N tasks suspended forever (inside `catch_cancel` when `catching`, which re-raises),
/// all cancelled, all awaited.
fn cancel_once<R: Runtime>(rt: &R, n: u64, catching: bool) -> Duration {
    let rt2 = rt.clone();
    let start = Instant::now();
    let main = create_task(rt, async move {
        let tasks: Vec<_> = (0..n)
            .map(|_| {
                create_task(&rt2, async move {
                    if catching {
                        catch_cancel(std::future::pending::<()>()).await?;
                    } else {
                        std::future::pending::<()>().await;
                    }
                    Ok::<(), CancelledError>(())
                })
            })
            .collect();
        rt2.yield_now().await;
        for t in &tasks {
            t.cancel(None);
        }
        let mut cancelled = 0;
        for t in tasks {
            cancelled += u64::from(t.await.is_err());
        }
        Ok::<_, String>(cancelled)
    });
    let cancelled = rt.block_on(async move { main.await.unwrap() });
    let elapsed = start.elapsed();
    assert_eq!(cancelled, n);
    elapsed
}

/// One timed variant: its name, the run, and whether it uses `catch_cancel`.
type Variant<R> = (&'static str, fn(&R, u64, bool) -> Duration, bool);

fn measure<R: Runtime>(rt: R, n: u64) {
    let variants: [Variant<R>; 4] = [
        ("create_task + yield, plain", run_once::<R>, false),
        ("create_task + yield, in catch_cancel", run_once::<R>, true),
        ("cancel, dropped (plain)", cancel_once::<R>, false),
        ("cancel, caught in catch_cancel", cancel_once::<R>, true),
    ];
    for (_, f, catching) in &variants {
        f(&rt, n.min(10_000), *catching);
    }
    let mut best = [Duration::MAX; 4];
    for _ in 0..ROUNDS {
        for (i, (_, f, catching)) in variants.iter().enumerate() {
            best[i] = best[i].min(f(&rt, n, *catching));
        }
    }
    for (i, (name, ..)) in variants.iter().enumerate() {
        println!(
            "| {} | {name} | {:.1} | {:.0} |",
            rt.name(),
            best[i].as_secs_f64() * 1e3,
            best[i].as_secs_f64() * 1e9 / n as f64
        );
    }
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    println!("{n} tasks, best of {ROUNDS} rounds\n");
    println!("| runtime | variant | ms | ns/task |\n|---|---|---|---|");
    measure(Smol::new(), n);
    measure(Tokio::current_thread(), n);
}
