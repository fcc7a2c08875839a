//! Micro-benchmarks of the hot paths, for developers: `cargo bench -p aio-harness`.
//!
//! Each measures one operation with nothing around it (no contention, futures polled by
//! hand where possible), so that a change to a primitive's fast path shows here before it
//! shows in `aio bench`, which measures whole workloads against native and CPython.

#![allow(missing_docs)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use aio_rt::Runtime;

fn main() {
    divan::main();
}

/// Polls `fut` once with a no-op waker; it must be ready (an uncontended fast path).
fn ready<F: Future>(fut: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    match pin!(fut).poll(&mut cx) {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("the fast path did not complete at once"),
    }
}

#[divan::bench]
fn queue_put_get_nowait(bencher: divan::Bencher<'_, '_>) {
    let q = aio_queues::Queue::new(1024);
    bencher.bench_local(|| {
        q.put_nowait(divan::black_box(1u64)).expect("room");
        q.get_nowait().expect("an item")
    });
}

#[divan::bench]
fn queue_put_get_awaited(bencher: divan::Bencher<'_, '_>) {
    let q = aio_queues::Queue::new(1024);
    bencher.bench_local(|| {
        ready(q.put(divan::black_box(1u64))).expect("open");
        ready(q.get()).expect("an item")
    });
}

#[divan::bench]
fn lock_acquire_release(bencher: divan::Bencher<'_, '_>) {
    let lock = aio_sync::Lock::new();
    bencher.bench_local(|| drop(ready(lock.lock())));
}

#[divan::bench]
fn semaphore_acquire_release(bencher: divan::Bencher<'_, '_>) {
    let sem = aio_sync::Semaphore::new(10);
    bencher.bench_local(|| drop(ready(sem.permit())));
}

#[divan::bench]
fn event_set_clear_wait(bencher: divan::Bencher<'_, '_>) {
    let event = aio_sync::Event::new();
    bencher.bench_local(|| {
        event.set();
        ready(event.wait());
        event.clear();
    });
}

/// A task's whole life on smol: spawn through `aio_rt::Runtime`, run, await the handle.
#[divan::bench]
fn task_spawn_await(bencher: divan::Bencher<'_, '_>) {
    let rt = aio_rt::Smol::new();
    bencher.bench_local(|| {
        rt.block_on(async {
            rt.spawn(async { divan::black_box(1u8) })
                .await
                .expect("the task finished")
        })
    });
}

/// The same with smol's own spawn, for the difference.
#[divan::bench]
fn task_spawn_await_raw_smol(bencher: divan::Bencher<'_, '_>) {
    let ex = smol::Executor::new();
    bencher.bench_local(|| {
        smol::block_on(ex.run(async { ex.spawn(async { divan::black_box(1u8) }).await }))
    });
}

/// A wake-up through the virtual clock's scheduler: a task yields once.
#[divan::bench]
fn virtual_clock_yield(bencher: divan::Bencher<'_, '_>) {
    let rt = aio_rt::Smol::with_config(aio_rt::Config::default().clock(aio_rt::Clock::Virtual));
    bencher.bench_local(|| rt.block_on(rt.yield_now()));
}
