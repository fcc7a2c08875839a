//! One run of the queue workload (items through a queue bounded to 1024, ours with
//! `task_done` per item and a final `join`), for a profiler rather than a clock:
//! callgrind's counts on one thread, or `perf stat` / `strace -c` on two.
//!
//! `cargo run --release -p aio-queues --example profile_queue -- EXEC ITEMS PAIRS QUEUE`
//! with EXEC `tokio` (current_thread), `tokio-mt` (two workers) or `smol` (one
//! `smol::Executor`), ITEMS the items in all, PAIRS the producers (and as many
//! consumers), QUEUE `ours` or `async-channel`:
//!
//! ```text
//! valgrind --tool=callgrind target/release/examples/profile_queue tokio 100000 1 ours
//! perf stat -e task-clock,context-switches target/release/examples/profile_queue tokio-mt 1000000 4 ours
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

type Task = Pin<Box<dyn Future<Output = ()> + Send>>;

fn tasks(which: &str, items: usize, pairs: usize) -> (Vec<Task>, Task) {
    let per = items / pairs;
    let mut all: Vec<Task> = Vec::new();
    if which == "ours" {
        let q = Arc::new(aio_queues::Queue::new(1024));
        for _ in 0..pairs {
            let (tx, rx) = (q.clone(), q.clone());
            all.push(Box::pin(async move {
                for i in 0..per {
                    tx.put(i).await.expect("the queue is open");
                }
            }));
            all.push(Box::pin(async move {
                for _ in 0..per {
                    rx.get().await.expect("the queue is open");
                    rx.task_done().expect("one task_done per get");
                }
            }));
        }
        (all, Box::pin(async move { q.join().await }))
    } else {
        let (tx, rx) = async_channel::bounded(1024);
        for _ in 0..pairs {
            let (tx, rx) = (tx.clone(), rx.clone());
            all.push(Box::pin(async move {
                for i in 0..per {
                    tx.send(i).await.expect("the channel is open");
                }
            }));
            all.push(Box::pin(async move {
                for _ in 0..per {
                    rx.recv().await.expect("the channel is open");
                }
            }));
        }
        (all, Box::pin(async {}))
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let exec = args.next().unwrap_or_else(|| "tokio".into());
    let items: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let pairs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);
    let which = args.next().unwrap_or_else(|| "ours".into());
    assert!(
        which == "ours" || which == "async-channel",
        "unknown queue {which:?}: ours or async-channel"
    );
    let (all, join) = tasks(&which, items, pairs.max(1));
    let start = std::time::Instant::now();
    match exec.as_str() {
        "tokio" | "tokio-mt" => {
            let rt = if exec == "tokio" {
                tokio::runtime::Builder::new_current_thread().build()
            } else {
                tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .build()
            }
            .expect("runtime");
            rt.block_on(async {
                let handles: Vec<_> = all.into_iter().map(tokio::spawn).collect();
                for handle in handles {
                    handle.await.expect("task finished");
                }
                join.await;
            });
        }
        _ => {
            let ex = smol::Executor::new();
            smol::block_on(ex.run(async {
                let handles: Vec<_> = all.into_iter().map(|t| ex.spawn(t)).collect();
                for handle in handles {
                    handle.await;
                }
                join.await;
            }));
        }
    }
    let ns = start.elapsed().as_nanos() as f64 / items as f64;
    eprintln!("{exec} {which}: {ns:.1} ns/item");
}
