//! How futures run on the loop: a task is stepped by a ready-queue callback, and waking it
//! schedules its next step, as asyncio's `Task.__step` and `Task.__wakeup` do.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::task::{Context, Poll, Wake, Waker};

use crate::EventLoop;
use crate::handle::Callback;
use crate::shared::{Ready, Shared};

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A spawned task: its future and whether its next step is already in the ready queue.
pub(crate) struct TaskCell {
    future: Mutex<Option<BoxFuture>>,
    /// A step is queued: further wake-ups before it runs are the same wake-up.
    scheduled: AtomicBool,
    /// Weak, so that a task parked forever does not keep a dropped loop alive.
    shared: Weak<Shared>,
}

impl TaskCell {
    /// A task whose first step is about to be queued (asyncio's `Task.__init__` calls
    /// `loop.call_soon(self.__step)`).
    pub(crate) fn new(future: BoxFuture, shared: &Arc<Shared>) -> Arc<TaskCell> {
        let task = Arc::new(TaskCell {
            future: Mutex::new(Some(future)),
            scheduled: AtomicBool::new(true),
            shared: Arc::downgrade(shared),
        });
        shared
            .live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .add(Arc::downgrade(&task));
        task
    }

    /// Drops the future, finished or not: the loop is being dropped.
    pub(crate) fn drop_future(&self) {
        let future = self
            .future
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        // Outside the lock: a destructor may wake this very task.
        drop(future);
    }

    /// One step: poll the future once. The future is an `aio_rt::adapter::Task`, which
    /// catches the user's panic and hands it to the `JoinHandle`, so a step never panics.
    pub(crate) fn step(self: &Arc<TaskCell>) {
        // Cleared before the poll: a wake-up during the poll queues the next step.
        self.scheduled.store(false, Ordering::Release);
        let waker = Waker::from(Arc::clone(self));
        let mut slot = self.future.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(future) = slot.as_mut() {
            if future
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_ready()
            {
                // Done: drop the future now, with everything it held.
                *slot = None;
            }
        }
    }
}

impl Wake for TaskCell {
    fn wake(self: Arc<TaskCell>) {
        self.wake_by_ref();
    }

    /// asyncio's `Task.__wakeup`, scheduled with `call_soon`: the task's next step joins
    /// the end of the ready queue. Wakers may be called from any thread: a parked loop is
    /// woken.
    fn wake_by_ref(self: &Arc<TaskCell>) {
        if self.scheduled.swap(true, Ordering::AcqRel) {
            return;
        }
        if let Some(shared) = self.shared.upgrade() {
            shared.schedule(Ready::Task(Arc::clone(self)), true);
        }
    }
}

/// The waker of the future given to `run_until_complete`: it queues a `Ready::Main` step.
pub(crate) struct MainWaker {
    pub(crate) shared: Weak<Shared>,
    pub(crate) run: u64,
    pub(crate) scheduled: AtomicBool,
}

impl Wake for MainWaker {
    fn wake(self: Arc<MainWaker>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<MainWaker>) {
        if self.scheduled.swap(true, Ordering::AcqRel) {
            return;
        }
        if let Some(shared) = self.shared.upgrade() {
            shared.schedule(Ready::Main(self.run), true);
        }
    }
}

/// The loop's sleep: a timer whose callback wakes the sleeping task.
///
/// Python: `asyncio.sleep(delay)`, which is `loop.call_later(delay, future.set_result)`
/// and an `await` of that future
///
/// It is the timer behind `Runtime::sleep` on [`EventLoop`] (wrapped in
/// [`aio_rt::Sleep`]). It completes when its timer's callback has run, or when it is
/// polled at or after its deadline.
///
/// # Cancel safety
///
/// Dropping it cancels its timer.
pub struct SleepUntil {
    /// Weak, as `TaskCell::shared`: a task sleeping when the loop is dropped does not keep
    /// it alive (its timer, in the loop's heap, holds the task's waker).
    shared: Weak<Shared>,
    deadline: i64,
    timer: Option<Arc<SleepTimer>>,
}

impl SleepUntil {
    pub(crate) fn new(event_loop: EventLoop, deadline: i64) -> SleepUntil {
        SleepUntil {
            shared: Arc::downgrade(&event_loop.shared),
            deadline,
            timer: None,
        }
    }
}

impl Future for SleepUntil {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        let Some(shared) = this.shared.upgrade() else {
            // The loop is gone: no clock, and no timer will ever fire.
            return Poll::Pending;
        };
        let fired = this
            .timer
            .as_ref()
            .is_some_and(|timer| timer.fired.load(Ordering::Acquire));
        if fired || shared.clock.now() >= this.deadline {
            if let Some(timer) = this.timer.take() {
                if timer.cancel() {
                    shared.timer_cancelled();
                }
            }
            return Poll::Ready(());
        }
        match &this.timer {
            Some(timer) => timer.set_waker(cx.waker()),
            None => {
                let timer = Arc::new(SleepTimer {
                    cancelled: AtomicBool::new(false),
                    fired: AtomicBool::new(false),
                    waker: Mutex::new(Some(cx.waker().clone())),
                });
                shared.add_timer(this.deadline, timer.clone());
                this.timer = Some(timer);
            }
        }
        Poll::Pending
    }
}

impl Drop for SleepUntil {
    fn drop(&mut self) {
        if let Some(timer) = self.timer.take() {
            if let (true, Some(shared)) = (timer.cancel(), self.shared.upgrade()) {
                shared.timer_cancelled();
            }
        }
    }
}

impl fmt::Debug for SleepUntil {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SleepUntil")
            .field("deadline", &crate::clock::nanos_to_secs(self.deadline))
            .finish()
    }
}

/// The timer callback of a [`SleepUntil`]: it wakes the sleeper.
struct SleepTimer {
    cancelled: AtomicBool,
    fired: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl SleepTimer {
    fn set_waker(&self, waker: &Waker) {
        let mut slot = self.waker.lock().unwrap_or_else(PoisonError::into_inner);
        match &*slot {
            Some(old) if old.will_wake(waker) => {}
            _ => *slot = Some(waker.clone()),
        }
    }
}

impl Callback for SleepTimer {
    fn run(self: Arc<Self>) {
        if self.cancelled.load(Ordering::Acquire) {
            return;
        }
        self.fired.store(true, Ordering::Release);
        let waker = self
            .waker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn cancel(&self) -> bool {
        let was_live =
            !self.fired.load(Ordering::Acquire) && !self.cancelled.swap(true, Ordering::AcqRel);
        drop(
            self.waker
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
        was_live
    }

    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Acquire)
    }
}

/// Yields once: the task's next step goes to the back of the ready queue.
///
/// Python: `await asyncio.sleep(0)`
#[derive(Debug, Default)]
pub(crate) struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
