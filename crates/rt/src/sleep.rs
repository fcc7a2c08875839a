//! Definition of [`Sleep`], the future returned by `Runtime::sleep`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::sim::VirtualSleep;
use crate::Instant;

pin_project! {
    /// A future that completes at a deadline on the runtime's clock.
    ///
    /// Python: `asyncio.sleep(delay)` (the timer part: `loop.call_at(deadline, ...)`)
    ///
    /// `T` is the runtime's own timer, used on the real clock; on the virtual clock the
    /// virtual timer is used instead. Concept crates name it only as `R::Sleep`.
    ///
    /// # Cancel safety
    ///
    /// Dropping a sleep removes its timer: a cancelled sleep leaves nothing behind.
    ///
    /// # Non-guarantees
    ///
    /// A sleep whose deadline has already passed completes the first time it is polled,
    /// without yielding. asyncio's `sleep(0)` yields once; `aio-sleep` gives that meaning.
    pub struct Sleep<T> {
        #[pin]
        inner: Inner<T>,
        deadline: Instant,
    }
}

pin_project! {
    #[project = InnerProj]
    enum Inner<T> {
        Real { #[pin] timer: T },
        Virtual { timer: VirtualSleep },
    }
}

impl<T> Sleep<T> {
    pub(crate) fn real(timer: T, deadline: Instant) -> Self {
        Sleep { inner: Inner::Real { timer }, deadline }
    }

    pub(crate) fn virtual_(timer: VirtualSleep, deadline: Instant) -> Self {
        debug_assert_eq!(timer.deadline(), deadline.since_start());
        Sleep { inner: Inner::Virtual { timer }, deadline }
    }

    /// When this sleep completes.
    ///
    /// Python: `TimerHandle.when()`
    pub fn deadline(&self) -> Instant {
        self.deadline
    }
}

impl<T: Future> Future for Sleep<T> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.project().inner.project() {
            InnerProj::Real { timer } => timer.poll(cx).map(drop),
            InnerProj::Virtual { timer } => Pin::new(timer).poll(cx),
        }
    }
}

impl<T> fmt::Debug for Sleep<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let clock = match self.inner {
            Inner::Real { .. } => "real",
            Inner::Virtual { .. } => "virtual",
        };
        f.debug_struct("Sleep").field("deadline", &self.deadline).field("clock", &clock).finish()
    }
}
