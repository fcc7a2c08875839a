//! The async iterator protocol by hand: [`Counter`], a `Stream` written as a struct (a
//! Python class with `__aiter__` / `__anext__`), and [`anext_or`], `anext` with a default.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_lite::{Stream, StreamExt};

/// Counts from 0 up to (not including) `end`: the async iterator protocol written by hand.
///
/// Python: a class implementing the protocol,
///
/// ```python
/// class Counter:
///     def __init__(self, end):
///         self.i, self.end = 0, end
///     def __aiter__(self):
///         return self
///     async def __anext__(self):
///         if self.i >= self.end:
///             raise StopAsyncIteration
///         self.i += 1
///         return self.i - 1
/// ```
///
/// `__anext__` becomes [`Stream::poll_next`], `raise StopAsyncIteration` becomes
/// `Poll::Ready(None)`, and `__aiter__` has no counterpart: a `Stream` is its own iterator.
///
/// # Examples
///
/// ```
/// use aio_generators::Counter;
/// use futures_lite::StreamExt;
///
/// # futures_lite::future::block_on(async {
/// // Python: [i * i async for i in Counter(5) if i % 2 == 0]
/// let squares: Vec<u64> = Counter::new(5).filter(|i| i % 2 == 0).map(|i| i * i).collect().await;
/// assert_eq!(squares, [0, 4, 16]);
/// # });
/// ```
#[derive(Clone, Debug)]
pub struct Counter {
    next: u64,
    end: u64,
}

impl Counter {
    /// A counter over `0..end`.
    ///
    /// Python: `Counter(end)`
    pub fn new(end: u64) -> Self {
        Counter { next: 0, end }
    }
}

impl Stream for Counter {
    type Item = u64;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<u64>> {
        let this = self.get_mut();
        if this.next >= this.end {
            return Poll::Ready(None); // raise StopAsyncIteration
        }
        this.next += 1;
        Poll::Ready(Some(this.next - 1))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.end.saturating_sub(self.next)).unwrap_or(usize::MAX);
        (left, Some(left))
    }
}

/// The next item of `stream`, or `default` when it has ended.
///
/// Python: `await anext(ait, default)`
///
/// Without a default, `anext(ait)` is [`StreamExt::next`]: `None` is `StopAsyncIteration`.
///
/// # Cancel safety
///
/// As cancel safe as the stream's `poll_next`; for the streams of this crate, no item is
/// lost.
///
/// # Examples
///
/// ```
/// use aio_generators::{anext_or, Counter};
///
/// # futures_lite::future::block_on(async {
/// let mut counter = Counter::new(1);
/// assert_eq!(anext_or(&mut counter, 99).await, 0);
/// assert_eq!(anext_or(&mut counter, 99).await, 99);
/// # });
/// ```
pub async fn anext_or<S: Stream + Unpin>(stream: &mut S, default: S::Item) -> S::Item {
    stream.next().await.unwrap_or(default)
}
