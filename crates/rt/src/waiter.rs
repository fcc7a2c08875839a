//! Definition of [`Awaited`], [`Awaiting`] and the current-task hook: how a future tells
//! the task awaiting it "cancel me with you" (asyncio's `Task._fut_waiter`), without the
//! crate of the future knowing the crate of the task.
//!
//! `aio-tasks` installs the hook ([`set_current_task_hook`]); `aio-futures` asks it which
//! task is awaiting ([`current_awaiting`]) and records itself there. Neither crate
//! depends on the other.

use std::sync::{Arc, OnceLock};

/// Something a task waits on, cancelled first when the task is cancelled.
///
/// Python: the `_fut_waiter` of a `Task` (`Task.cancel` calls `_fut_waiter.cancel(msg)`)
pub trait Awaited: Send + Sync {
    /// Cancels it with `message`; `true` if it was still pending.
    ///
    /// Python: `fut.cancel(msg)`
    fn cancel(&self, message: Option<String>) -> bool;

    /// Whether it has finished (a cancellation accepted by [`cancel`](Awaited::cancel)
    /// may take steps of its own: a task runs its cleanup first).
    ///
    /// Python: `fut.done()`
    fn done(&self) -> bool;
}

/// A task, as the futures it awaits see it.
///
/// Python: `asyncio.Task` (the part that keeps `_fut_waiter`)
pub trait Awaiting: Send + Sync {
    /// Records what the task awaits now (`None`: nothing any more), so that cancelling
    /// the task cancels it first.
    ///
    /// Python: `task._fut_waiter = fut` (set in `Task.__step`, cleared in `__wakeup`)
    fn set_waiting_on(&self, on: Option<Arc<dyn Awaited>>);
}

/// How to find the task running on this thread.
type Hook = fn() -> Option<Arc<dyn Awaiting>>;

static HOOK: OnceLock<Hook> = OnceLock::new();

/// Installs `hook`, which gives the task running on this thread; the first call wins
/// (there is one task library in a program: `aio-tasks` calls this).
///
/// Python: none (Rust only: asyncio's futures see the running task through the loop)
pub fn set_current_task_hook(hook: Hook) {
    let _ = HOOK.set(hook);
}

/// The task running on this thread, if any (and if a task library installed the hook).
///
/// Python: `asyncio.current_task()`, as a future awaited by it sees it
pub fn current_awaiting() -> Option<Arc<dyn Awaiting>> {
    HOOK.get().and_then(|hook| hook())
}
