//! Definition of [`timeout`], [`timeout_at`], the [`Timeout`] scope and its [`Scoped`]
//! future.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use aio_rt::{Instant, Runtime};
use pin_project_lite::pin_project;

use crate::TimeoutError;

/// A timeout scope whose deadline is `delay` from now (`None`: no deadline yet).
///
/// Python: `async with asyncio.timeout(delay) as cm:`
///
/// The scope does nothing until [`run`](Timeout::run) wraps the body in it.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use aio_rt::Runtime;
/// use aio_wait::{timeout, TimeoutError};
///
/// let rt = aio_rt::Smol::with_config(aio_rt::Config::default().clock(aio_rt::Clock::Virtual));
/// rt.block_on(async {
///     let cm = timeout(&rt, Some(Duration::from_secs(1)));
///     let result = cm.clone().run(rt.sleep(Duration::from_secs(5))).await;
///     assert_eq!(result, Err(TimeoutError::new()));
///     assert!(cm.expired());
/// });
/// ```
pub fn timeout<R: Runtime>(rt: &R, delay: Option<Duration>) -> Timeout<R> {
    timeout_at(rt, delay.map(|d| rt.now() + d))
}

/// A timeout scope with an absolute deadline (`None`: no deadline yet).
///
/// Python: `async with asyncio.timeout_at(when) as cm:`
pub fn timeout_at<R: Runtime>(rt: &R, when: Option<Instant>) -> Timeout<R> {
    Timeout {
        rt: rt.clone(),
        state: Arc::new(Mutex::new(State {
            when,
            generation: 0,
            expired: false,
            waker: None,
        })),
    }
}

/// A timeout scope; clones are handles to the same scope, so the body can reschedule
/// the scope it runs in.
///
/// Python: `asyncio.Timeout`
///
/// Nested scopes: only the scope whose deadline passed reports [`TimeoutError`]; an
/// outer one sees its body return normally (the inner error is a value the body can
/// handle). A cancellation from outside (the enclosing task cancelled) passes through
/// unchanged: the scope is dropped with its body and reports nothing.
pub struct Timeout<R: Runtime> {
    rt: R,
    state: Arc<Mutex<State>>,
}

#[derive(Debug)]
struct State {
    when: Option<Instant>,
    /// Bumped by `reschedule`, so that the running scope re-arms its sleep.
    generation: u64,
    expired: bool,
    waker: Option<Waker>,
}

impl<R: Runtime> Timeout<R> {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The deadline, or `None`.
    ///
    /// Python: `cm.when()`
    pub fn when(&self) -> Option<Instant> {
        self.lock().when
    }

    /// Moves the deadline (`None`: no deadline). A deadline already past expires the
    /// scope the next time its body is suspended.
    ///
    /// Python: `cm.reschedule(when)`
    pub fn reschedule(&self, when: Option<Instant>) {
        let mut state = self.lock();
        state.when = when;
        state.generation += 1;
        if let Some(waker) = state.waker.take() {
            drop(state);
            waker.wake();
        }
    }

    /// Whether the deadline passed and the scope cancelled its body.
    ///
    /// Python: `cm.expired()`
    pub fn expired(&self) -> bool {
        self.lock().expired
    }

    /// Runs `body` in the scope: its output, or [`TimeoutError`] if the deadline passes
    /// first (the body is then dropped, its destructors run).
    ///
    /// Python: the body of `async with asyncio.timeout(...):`
    ///
    /// # Cancel safety
    ///
    /// Dropping the [`Scoped`] drops the body; the scope does not count as expired.
    pub fn run<F: Future>(self, body: F) -> Scoped<R, F> {
        Scoped {
            body: Some(body),
            scope: self,
            sleep: None,
            generation: None,
        }
    }
}

impl<R: Runtime> Clone for Timeout<R> {
    fn clone(&self) -> Self {
        Timeout {
            rt: self.rt.clone(),
            state: Arc::clone(&self.state),
        }
    }
}

impl<R: Runtime> fmt::Debug for Timeout<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Timeout")
            .field("when", &state.when)
            .field("expired", &state.expired)
            .finish()
    }
}

pin_project! {
    /// The future of [`Timeout::run`]: the body's output or [`TimeoutError`].
    ///
    /// Python: the `async with asyncio.timeout(...)` block
    #[must_use = "a Scoped does nothing unless awaited"]
    pub struct Scoped<R: Runtime, F> {
        #[pin]
        body: Option<F>,
        scope: Timeout<R>,
        sleep: Option<Pin<Box<R::Sleep>>>,
        // The scope's generation `sleep` was made for.
        generation: Option<u64>,
    }
}

impl<R: Runtime, F: Future> Future for Scoped<R, F> {
    type Output = Result<F::Output, TimeoutError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let Some(body) = this.body.as_mut().as_pin_mut() else {
            return Poll::Pending;
        };
        // The body first: a body that finishes in the step its deadline passes wins.
        if let Poll::Ready(output) = body.poll(cx) {
            this.body.set(None);
            return Poll::Ready(Ok(output));
        }
        let mut state = this.scope.lock();
        if *this.generation != Some(state.generation) {
            *this.generation = Some(state.generation);
            *this.sleep = state
                .when
                .map(|when| Box::pin(this.scope.rt.sleep_until(when)));
        }
        match &state.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            _ => state.waker = Some(cx.waker().clone()),
        }
        drop(state);
        if let Some(sleep) = this.sleep {
            if sleep.as_mut().poll(cx).is_ready() {
                this.scope.lock().expired = true;
                this.body.set(None);
                return Poll::Ready(Err(TimeoutError::new()));
            }
        }
        Poll::Pending
    }
}

impl<R: Runtime, F> fmt::Debug for Scoped<R, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scoped")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}
