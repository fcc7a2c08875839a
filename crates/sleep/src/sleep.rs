//! Definition of [`sleep`] and [`sleep_with`].

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use aio_rt::Runtime;
use pin_project_lite::pin_project;

/// Suspends the calling task for `delay`; a zero delay yields exactly once, with no
/// timer.
///
/// Python: `asyncio.sleep(delay)`
///
/// `sleep(Duration::ZERO)` is asyncio's `sleep(0)`: the task goes to the back of the
/// ready queue once (two tasks that loop on it alternate strictly on the virtual clock).
/// A non-zero delay sets one timer on the runtime's clock.
///
/// # Cancel safety
///
/// Dropping the future removes its timer: a cancelled sleep leaves nothing behind.
#[must_use = "a sleep does nothing unless awaited, as in asyncio: \"coroutine 'sleep' was never awaited\""]
pub fn sleep<R: Runtime>(rt: &R, delay: Duration) -> impl Future<Output = ()> + Send + 'static {
    // Either a timer, or the runtime's yield for a zero delay: built here, in place, so
    // the future is as big as the bigger of the two. (An `async move` block awaiting a
    // timer it captured would hold it twice: rustc keeps room for the captured value and
    // for the one being awaited.)
    fn step<T, Y>(
        zero: bool,
        timer: impl FnOnce() -> T,
        yielded: impl FnOnce() -> Y,
    ) -> Step<T, Y> {
        if zero {
            Step::Yield { yielded: yielded() }
        } else {
            Step::Timer { timer: timer() }
        }
    }
    step(delay.is_zero(), || rt.sleep(delay), || rt.yield_now())
}

pin_project! {
    /// The future of [`sleep`].
    #[project = StepProj]
    enum Step<T, Y> {
        Timer { #[pin] timer: T },
        Yield { #[pin] yielded: Y },
    }
}

impl<T: Future<Output = ()>, Y: Future<Output = ()>> Future for Step<T, Y> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.project() {
            StepProj::Timer { timer } => timer.poll(cx),
            StepProj::Yield { yielded } => yielded.poll(cx),
        }
    }
}

/// [`sleep`], then gives `result`.
///
/// Python: `asyncio.sleep(delay, result)`
///
/// # Cancel safety
///
/// As [`sleep`]; a cancelled sleep drops `result`.
pub fn sleep_with<R: Runtime, T: Send + 'static>(
    rt: &R,
    delay: Duration,
    result: T,
) -> impl Future<Output = T> + Send + 'static {
    SleepWith {
        sleep: sleep(rt, delay),
        result: Some(result),
    }
}

pin_project! {
    /// The future of [`sleep_with`]: the sleep, and the value it gives (`None` once given).
    struct SleepWith<S, T> {
        #[pin]
        sleep: S,
        result: Option<T>,
    }
}

impl<S: Future<Output = ()>, T> Future for SleepWith<S, T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let this = self.project();
        std::task::ready!(this.sleep.poll(cx));
        // `expect`: polling a future again after it completed breaks `Future`'s contract,
        // and panics, as `async` blocks do.
        Poll::Ready(
            this.result
                .take()
                .expect("sleep_with polled after it completed"),
        )
    }
}
