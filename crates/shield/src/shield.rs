//! Definition of [`shield`], [`shield_future`] and the [`Shield`] future.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use aio_rt::Runtime;
use aio_tasks::{Task, TaskError, create_task};

use crate::Shieldable;

/// Waits for `inner` (a [`Task`] or an [`aio_futures::Future`]) without cancelling it
/// when the wait is cancelled.
///
/// Python: `asyncio.shield(aw)`
///
/// The outcome is the inner's: its value, its failure, or a cancellation if the inner
/// itself was cancelled (cancelling the inner cancels the outer). An inner already done
/// gives its outcome at once (asyncio returns the inner itself). Cancelling the outer
/// ([`Shield::cancel`], or dropping it) never cancels the inner.
///
/// # Cancel safety
///
/// Dropping the [`Shield`] leaves the inner running to completion; await it (or another
/// `shield` of it) later for its outcome.
///
/// # Unretrieved failures
///
/// A shield reads the inner's failure (retrieving it) only when it delivers it: once the
/// outer is cancelled, a failure of the inner that nobody reads is reported as "Task
/// exception was never retrieved", as asyncio reports it (`wait_for(shield(t), ...)`
/// timing out, then `t` failing, is that case).
///
/// # Differences from Python
///
/// Dropping the outer is cancelling it, so the inner's failure is reported as the task's
/// ("Task exception was never retrieved"); in asyncio an outer that is garbage-collected
/// without being cancelled still takes the inner's exception, and is reported itself:
/// "Future exception was never retrieved".
///
/// # Examples
///
/// A shield of an `aio_futures::Future`: cancelling the outer leaves the future pending.
///
/// ```
/// use aio_rt::Runtime;
/// let rt = aio_rt::Smol::new();
/// rt.block_on(async {
///     let future = aio_futures::Future::<u32>::new(&rt);
///     let outer = aio_shield::shield(&future);
///     assert!(outer.cancel(None));
///     assert!(outer.await.is_err());
///     assert!(!future.done());
///     future.set_result(7).unwrap();
///     assert_eq!(aio_shield::shield(&future).await.unwrap(), 7);
/// });
/// ```
pub fn shield<A: Shieldable>(inner: &A) -> Shield<A::Output> {
    if let Some((outcome, cancelled)) = inner.outcome_now() {
        // Already done: the shield is the inner's outcome, at once (asyncio gives the
        // inner itself).
        return Shield {
            slot: Arc::new(Mutex::new(Slot {
                outcome: Some(outcome),
                cancelled,
                waker: None,
            })),
            cancelled_outcome: A::cancelled_outcome,
        };
    }
    let slot = Arc::new(Mutex::new(Slot {
        outcome: None,
        cancelled: false,
        waker: None,
    }));
    let filler = Arc::clone(&slot);
    // As asyncio's shield: a done callback on the inner completes the outer, unless the
    // outer was cancelled first: then the inner's outcome is not read, and a failure
    // nobody else reads is reported (asyncio's outer removes the callback from the inner).
    inner.when_done(Box::new(move |read| {
        let mut slot = lock(&filler);
        if slot.outcome.is_some() {
            return;
        }
        let (outcome, cancelled) = read();
        slot.outcome = Some(outcome);
        slot.cancelled = cancelled;
        if let Some(waker) = slot.waker.take() {
            drop(slot);
            waker.wake();
        }
    }));
    Shield {
        slot,
        cancelled_outcome: A::cancelled_outcome,
    }
}

/// Runs `fut` as a task and waits for it through [`shield`]; returns the task too, so
/// that its outcome can be awaited after the shield was dropped.
///
/// Python: `asyncio.shield(coro)` (which wraps the coroutine in a task)
pub fn shield_future<R, F, T, E>(rt: &R, fut: F) -> (Task<T, E>, TaskShield<T, E>)
where
    R: Runtime,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Clone + Send + 'static,
    E: Clone + aio_rt::PyException + Send + Sync + 'static,
{
    let task = create_task(rt, fut);
    let shield = shield(&task);
    (task, shield)
}

/// The outer future of [`shield`]: the inner's outcome, or a cancellation of its own.
///
/// Python: the outer future `asyncio.shield` returns
///
/// `O` is what awaiting the inner gives: `Result<T, TaskError<E>>` for a task,
/// `Result<T, FutureError>` for a future. Awaiting the outer again (`(&mut outer).await`)
/// gives the same outcome again, as awaiting a done asyncio future does.
#[must_use = "a Shield does nothing unless awaited; dropping it never cancels the inner"]
pub struct Shield<O> {
    slot: Arc<Mutex<Slot<O>>>,
    /// What a cancelled outer gives ([`Shieldable::cancelled_outcome`]).
    cancelled_outcome: fn(Option<String>) -> O,
}

/// The [`Shield`] of a [`Task`]: what `shield(&task)` returns.
///
/// Python: the outer future of `asyncio.shield(task)`
pub type TaskShield<T, E> = Shield<Result<T, TaskError<E>>>;

struct Slot<O> {
    outcome: Option<O>,
    /// The outer ended cancelled: by [`Shield::cancel`], or because the inner was.
    cancelled: bool,
    waker: Option<Waker>,
}

fn lock<O>(slot: &Mutex<Slot<O>>) -> MutexGuard<'_, Slot<O>> {
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<O> Shield<O> {
    /// Cancels the outer future, leaving the inner running. Returns `false` if the outer
    /// is already done (the inner had finished, or it was cancelled before).
    ///
    /// Python: `outer.cancel(msg=None)`
    ///
    /// Awaiting the outer then gives a cancellation carrying `message`, every time.
    pub fn cancel(&self, message: Option<&str>) -> bool {
        let mut slot = lock(&self.slot);
        if slot.outcome.is_some() {
            return false;
        }
        slot.outcome = Some((self.cancelled_outcome)(message.map(str::to_owned)));
        slot.cancelled = true;
        let waker = slot.waker.take();
        drop(slot);
        if let Some(waker) = waker {
            waker.wake();
        }
        true
    }

    /// Whether the outer ended cancelled: by [`cancel`](Shield::cancel), or because the
    /// inner was cancelled (asyncio's shield then calls `outer.cancel()`).
    ///
    /// Python: `outer.cancelled()`
    pub fn cancelled(&self) -> bool {
        lock(&self.slot).cancelled
    }

    /// Whether the outer is done: the inner's outcome arrived, or it was cancelled.
    ///
    /// Python: `outer.done()`
    pub fn done(&self) -> bool {
        lock(&self.slot).outcome.is_some()
    }
}

impl<O: Clone> Future for Shield<O> {
    type Output = O;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut slot = lock(&self.slot);
        match &slot.outcome {
            Some(outcome) => Poll::Ready(outcome.clone()),
            None => {
                match &slot.waker {
                    Some(waker) if waker.will_wake(cx.waker()) => {}
                    _ => slot.waker = Some(cx.waker().clone()),
                }
                Poll::Pending
            }
        }
    }
}

/// Dropping the outer before it is done cancels it (Rust's cancellation is a drop): the
/// inner's outcome will not be read for it, as asyncio's cancelled outer stops listening.
impl<O> Drop for Shield<O> {
    fn drop(&mut self) {
        let mut slot = lock(&self.slot);
        if slot.outcome.is_none() {
            slot.outcome = Some((self.cancelled_outcome)(None));
            slot.cancelled = true;
            slot.waker = None;
        }
    }
}

impl<O> fmt::Debug for Shield<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Shield { .. }")
    }
}
