//! One run of the lock workload (100 tasks, each taking and dropping the lock ITERS
//! times; nobody holds it across an await, so this is the uncontended path), for an
//! instruction profiler rather than a clock.
//!
//! `cargo run --release -p aio-sync --example profile_lock -- ITERS LOCK` with LOCK
//! `ours`, `async-lock` or `tokio`, on a current_thread tokio runtime. The cost of one
//! lock + unlock is the difference between two ITERS, divided by 100 x their difference:
//!
//! ```text
//! valgrind --tool=callgrind target/release/examples/profile_lock 1000 ours
//! valgrind --tool=callgrind target/release/examples/profile_lock 2000 ours
//! ```

use std::sync::Arc;

const TASKS: usize = 100;

fn main() {
    let mut args = std::env::args().skip(1);
    let iters: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000);
    let which = args.next().unwrap_or_else(|| "ours".into());
    let locks = Arc::new((
        aio_sync::Lock::new(),
        async_lock::Mutex::new(()),
        tokio::sync::Mutex::new(()),
    ));
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let start = std::time::Instant::now();
    rt.block_on(async {
        let handles: Vec<_> = (0..TASKS)
            .map(|_| {
                let (locks, which) = (locks.clone(), which.clone());
                tokio::spawn(async move {
                    for _ in 0..iters {
                        match which.as_str() {
                            "ours" => drop(locks.0.lock().await),
                            "async-lock" => drop(locks.1.lock().await),
                            "tokio" => drop(locks.2.lock().await),
                            other => panic!("unknown lock {other:?}: ours, async-lock or tokio"),
                        }
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.await.expect("task finished");
        }
    });
    let ns = start.elapsed().as_nanos() as f64 / (TASKS * iters) as f64;
    eprintln!("{which}: {ns:.1} ns per lock + unlock");
}
