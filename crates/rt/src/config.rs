//! Definition of [`Config`]: which clock a runtime reads and its first exception handler.

use std::fmt;
use std::sync::Arc;

use crate::{ExceptionContext, ExceptionHandler};

/// Which clock a runtime's timers and [`Runtime::now`](crate::Runtime::now) follow.
///
/// Python: none (asyncio's loop always reads `time.monotonic()`; tests that need control
/// replace `loop.time`, as this project's CPython oracle does)
///
/// | clock | sleeps | blocking and busy code | readings | for |
/// |---|---|---|---|---|
/// | [`Real`](Clock::Real) | take their time | take their time | the wall clock | production, `compare`'s real mode, benchmarks |
/// | [`Virtual`](Clock::Virtual) | cost nothing | take no time | exact ticks, every run | tests and snapshots |
/// | [`Warp`](Clock::Warp) | cost nothing | take their time | real, idle waits skipped | runnable examples that print elapsed time |
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
    /// Only tasks spawned through the [`Runtime`](crate::Runtime), timers created by it
    /// and socket waits told to it ([`VirtualHooks::io_wait`](crate::VirtualHooks::io_wait),
    /// which `aio-io`'s streams do) are seen by the virtual clock; a told socket that is
    /// ready wakes its task before the clock moves. A task waiting on something else from
    /// outside (a raw runtime timer or socket, a thread not started by `spawn_blocking`)
    /// looks idle, and the clock will move on without it.
    Virtual,
    /// Real time that skips idle waits: the clock for examples that print elapsed time.
    ///
    /// It follows the wall clock while anything runs, so blocking and busy code take
    /// their real time (three tasks that block in `std::thread::sleep(1 s)` one after the
    /// other take 3 s, as `time.sleep(1)` does in asyncio), and a blocking job
    /// (`spawn_blocking`, `to_thread`) takes its real time too. But when every task waits
    /// on a timer and no job runs, it jumps to the earliest deadline at once, as the
    /// virtual clock does: sleeps cost nothing (three tasks awaiting a 1 s sleep together
    /// finish at 1.0 at once). Tasks run one at a time in the order they were woken, as
    /// on the virtual clock; sleeps that come due while tasks run join the back of the
    /// ready queue, as asyncio's loop moves its due timers before each batch.
    ///
    /// # Non-guarantees
    ///
    /// Readings include real time, so they differ from run to run by whatever the machine
    /// adds (scheduling, a loaded CPU): not for snapshot tests, which stay on
    /// [`Clock::Virtual`].
    Warp,
}

/// How a runtime instance is set up: its clock and its first exception handler.
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

    /// Sets the runtime's exception handler from the start (without one, the default
    /// handler prints each report on stderr). The same as calling
    /// [`Runtime::set_exception_handler`](crate::Runtime::set_exception_handler) before
    /// anything runs; that method replaces it at any time.
    ///
    /// Python: `loop.set_exception_handler(handler)` on a new loop
    #[must_use]
    pub fn exception_handler(
        mut self,
        handler: impl Fn(&ExceptionContext) + Send + Sync + 'static,
    ) -> Config {
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
            .field(
                "exception_handler",
                &self.exception_handler.as_ref().map(|_| ".."),
            )
            .finish()
    }
}
