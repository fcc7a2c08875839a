//! Workloads of the synchronisation primitives and queues (aio-sync, aio-queues), each
//! beside the best runtime-agnostic native equivalent, both driven by the runtime's own
//! tasks so that only the primitive differs.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_lite::future::yield_now;

use super::{Sample, Variant, per_op, workloads::AnyRt};
use crate::RuntimeKind;

/// Producers and consumers are different futures: boxed, once per task, on both sides.
type BoxedTask = std::pin::Pin<Box<dyn Future<Output = ()> + Send>>;

/// Runs `body(rt)` on a fresh runtime of `kind`; the body returns its own measured time.
fn run<F, Fut>(kind: RuntimeKind, body: F) -> Duration
where
    F: FnOnce(AnyRt) -> Fut,
    Fut: Future<Output = Duration>,
{
    let rt = AnyRt::new(kind);
    let out = Arc::new(std::sync::Mutex::new(Duration::ZERO));
    let slot = out.clone();
    let inner = rt.clone();
    rt.block_on_timed(async move {
        let elapsed = body(inner).await;
        *slot.lock().unwrap() = elapsed;
    });
    *out.lock().unwrap()
}

/// `producers` producers and `consumers` consumers move `n` items through a queue bounded
/// to 1024. Ours: `aio_queues::Queue` with `task_done` per item and a final `join`;
/// native: `async_channel::bounded`.
fn queue(
    kind: RuntimeKind,
    variant: Variant,
    n: usize,
    producers: usize,
    consumers: usize,
) -> Sample {
    let elapsed = run(kind, |rt| async move {
        let per_producer = n / producers;
        let per_consumer = n / consumers;
        let start = Instant::now();
        match variant {
            Variant::Ours => {
                let q = Arc::new(aio_queues::Queue::new(1024));
                let mut all: Vec<BoxedTask> = Vec::new();
                for _ in 0..producers {
                    let q = q.clone();
                    all.push(Box::pin(async move {
                        for i in 0..per_producer {
                            q.put(i).await.expect("the queue is open");
                        }
                    }));
                }
                for _ in 0..consumers {
                    let q = q.clone();
                    all.push(Box::pin(async move {
                        for _ in 0..per_consumer {
                            q.get().await.expect("the queue is open");
                            q.task_done().expect("one task_done per get");
                        }
                    }));
                }
                rt.native_join_all(all).await;
                q.join().await;
            }
            Variant::Native => {
                let (tx, rx) = async_channel::bounded(1024);
                let mut all = Vec::new();
                for _ in 0..producers {
                    let tx = tx.clone();
                    all.push(Box::pin(async move {
                        for i in 0..per_producer {
                            tx.send(i).await.expect("the channel is open");
                        }
                    })
                        as std::pin::Pin<Box<dyn Future<Output = ()> + Send>>);
                }
                for _ in 0..consumers {
                    let rx = rx.clone();
                    all.push(Box::pin(async move {
                        for _ in 0..per_consumer {
                            rx.recv().await.expect("the channel is open");
                        }
                    }));
                }
                rt.native_join_all(all).await;
            }
        }
        start.elapsed()
    });
    per_op(elapsed, n)
}

pub(super) fn queue_spsc(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    queue(kind, variant, n, 1, 1)
}

pub(super) fn queue_mpmc(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    queue(kind, variant, n, 4, 4)
}

/// 100 tasks each lock and unlock `n / 100` times. Ours: `aio_sync::Lock`; native:
/// `tokio::sync::Mutex`, which is FIFO-fair as ours is (asyncio's rule): once a task
/// waits, an unlock hands the lock to it.
pub(super) fn lock(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    lock_against(kind, variant, n, true)
}

/// As [`lock`], against `async_lock::Mutex`, which barges: it lets an unlocking task take
/// the lock straight back. Context, not a goal: barging skips the hand-over asyncio makes.
pub(super) fn lock_barging(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    lock_against(kind, variant, n, false)
}

/// One task locks and unlocks `n` times, nobody else waiting: the fast path alone. Ours:
/// `aio_sync::Lock`; native: `tokio::sync::Mutex`.
pub(super) fn lock_uncontended(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    let elapsed = run(kind, |_rt| async move {
        let start = Instant::now();
        match variant {
            Variant::Ours => {
                let lock = aio_sync::Lock::new();
                for _ in 0..n {
                    drop(std::hint::black_box(lock.lock().await));
                }
            }
            Variant::Native => {
                let lock = tokio::sync::Mutex::new(());
                for _ in 0..n {
                    drop(std::hint::black_box(lock.lock().await));
                }
            }
        }
        start.elapsed()
    });
    per_op(elapsed, n)
}

fn lock_against(kind: RuntimeKind, variant: Variant, n: usize, fifo: bool) -> Sample {
    let tasks = 100;
    let elapsed = run(kind, |rt| async move {
        let start = Instant::now();
        match variant {
            Variant::Ours => {
                let lock = Arc::new(aio_sync::Lock::new());
                rt.native_join_all((0..tasks).map(|_| {
                    let lock = lock.clone();
                    async move {
                        for _ in 0..n / tasks {
                            drop(lock.lock().await);
                        }
                    }
                }))
                .await;
            }
            Variant::Native if fifo => {
                let lock = Arc::new(tokio::sync::Mutex::new(()));
                rt.native_join_all((0..tasks).map(|_| {
                    let lock = lock.clone();
                    async move {
                        for _ in 0..n / tasks {
                            drop(lock.lock().await);
                        }
                    }
                }))
                .await;
            }
            Variant::Native => {
                let lock = Arc::new(async_lock::Mutex::new(()));
                rt.native_join_all((0..tasks).map(|_| {
                    let lock = lock.clone();
                    async move {
                        for _ in 0..n / tasks {
                            drop(lock.lock().await);
                        }
                    }
                }))
                .await;
            }
        }
        start.elapsed()
    });
    per_op(elapsed, n)
}

/// Semaphore(10): 1000 tasks each acquire, yield once and release, `n / 1000` times. Ours:
/// `aio_sync::Semaphore` (strict FIFO, as asyncio); native: `tokio::sync::Semaphore`,
/// FIFO as ours is.
pub(super) fn semaphore(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    semaphore_against(kind, variant, n, true)
}

/// As [`semaphore`], against `async_lock::Semaphore`, which barges (a releasing task may
/// take its permit straight back). Context, not a goal.
pub(super) fn semaphore_barging(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    semaphore_against(kind, variant, n, false)
}

fn semaphore_against(kind: RuntimeKind, variant: Variant, n: usize, fifo: bool) -> Sample {
    let tasks = 1000;
    let elapsed = run(kind, |rt| async move {
        let start = Instant::now();
        match variant {
            Variant::Ours => {
                let sem = Arc::new(aio_sync::Semaphore::new(10));
                rt.native_join_all((0..tasks).map(|_| {
                    let sem = sem.clone();
                    async move {
                        for _ in 0..n / tasks {
                            let permit = sem.permit().await;
                            yield_now().await;
                            drop(permit);
                        }
                    }
                }))
                .await;
            }
            Variant::Native if fifo => {
                let sem = Arc::new(tokio::sync::Semaphore::new(10));
                rt.native_join_all((0..tasks).map(|_| {
                    let sem = sem.clone();
                    async move {
                        for _ in 0..n / tasks {
                            let permit = sem.acquire().await.expect("never closed");
                            yield_now().await;
                            drop(permit);
                        }
                    }
                }))
                .await;
            }
            Variant::Native => {
                let sem = Arc::new(async_lock::Semaphore::new(10));
                rt.native_join_all((0..tasks).map(|_| {
                    let sem = sem.clone();
                    async move {
                        for _ in 0..n / tasks {
                            let permit = sem.acquire().await;
                            yield_now().await;
                            drop(permit);
                        }
                    }
                }))
                .await;
            }
        }
        start.elapsed()
    });
    per_op(elapsed, n)
}

/// `n` tasks wait on an event; the time from `set` until every waiter has finished. Ours:
/// `aio_sync::Event`; native: `tokio::sync::Notify::notify_waiters` (any executor).
pub(super) fn event(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    let elapsed = run(kind, |rt| async move {
        let parked = Arc::new(AtomicUsize::new(0));
        let until_parked = |parked: Arc<AtomicUsize>| async move {
            while parked.load(Ordering::Relaxed) < n {
                yield_now().await;
            }
        };
        match variant {
            Variant::Ours => {
                let event = Arc::new(aio_sync::Event::new());
                let futs: Vec<_> = (0..n)
                    .map(|_| {
                        let (event, parked) = (event.clone(), parked.clone());
                        async move {
                            let wait = event.wait();
                            parked.fetch_add(1, Ordering::Relaxed);
                            wait.await;
                        }
                    })
                    .collect();
                let waiters = rt.native_spawn_each(futs);
                until_parked(parked).await;
                let start = Instant::now();
                event.set();
                waiters.await;
                start.elapsed()
            }
            Variant::Native => {
                let notify = Arc::new(tokio::sync::Notify::new());
                let futs: Vec<_> = (0..n)
                    .map(|_| {
                        let (notify, parked) = (notify.clone(), parked.clone());
                        async move {
                            let mut notified = std::pin::pin!(notify.notified());
                            notified.as_mut().enable();
                            parked.fetch_add(1, Ordering::Relaxed);
                            notified.await;
                        }
                    })
                    .collect();
                let waiters = rt.native_spawn_each(futs);
                until_parked(parked).await;
                let start = Instant::now();
                notify.notify_waiters();
                waiters.await;
                start.elapsed()
            }
        }
    });
    per_op(elapsed, n)
}
