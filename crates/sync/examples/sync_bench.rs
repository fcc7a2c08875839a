//! Benchmark: Lock, Semaphore and Event, single-threaded, against async-lock, tokio::sync
//! and event-listener on the same executor (tokio current_thread, smol's LocalExecutor).
//!
//! `cargo run --release -p aio-sync --example sync_bench`; the CPython twins are
//! `python3 harness/bench/sync_{lock,semaphore,event}.py`. Timing belongs here, never
//! in tests.

use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_lite::future::yield_now;

const RUNS: usize = 5;

#[derive(Clone, Copy, Debug)]
enum Exec {
    Tokio,
    Smol,
}

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

async fn join_all<T>(handles: Vec<Handle<T>>) {
    for h in handles {
        h.join().await;
    }
}

// Lock: 100 tasks x 10k lock+unlock.
const LOCK_TASKS: usize = 100;
const LOCK_ITERS: usize = 10_000;
const LOCK_OPS: usize = LOCK_TASKS * LOCK_ITERS;

async fn lock_aio(sp: Spawner) -> Duration {
    let lock = Arc::new(aio_sync::Lock::new());
    let start = Instant::now();
    let handles = (0..LOCK_TASKS)
        .map(|_| {
            let lock = lock.clone();
            sp.spawn(async move {
                for _ in 0..LOCK_ITERS {
                    drop(lock.lock().await);
                }
            })
        })
        .collect();
    join_all(handles).await;
    start.elapsed()
}

async fn lock_async_lock(sp: Spawner) -> Duration {
    let lock = Arc::new(async_lock::Mutex::new(()));
    let start = Instant::now();
    let handles = (0..LOCK_TASKS)
        .map(|_| {
            let lock = lock.clone();
            sp.spawn(async move {
                for _ in 0..LOCK_ITERS {
                    drop(lock.lock().await);
                }
            })
        })
        .collect();
    join_all(handles).await;
    start.elapsed()
}

async fn lock_tokio(sp: Spawner) -> Duration {
    let lock = Arc::new(tokio::sync::Mutex::new(()));
    let start = Instant::now();
    let handles = (0..LOCK_TASKS)
        .map(|_| {
            let lock = lock.clone();
            sp.spawn(async move {
                for _ in 0..LOCK_ITERS {
                    drop(lock.lock().await);
                }
            })
        })
        .collect();
    join_all(handles).await;
    start.elapsed()
}

// Semaphore(10): 1000 tasks x 100 (acquire, yield, release).
const SEM_TASKS: usize = 1000;
const SEM_ITERS: usize = 100;
const SEM_OPS: usize = SEM_TASKS * SEM_ITERS;

async fn sem_aio(sp: Spawner) -> Duration {
    let sem = Arc::new(aio_sync::Semaphore::new(10));
    let start = Instant::now();
    let handles = (0..SEM_TASKS)
        .map(|_| {
            let sem = sem.clone();
            sp.spawn(async move {
                for _ in 0..SEM_ITERS {
                    let permit = sem.permit().await;
                    yield_now().await;
                    drop(permit);
                }
            })
        })
        .collect();
    join_all(handles).await;
    start.elapsed()
}

async fn sem_async_lock(sp: Spawner) -> Duration {
    let sem = Arc::new(async_lock::Semaphore::new(10));
    let start = Instant::now();
    let handles = (0..SEM_TASKS)
        .map(|_| {
            let sem = sem.clone();
            sp.spawn(async move {
                for _ in 0..SEM_ITERS {
                    let permit = sem.acquire().await;
                    yield_now().await;
                    drop(permit);
                }
            })
        })
        .collect();
    join_all(handles).await;
    start.elapsed()
}

async fn sem_tokio(sp: Spawner) -> Duration {
    let sem = Arc::new(tokio::sync::Semaphore::new(10));
    let start = Instant::now();
    let handles = (0..SEM_TASKS)
        .map(|_| {
            let sem = sem.clone();
            sp.spawn(async move {
                for _ in 0..SEM_ITERS {
                    let permit = sem.acquire().await.expect("open");
                    yield_now().await;
                    drop(permit);
                }
            })
        })
        .collect();
    join_all(handles).await;
    start.elapsed()
}

// Event: set wakes 10k waiters; the time from set until every waiter has finished.
const WAITERS: usize = 10_000;

/// Yields until every waiter has registered (the main future of `block_on` may be
/// polled before the spawned tasks have all run once).
async fn until_parked(parked: &AtomicUsize) {
    while parked.load(Ordering::Relaxed) < WAITERS {
        yield_now().await;
    }
}

async fn event_aio(sp: Spawner) -> Duration {
    let parked = Arc::new(AtomicUsize::new(0));
    let event = Arc::new(aio_sync::Event::new());
    let handles: Vec<_> = (0..WAITERS)
        .map(|_| {
            let (event, parked) = (event.clone(), parked.clone());
            sp.spawn(async move {
                let wait = event.wait();
                parked.fetch_add(1, Ordering::Relaxed);
                wait.await // the first poll registers it, in the same task poll
            })
        })
        .collect();
    until_parked(&parked).await;
    let start = Instant::now();
    event.set();
    join_all(handles).await;
    start.elapsed()
}

async fn event_notify(sp: Spawner) -> Duration {
    let parked = Arc::new(AtomicUsize::new(0));
    let notify = Arc::new(tokio::sync::Notify::new());
    let handles: Vec<_> = (0..WAITERS)
        .map(|_| {
            let (notify, parked) = (notify.clone(), parked.clone());
            sp.spawn(async move {
                let mut notified = std::pin::pin!(notify.notified());
                notified.as_mut().enable();
                parked.fetch_add(1, Ordering::Relaxed);
                notified.await
            })
        })
        .collect();
    until_parked(&parked).await;
    let start = Instant::now();
    notify.notify_waiters();
    join_all(handles).await;
    start.elapsed()
}

async fn event_listener(sp: Spawner) -> Duration {
    let parked = Arc::new(AtomicUsize::new(0));
    let event = Arc::new(event_listener::Event::new());
    let handles: Vec<_> = (0..WAITERS)
        .map(|_| {
            let (event, parked) = (event.clone(), parked.clone());
            sp.spawn(async move {
                let listener = event.listen();
                parked.fetch_add(1, Ordering::Relaxed);
                listener.await
            })
        })
        .collect();
    until_parked(&parked).await;
    let start = Instant::now();
    event.notify(usize::MAX);
    join_all(handles).await;
    start.elapsed()
}

/// Best and median of `RUNS`, in ns per operation.
fn measure(ops: usize, mut once: impl FnMut() -> Duration) -> (f64, f64) {
    let mut ns: Vec<f64> = (0..RUNS)
        .map(|_| once().as_nanos() as f64 / ops as f64)
        .collect();
    ns.sort_by(f64::total_cmp);
    (ns[0], ns[RUNS / 2])
}

fn row(exec: Exec, name: &str, (best, median): (f64, f64)) {
    let exec = format!("{exec:?}").to_lowercase();
    println!("  {exec:<6} {name:<34} {best:7.1} / {median:7.1}");
}

fn main() {
    // An optional argument picks one workload: lock, semaphore or event.
    let only = std::env::args().nth(1);
    let wants = |name: &str| only.as_deref().is_none_or(|only| only == name);
    println!("single thread; ns per operation (best / median of {RUNS})");
    if wants("lock") {
        println!("lock+unlock, {LOCK_TASKS} tasks x {LOCK_ITERS}:");
        for exec in [Exec::Tokio, Exec::Smol] {
            row(
                exec,
                "aio_sync::Lock",
                measure(LOCK_OPS, || run(exec, lock_aio)),
            );
            row(
                exec,
                "async_lock::Mutex",
                measure(LOCK_OPS, || run(exec, lock_async_lock)),
            );
            row(
                exec,
                "tokio::sync::Mutex",
                measure(LOCK_OPS, || run(exec, lock_tokio)),
            );
        }
    }
    if wants("semaphore") {
        println!("Semaphore(10), {SEM_TASKS} tasks x {SEM_ITERS} acquire+yield+release:");
        for exec in [Exec::Tokio, Exec::Smol] {
            row(
                exec,
                "aio_sync::Semaphore",
                measure(SEM_OPS, || run(exec, sem_aio)),
            );
            row(
                exec,
                "async_lock::Semaphore",
                measure(SEM_OPS, || run(exec, sem_async_lock)),
            );
            row(
                exec,
                "tokio::sync::Semaphore",
                measure(SEM_OPS, || run(exec, sem_tokio)),
            );
        }
    }
    if wants("event") {
        println!("Event set waking {WAITERS} waiters, per waiter:");
        for exec in [Exec::Tokio, Exec::Smol] {
            row(
                exec,
                "aio_sync::Event",
                measure(WAITERS, || run(exec, event_aio)),
            );
            row(
                exec,
                "tokio::sync::Notify",
                measure(WAITERS, || run(exec, event_notify)),
            );
            row(
                exec,
                "event_listener::Event",
                measure(WAITERS, || run(exec, event_listener)),
            );
        }
    }
}
