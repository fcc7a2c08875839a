//! One run of the semaphore workload (Semaphore(10), 1000 tasks, acquire + yield +
//! release), for an instruction profiler rather than a clock: callgrind's counts are
//! deterministic, so an A/B comparison holds on a busy machine.
//!
//! `cargo run --release -p aio-sync --example profile_semaphore -- EXEC ITERS SEM` with
//! EXEC `tokio` (current_thread), `smol` (a `smol::Executor`, as aio-rt's Smol runs) or
//! `smol-mt` (the same executor run by two threads, as async-std runs it), ITERS the
//! iterations per task, SEM `ours`, `async-lock` or `tokio`. The cost of one operation
//! is the difference between two ITERS, divided by 1000 x their difference:
//!
//! ```text
//! valgrind --tool=callgrind target/release/examples/profile_semaphore tokio 10 ours
//! valgrind --tool=callgrind target/release/examples/profile_semaphore tokio 30 ours
//! ```
//!
//! On two threads instructions say little (lock contention, cache-line transfers and
//! sleeping workers are the cost): time it, or `perf record` it, instead:
//!
//! ```text
//! perf stat -e task-clock target/release/examples/profile_semaphore smol-mt 100 ours
//! ```

use std::sync::Arc;

use futures_lite::future::yield_now;

const TASKS: usize = 1000;

async fn task(
    sem: Arc<(
        aio_sync::Semaphore,
        async_lock::Semaphore,
        tokio::sync::Semaphore,
    )>,
    which: &'static str,
    iters: usize,
) {
    for _ in 0..iters {
        match which {
            "ours" => {
                let permit = sem.0.permit().await;
                yield_now().await;
                drop(permit);
            }
            "async-lock" => {
                let permit = sem.1.acquire().await;
                yield_now().await;
                drop(permit);
            }
            _ => {
                let permit = sem.2.acquire().await.expect("never closed");
                yield_now().await;
                drop(permit);
            }
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let exec = args.next().unwrap_or_else(|| "tokio".into());
    let iters: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(30);
    let which: &'static str = match args.next().as_deref() {
        None | Some("ours") => "ours",
        Some("async-lock") => "async-lock",
        Some("tokio") => "tokio",
        Some(other) => panic!("unknown semaphore {other:?}: ours, async-lock or tokio"),
    };
    let sem = Arc::new((
        aio_sync::Semaphore::new(10),
        async_lock::Semaphore::new(10),
        tokio::sync::Semaphore::new(10),
    ));
    let tasks = (0..TASKS).map(move |_| task(sem.clone(), which, iters));
    if exec == "tokio" {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let handles: Vec<_> = tasks.map(tokio::spawn).collect();
            for handle in handles {
                handle.await.expect("task finished");
            }
        });
    } else {
        let threads = if exec == "smol-mt" { 2 } else { 1 };
        let ex = smol::Executor::new();
        // The other threads run the executor until `stop` is dropped.
        let (stop, stopped) = smol::channel::bounded::<()>(1);
        std::thread::scope(|scope| {
            for _ in 1..threads {
                scope.spawn(|| smol::block_on(ex.run(stopped.recv())));
            }
            smol::block_on(ex.run(async {
                let handles: Vec<_> = tasks.map(|t| ex.spawn(t)).collect();
                for handle in handles {
                    handle.await;
                }
            }));
            drop(stop);
        });
    }
}
