//! Which loop runs on this thread: [`get_running_loop`], and the one-loop-per-thread rule.

use std::cell::RefCell;

use crate::{EventLoop, NoRunningLoop, RunError};

thread_local! {
    /// asyncio's `_running_loop`: the loop running on this thread, if any.
    static RUNNING: RefCell<Option<EventLoop>> = const { RefCell::new(None) };
}

/// The loop running on the current thread.
///
/// Python: `asyncio.get_running_loop()`
///
/// Inside a callback or a task of a running loop, that loop; anywhere else an error. This
/// is what replaced `asyncio.get_event_loop()`, which, called with no loop running,
/// returned (and before Python 3.10 created) a loop that was *not running* and was often
/// not the one `asyncio.run` later ran; see the crate docs.
///
/// # Errors
///
/// [`NoRunningLoop`] ("no running event loop") when no loop runs on this thread.
///
/// # Examples
///
/// ```
/// use aio_loop::{get_running_loop, EventLoop};
///
/// assert_eq!(get_running_loop().unwrap_err().to_string(), "no running event loop");
/// let event_loop = EventLoop::new();
/// let inside = event_loop.run_until_complete(async { get_running_loop() }).unwrap();
/// assert_eq!(inside, Ok(event_loop));
/// ```
pub fn get_running_loop() -> Result<EventLoop, NoRunningLoop> {
    RUNNING
        .with(|running| running.borrow().clone())
        .ok_or(NoRunningLoop)
}

/// Marks a loop as running on this thread until dropped (also when a panic unwinds).
#[derive(Debug)]
pub(crate) struct Running {
    event_loop: EventLoop,
}

impl Running {
    /// asyncio's `_check_running` and `_set_running_loop`: one loop per thread, and a
    /// loop runs on one thread at a time.
    pub(crate) fn enter(event_loop: &EventLoop) -> Result<Running, RunError> {
        RUNNING.with(|running| match &*running.borrow() {
            Some(current) if current == event_loop => Err(RunError::AlreadyRunning),
            Some(_) => Err(RunError::AnotherLoopRunning),
            None => Ok(()),
        })?;
        if event_loop
            .shared
            .running
            .swap(true, std::sync::atomic::Ordering::AcqRel)
        {
            return Err(RunError::AlreadyRunning);
        }
        RUNNING.with(|running| *running.borrow_mut() = Some(event_loop.clone()));
        Ok(Running {
            event_loop: event_loop.clone(),
        })
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.with(|running| running.borrow_mut().take());
        self.event_loop
            .shared
            .running
            .store(false, std::sync::atomic::Ordering::Release);
    }
}
