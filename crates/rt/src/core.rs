//! Definition of `Core`: the state every adapter shares (the clock, task numbering, the
//! exception handler) and the wrapping every adapter applies before handing a future to
//! its runtime.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::config::{Clock, Config, ExceptionHandler, TaskPanic};
use crate::join::{panic_message, Completer, JoinError, JoinHandle, Shared, TaskId};
use crate::sim::{Sim, SimTask, VirtualSleep};
use crate::sleep::Sleep;
use crate::task::TaskFuture;
use crate::Instant;

/// What one runtime instance knows beyond its executor.
pub(crate) struct Core {
    clock: ClockState,
    exception_handler: Option<ExceptionHandler>,
    next_task: AtomicU64,
}

enum ClockState {
    Real { epoch: std::time::Instant },
    Virtual(Arc<Sim>),
}

impl Core {
    pub(crate) fn new(config: Config) -> Arc<Core> {
        let clock = match config.clock {
            Clock::Real => ClockState::Real { epoch: std::time::Instant::now() },
            Clock::Virtual => ClockState::Virtual(Arc::default()),
        };
        Arc::new(Core {
            clock,
            exception_handler: config.exception_handler,
            next_task: AtomicU64::new(1),
        })
    }

    pub(crate) fn clock(&self) -> Clock {
        match self.clock {
            ClockState::Real { .. } => Clock::Real,
            ClockState::Virtual(_) => Clock::Virtual,
        }
    }

    fn sim(&self) -> Option<&Arc<Sim>> {
        match &self.clock {
            ClockState::Virtual(sim) => Some(sim),
            ClockState::Real { .. } => None,
        }
    }

    pub(crate) fn next_task_id(&self) -> TaskId {
        TaskId(self.next_task.fetch_add(1, Ordering::Relaxed))
    }

    /// A panic nobody retrieved: asyncio's "Task exception was never retrieved".
    pub(crate) fn report(&self, panic: TaskPanic) {
        match &self.exception_handler {
            Some(handler) => handler(&panic),
            None => eprintln!("aio-rt: {panic}"),
        }
    }

    pub(crate) fn now(&self) -> Instant {
        match &self.clock {
            ClockState::Real { epoch } => Instant::from_start(epoch.elapsed()),
            ClockState::Virtual(sim) => Instant::from_start(sim.now()),
        }
    }

    /// A sleep until `deadline`: on the virtual clock, or a real timer made by `real` from
    /// the wall-clock deadline.
    pub(crate) fn sleep_until<T>(
        &self,
        deadline: Instant,
        real: impl FnOnce(std::time::Instant) -> T,
    ) -> Sleep<T> {
        match &self.clock {
            ClockState::Real { epoch } => {
                let at = epoch
                    .checked_add(deadline.since_start())
                    .unwrap_or_else(|| *epoch + std::time::Duration::from_secs(86_400 * 365 * 30));
                Sleep::real(real(at), deadline)
            }
            ClockState::Virtual(sim) => {
                Sleep::virtual_(VirtualSleep::new(sim, deadline.since_start()), deadline)
            }
        }
    }

    /// Wraps a future to be spawned: the task and its handle.
    pub(crate) fn spawn<F>(self: &Arc<Self>, fut: F) -> (Scheduled<TaskFuture<F>>, JoinHandle<F::Output>)
    where
        F: Future,
    {
        let shared = Shared::new(self, false);
        let handle = shared.handle();
        (self.schedule(TaskFuture::new(fut, shared), false), handle)
    }

    /// Wraps a closure to be run on a blocking thread: the job and its handle.
    pub(crate) fn blocking<F, T>(self: &Arc<Self>, f: F) -> (impl FnOnce() + Send + 'static, JoinHandle<T>)
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let shared = Shared::new(self, true);
        let handle = shared.handle();
        let completer = Completer::new(shared);
        let work = self.sim().map(|sim| sim.external_begin());
        let job = move || {
            let result = catch_unwind(AssertUnwindSafe(f))
                .map_err(|payload| JoinError::Panicked(panic_message(&*payload)));
            completer.complete(result);
            // Only now, with the waiter woken, may the virtual clock move on.
            drop(work);
        };
        (job, handle)
    }

    /// Wraps the future given to `block_on`.
    pub(crate) fn main<F: Future>(self: &Arc<Self>, fut: F) -> Scheduled<F> {
        self.schedule(fut, true)
    }

    fn schedule<F: Future>(&self, fut: F, main: bool) -> Scheduled<F> {
        match self.sim() {
            Some(sim) => Scheduled::Virtual { fut: SimTask::new(sim, fut, main) },
            None => Scheduled::Real { fut },
        }
    }
}

pin_project! {
    /// A future as handed to the runtime: as is on the real clock, or under the virtual
    /// clock's scheduler.
    #[project = ScheduledProj]
    pub(crate) enum Scheduled<F> {
        Real { #[pin] fut: F },
        Virtual { #[pin] fut: SimTask<F> },
    }
}

impl<F: Future> Future for Scheduled<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        match self.project() {
            ScheduledProj::Real { fut } => fut.poll(cx),
            ScheduledProj::Virtual { fut } => fut.poll(cx),
        }
    }
}
