//! Definition of [`Co`], the body's end of an async generator, and its [`Yield`] future;
//! and of the slot they share with the generator.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use crate::Thrown;

/// What the generator delivers to a paused `yield_` when it resumes the body.
pub(crate) enum Input<S, E> {
    /// `anext()`: the yield evaluates to `None`.
    Send(S),
    /// `athrow(e)`: the yield raises `e`.
    Throw(E),
    /// `aclose()`: the yield raises `GeneratorExit`.
    Close,
}

/// The mailbox between the body and the generator: one value out, one input in.
///
/// Simplification, named: a `Mutex`, so that a generator is `Send` (it can be spawned) when
/// its items are. Only one side ever runs at a time (the body runs inside the generator's
/// poll), so the lock is never contended; it costs two atomic operations per access. A
/// plain `anext()` delivers nothing, and `has_input` lets the resumed `yield_` see that
/// with one load instead of a lock: two locks per item in all.
pub(crate) struct Mailbox<T, S, E> {
    has_input: AtomicBool,
    slot: Mutex<Slot<T, S, E>>,
}

struct Slot<T, S, E> {
    /// The value the paused yield handed out, until the generator takes it.
    out: Option<T>,
    /// What the next resume delivers; `None` means a plain `anext()`.
    input: Option<Input<S, E>>,
}

pub(crate) type Shared<T, S, E> = Arc<Mailbox<T, S, E>>;

impl<T, S, E> Mailbox<T, S, E> {
    pub(crate) fn new() -> Shared<T, S, E> {
        Arc::new(Mailbox {
            has_input: AtomicBool::new(false),
            slot: Mutex::new(Slot {
                out: None,
                input: None,
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Slot<T, S, E>> {
        // A panic in the body cannot leave the slot half-written: every access is one
        // field write or take. So a poisoned lock is still good.
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The body hands a value out.
    fn put_out(&self, value: T) {
        self.lock().out = Some(value);
    }

    /// The generator takes the value the body handed out, if it did.
    pub(crate) fn take_out(&self) -> Option<T> {
        self.lock().out.take()
    }

    /// The generator delivers what the paused yield will see.
    pub(crate) fn put_input(&self, input: Input<S, E>) {
        self.lock().input = Some(input);
        self.has_input.store(true, Ordering::Release);
    }

    /// The resumed yield takes what was delivered; `None` for a plain `anext()`.
    fn take_input(&self) -> Option<Input<S, E>> {
        if !self.has_input.load(Ordering::Acquire) {
            return None;
        }
        self.has_input.store(false, Ordering::Relaxed);
        self.lock().input.take()
    }
}

/// The body's handle on its generator: `co.yield_(value).await` hands a value out and
/// pauses until the consumer asks for the next one.
///
/// Python: the `yield` expression inside an `async def` generator
///
/// `Co<T, S, E>` yields `T`, receives `S` from [`asend`](crate::AsyncGenerator::asend), and
/// can be thrown an `E` by [`athrow`](crate::AsyncGenerator::athrow). The defaults
/// (`S = ()`, `E = Infallible`) make `|mut co: Co<u32>|` a plain generator of `u32`.
///
/// Simplification, named: a `Co` only works inside the body it was given to. Moved into
/// another task, its `yield_` waits forever (nothing resumes it).
pub struct Co<T, S = (), E = std::convert::Infallible> {
    slot: Shared<T, S, E>,
}

impl<T, S, E> Co<T, S, E> {
    pub(crate) fn new(slot: Shared<T, S, E>) -> Self {
        Co { slot }
    }

    /// Hands `value` to the consumer and pauses the body until the generator is resumed.
    ///
    /// Python: `received = yield value`
    ///
    /// Evaluates to `Ok(None)` after `anext()`, `Ok(Some(s))` after `asend(s)`,
    /// `Err(Thrown::Error(e))` after `athrow(e)` and `Err(Thrown::GeneratorExit)` after
    /// `aclose()` (or when a generator with a finalizer is dropped while paused here).
    ///
    /// # Cancel safety
    ///
    /// Only the generator polls its body, so this future is dropped only with the whole
    /// body; if the value was not yet taken by then, it is dropped with it.
    pub fn yield_(&mut self, value: T) -> Yield<'_, T, S, E> {
        Yield {
            co: self,
            value: Some(value),
        }
    }
}

impl<T, S, E> fmt::Debug for Co<T, S, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Co").finish_non_exhaustive()
    }
}

/// The future returned by [`Co::yield_`].
///
/// Python: a paused `yield` expression
///
/// The first poll puts the value in the slot and returns `Pending` without scheduling a
/// wake-up: the generator, which is polling the body, sees the value and returns it to the
/// consumer. The next poll happens only when the generator resumes the body, and reads
/// what it was resumed with.
#[must_use = "a yield does nothing unless awaited"]
pub struct Yield<'a, T, S, E> {
    co: &'a mut Co<T, S, E>,
    value: Option<T>,
}

impl<T, S, E> Future for Yield<'_, T, S, E> {
    type Output = Result<Option<S>, Thrown<E>>;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(value) = this.value.take() {
            this.co.slot.put_out(value);
            return Poll::Pending;
        }
        Poll::Ready(match this.co.slot.take_input() {
            None => Ok(None),
            Some(Input::Send(sent)) => Ok(Some(sent)),
            Some(Input::Throw(error)) => Err(Thrown::Error(error)),
            Some(Input::Close) => Err(Thrown::GeneratorExit),
        })
    }
}

// The value is never pinned: it is only moved into the slot.
impl<T, S, E> Unpin for Yield<'_, T, S, E> {}

impl<T, S, E> fmt::Debug for Yield<'_, T, S, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Yield")
            .field("handed_out", &self.value.is_none())
            .finish_non_exhaustive()
    }
}
