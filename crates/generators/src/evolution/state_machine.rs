//! Step 2: a hand-written [`Future`]: what `yield from` (and `await`) compiles to.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use aio_rt::Runtime;
use pin_project_lite::pin_project;

pin_project! {
    /// Counts down from `n`, sleeping `nap` before each number, and returns the numbers: the state machine that [`async_fn::countdown`](super::async_fn::countdown)
    /// compiles to, written by hand.
    ///
    /// Python: a generator-based coroutine (before `async def`),
    ///
    /// ```python
    /// @asyncio.coroutine
    /// def countdown(n, nap):
    ///     seen = []
    ///     while n > 0:
    ///         yield from asyncio.sleep(nap)
    ///         seen.append(n)
    ///         n -= 1
    ///     return seen
    /// ```
    ///
    /// The loop calls `poll` as Python's loop called `send(None)` on the generator. While
    /// the sleep is not done, `poll` returns `Pending`, and the loop runs other tasks: in
    /// Python, `yield from` passed the sleep's `yield` up to the loop the same way. The
    /// sleep's waker is what wakes this task, as the sleep's future called the task's
    /// `__step` in asyncio.
    ///
    /// The fields are the generator's frame: `n`, `seen`, and the sleep in progress (the
    /// suspended `yield from`). The sleep is pinned in place (`#[pin]`), because a future
    /// may not move once polled; `async fn` does this for you.
    ///
    /// # Examples
    ///
    /// ```
    /// use aio_generators::evolution::state_machine::CountdownFuture;
    /// use aio_rt::{Clock, Config, Runtime};
    /// use std::time::Duration;
    ///
    /// let rt = aio_rt::Smol::with_config(Config::default().clock(Clock::Virtual));
    /// assert_eq!(rt.block_on(CountdownFuture::new(rt.clone(), 3, Duration::from_secs(1))), [3, 2, 1]);
    /// assert_eq!(rt.now().since_start(), Duration::from_secs(3));
    /// ```
    #[must_use = "futures do nothing unless polled"]
    pub struct CountdownFuture<R: Runtime> {
        rt: R,
        n: u32,
        nap: Duration,
        seen: Vec<u32>,
        #[pin]
        sleep: Option<R::Sleep>,
    }
}

impl<R: Runtime> CountdownFuture<R> {
    /// A countdown from `n` on `rt`, sleeping `nap` before each number; nothing runs
    /// until it is polled.
    ///
    /// Python: `countdown(n, nap)` (creating the coroutine runs nothing)
    pub fn new(rt: R, n: u32, nap: Duration) -> Self {
        CountdownFuture {
            rt,
            n,
            nap,
            seen: Vec::new(),
            sleep: None,
        }
    }
}

impl<R: Runtime> Future for CountdownFuture<R> {
    type Output = Vec<u32>;

    /// Python: `coro.send(None)`, as the event loop's `Task.__step` calls it
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<u32>> {
        let mut this = self.project();
        loop {
            if let Some(sleep) = this.sleep.as_mut().as_pin_mut() {
                // `yield from asyncio.sleep(nap)`: while the sleep is pending, so are we.
                ready!(sleep.poll(cx));
                this.sleep.set(None);
                this.seen.push(*this.n);
                *this.n -= 1;
            }
            if *this.n == 0 {
                return Poll::Ready(std::mem::take(this.seen)); // return seen
            }
            this.sleep.set(Some(this.rt.sleep(*this.nap)));
        }
    }
}

impl<R: Runtime> fmt::Debug for CountdownFuture<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CountdownFuture")
            .field("n", &self.n)
            .field("seen", &self.seen)
            .field("sleeping", &self.sleep.is_some())
            .finish_non_exhaustive()
    }
}
