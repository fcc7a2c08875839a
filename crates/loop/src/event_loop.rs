//! Definition of [`EventLoop`]: the handle, and the callback API (`call_soon`,
//! `call_later`, `call_at`, `time`, `create_task`, `run_in_executor`, the exception
//! handler). Running it is in `run.rs`.

use std::collections::{BinaryHeap, VecDeque};
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex};

use aio_rt::adapter::Tasks;
use aio_rt::{Clock, Config, JoinHandle};

use crate::clock::{LoopClock, nanos_to_secs, secs_to_nanos};
use crate::executor::Executor;
use crate::handle::{Handle, Once, TimerHandle};
use crate::reactor::Reactor;
use crate::shared::{Ready, Shared, State};
use crate::task::TaskCell;

/// An asyncio-style event loop: a FIFO ready queue of callbacks, a heap of timers, and a
/// thread pool for blocking work. A cheap handle: clones share one loop.
///
/// Python: `asyncio.BaseEventLoop` (and `asyncio.new_event_loop()` to make one)
///
/// Nothing runs until a thread runs the loop with [`run_until_complete`] or
/// [`run_forever`]; then callbacks and task steps run on that thread, one at a time, in
/// the order they were scheduled. See the crate docs for the rules of an iteration.
///
/// Like asyncio's, it waits in a selector for sockets, the next timer, or a wake-up from
/// another thread; sockets are registered with it through [`Async`](crate::Async).
///
/// [`run_until_complete`]: EventLoop::run_until_complete
/// [`run_forever`]: EventLoop::run_forever
///
/// # Examples
///
/// ```
/// use aio_loop::EventLoop;
/// use std::sync::{Arc, Mutex};
///
/// let event_loop = EventLoop::new();
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// for name in ["a", "b", "c"] {
///     let seen = seen.clone();
///     event_loop.call_soon(move || seen.lock().unwrap().push(name));
/// }
/// let stopper = event_loop.clone();
/// event_loop.call_soon(move || stopper.stop());
/// event_loop.run_forever().unwrap();
/// assert_eq!(*seen.lock().unwrap(), ["a", "b", "c"]);
/// ```
#[derive(Clone)]
pub struct EventLoop {
    pub(crate) shared: Arc<Shared>,
}

impl EventLoop {
    /// A loop on the real clock.
    ///
    /// Python: `asyncio.new_event_loop()`
    ///
    /// # Panics
    ///
    /// If the OS refuses the loop a selector (out of file descriptors), as
    /// `new_event_loop()` raises `OSError`.
    pub fn new() -> EventLoop {
        EventLoop::with_config(Config::default())
    }

    /// A loop configured with `config`: its clock (with [`Clock::Virtual`] the loop jumps
    /// to the next timer whenever nothing is ready and no executor job runs), and its
    /// first exception handler (replace it at any time with
    /// [`Runtime::set_exception_handler`](aio_rt::Runtime::set_exception_handler)).
    ///
    /// Python: `asyncio.new_event_loop()`
    ///
    /// # Panics
    ///
    /// As [`new`](EventLoop::new).
    pub fn with_config(config: Config) -> EventLoop {
        let clock = LoopClock::new(config.clock_kind());
        EventLoop {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    ready: VecDeque::new(),
                    timers: BinaryHeap::new(),
                    next_timer: 0,
                    parked: false,
                    stopping: false,
                    cancelled_timers: 0,
                    jobs: 0,
                    blocked_jobs: 0,
                    feeders: 0,
                }),
                reactor: Arc::new(Reactor::new()),
                clock,
                tasks: Tasks::new(config.clock(Clock::Real)),
                executor: Executor::new(),
                running: AtomicBool::new(false),
                main_runs: AtomicU64::new(0),
                live: Mutex::default(),
            }),
        }
    }

    /// The loop's clock, in seconds since the loop was created.
    ///
    /// Python: `loop.time()`
    pub fn time(&self) -> f64 {
        nanos_to_secs(self.shared.clock.now())
    }

    /// Which clock the loop reads.
    ///
    /// Python: none (see [`Clock`])
    pub fn clock(&self) -> Clock {
        self.shared.clock.kind()
    }

    /// Schedules `callback` to run on the loop, after every callback already scheduled.
    ///
    /// Python: `loop.call_soon(callback, *args)`
    ///
    /// Called during an iteration, the callback runs in the next one, never in the
    /// current: a callback that schedules itself cannot starve the others.
    ///
    /// # Non-guarantees
    ///
    /// As in asyncio, `call_soon` does not wake a loop that is parked waiting for a timer:
    /// from another thread, use [`call_soon_threadsafe`](EventLoop::call_soon_threadsafe).
    /// (It is memory-safe from any thread here: one mutex guards the queue.)
    pub fn call_soon(&self, callback: impl FnOnce() + Send + 'static) -> Handle {
        self.schedule_callback(callback, false)
    }

    /// [`call_soon`](EventLoop::call_soon) from any thread: also wakes the loop if it is
    /// parked.
    ///
    /// Python: `loop.call_soon_threadsafe(callback, *args)`
    ///
    /// # Non-guarantees
    ///
    /// On the virtual clock the loop waits for other threads only while one holds an
    /// [`aio_rt::Feeder`] (asyncio's `loop` handed to a thread): with nothing ready, no
    /// timer, no executor job and no feeder, the run fails with
    /// [`RunError::Stalled`](crate::RunError::Stalled). `Feeder::call_soon_threadsafe` is
    /// this method on any runtime.
    pub fn call_soon_threadsafe(&self, callback: impl FnOnce() + Send + 'static) -> Handle {
        self.schedule_callback(callback, true)
    }

    fn schedule_callback(&self, callback: impl FnOnce() + Send + 'static, notify: bool) -> Handle {
        let cell = Arc::new(Once::new(callback));
        self.shared.schedule(Ready::Callback(cell.clone()), notify);
        Handle { cell }
    }

    /// Schedules `callback` to run `delay` seconds from now; a negative or zero delay
    /// makes it due at once (it still waits for the next iteration).
    ///
    /// Python: `loop.call_later(delay, callback, *args)`
    ///
    /// Timers that are due join the end of the ready queue in deadline order; timers with
    /// equal deadlines in the order they were made. A NaN delay counts as zero; an
    /// infinite one never comes.
    ///
    /// Simplification, named: inside the loop's callbacks and tasks, "now" is the time the
    /// loop read when the current iteration began its callbacks, one clock read per
    /// iteration instead of one per timer (libuv, so uvloop, and tokio do the same). A
    /// callback that blocks the loop for a while therefore makes the timers scheduled
    /// after it in the same iteration due that much earlier than asyncio, which reads the
    /// clock in every `call_later`. From another thread, or with the loop not running, the
    /// clock is read at the call.
    pub fn call_later(&self, delay: f64, callback: impl FnOnce() + Send + 'static) -> TimerHandle {
        let when = self
            .shared
            .clock
            .timer_base()
            .saturating_add(secs_to_nanos(delay));
        self.call_at_nanos(when, callback)
    }

    /// Schedules `callback` to run when [`time`](EventLoop::time) reads `when`.
    ///
    /// Python: `loop.call_at(when, callback, *args)`
    pub fn call_at(&self, when: f64, callback: impl FnOnce() + Send + 'static) -> TimerHandle {
        self.call_at_nanos(secs_to_nanos(when), callback)
    }

    fn call_at_nanos(&self, when: i64, callback: impl FnOnce() + Send + 'static) -> TimerHandle {
        let cell = Arc::new(Once::new(callback));
        self.shared.add_timer(when, cell.clone());
        TimerHandle {
            handle: Handle { cell },
            when,
            shared: Arc::downgrade(&self.shared),
        }
    }

    /// Wraps `future` in a task and schedules its first step.
    ///
    /// Python: `loop.create_task(coro)`
    ///
    /// The same as [`Runtime::spawn`](aio_rt::Runtime::spawn): dropping the handle does
    /// not cancel the task; awaiting it gives the value, `Cancelled` or the panic.
    pub fn create_task<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (task, handle) = self.shared.tasks.spawn(future);
        let cell = TaskCell::new(Box::pin(task), &self.shared);
        self.shared.schedule(Ready::Task(cell), true);
        handle
    }

    /// Runs the blocking closure `f` on the loop's thread pool, so that the loop keeps
    /// running meanwhile; await the handle for its result.
    ///
    /// Python: `loop.run_in_executor(None, f)`
    ///
    /// On the virtual clock time stands still while a job runs (callbacks still run),
    /// unless the job waits on the loop (`aio_rt::ConcurrentFuture::result`).
    /// Cancelling the handle does not stop the closure: the handle reports `Cancelled` at
    /// once, and the closure's result is dropped, as with asyncio.
    pub fn run_in_executor<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (job, handle) = self.shared.tasks.blocking(f);
        self.shared.lock().jobs += 1;
        let shared = Arc::downgrade(&self.shared);
        let hooks = aio_rt::Runtime::virtual_hooks(self);
        self.shared.executor.submit(Box::new(move || {
            aio_rt::run_as_job(hooks, job);
            // The job is over: the virtual clock may move again; a parked loop looks again.
            if let Some(shared) = shared.upgrade() {
                let mut state = shared.lock();
                state.jobs -= 1;
                let wake = state.parked;
                drop(state);
                if wake {
                    shared.reactor.notify();
                }
            }
        }));
        handle
    }
}

impl Default for EventLoop {
    fn default() -> EventLoop {
        EventLoop::new()
    }
}

/// Two handles are equal when they are the same loop.
impl PartialEq for EventLoop {
    fn eq(&self, other: &EventLoop) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }
}

impl Eq for EventLoop {}

impl fmt::Debug for EventLoop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (ready, timers) = {
            let state = self.shared.lock();
            (state.ready.len(), state.timers.len())
        };
        f.debug_struct("EventLoop")
            .field("clock", &self.clock())
            .field("running", &self.is_running())
            .field("ready", &ready)
            .field("timers", &timers)
            .field("sockets", &self.shared.reactor.len())
            .finish()
    }
}
