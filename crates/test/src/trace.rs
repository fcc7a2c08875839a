//! Definition of [`Trace`]: what a scenario prints, event by event.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

/// One line of a trace: at tick `tick`, task `task` said `message`.
///
/// Python: one `log(task, message)` call of an oracle script
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// The clock, in ticks, when the event was recorded.
    pub tick: u64,
    /// Who recorded it: a task label such as `main` or `worker-1`.
    pub task: String,
    /// What happened.
    pub message: String,
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[t={}] {}: {}", self.tick, self.task, self.message)
    }
}

/// The events a scenario recorded, in the order they happened, rendered one per line as
/// `[t=2] worker-1: got 3`.
///
/// Python: the lines an oracle script prints
///
/// Cloning a `Trace` shares it. On the virtual clock tasks run one at a time in a fixed
/// order (see `aio_rt::Clock::Virtual`), so the order of events is the same on single- and
/// multi-threaded runtimes and in every run; events of one task always keep their order.
///
/// # Examples
///
/// ```
/// use aio_test::Trace;
///
/// let trace = Trace::default();
/// trace.record(0, "main", "start");
/// trace.record(2, "worker-1", "got 3");
/// assert_eq!(trace.render(), "[t=0] main: start\n[t=2] worker-1: got 3\n");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Trace {
    events: Arc<Mutex<Vec<Event>>>,
}

impl Trace {
    /// Appends an event.
    ///
    /// Python: `log(task, message)` in an oracle script
    pub fn record(&self, tick: u64, task: &str, message: impl fmt::Display) {
        let event = Event {
            tick,
            task: task.to_owned(),
            message: message.to_string(),
        };
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(event);
    }

    /// The events so far.
    ///
    /// Python: none
    pub fn events(&self) -> Vec<Event> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The trace as text, one event per line, each line ending with a newline.
    ///
    /// Python: what the oracle script printed
    pub fn render(&self) -> String {
        self.events()
            .iter()
            .map(|event| format!("{event}\n"))
            .collect()
    }
}
