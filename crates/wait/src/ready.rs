//! Definition of the ready queue: the indexes of the tasks whose await was woken.

use std::sync::{Mutex, PoisonError};
use std::task::{Context, Waker};

/// A task's await pushes its index when woken; the collector drains the queue when it
/// is polled. Each wake-up costs the parent the number of children
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
}

impl Ready {
    /// Records that child `index` was woken and wakes the collector.
    pub(crate) fn push(&self, index: usize) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.indexes.push(index);
        let waker = state.waker.take();
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
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
}
