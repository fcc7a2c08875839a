//! `aio_rt::Runtime` for [`EventLoop`]: the loop as the fifth runtime of the matrix.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use aio_rt::{Clock, Instant, JoinHandle, Runtime, Sleep, WeakRuntime};

use crate::shared::Ready;
use crate::task::{SleepUntil, TaskCell, YieldNow};
use crate::{EventLoop, RunError};

/// | `Runtime` | the loop |
/// |---|---|
/// | `spawn` | [`create_task`](EventLoop::create_task) |
/// | `spawn_detached` | `create_task` without the handle's shared state |
/// | `spawn_blocking` | [`run_in_executor`](EventLoop::run_in_executor) |
/// | `sleep_until` | a timer ([`SleepUntil`]) on the loop's heap |
/// | `now` | [`time`](EventLoop::time) |
/// | `yield_now` | the task's next step goes to the back of the ready queue |
/// | `downgrade` | a `Weak` of the loop's shared state |
/// | `reporter` | the loop's exception handler ([`set_exception_handler`](Runtime::set_exception_handler)) |
/// | `block_on` | [`run_until_complete`](EventLoop::run_until_complete) |
impl Runtime for EventLoop {
    type Sleep = Sleep<SleepUntil>;

    fn name(&self) -> &'static str {
        "aio-loop"
    }

    fn clock(&self) -> Clock {
        EventLoop::clock(self)
    }

    fn virtual_hooks(&self) -> Option<Arc<dyn aio_rt::VirtualHooks>> {
        match EventLoop::clock(self) {
            Clock::Virtual | Clock::Warp => {
                Some(Arc::clone(&self.shared) as Arc<dyn aio_rt::VirtualHooks>)
            }
            Clock::Real => None,
        }
    }

    fn spawn<F>(&self, fut: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.create_task(fut)
    }

    fn spawn_detached<F>(&self, fut: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let task = self.shared.tasks.spawn_detached(fut);
        let cell = TaskCell::new(Box::pin(task), &self.shared);
        self.shared.schedule(Ready::Task(cell), true);
    }

    fn spawn_blocking<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.run_in_executor(f)
    }

    fn sleep_until(&self, deadline: Instant) -> Self::Sleep {
        let nanos = i64::try_from(deadline.since_start().as_nanos()).unwrap_or(i64::MAX);
        // `Tasks` is on the real clock, so it asks for the executor's own timer: ours.
        self.shared
            .tasks
            .sleep_until(deadline, |_wall_clock| SleepUntil::new(self.clone(), nanos))
    }

    fn now(&self) -> Instant {
        let nanos = u64::try_from(self.shared.clock.now()).unwrap_or(0);
        Instant::from_start(Duration::from_nanos(nanos))
    }

    fn yield_now(&self) -> impl Future<Output = ()> + Send + 'static {
        YieldNow::default()
    }

    fn reporter(&self) -> &aio_rt::Reporter {
        self.shared.tasks.reporter()
    }

    fn all_tasks(&self) -> Vec<aio_rt::LiveTask> {
        self.shared.tasks.all_tasks()
    }

    fn downgrade(&self) -> WeakRuntime<Self> {
        let shared = Arc::downgrade(&self.shared);
        WeakRuntime::new(move || shared.upgrade().map(|shared| EventLoop { shared }))
    }

    /// # Panics
    ///
    /// If `fut` panics, or if [`run_until_complete`](EventLoop::run_until_complete) fails:
    /// this thread already runs a loop, or, on the virtual clock, the run can never finish;
    /// and at once inside a task of any other runtime of aio-rt (as
    /// [`aio_rt::adapter::assert_not_in_running_runtime`] says).
    fn block_on<F: Future>(&self, fut: F) -> F::Output {
        if crate::get_running_loop().is_err() {
            // Inside a loop of ours, run_until_complete's own errors say it better.
            aio_rt::adapter::assert_not_in_running_runtime("aio-loop");
        }
        match self.run_until_complete(fut) {
            Ok(output) => output,
            Err(error @ (RunError::AlreadyRunning | RunError::AnotherLoopRunning)) => panic!(
                "aio-loop: {error} (block_on inside a running loop; in async code, .await the \
                 future instead, or spawn it on the running loop)"
            ),
            Err(error) => panic!("aio-loop: {error}"),
        }
    }
}
