//! Definition of [`Co`], the body's end of an async generator, and its [`Yield`] future.
//! The slot they share with the generator is in `slot.rs`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::Thrown;
use crate::slot::{CoEnd, Input};

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
/// another task, its `yield_` waits forever (nothing resumes it), and the generator may
/// report `AlreadyRunning`; it stays sound, whatever thread the `Co` is used on.
pub struct Co<T, S = (), E = std::convert::Infallible> {
    end: CoEnd<T, S, E>,
}

impl<T, S, E> Co<T, S, E> {
    pub(crate) fn new(end: CoEnd<T, S, E>) -> Self {
        Co { end }
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
/// what it was resumed with. (Should the previous value still be in the slot, which takes
/// a body that dropped a yield before it was resumed, the value waits in this future and
/// goes out at the next poll.)
#[must_use = "a yield does nothing unless awaited, as in asyncio: \"coroutine 'asend' was never awaited\""]
pub struct Yield<'a, T, S, E> {
    co: &'a mut Co<T, S, E>,
    value: Option<T>,
}

impl<T, S, E> Future for Yield<'_, T, S, E> {
    type Output = Result<Option<S>, Thrown<E>>;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(value) = this.value.take() {
            if let Err(value) = this.co.end.put_out(value) {
                this.value = Some(value);
            }
            return Poll::Pending;
        }
        let input = std::task::ready!(this.co.end.take_input());
        Poll::Ready(match input {
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
