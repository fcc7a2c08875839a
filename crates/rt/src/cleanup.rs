//! The cancel-cleanup handshake: how `aio_tasks::catch_cancel` lets the future it was
//! awaiting finish what asyncio finishes with awaits when a `CancelledError` is thrown
//! in (a cancelled `Condition.wait` takes its lock back), before the body gets the error.
//!
//! A Rust future cannot await in its `Drop`. So when a cancellation is delivered to a
//! `catch_cancel`, it polls its future once more *in cleanup mode* ([`poll_cleanup`]);
//! a future that has cleanup to await says so ([`accept_cleanup`]) and is then polled,
//! saying so at each poll, to its end or until it stops saying so, its output dropped;
//! one that does not is dropped at once, as before.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// No cleanup poll under way.
const NONE: u8 = 0;
/// A cleanup poll: a future that has cleanup to await may accept it.
const ASKED: u8 = 1;
/// A future accepted it.
const ACCEPTED: u8 = 2;

thread_local! {
    static CLEANUP: Cell<u8> = const { Cell::new(NONE) };
}

/// What [`poll_cleanup`] found.
///
/// Python: none (Rust only: asyncio's cleanup is the coroutine's own `except`/`finally`)
#[derive(Debug, PartialEq, Eq)]
pub enum Cleanup<T> {
    /// The future has no cleanup to await: drop it now.
    Declined,
    /// The future is awaiting its cleanup: poll it again (with [`poll_cleanup`]) when woken.
    Pending,
    /// The cleanup is done (the future's output, to drop).
    Done(T),
}

/// Whether the future being polled is asked to clean up after a cancellation (a
/// `catch_cancel` around it is delivering one): it then calls [`accept_cleanup`] and
/// goes to its cleanup, or ignores the request and is dropped. Still `true` once a future
/// polled in the same cleanup poll has accepted (the code after it runs in cleanup mode).
///
/// Python: none (Rust only: see the module docs)
pub fn cleanup_requested() -> bool {
    CLEANUP.with(Cell::get) != NONE
}

/// Accepts the request of [`cleanup_requested`]: the future will be polled until it is
/// ready, and its output dropped.
///
/// Python: none (Rust only: see the module docs)
pub fn accept_cleanup() {
    CLEANUP.with(|mode| {
        if mode.get() == ASKED {
            mode.set(ACCEPTED);
        }
    });
}

/// Polls `fut` in cleanup mode. With `ask`, the future must accept again at this poll
/// ([`accept_cleanup`]) to stay [`Cleanup::Pending`]: one that no longer accepts has
/// finished its cleanup and is [`Cleanup::Declined`] (`aio_tasks::catch_cancel` asks at
/// every poll, so that a `Condition::wait_for` whose wait took the lock back starts no
/// new wait); without `ask`, a pending future stays pending.
///
/// Python: none (Rust only: see the module docs)
pub fn poll_cleanup<F: Future + ?Sized>(
    fut: Pin<&mut F>,
    cx: &mut Context<'_>,
    ask: bool,
) -> Cleanup<F::Output> {
    let saved = CLEANUP.with(|mode| mode.replace(if ask { ASKED } else { NONE }));
    let polled = fut.poll(cx);
    let mode = CLEANUP.with(|mode| mode.replace(saved));
    match polled {
        Poll::Ready(output) => Cleanup::Done(output),
        Poll::Pending if ask && mode != ACCEPTED => Cleanup::Declined,
        Poll::Pending => Cleanup::Pending,
    }
}
