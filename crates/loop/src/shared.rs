//! Definition of `Shared`: the state of one loop, shared by every [`EventLoop`] handle,
//! task waker and timer. The loop itself is in `run.rs`.
//!
//! [`EventLoop`]: crate::EventLoop

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use aio_rt::adapter::Tasks;

use crate::clock::LoopClock;
use crate::executor::Executor;
use crate::handle::Callback;
use crate::reactor::Reactor;
use crate::task::TaskCell;

/// One loop's state.
///
/// Simplification, named: one mutex guards the ready queue and the timer heap, so that any
/// thread may schedule (Rust will not let a `Send + Sync` handle do otherwise). asyncio's
/// loop is not thread-safe at all, except `call_soon_threadsafe`.
pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    /// The selector: the loop waits in it for sockets, the next timer, or a wake-up
    /// from another thread (`Reactor::notify`).
    pub(crate) reactor: Arc<Reactor>,
    pub(crate) clock: LoopClock,
    /// Wraps futures and blocking jobs so that `JoinHandle` means what it means on every
    /// runtime. Built on the real clock: time is the loop's own business.
    pub(crate) tasks: Tasks,
    pub(crate) executor: Executor,
    /// Whether some thread is running this loop.
    pub(crate) running: AtomicBool,
    /// Numbers the `run_until_complete` calls, so that a stale wake-up of an earlier run's
    /// future is ignored.
    pub(crate) main_runs: AtomicU64,
    /// Every task spawned, for the loop to drop those still alive when it is dropped.
    pub(crate) live: Mutex<Live>,
}

/// The tasks of a loop, weakly: a task waiting forever is kept alive by its own waker
/// (held by what it waits on, often its own state), so nothing else would ever drop it.
/// Entries of tasks that are gone are swept when the list has doubled since the last
/// sweep, O(1) amortized per task.
#[derive(Default)]
pub(crate) struct Live {
    tasks: Vec<Weak<TaskCell>>,
    sweep_at: usize,
}

impl Live {
    pub(crate) fn add(&mut self, task: Weak<TaskCell>) {
        if self.tasks.len() >= self.sweep_at {
            self.tasks.retain(|task| task.strong_count() > 0);
            self.sweep_at = (2 * self.tasks.len()).max(64);
        }
        self.tasks.push(task);
    }
}

impl Drop for Shared {
    /// asyncio's `loop.close()` leaves pending tasks to the garbage collector, which
    /// frees them with the loop; here the loop drops each task's future itself (its
    /// destructors run: the task's `finally`).
    fn drop(&mut self) {
        let live = std::mem::take(
            &mut self
                .live
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .tasks,
        );
        for task in live.iter().filter_map(Weak::upgrade) {
            task.drop_future();
        }
    }
}

/// What the mutex guards.
pub(crate) struct State {
    /// asyncio's `_ready`: callbacks to run, in the order they were scheduled.
    pub(crate) ready: VecDeque<Ready>,
    /// asyncio's `_scheduled`: a min-heap of timers by (deadline, registration order).
    pub(crate) timers: BinaryHeap<Reverse<Timer>>,
    pub(crate) next_timer: u64,
    /// The loop waits in the selector (with a timeout other than zero): a thread-safe
    /// schedule must wake it.
    pub(crate) parked: bool,
    /// Cancelled timers still in the heap (about: a timer cancelled as it becomes due may
    /// be counted and never popped as cancelled; the sweep resets the count).
    pub(crate) cancelled_timers: usize,
    /// `stop()` was called: finish this iteration, then return.
    pub(crate) stopping: bool,
    /// Executor jobs in progress: on the virtual clock, time stands still while any runs
    /// (and does not wait on the loop).
    pub(crate) jobs: usize,
    /// Jobs among `jobs` that wait on the loop (`aio_rt::ConcurrentFuture::result`).
    pub(crate) blocked_jobs: usize,
    /// `aio_rt::Feeder`s alive: with nothing to do, the virtual clock waits for them
    /// instead of declaring the run stalled.
    pub(crate) feeders: usize,
}

/// The loop's virtual clock, told about other threads (see `aio_rt::Feeder`).
impl aio_rt::VirtualHooks for Shared {
    fn feeder_begin(&self) {
        self.lock().feeders += 1;
    }

    fn feeder_end(&self) {
        let mut state = self.lock();
        state.feeders -= 1;
        let wake = state.parked;
        drop(state);
        if wake {
            self.reactor.notify();
        }
    }

    fn job_blocked(&self) {
        let mut state = self.lock();
        state.blocked_jobs += 1;
        let wake = state.parked;
        drop(state);
        if wake {
            self.reactor.notify();
        }
    }

    fn job_unblocked(&self) {
        self.lock().blocked_jobs -= 1;
    }
}

/// An entry of the ready queue.
pub(crate) enum Ready {
    /// A callback from `call_soon`, or a timer that became due.
    Callback(Arc<dyn Callback>),
    /// One step of a task: poll its future once (asyncio's `Task.__step`).
    Task(Arc<TaskCell>),
    /// One step of the future given to `run_until_complete` (by run number).
    Main(u64),
}

/// An entry of the timer heap, ordered by deadline, then by registration.
pub(crate) struct Timer {
    pub(crate) when: i64,
    pub(crate) seq: u64,
    pub(crate) callback: Arc<dyn Callback>,
}

impl PartialEq for Timer {
    fn eq(&self, other: &Timer) -> bool {
        (self.when, self.seq) == (other.when, other.seq)
    }
}

impl Eq for Timer {}

impl PartialOrd for Timer {
    fn partial_cmp(&self, other: &Timer) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timer {
    fn cmp(&self, other: &Timer) -> Ordering {
        (self.when, self.seq).cmp(&(other.when, other.seq))
    }
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends `item` to the ready queue. With `notify`, a parked loop is woken (asyncio's
    /// `call_soon_threadsafe` writes to the loop's self-pipe for that).
    pub(crate) fn schedule(&self, item: Ready, notify: bool) {
        let mut state = self.lock();
        state.ready.push_back(item);
        let wake = notify && state.parked;
        drop(state);
        if wake {
            self.reactor.notify();
        }
    }

    /// Adds a timer due at `when`; returns nothing, the caller keeps the callback.
    pub(crate) fn add_timer(&self, when: i64, callback: Arc<dyn Callback>) {
        let mut state = self.lock();
        let seq = state.next_timer;
        state.next_timer += 1;
        state.timers.push(Reverse(Timer {
            when,
            seq,
            callback,
        }));
        let wake = state.parked;
        drop(state);
        // A loop parked until a later deadline must see this earlier one.
        if wake {
            self.reactor.notify();
        }
    }

    /// A timer in the heap was cancelled (asyncio's `_timer_handle_cancelled`).
    pub(crate) fn timer_cancelled(&self) {
        self.lock().cancelled_timers += 1;
    }
}
