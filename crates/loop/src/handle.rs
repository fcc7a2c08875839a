//! Definition of [`Handle`] and [`TimerHandle`]: what `call_soon` and `call_later` return,
//! and the callback cell they share with the loop.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use crate::shared::Shared;

/// Something the loop can run from its ready queue: a scheduled callback, or a timer's.
///
/// asyncio's `Handle._run`. A cancelled callback stays in the queue (asyncio does the
/// same) and does nothing when its turn comes.
pub(crate) trait Callback: Send + Sync {
    /// Runs the callback, unless it was cancelled. By `Arc`: when the loop holds the only
    /// reference (nobody kept the handle), the closure is moved out without locking.
    fn run(self: Arc<Self>);
    /// Cancels it: it will not run, and what it captured is dropped now. `true` if it had
    /// neither run nor been cancelled before (it is now a dead entry where it waits).
    fn cancel(&self) -> bool;
    /// Whether [`cancel`](Callback::cancel) was called.
    fn is_cancelled(&self) -> bool;
    /// The callback's name, for the exception handler's report: the closure's Rust type
    /// name (asyncio prints the function's qualified name).
    fn name(&self) -> &'static str {
        "<callback>"
    }
}

/// A callback that runs once: the closure and its cancelled flag, in one allocation.
pub(crate) struct Once<F> {
    cancelled: AtomicBool,
    f: Mutex<Option<F>>,
}

impl<F: FnOnce() + Send> Once<F> {
    pub(crate) fn new(f: F) -> Once<F> {
        Once {
            cancelled: AtomicBool::new(false),
            f: Mutex::new(Some(f)),
        }
    }

    fn take(&self) -> Option<F> {
        self.f.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

impl<F: FnOnce() + Send> Callback for Once<F> {
    fn name(&self) -> &'static str {
        std::any::type_name::<F>()
    }

    fn run(self: Arc<Self>) {
        // A cancelled callback was taken out by `cancel`: `None` here.
        let f = match Arc::try_unwrap(self) {
            Ok(once) => once.f.into_inner().unwrap_or_else(PoisonError::into_inner),
            // Taken out before the call: the callback may cancel its own handle.
            Err(shared) => shared.take(),
        };
        if let Some(f) = f {
            f();
        }
    }

    fn cancel(&self) -> bool {
        self.cancelled.store(true, Ordering::Release);
        // asyncio clears `_callback` and `_args` on cancel, so that they can be freed.
        self.take().is_some()
    }

    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
    }
}

/// A callback scheduled with [`call_soon`](crate::EventLoop::call_soon) or
/// [`call_soon_threadsafe`](crate::EventLoop::call_soon_threadsafe).
///
/// Python: `asyncio.Handle`
///
/// Dropping the handle does not cancel the callback.
#[derive(Clone)]
pub struct Handle {
    pub(crate) cell: Arc<dyn Callback>,
}

impl Handle {
    /// Cancels the callback: if it has not run yet, it never will. Cancelling a callback
    /// that already ran, or twice, does nothing (it still reads as cancelled afterwards,
    /// as in asyncio).
    ///
    /// Python: `Handle.cancel()`
    pub fn cancel(&self) {
        self.cell.cancel();
    }

    /// Whether [`cancel`](Handle::cancel) was called.
    ///
    /// Python: `Handle.cancelled()`
    pub fn cancelled(&self) -> bool {
        self.cell.is_cancelled()
    }
}

/// asyncio's repr of the handle: `<Handle my_app::main::{{closure}}()>`, `<Handle
/// cancelled>` (a cancelled handle has dropped its callback, as asyncio's).
///
/// Python: `repr(handle)` (`<Handle print(1)>`)
///
/// # Differences from Python
///
/// The callback is named by its Rust type name with `()` (asyncio prints the function's
/// qualified name, its arguments and its source line, which Rust has not; see the `aio`
/// crate docs, "Printing"), so no parity scenario compares this repr with CPython's.
impl fmt::Display for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fmt_repr("Handle", None, f)
    }
}

impl Handle {
    /// `<Class [cancelled] [when=..] [callback()]>`, asyncio's `Handle._repr_info` order.
    fn fmt_repr(&self, class: &str, when: Option<f64>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{class}")?;
        let cancelled = self.cancelled();
        if cancelled {
            f.write_str(" cancelled")?;
        }
        if let Some(when) = when {
            write!(f, " when={when:?}")?;
        }
        if !cancelled {
            write!(f, " {}()", self.cell.name())?;
        }
        f.write_str(">")
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("cancelled", &self.cancelled())
            .finish()
    }
}

/// A callback scheduled with [`call_later`](crate::EventLoop::call_later) or
/// [`call_at`](crate::EventLoop::call_at).
///
/// Python: `asyncio.TimerHandle`
///
/// Dropping the handle does not cancel the timer.
#[derive(Clone)]
pub struct TimerHandle {
    pub(crate) handle: Handle,
    pub(crate) when: i64,
    /// To count the dead entries of the heap.
    pub(crate) shared: Weak<Shared>,
}

impl TimerHandle {
    /// Cancels the timer: if its callback has not run yet, it never will.
    ///
    /// Python: `TimerHandle.cancel()`
    ///
    /// The cancelled timer stays in the heap until it reaches the top, or until more than
    /// half of the heap (and over 100 timers) is cancelled: then the loop sweeps them all
    /// out, as asyncio does.
    pub fn cancel(&self) {
        if self.handle.cell.cancel() {
            if let Some(shared) = self.shared.upgrade() {
                shared.timer_cancelled();
            }
        }
    }

    /// Whether [`cancel`](TimerHandle::cancel) was called.
    ///
    /// Python: `TimerHandle.cancelled()`
    pub fn cancelled(&self) -> bool {
        self.handle.cancelled()
    }

    /// When the callback is due, in seconds on the loop's clock.
    ///
    /// Python: `TimerHandle.when()`
    pub fn when(&self) -> f64 {
        crate::clock::nanos_to_secs(self.when)
    }
}

/// asyncio's repr of the timer: `<TimerHandle when=2.0 my_app::main::{{closure}}()>`,
/// `<TimerHandle cancelled when=2.0>` (`when` in seconds on the loop's clock).
///
/// Python: `repr(timer_handle)` (`<TimerHandle when=2.0 print(1)>`)
///
/// # Differences from Python
///
/// As [`Handle`]'s: the callback is its Rust type name.
impl fmt::Display for TimerHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.handle.fmt_repr("TimerHandle", Some(self.when()), f)
    }
}

impl fmt::Debug for TimerHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimerHandle")
            .field("when", &self.when())
            .field("cancelled", &self.cancelled())
            .finish()
    }
}
