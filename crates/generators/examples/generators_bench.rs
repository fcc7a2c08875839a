//! Items per second through an async generator, a hand-written `Stream` and
//! `futures_lite::stream::unfold`, on single-threaded runtimes (real clock), for two kinds
//! of item: a bare `u64` (the pure overhead of each protocol), and a `String` row built
//! per item (`format!("product-{i}")`, a stand-in for a row decoded from a database).
//!
//! `cargo run --release -p aio-generators --example generators_bench [ITEMS]`
//!
//! Compare with CPython: `python3 harness/bench/generators_throughput.py [ITEMS]`.

use std::hint::black_box;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use aio_generators::{AsyncGenerator, Co};
use aio_rt::{Config, Runtime};
use futures_lite::{Stream, StreamExt, stream};

/// An item kind: how to make item `i`, and how much it weighs (what the consumer adds up).
trait Item: Sized + Send + 'static {
    const NAME: &'static str;
    fn make(i: u64) -> Self;
    fn weight(&self) -> u64;
}

impl Item for u64 {
    const NAME: &'static str = "u64";
    fn make(i: u64) -> Self {
        i
    }
    fn weight(&self) -> u64 {
        *self
    }
}

impl Item for String {
    const NAME: &'static str = "String row";
    fn make(i: u64) -> Self {
        format!("product-{i}")
    }
    fn weight(&self) -> u64 {
        self.len() as u64
    }
}

/// The hand-written async iterator: `0..n` mapped through `Item::make`.
struct Hand<T> {
    next: u64,
    end: u64,
    _item: std::marker::PhantomData<fn() -> T>,
}

impl<T: Item> Stream for Hand<T> {
    type Item = T;
    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = self.get_mut();
        if this.next >= this.end {
            return Poll::Ready(None);
        }
        this.next += 1;
        Poll::Ready(Some(T::make(this.next - 1)))
    }
}

async fn drain<T: Item>(mut items: impl Stream<Item = T> + Unpin) -> u64 {
    let mut sum = 0u64;
    while let Some(x) = items.next().await {
        sum = sum.wrapping_add(black_box(x.weight()));
    }
    sum
}

fn hand<T: Item>(n: u64) -> impl Stream<Item = T> + Unpin {
    Hand {
        next: 0,
        end: n,
        _item: std::marker::PhantomData,
    }
}

fn unfold<T: Item>(n: u64) -> impl Stream<Item = T> + Unpin {
    Box::pin(stream::unfold(0u64, move |i| async move {
        (i < n).then(|| (T::make(i), i + 1))
    }))
}

fn generator<T: Item>(n: u64) -> impl Stream<Item = T> + Unpin {
    AsyncGenerator::new(move |mut co: Co<T>| async move {
        for i in 0..n {
            co.yield_(T::make(i)).await?;
        }
        Ok(())
    })
    .map(|item| match item {
        Ok(x) => x,
    })
}

/// The generator driven by `anext()`, the `&self` protocol API (one more lock per request).
async fn drain_anext<T: Item>(n: u64) -> u64 {
    let items = AsyncGenerator::new(move |mut co: Co<T>| async move {
        for i in 0..n {
            co.yield_(T::make(i)).await?;
        }
        Ok(())
    });
    let mut sum = 0u64;
    while let Ok(x) = items.anext().await {
        sum = sum.wrapping_add(black_box(x.weight()));
    }
    sum
}

fn measure<R: Runtime>(
    rt: &R,
    kind: &str,
    label: &str,
    n: u64,
    expected: u64,
    run: impl Fn() -> u64,
) -> f64 {
    // Best of five, to keep a noisy neighbour out of the figure.
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let sum = run();
        best = best.min(start.elapsed());
        assert_eq!(sum, expected, "{label} lost items");
    }
    let per_second = n as f64 / best.as_secs_f64();
    println!(
        "{:<7} {:<11} {:<24} {:>7.1} M items/s {:>7.2} ns/item",
        rt.name(),
        kind,
        label,
        per_second / 1e6,
        best.as_nanos() as f64 / n as f64
    );
    per_second
}

fn bench<R: Runtime, T: Item>(rt: &R, n: u64) {
    let expected = rt.block_on(drain(hand::<T>(n)));
    let m = |label: &str, run: &dyn Fn() -> u64| measure(rt, T::NAME, label, n, expected, run);
    let hand = m("hand-written Stream", &|| rt.block_on(drain(hand::<T>(n))));
    let unfold = m("stream::unfold", &|| rt.block_on(drain(unfold::<T>(n))));
    let agen = m("AsyncGenerator (Stream)", &|| {
        rt.block_on(drain(generator::<T>(n)))
    });
    let anext = m("AsyncGenerator (anext)", &|| {
        rt.block_on(drain_anext::<T>(n))
    });
    println!(
        "{:<7} {:<11} generator is {:.2}x the time of the hand-written Stream ({:.2}x with anext), {:.2}x unfold's",
        rt.name(),
        T::NAME,
        hand / agen,
        hand / anext,
        unfold / agen
    );
}

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(5_000_000);
    println!("{n} items per run, summed by the consumer; best of 5 runs");
    let tokio = aio_rt::Tokio::current_thread_with(Config::default());
    let smol = aio_rt::Smol::with_config(Config::default());
    bench::<_, u64>(&tokio, n);
    bench::<_, u64>(&smol, n);
    bench::<_, String>(&tokio, n);
    bench::<_, String>(&smol, n);
}
