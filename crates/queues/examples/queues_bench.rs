//! Benchmark: a bounded SPSC queue, 1M items, capacity 1024, single-threaded, with
//! `task_done`/`join` on for aio-queues; against tokio's mpsc and async-channel on the
//! same executor (tokio current_thread, and smol's LocalExecutor).
//!
//! `cargo run --release -p aio-queues --example queues_bench`; the CPython twin is
//! `python3 harness/bench/queues_spsc.py`. Timing belongs here, never in tests.

use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aio_queues::Queue;

const ITEMS: u64 = 1_000_000;
const CAPACITY: usize = 1024;
const RUNS: usize = 5;

/// Which single-threaded executor a workload runs on.
#[derive(Clone, Copy, Debug)]
enum Exec {
    Tokio,
    Smol,
}

/// Runs `make(spawner)` on `exec`; the future returns its own measured time.
fn run<F, Fut>(exec: Exec, make: F) -> Duration
where
    F: FnOnce(Spawner) -> Fut,
    Fut: Future<Output = Duration>,
{
    match exec {
        Exec::Tokio => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .build()
                .expect("runtime");
            rt.block_on(make(Spawner::Tokio))
        }
        Exec::Smol => {
            let ex = Rc::new(smol::LocalExecutor::new());
            futures_lite::future::block_on(ex.run(make(Spawner::Smol(ex.clone()))))
        }
    }
}

#[derive(Clone)]
enum Spawner {
    Tokio,
    Smol(Rc<smol::LocalExecutor<'static>>),
}

enum Handle<T> {
    Tokio(tokio::task::JoinHandle<T>),
    Smol(smol::Task<T>),
}

impl Spawner {
    fn spawn<T: Send + 'static>(&self, fut: impl Future<Output = T> + Send + 'static) -> Handle<T> {
        match self {
            Spawner::Tokio => Handle::Tokio(tokio::spawn(fut)),
            Spawner::Smol(ex) => Handle::Smol(ex.spawn(fut)),
        }
    }
}

impl<T> Handle<T> {
    async fn join(self) -> T {
        match self {
            Handle::Tokio(h) => h.await.expect("task finished"),
            Handle::Smol(t) => t.await,
        }
    }
}

async fn aio_queue(sp: Spawner) -> Duration {
    let q = Arc::new(Queue::new(CAPACITY));
    let start = Instant::now();
    let (qp, qc) = (q.clone(), q.clone());
    let producer = sp.spawn(async move {
        for i in 0..ITEMS {
            qp.put(i).await.expect("open");
        }
    });
    let consumer = sp.spawn(async move {
        for _ in 0..ITEMS {
            qc.get().await.expect("open");
            qc.task_done().expect("one per get");
        }
    });
    producer.join().await;
    q.join().await;
    consumer.join().await;
    start.elapsed()
}

async fn tokio_mpsc(sp: Spawner) -> Duration {
    let (tx, mut rx) = tokio::sync::mpsc::channel(CAPACITY);
    let start = Instant::now();
    let producer = sp.spawn(async move {
        for i in 0..ITEMS {
            tx.send(i).await.expect("open");
        }
    });
    let consumer = sp.spawn(async move {
        for _ in 0..ITEMS {
            rx.recv().await.expect("open");
        }
    });
    producer.join().await;
    consumer.join().await;
    start.elapsed()
}

async fn async_channel(sp: Spawner) -> Duration {
    let (tx, rx) = async_channel::bounded(CAPACITY);
    let start = Instant::now();
    let producer = sp.spawn(async move {
        for i in 0..ITEMS {
            tx.send(i).await.expect("open");
        }
    });
    let consumer = sp.spawn(async move {
        for _ in 0..ITEMS {
            rx.recv().await.expect("open");
        }
    });
    producer.join().await;
    consumer.join().await;
    start.elapsed()
}

/// Best and median of `RUNS`, in ns per item.
fn measure(mut once: impl FnMut() -> Duration) -> (f64, f64) {
    let mut ns: Vec<f64> = (0..RUNS)
        .map(|_| once().as_nanos() as f64 / ITEMS as f64)
        .collect();
    ns.sort_by(f64::total_cmp);
    (ns[0], ns[RUNS / 2])
}

fn main() {
    println!(
        "bounded SPSC queue, {ITEMS} items, capacity {CAPACITY}, single thread; ns per item (best / median of {RUNS})"
    );
    for exec in [Exec::Tokio, Exec::Smol] {
        let ours = measure(|| run(exec, aio_queue));
        let mpsc = measure(|| run(exec, tokio_mpsc));
        let chan = measure(|| run(exec, async_channel));
        let name = format!("{exec:?}").to_lowercase();
        println!(
            "  {name:<6} aio_queues::Queue (task_done/join on) {:6.1} / {:6.1}",
            ours.0, ours.1
        );
        println!(
            "  {name:<6} tokio::sync::mpsc                     {:6.1} / {:6.1}",
            mpsc.0, mpsc.1
        );
        println!(
            "  {name:<6} async_channel::bounded                {:6.1} / {:6.1}",
            chan.0, chan.1
        );
    }
}
