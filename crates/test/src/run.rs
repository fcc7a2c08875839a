//! Running one case on one runtime: [`Run`], and the checks made at its end.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, PoisonError};

use std::convert::Infallible;

use aio_rt::{Clock, Config, Runtime, TaskId};
use aio_tasks::TaskError;

use crate::Cx;

/// How long, in ticks, [`run`] waits for tasks still running after a case's main future
/// returned.
pub const JOIN_LIMIT_TICKS: u64 = 100;

/// The outcome of one case on one runtime: its trace, and what went wrong.
///
/// Python: the output of one script run with `asyncio.run(main())`
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Run {
    /// The rendered trace.
    pub trace: String,
    /// Why the run failed, one sentence each: a panic in the case, a task still running
    /// at the end (however it was spawned), a task's panic that nobody retrieved. Empty
    /// when the run is sound.
    pub failures: Vec<String>,
}

impl Run {
    /// Whether nothing went wrong.
    pub fn is_ok(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs `scenario` as `asyncio.run` runs main, on a runtime made by `make` with `clock`,
/// where one tick of [`Cx`] is `tick`; then checks it: every task of the runtime, however
/// it was spawned, is joined (up to [`JOIN_LIMIT_TICKS`]), and the run fails on a task
/// still running at the end or on a task's panic nobody retrieved, naming the task.
///
/// Python: `asyncio.run(main())`, then a check that `asyncio.all_tasks()` is empty
///
/// # Examples
///
/// ```
/// use aio_rt::{Clock, Runtime};
/// use aio_test::Cx;
/// use std::time::Duration;
///
/// async fn leaves_one<R: Runtime>(cx: Cx<R>) {
///     let sleeper = cx.clone();
///     drop(cx.rt().spawn(async move { sleeper.sleep(1_000).await }));
/// }
///
/// let run = aio_test::run(
///     aio_loop::EventLoop::with_config,
///     Clock::Virtual,
///     Duration::from_secs(1),
///     leaves_one,
/// );
/// assert_eq!(
///     run.failures,
///     ["task 2 (spawned with Runtime::spawn, no name) is still running 100 ticks after the scenario ended"]
/// );
/// ```
pub fn run<R, F, Fut>(
    make: impl FnOnce(Config) -> R,
    clock: Clock,
    tick: std::time::Duration,
    scenario: F,
) -> Run
where
    R: Runtime,
    F: FnOnce(Cx<R>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    // The runtime's exception handler until a scenario sets its own: a runtime task's
    // panic nobody retrieved fails the run; any other report goes to the default handler
    // (stderr), as the twin's does.
    let lost: Arc<Mutex<Vec<(TaskId, String)>>> = Arc::default();
    let sink = lost.clone();
    let config = Config::default()
        .clock(clock)
        .exception_handler(move |context| {
            match context.future.as_ref().and_then(|future| future.id) {
                Some(id) => sink.lock().unwrap_or_else(PoisonError::into_inner).push((
                    id,
                    context
                        .exception
                        .as_ref()
                        .map_or_else(String::new, |e| e.message().to_owned()),
                )),
                None => aio_rt::default_exception_handler(context),
            }
        });
    let rt = make(config);
    let cx = Cx::new(rt.clone(), tick);
    let main = {
        let cx = cx.clone();
        async move {
            scenario(cx.clone()).await;
            Ok::<_, Infallible>(cx.join_all(JOIN_LIMIT_TICKS).await)
        }
    };
    let mut failures = Vec::new();
    // The scenario is main, run as asyncio.run runs it: a task, then the shutdown that
    // cancels what is left (the twins' `asyncio.run(main())`).
    match catch_unwind(AssertUnwindSafe(|| aio_tasks::run(&rt, main))) {
        Ok(Ok(running)) => {
            for label in running {
                failures.push(format!(
                    "task {label} is still running {JOIN_LIMIT_TICKS} ticks after the scenario ended"
                ));
            }
        }
        Ok(Err(TaskError::Panicked(message))) => {
            failures.push(format!("the scenario panicked: {message}"));
        }
        Ok(Err(error)) => failures.push(format!("the scenario ended with {error:?}")),
        Err(payload) => failures.push(format!("the scenario panicked: {}", panic_text(&*payload))),
    }
    let tracked = cx.tracked();
    for (id, message) in lost.lock().unwrap_or_else(PoisonError::into_inner).iter() {
        let label = tracked.iter().find(|task| task.id == *id).map_or_else(
            || format!("task {id}"),
            |task| format!("task '{}'", task.label),
        );
        failures.push(format!("{label} panicked and nobody awaited it: {message}"));
    }
    Run {
        trace: cx.trace().render(),
        failures,
    }
}

/// The text of a panic payload.
#[doc(hidden)]
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "<non-string panic payload>".to_owned())
}
