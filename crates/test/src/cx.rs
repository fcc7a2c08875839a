//! Definition of [`Cx`], what a scenario receives: the runtime, the trace, the tick.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use aio_rt::{JoinHandle, Runtime, TaskId};

use crate::Trace;

/// A scenario's context: its runtime, its trace, and the tasks it spawned.
///
/// Python: what an oracle script gets from `rosetta`: `log(task, message)`; the rest is
/// plain asyncio
///
/// Cloning a `Cx` shares it (clone it into each spawned task).
#[derive(Clone)]
pub struct Cx<R> {
    rt: R,
    trace: Trace,
    tick: Duration,
    tasks: Arc<Mutex<Vec<Tracked>>>,
    /// Set by [`Cx::leave_tasks_to_shutdown`].
    leaves_tasks: Arc<AtomicBool>,
}

/// A task spawned through [`Cx::spawn`]: its label, for the harness's reports.
#[derive(Clone, Debug)]
pub(crate) struct Tracked {
    pub(crate) label: String,
    pub(crate) id: TaskId,
}

impl<R: Runtime> Cx<R> {
    /// A context on `rt` with a trace of its own, where one tick is `tick`: what
    /// [`run`](crate::run) gives a case.
    ///
    /// Python: none
    pub fn new(rt: R, tick: Duration) -> Self {
        Cx {
            rt,
            trace: Trace::default(),
            tick,
            tasks: Arc::default(),
            leaves_tasks: Arc::default(),
        }
    }

    /// The runtime.
    ///
    /// Python: `asyncio.get_running_loop()`
    pub fn rt(&self) -> &R {
        &self.rt
    }

    /// The trace the scenario records into.
    ///
    /// Python: none
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// Records `message` from `task` at the current tick.
    ///
    /// Python: `log(task, message)`
    pub fn log(&self, task: &str, message: impl fmt::Display) {
        self.trace.record(self.now(), task, message);
    }

    /// The clock in whole ticks (rounded to the nearest on the real clock).
    ///
    /// Python: `round(loop.time())` in an oracle script, where a tick is one second
    pub fn now(&self) -> u64 {
        let since = self.rt.now().since_start().as_secs_f64();
        (since / self.tick.as_secs_f64()).round() as u64
    }

    /// `n` ticks as a duration.
    ///
    /// Python: the number `n` passed to `asyncio.sleep(n)`
    pub fn ticks(&self, n: u64) -> Duration {
        self.tick * u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// Sleeps `n` ticks.
    ///
    /// Python: `await asyncio.sleep(n)`
    pub fn sleep(&self, n: u64) -> R::Sleep {
        self.rt.sleep(self.ticks(n))
    }

    /// Spawns `fut` as the task `label`; the harness joins it at the end of the scenario
    /// and fails the scenario, naming the task, if it is still running or if it panicked
    /// and nobody awaited it. (The harness joins every task of the runtime, however it was
    /// spawned; `label` is the name it gives this one.)
    ///
    /// Python: `asyncio.create_task(coro, name=label)`
    pub fn spawn<F>(&self, label: impl Into<String>, fut: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let handle = self.rt.spawn(fut);
        let tracked = Tracked {
            label: label.into(),
            id: handle.id(),
        };
        self.tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(tracked);
        handle
    }

    /// Declares that this scenario leaves tasks running on purpose, for the shutdown of
    /// `asyncio.run` (`aio_tasks::run`) to cancel: the harness then neither waits for the
    /// runtime's tasks at the end of the scenario nor fails the run because of them.
    /// Without it, a task left running fails the run, naming the task.
    ///
    /// Python: none (an oracle script's `asyncio.run(main())` cancels what main left)
    pub fn leave_tasks_to_shutdown(&self) {
        self.leaves_tasks.store(true, Ordering::SeqCst);
    }

    pub(crate) fn tracked(&self) -> Vec<Tracked> {
        self.tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Waits, up to `limit` ticks, for every task of the runtime to finish, however it
    /// was spawned (`Cx::spawn`, `Runtime::spawn`, `create_task`), except the task calling
    /// this; returns a name for each task still running: its `Cx::spawn` label, its
    /// `create_task` name, or its id.
    pub(crate) async fn join_all(&self, limit: u64) -> Vec<String> {
        if self.leaves_tasks.load(Ordering::SeqCst) {
            return Vec::new();
        }
        let me = aio_rt::current_task_id();
        let running = |cx: &Self| -> Vec<aio_rt::LiveTask> {
            cx.rt
                .all_tasks()
                .into_iter()
                .filter(|task| Some(task.id()) != me)
                .collect()
        };
        for _ in 0..limit {
            if running(self).is_empty() {
                return Vec::new();
            }
            self.sleep(1).await;
        }
        let tracked = self.tracked();
        running(self)
            .into_iter()
            .map(
                |task| match tracked.iter().find(|tracked| tracked.id == task.id()) {
                    Some(tracked) => format!("'{}'", tracked.label),
                    None => match task.name() {
                        Some(name) => format!("'{name}'"),
                        None => format!("{} (spawned with Runtime::spawn, no name)", task.id()),
                    },
                },
            )
            .collect()
    }
}

impl<R: Runtime> fmt::Debug for Cx<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cx")
            .field("runtime", &self.rt.name())
            .field("tick", &self.tick)
            .finish()
    }
}
