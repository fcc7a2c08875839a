//! Definition of [`Co`], the body's end of an async generator, and its [`Yield`] future;
//! and of the mailbox they pass values through.

use std::any::Any;
use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
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
/// The generator owns it (one allocation per generator) and lends it to the body only
/// while it polls the body, through the thread-local [`LENT`]: the body runs inside the
/// generator's poll, on the same thread, so that is the only moment a `yield_` can use
/// it. No lock and no atomic operation per item, no `unsafe`: a hand-off is a few
/// thread-local moves of a `Box` and a type check.
pub(crate) struct Mailbox<T, S, E> {
    /// Which generator it belongs to: a `Co` only uses its own generator's mailbox.
    id: u64,
    /// The value the paused yield handed out, until the generator takes it.
    out: Option<T>,
    /// What the next resume delivers; `None` means a plain `anext()`.
    input: Option<Input<S, E>>,
}

/// Numbers the generators, so that a `Co` finds its own mailbox.
static NEXT_ID: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// The mailbox of the generator whose body this thread is polling right now, if any
    /// (type-erased: one thread-local for generators of every item type).
    static LENT: Cell<Option<Box<dyn Any>>> = const { Cell::new(None) };
}

impl<T: 'static, S: 'static, E: 'static> Mailbox<T, S, E> {
    /// A mailbox for a new generator, and the `Co` that goes with it.
    pub(crate) fn new() -> (Box<Self>, Co<T, S, E>) {
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        (
            Self::with_id(id),
            Co {
                id,
                _types: PhantomData,
            },
        )
    }

    fn with_id(id: u64) -> Box<Self> {
        Box::new(Mailbox {
            id,
            out: None,
            input: None,
        })
    }

    /// Runs `poll` (the generator polling the body) with the mailbox lent to the body;
    /// first delivers `input` if there is one. Returns what `poll` returned and the value
    /// the body handed out, if it did.
    ///
    /// `home` gets the mailbox back afterwards, even if `poll` panics. (If the mailbox
    /// was lost, because a `Drop` in the body panicked while a `yield_` held it, a new
    /// empty one takes its place.)
    pub(crate) fn lend<R>(
        home: &mut Option<Box<Self>>,
        id: u64,
        input: Option<Input<S, E>>,
        poll: impl FnOnce() -> R,
    ) -> (R, Option<T>) {
        let mut mailbox = home.take().unwrap_or_else(|| Self::with_id(id));
        if input.is_some() {
            mailbox.input = input;
        }
        let guard = Lend {
            home,
            outer: LENT.replace(Some(mailbox)),
        };
        let result = poll();
        drop(guard);
        let out = home.as_mut().and_then(|mailbox| mailbox.out.take());
        (result, out)
    }
}

/// Gives the lent mailbox back to the generator and restores the one lent before, if a
/// generator's body is itself polling another generator.
struct Lend<'a, T: 'static, S: 'static, E: 'static> {
    home: &'a mut Option<Box<Mailbox<T, S, E>>>,
    outer: Option<Box<dyn Any>>,
}

impl<T: 'static, S: 'static, E: 'static> Drop for Lend<'_, T, S, E> {
    fn drop(&mut self) {
        let lent = LENT.replace(self.outer.take());
        *self.home = lent.and_then(|mailbox| mailbox.downcast().ok());
    }
}

/// Runs `f` on the mailbox of generator `id` if this thread is polling its body now.
fn with_lent<T: 'static, S: 'static, E: 'static, R>(
    id: u64,
    f: impl FnOnce(&mut Mailbox<T, S, E>) -> R,
) -> Option<R> {
    LENT.with(|lent| {
        let mut mailbox = lent.take()?;
        let result = mailbox
            .downcast_mut::<Mailbox<T, S, E>>()
            .filter(|mailbox| mailbox.id == id)
            .map(f);
        lent.set(Some(mailbox));
        result
    })
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
    /// The generator's number: its mailbox, lent while the generator polls the body.
    id: u64,
    _types: PhantomData<fn(T) -> (S, E)>,
}

impl<T, S, E> Co<T, S, E> {
    /// The number of the generator this `Co` belongs to.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }
}

impl<T: 'static, S: 'static, E: 'static> Co<T, S, E> {
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
/// The first poll puts the value in the mailbox and returns `Pending` without scheduling a
/// wake-up: the generator, which is polling the body, sees the value and returns it to the
/// consumer. The next poll happens only when the generator resumes the body, and reads
/// what it was resumed with.
#[must_use = "a yield does nothing unless awaited"]
pub struct Yield<'a, T, S, E> {
    co: &'a mut Co<T, S, E>,
    value: Option<T>,
}

impl<T: 'static, S: 'static, E: 'static> Future for Yield<'_, T, S, E> {
    type Output = Result<Option<S>, Thrown<E>>;

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let id = this.co.id;
        if this.value.is_some() {
            // Outside its generator's poll (the `Co` was moved elsewhere) the value stays
            // here and the yield waits forever.
            let value = &mut this.value;
            with_lent(id, |mailbox: &mut Mailbox<T, S, E>| {
                mailbox.out = value.take()
            });
            return Poll::Pending;
        }
        match with_lent(id, |mailbox: &mut Mailbox<T, S, E>| mailbox.input.take()) {
            None => Poll::Pending,
            Some(input) => Poll::Ready(match input {
                None => Ok(None),
                Some(Input::Send(sent)) => Ok(Some(sent)),
                Some(Input::Throw(error)) => Err(Thrown::Error(error)),
                Some(Input::Close) => Err(Thrown::GeneratorExit),
            }),
        }
    }
}

// The value is never pinned: it is only moved into the mailbox.
impl<T, S, E> Unpin for Yield<'_, T, S, E> {}

impl<T, S, E> fmt::Debug for Yield<'_, T, S, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Yield")
            .field("handed_out", &self.value.is_none())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use futures_lite::StreamExt;

    use super::LENT;
    use crate::{AsyncGenerator, Co};

    fn poll_once<F: Future>(future: std::pin::Pin<&mut F>) -> Poll<F::Output> {
        future.poll(&mut Context::from_waker(Waker::noop()))
    }

    #[test]
    fn a_yield_outside_its_generator_waits_and_feeds_no_other_generator() {
        let mut stolen = None;
        let mut first = AsyncGenerator::new(|co: Co<u32>| {
            stolen = Some(co);
            async { Ok(()) }
        });
        let mut co = stolen.take().expect("the body got its co");
        // Outside any generator's poll: nowhere to put the value.
        assert!(poll_once(pin!(co.yield_(1))).is_pending());
        // Inside another generator of the same item type: not its mailbox either.
        let mut second = AsyncGenerator::new(move |_own: Co<u32>| async move {
            assert!(poll_once(pin!(co.yield_(2))).is_pending());
            std::future::pending::<()>().await;
            Ok(())
        });
        let next = poll_once(pin!(second.next()));
        assert!(
            next.is_pending(),
            "the stray 2 was not taken for a yield: {next:?}"
        );
        let next = poll_once(pin!(first.next()));
        assert!(matches!(next, Poll::Ready(None)), "{next:?}");
    }

    #[test]
    fn a_panicking_body_leaves_nothing_lent() {
        let mut boom = AsyncGenerator::new(|mut co: Co<u32>| async move {
            co.yield_(1).await?;
            panic!("boom");
        });
        let next = poll_once(pin!(boom.next()));
        assert!(matches!(next, Poll::Ready(Some(Ok(1)))), "{next:?}");
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = poll_once(pin!(boom.next()));
        }));
        assert!(caught.is_err(), "the panic went through");
        assert!(
            LENT.take().is_none(),
            "the mailbox went back to its generator"
        );
        let mut after = AsyncGenerator::new(|mut co: Co<u32>| async move {
            co.yield_(7).await?;
            Ok(())
        });
        let next = poll_once(pin!(after.next()));
        assert!(matches!(next, Poll::Ready(Some(Ok(7)))), "{next:?}");
    }
}
