//! One run of the event workload (N tasks wait, one `set` wakes them all, until every
//! waiter has finished), for an instruction profiler rather than a clock.
//!
//! `cargo run --release -p aio-sync --example profile_event -- EXEC N EVENT` with EXEC
//! `tokio` (current_thread), `smol` (one `smol::Executor`) or `smol-mt` (the same
//! executor run by two threads, as async-std runs it; time that one, its instruction
//! counts say little), N the waiters, EVENT
//! `ours` or `notify` (tokio::sync::Notify::notify_waiters). The cost per waiter is the
//! difference between two N, divided by their difference:
//!
//! ```text
//! valgrind --tool=callgrind target/release/examples/profile_event tokio 10000 ours
//! valgrind --tool=callgrind target/release/examples/profile_event tokio 20000 ours
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_lite::future::yield_now;

type Task = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The waiters, and the future that wakes them once they are all parked (`Notify`
/// only wakes waiters already registered, so it must wait for that).
fn workload(which: &str, n: usize) -> (Vec<Task>, Task) {
    let parked = Arc::new(AtomicUsize::new(0));
    let all_parked = {
        let parked = parked.clone();
        async move {
            while parked.load(Ordering::Relaxed) < n {
                yield_now().await;
            }
        }
    };
    if which == "ours" {
        let event = Arc::new(aio_sync::Event::new());
        let waiters = (0..n)
            .map(|_| {
                let (event, parked) = (event.clone(), parked.clone());
                Box::pin(async move {
                    let wait = event.wait();
                    parked.fetch_add(1, Ordering::Relaxed); // parks in the same poll
                    wait.await;
                }) as Task
            })
            .collect();
        let set = async move {
            all_parked.await;
            event.set();
        };
        (waiters, Box::pin(set))
    } else {
        let notify = Arc::new(tokio::sync::Notify::new());
        let waiters = (0..n)
            .map(|_| {
                let (notify, parked) = (notify.clone(), parked.clone());
                Box::pin(async move {
                    let mut notified = std::pin::pin!(notify.notified());
                    notified.as_mut().enable();
                    parked.fetch_add(1, Ordering::Relaxed);
                    notified.await;
                }) as Task
            })
            .collect();
        let set = async move {
            all_parked.await;
            notify.notify_waiters();
        };
        (waiters, Box::pin(set))
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let exec = args.next().unwrap_or_else(|| "tokio".into());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let which = args.next().unwrap_or_else(|| "ours".into());
    assert!(
        which == "ours" || which == "notify",
        "unknown event {which:?}: ours or notify"
    );
    let (waiters, set) = workload(&which, n);
    if exec == "tokio" {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let handles: Vec<_> = waiters.into_iter().map(tokio::spawn).collect();
            set.await;
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
                let handles: Vec<_> = waiters.into_iter().map(|t| ex.spawn(t)).collect();
                set.await;
                for handle in handles {
                    handle.await;
                }
            }));
            drop(stop);
        });
    }
}
