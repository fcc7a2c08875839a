//! One run of `N` integers through one kind of stream on one runtime, and nothing else: a
//! small, deterministic program for counting instructions per item, where wall-clock
//! figures are too noisy to compare two builds.
//!
//! `cargo build --release -p aio-generators --example items`, then
//!
//! ```text
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/items generator tokio 1000000
//! ```
//!
//! once with `N` and once with `2N`: the difference of the two totals, divided by `N`, is
//! the cost of one item, without the runtime's start-up. KIND is `generator`, `hand` (a
//! hand-written `Stream`), `unfold` (`futures_lite::stream::unfold`) or `async_stream`
//! (the async-stream crate's `stream!`, the yardstick of `aio bench`); RUNTIME is `tokio`
//! (current_thread) or `smol`.

use std::hint::black_box;
use std::pin::Pin;
use std::task::{Context, Poll};

use aio_generators::{AsyncGenerator, Co};
use aio_rt::{Config, Runtime};
use futures_lite::{Stream, StreamExt, stream};

/// The hand-written async iterator of `0..end`.
struct Hand {
    next: u64,
    end: u64,
}

impl Stream for Hand {
    type Item = u64;
    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<u64>> {
        if self.next >= self.end {
            return Poll::Ready(None);
        }
        self.next += 1;
        Poll::Ready(Some(self.next - 1))
    }
}

/// `async for x in items: total += x`
async fn drain(mut items: impl Stream<Item = u64> + Unpin) -> u64 {
    let mut sum = 0u64;
    while let Some(x) = items.next().await {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}

async fn run(kind: &str, n: u64) -> u64 {
    match kind {
        "generator" => {
            let agen = AsyncGenerator::new(move |mut co: Co<u64>| async move {
                for i in 0..n {
                    co.yield_(i).await?;
                }
                Ok(())
            });
            drain(agen.map(|item| match item {
                Ok(x) => x,
            }))
            .await
        }
        "hand" => drain(Hand { next: 0, end: n }).await,
        "unfold" => {
            let items = std::pin::pin!(stream::unfold(0u64, move |i| async move {
                (i < n).then_some((i, i + 1))
            }));
            drain(items).await
        }
        "async_stream" => {
            let items = std::pin::pin!(async_stream::stream! {
                for i in 0..n {
                    yield i;
                }
            });
            drain(items).await
        }
        other => panic!("unknown kind {other:?}: generator, hand, unfold or async_stream"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let kind = args.first().map_or("generator", String::as_str).to_owned();
    let runtime = args.get(1).map_or("tokio", String::as_str);
    let n: u64 = args
        .get(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let sum = match runtime {
        "tokio" => aio_rt::Tokio::current_thread_with(Config::default()).block_on(run(&kind, n)),
        "smol" => aio_rt::Smol::with_config(Config::default()).block_on(run(&kind, n)),
        other => panic!("unknown runtime {other:?}: tokio or smol"),
    };
    assert_eq!(sum, n * n.saturating_sub(1) / 2, "every item arrived");
    println!("{kind} on {runtime}: {n} items, sum {sum}");
}
