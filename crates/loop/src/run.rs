//! Running the loop: `run_forever`, `run_until_complete`, `stop`, and one iteration,
//! `run_once`, which is asyncio's `BaseEventLoop._run_once` step by step.

use std::collections::VecDeque;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::clock::LoopClock;
use crate::running::Running;
use crate::shared::Ready;
use crate::task::MainWaker;
use aio_rt::{ContextObject, ExceptionContext};

use crate::{CallbackException, EventLoop, RunError};

impl EventLoop {
    /// Runs the loop until [`stop`](EventLoop::stop) is called.
    ///
    /// Python: `loop.run_forever()`
    ///
    /// If `stop` was called before, the loop runs one iteration (what is ready now) and
    /// returns.
    ///
    /// # Errors
    ///
    /// [`RunError::AnotherLoopRunning`] if this thread runs another loop,
    /// [`RunError::AlreadyRunning`] if this loop is running, and, on the virtual clock,
    /// [`RunError::Stalled`] when nothing can ever happen again.
    pub fn run_forever(&self) -> Result<(), RunError> {
        let _running = Running::enter(self)?;
        let mut batch = VecDeque::new();
        let result = loop {
            if let Err(error) = self.run_once(&mut batch, &mut |_| {}) {
                break Err(error);
            }
            if self.take_stopping() {
                break Ok(());
            }
        };
        self.shared.lock().stopping = false;
        result
    }

    /// Runs the loop until `future` completes; its output.
    ///
    /// Python: `loop.run_until_complete(future)`
    ///
    /// The future is polled on this thread, as a task would be: its steps take their turn
    /// in the ready queue. When it completes, the loop stops as asyncio's does: a stop
    /// callback is scheduled, so the current iteration and the next one finish first.
    ///
    /// # Errors
    ///
    /// As [`run_forever`](EventLoop::run_forever), and [`RunError::Stopped`] if `stop` was
    /// called before the future completed (the future is then dropped; asyncio keeps it).
    ///
    /// # Panics
    ///
    /// If `future` panics: the panic goes on to the caller.
    pub fn run_until_complete<F: Future>(&self, future: F) -> Result<F::Output, RunError> {
        let _running = Running::enter(self)?;
        let run = self.shared.main_runs.fetch_add(1, Ordering::AcqRel) + 1;
        let mut main = pin!(self.shared.tasks.main(future));
        let main_waker = Arc::new(MainWaker {
            shared: Arc::downgrade(&self.shared),
            run,
            scheduled: AtomicBool::new(true),
        });
        let waker = Waker::from(main_waker.clone());
        // Its first step is queued like a task's.
        self.shared.schedule(Ready::Main(run), false);
        let mut output = None;
        let mut step_main = |step: u64| {
            if step != run || output.is_some() {
                return; // a stale wake-up of an earlier run, or a wake-up after completion
            }
            main_waker.scheduled.store(false, Ordering::Release);
            if let Poll::Ready(value) = main.as_mut().poll(&mut Context::from_waker(&waker)) {
                output = Some(value);
                // asyncio's `_run_until_complete_cb`: a done callback that stops the loop.
                let event_loop = self.clone();
                self.call_soon(move || event_loop.stop());
            }
        };
        let mut batch = VecDeque::new();
        let result = loop {
            if let Err(error) = self.run_once(&mut batch, &mut step_main) {
                break Err(error);
            }
            if self.take_stopping() {
                break Ok(());
            }
        };
        self.shared.lock().stopping = false;
        result?;
        output.ok_or(RunError::Stopped)
    }

    /// Asks the loop to stop: it finishes the current iteration (every callback that was
    /// ready when the iteration began), then `run_forever` returns. Callbacks scheduled by
    /// that iteration stay queued for the next run.
    ///
    /// Python: `loop.stop()`
    pub fn stop(&self) {
        let mut state = self.shared.lock();
        state.stopping = true;
        let wake = state.parked;
        drop(state);
        if wake {
            self.shared.reactor.notify();
        }
    }

    /// Whether a thread is running the loop.
    ///
    /// Python: `loop.is_running()`
    pub fn is_running(&self) -> bool {
        self.shared.running.load(Ordering::Acquire)
    }

    fn take_stopping(&self) -> bool {
        std::mem::take(&mut self.shared.lock().stopping)
    }

    /// One iteration, as asyncio's `_run_once`:
    ///
    /// 1. Drop cancelled timers from the top of the heap (or sweep them all out, when they
    ///    are most of it).
    /// 2. Work out how long the selector may wait: not at all if a callback is ready (or a
    ///    stop is pending), else until the earliest timer, else until something happens.
    ///    On the virtual clock there is no waiting for time: the selector is looked at
    ///    first (without waiting: ready I/O is ready work), and only if that made nothing
    ///    ready does the clock jump to the next deadline; it waits only for executor jobs,
    ///    and fails when nothing can ever happen.
    /// 3. Wait in the selector; every socket that became ready wakes the tasks waiting on
    ///    it, which queues their next step (another thread's wake-up ends the wait too).
    /// 4. Move every timer that is due to the end of the ready queue, in deadline order.
    /// 5. Run the callbacks that are ready *now*, and only those: a callback scheduled
    ///    while they run waits for the next iteration.
    fn run_once(
        &self,
        batch: &mut VecDeque<Ready>,
        step_main: &mut dyn FnMut(u64),
    ) -> Result<(), RunError> {
        let shared = &*self.shared;
        let mut state = shared.lock();
        // Step 1. Sweep the heap when most of it is cancelled timers, as asyncio does
        // (over 100, and over half); else just drop those at the top.
        if state.cancelled_timers > 100 && state.cancelled_timers * 2 > state.timers.len() {
            state
                .timers
                .retain(|timer| !timer.0.callback.is_cancelled());
            state.cancelled_timers = 0;
        }
        while state
            .timers
            .peek()
            .is_some_and(|timer| timer.0.callback.is_cancelled())
        {
            state.timers.pop();
            state.cancelled_timers = state.cancelled_timers.saturating_sub(1);
        }
        // Step 2. `None` waits until an event or a wake-up.
        let mut looked = false;
        let timeout = if !state.ready.is_empty() || state.stopping {
            Some(Duration::ZERO)
        } else {
            match &shared.clock {
                LoopClock::Virtual { .. } | LoopClock::Warp { .. } => {
                    // Ready I/O is ready work: look at the sockets (without waiting) before
                    // moving the clock or declaring the run stalled. A socket that is ready
                    // wakes its task, which lands in the ready queue.
                    if shared.reactor.len() > 0 {
                        drop(state);
                        shared.reactor.select(Some(Duration::ZERO));
                        state = shared.lock();
                        looked = true;
                    }
                    match state.timers.peek().map(|timer| timer.0.when) {
                        _ if !state.ready.is_empty() || state.stopping => Some(Duration::ZERO),
                        // Time stands still while an executor job runs (and does not wait
                        // on us): wait for it to end. On the warp clock time runs meanwhile:
                        // wait for it, or for the next timer in real time.
                        _ if state.jobs > state.blocked_jobs => match &shared.clock {
                            LoopClock::Warp { .. } => state.timers.peek().map(|timer| {
                                let wait = timer.0.when.saturating_sub(shared.clock.now());
                                Duration::from_nanos(u64::try_from(wait).unwrap_or(0))
                            }),
                            _ => None,
                        },
                        Some(when) => {
                            shared.clock.advance_to(when);
                            Some(Duration::ZERO)
                        }
                        // Nothing scheduled: another thread with a Feeder may still hand
                        // work in, so wait for it; else nothing can ever happen.
                        None if state.feeders > 0 => None,
                        None => return Err(RunError::Stalled),
                    }
                }
                LoopClock::Real { .. } => state.timers.peek().map(|timer| {
                    let wait = timer.0.when.saturating_sub(shared.clock.now());
                    Duration::from_nanos(u64::try_from(wait).unwrap_or(0))
                }),
            }
        };
        // Step 3. A zero-time look at the selector is skipped when no socket is registered
        // (asyncio always looks: its self-pipe is a socket), or when step 2 has just
        // looked; a real wait never is, so that another thread can end it.
        let waits = timeout != Some(Duration::ZERO);
        if waits || (shared.reactor.len() > 0 && !looked) {
            // While waiting, a thread-safe schedule must wake the selector.
            state.parked = waits;
            drop(state);
            shared.reactor.select(timeout);
            state = shared.lock();
            state.parked = false;
        }
        // Step 4.
        let now = shared.clock.now();
        while state.timers.peek().is_some_and(|timer| timer.0.when <= now) {
            let Some(timer) = state.timers.pop() else {
                break;
            };
            // (A timer cancelled meanwhile does nothing when its turn comes.)
            state.ready.push_back(Ready::Callback(timer.0.callback));
        }
        // Step 5: swap the queue out, so that what is scheduled from now on lands in the
        // (empty) queue of the next iteration.
        std::mem::swap(&mut state.ready, batch);
        drop(state);
        // `call_later` in these callbacks counts from `now` (see `LoopClock::timer_base`).
        let _batch = shared.clock.batch(now);
        while let Some(item) = batch.pop_front() {
            match item {
                Ready::Callback(callback) => {
                    let name = callback.name();
                    if let Err(payload) = catch_unwind(AssertUnwindSafe(|| callback.run())) {
                        // asyncio: "Exception in callback ...", to the exception handler;
                        // the loop carries on with the next callback.
                        let context =
                            ExceptionContext::new(format!("Exception in callback {name}()"))
                                .with_exception(&CallbackException::from_panic(&*payload))
                                .with_handle(ContextObject::new(format!("<Handle {name}()>")));
                        shared.tasks.reporter().report(&context);
                    }
                }
                Ready::Task(task) => task.step(),
                Ready::Main(run) => step_main(run),
            }
        }
        Ok(())
    }
}
