//! Definition of the ready queue: the indexes of the children that have finished.

use std::sync::{Mutex, PoisonError};
use std::task::{Context, Waker};

/// Children push their index when they finish (from a done callback); the parent drains
/// the queue when it is polled. Each wake-up costs the parent the number of children
/// that finished since, never a scan of every child: O(n) in total for n children, as
/// FuturesUnordered's ready-to-run queue.
#[derive(Debug, Default)]
pub(crate) struct Ready {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    indexes: Vec<usize>,
    waker: Option<Waker>,
    /// The parent has returned: children finishing later only mark their failure as
    /// retrieved (asyncio's gather does the same).
    closed: bool,
}

impl Ready {
    /// Records that child `index` has finished and wakes the parent. Returns `false` if
    /// the parent has already returned.
    pub(crate) fn push(&self, index: usize) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.closed {
            return false;
        }
        state.indexes.push(index);
        let waker = state.waker.take();
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
        true
    }

    /// Moves the finished indexes into `out` (empty on entry) and registers the parent's
    /// waker for the next ones.
    pub(crate) fn drain(&self, cx: &mut Context<'_>, out: &mut Vec<usize>) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        std::mem::swap(&mut state.indexes, out);
        match &state.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            _ => state.waker = Some(cx.waker().clone()),
        }
    }

    /// The parent has returned (or was dropped).
    pub(crate) fn close(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.closed = true;
        state.indexes = Vec::new();
        state.waker = None;
    }
}
