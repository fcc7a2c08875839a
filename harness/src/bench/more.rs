//! Workloads of single crates: aio-loop's callbacks and timers, and items through an
//! async generator.

use std::hint::black_box;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use aio_generators::{AsyncGenerator, Co};
use aio_loop::EventLoop;
use futures_lite::{Stream, StreamExt};

use super::{Sample, Variant, per_op, workloads::AnyRt};
use crate::RuntimeKind;

/// What every callback does: count itself (Python: `nonlocal count; count += 1`). A static,
/// so that the closure is zero-sized and `call_soon` boxes nothing, as the twin's
/// callback is one shared function object.
static COUNT: AtomicUsize = AtomicUsize::new(0);

fn count() {
    COUNT.fetch_add(1, Ordering::Relaxed);
}

/// No native equivalent: the figure is compared with CPython only.
fn no_native() -> Sample {
    Sample {
        ns_per_op: f64::NAN,
    }
}

/// `n` callbacks scheduled with `call_soon` before the loop runs, then run; a last one
/// stops the loop (CPython: `harness/bench/loop_call_soon.py`).
pub(super) fn call_soon(_: RuntimeKind, variant: Variant, n: usize) -> Sample {
    if variant == Variant::Native {
        return no_native();
    }
    let event_loop = EventLoop::new();
    COUNT.store(0, Ordering::Relaxed);
    let start = Instant::now();
    for _ in 0..n {
        event_loop.call_soon(count);
    }
    let stopper = event_loop.clone();
    event_loop.call_soon(move || stopper.stop());
    event_loop.run_forever().expect("the loop ran");
    let elapsed = start.elapsed();
    assert_eq!(COUNT.load(Ordering::Relaxed), n, "every callback ran");
    per_op(elapsed, n)
}

/// `n` timers made with `call_later` by a callback running on the loop (where timers come
/// from: `asyncio.sleep`, `wait_for`, a callback's own `call_later`), delays spread over
/// (-1, 0] in a scrambled order, so that all are due at once: the heap and the callbacks,
/// not the clock (CPython: `harness/bench/loop_timers.py`).
pub(super) fn call_later(_: RuntimeKind, variant: Variant, n: usize) -> Sample {
    if variant == Variant::Native {
        return no_native();
    }
    let event_loop = EventLoop::new();
    COUNT.store(0, Ordering::Relaxed);
    let start = Instant::now();
    let inside = event_loop.clone();
    event_loop.call_soon(move || {
        for i in 0..n {
            let delay = -(((i * 7919) % n) as f64) / n as f64;
            inside.call_later(delay, count);
        }
        let stopper = inside.clone();
        inside.call_soon(move || stopper.stop());
    });
    event_loop.run_forever().expect("the loop ran");
    let elapsed = start.elapsed();
    assert_eq!(COUNT.load(Ordering::Relaxed), n, "every timer ran");
    per_op(elapsed, n)
}

/// The native side: a hand-written `Stream` of `0..n`.
struct Counter {
    next: u64,
    end: u64,
}

impl Stream for Counter {
    type Item = u64;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<u64>> {
        if self.next >= self.end {
            return Poll::Ready(None);
        }
        self.next += 1;
        Poll::Ready(Some(self.next - 1))
    }
}

async fn drain(mut items: impl Stream<Item = u64> + Unpin) -> u64 {
    let mut sum = 0u64;
    while let Some(x) = items.next().await {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

/// `n` integers through an async generator (`async for x in agen()`) on `kind`, against a
/// hand-written `Stream` (CPython: `harness/bench/generators_items.py`).
pub(super) fn async_generator(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    generator_items(kind, variant, n, Native::Hand)
}

/// As [`async_generator`], against `futures_lite::stream::unfold` (an async closure
/// per item, the other usual way to write a stream without a state machine).
pub(super) fn async_generator_unfold(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    generator_items(kind, variant, n, Native::Unfold)
}

/// As [`async_generator`], against the async-stream crate's `stream!` macro (`yield`
/// inside a macro block, the most used async generator of stable Rust).
pub(super) fn async_generator_async_stream(
    kind: RuntimeKind,
    variant: Variant,
    n: usize,
) -> Sample {
    generator_items(kind, variant, n, Native::AsyncStream)
}

/// The native side of a generator workload.
#[derive(Clone, Copy)]
enum Native {
    /// A hand-written `Stream`.
    Hand,
    /// `futures_lite::stream::unfold`.
    Unfold,
    /// `async_stream::stream!`.
    AsyncStream,
}

/// `n` integers through our async generator, or through the native stream, all consumed
/// the same way.
fn generator_items(kind: RuntimeKind, variant: Variant, n: usize, native: Native) -> Sample {
    let n64 = n as u64;
    let expected = n64.wrapping_mul(n64.wrapping_sub(1)) / 2;
    let sum = Arc::new(AtomicUsize::new(0));
    let out = sum.clone();
    let elapsed: Duration = AnyRt::new(kind).block_on_timed(async move {
        let total = match variant {
            Variant::Ours => {
                let agen = AsyncGenerator::new(move |mut co: Co<u64>| async move {
                    for i in 0..n64 {
                        co.yield_(i).await?;
                    }
                    Ok(())
                });
                drain(agen.map(|item| match item {
                    Ok(x) => x,
                }))
                .await
            }
            Variant::Native => match native {
                Native::Hand => drain(Counter { next: 0, end: n64 }).await,
                Native::Unfold => {
                    let items =
                        std::pin::pin!(futures_lite::stream::unfold(0u64, |i| async move {
                            (i < n64).then_some((i, i + 1))
                        }));
                    drain(items).await
                }
                Native::AsyncStream => {
                    let items = std::pin::pin!(async_stream::stream! {
                        for i in 0..n64 {
                            yield i;
                        }
                    });
                    drain(items).await
                }
            },
        };
        out.store(total as usize, Ordering::Relaxed);
    });
    assert_eq!(
        sum.load(Ordering::Relaxed) as u64,
        expected,
        "every item arrived"
    );
    per_op(elapsed, n)
}
