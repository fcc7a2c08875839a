//! Definition of [`Config`]: which clock a runtime reads and who hears about lost panics.

use std::fmt;
use std::sync::Arc;

use crate::TaskId;

/// Which clock a runtime's timers and [`Runtime::now`](crate::Runtime::now) follow.
///
/// Python: none (asyncio's loop always reads `time.monotonic()`; tests that need control
/// replace `loop.time`, as this project's CPython oracle does)
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Clock {
    /// The wall clock: a one-second sleep takes one second. The default.
    #[default]
    Real,
    /// A virtual clock for deterministic tests.
    ///
    /// The clock starts at zero and stands still while any task can run. When every task
    /// is idle it jumps to the earliest pending timer and wakes every sleep with that
    /// deadline, in the order the sleeps were registered. Tasks run one at a time, in the
    /// order they were woken (asyncio's FIFO ready queue), also on multi-threaded
    /// runtimes, so a run's trace is the same on every runtime and every run.
    ///
    /// # Non-guarantees
    ///
    /// Only tasks spawned through the [`Runtime`](crate::Runtime) and timers created by it
    /// are seen by the virtual clock. A task waiting on something from outside (a raw
    /// runtime timer, a socket, a thread not started by `spawn_blocking`) looks idle, and
    /// the clock will move on without it.
    Virtual,
}

/// A task that panicked and whose [`JoinHandle`](crate::JoinHandle) was dropped without
/// the panic being retrieved.
///
/// Python: the context dict passed to the loop's exception handler for
/// "Task exception was never retrieved"
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskPanic {
    /// The task that panicked.
    pub task: TaskId,
    /// The panic message (`"<non-string panic payload>"` when it was not a string).
    pub message: String,
}

impl fmt::Display for TaskPanic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "task {} panicked and its JoinHandle was dropped without retrieving it: {}",
            self.task, self.message
        )
    }
}

/// Called with every [`TaskPanic`] that nobody retrieved.
///
/// Python: `loop.set_exception_handler(handler)`
pub type ExceptionHandler = Arc<dyn Fn(&TaskPanic) + Send + Sync>;

/// How a runtime instance is set up: its clock and its handler for lost panics.
///
/// Python: none (asyncio configures these on the loop: `loop.time`,
/// `loop.set_exception_handler`)
///
/// # Examples
///
/// ```
/// use aio_rt::{Clock, Config};
///
/// let config = Config::default().clock(Clock::Virtual);
/// assert_eq!(config.clock_kind(), Clock::Virtual);
/// ```
#[derive(Clone, Default)]
pub struct Config {
    pub(crate) clock: Clock,
    pub(crate) exception_handler: Option<ExceptionHandler>,
}

impl Config {
    /// Sets the clock (real by default).
    ///
    /// Python: none (see [`Clock`])
    #[must_use]
    pub fn clock(mut self, clock: Clock) -> Config {
        self.clock = clock;
        self
    }

    /// Sets who is told about a panic nobody retrieved. By default the runtime prints it
    /// to stderr, as asyncio's default handler logs "Task exception was never retrieved".
    ///
    /// Python: `loop.set_exception_handler(handler)`
    #[must_use]
    pub fn exception_handler(mut self, handler: impl Fn(&TaskPanic) + Send + Sync + 'static) -> Config {
        self.exception_handler = Some(Arc::new(handler));
        self
    }

    /// The clock this configuration selects.
    ///
    /// Python: none
    pub fn clock_kind(&self) -> Clock {
        self.clock
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("clock", &self.clock)
            .field("exception_handler", &self.exception_handler.as_ref().map(|_| ".."))
            .finish()
    }
}
