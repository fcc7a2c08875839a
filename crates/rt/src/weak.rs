//! Definition of [`WeakRuntime`]: a handle to a runtime that does not keep it alive.

use std::fmt;
use std::sync::Arc;

/// A handle to a runtime that does not keep it alive: [`upgrade`](WeakRuntime::upgrade)
/// gives the runtime back while some clone of it lives, `None` after.
///
/// Python: none (Rust only: asyncio's tasks refer to their loop, and the garbage collector
/// frees a loop and its tasks together; reference counting cannot free a cycle)
///
/// What a task keeps to reach its runtime, so that the task does not keep its own
/// runtime alive: the runtime owns its tasks, and a task holding a clone of the runtime
/// would make a cycle that nothing frees. Made by [`Runtime::downgrade`](crate::Runtime::downgrade).
///
/// # Examples
///
/// ```
/// use aio_rt::Runtime;
///
/// # #[cfg(feature = "smol")] {
/// let rt = aio_rt::Smol::new();
/// let weak = rt.downgrade();
/// assert!(weak.upgrade().is_some());
/// drop(rt);
/// assert!(weak.upgrade().is_none());
/// # }
/// ```
pub struct WeakRuntime<R> {
    upgrade: Arc<dyn Fn() -> Option<R> + Send + Sync>,
}

impl<R> WeakRuntime<R> {
    /// A weak handle that upgrades with `upgrade` (typically `Weak::upgrade` of the
    /// runtime's shared state, wrapped back into the runtime's handle type).
    ///
    /// Python: none (see [`WeakRuntime`])
    pub fn new(upgrade: impl Fn() -> Option<R> + Send + Sync + 'static) -> Self {
        WeakRuntime {
            upgrade: Arc::new(upgrade),
        }
    }

    /// The runtime, if some clone of it is still alive.
    ///
    /// Python: none (see [`WeakRuntime`])
    pub fn upgrade(&self) -> Option<R> {
        (self.upgrade)()
    }
}

impl<R> Clone for WeakRuntime<R> {
    fn clone(&self) -> Self {
        WeakRuntime {
            upgrade: Arc::clone(&self.upgrade),
        }
    }
}

impl<R> fmt::Debug for WeakRuntime<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WeakRuntime { .. }")
    }
}
