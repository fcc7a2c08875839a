//! scratch (not committed)
use aio_generators::{AsyncGenerator, Co};
use futures_lite::{Stream, StreamExt};
use std::hint::black_box;
use std::time::Instant;
async fn drain(mut s: impl Stream<Item = u64> + Unpin) -> u64 {
    let mut sum = 0u64;
    while let Some(x) = s.next().await {
        sum = sum.wrapping_add(black_box(x));
    }
    sum
}
fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000_000);
    let mode = std::env::args().nth(2).unwrap_or_default();
    for _ in 0..5 {
        let start = Instant::now();
        let sum = futures_lite::future::block_on(async {
            if mode == "unfold" {
                drain(std::pin::pin!(futures_lite::stream::unfold(
                    0u64,
                    |i| async move { (i < n).then_some((i, i + 1)) }
                )))
                .await
            } else if mode == "iter" {
                drain(futures_lite::stream::iter(0..n)).await
            } else {
                drain(
                    AsyncGenerator::new(move |mut co: Co<u64>| async move {
                        for i in 0..n {
                            co.yield_(i).await?;
                        }
                        Ok(())
                    })
                    .map(|r| match r {
                        Ok(x) => x,
                    }),
                )
                .await
            }
        });
        println!(
            "{:.2} ns/item ({sum})",
            start.elapsed().as_nanos() as f64 / n as f64
        );
    }
}
