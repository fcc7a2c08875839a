//! Definition of [`run`], the Rust `asyncio.run(main())`: the main task, then the shutdown.

use std::future::Future;
use std::sync::Arc;

use aio_rt::{PyException, Runtime};

use crate::current::Erased;
use crate::{TaskError, create_task};

/// Runs `main` as the main task of a new family of tasks on `rt` and blocks until it is
/// done; then shuts down as `asyncio.run` does, and gives main's outcome.
///
/// Python: `asyncio.run(main())`
///
/// The steps, in asyncio's order:
///
/// 1. `main` runs as a task (`Task-1`), so that the tasks it creates are its family, as
///    they are the loop's in asyncio.
/// 2. When it is done, the tasks that were made ready by its last step take that step
///    first: asyncio stops its loop only once the iteration in which main finished is
///    over (on the virtual clock this holds on every runtime, every run).
/// 3. Every task of the family still pending is cancelled, and `run` waits until each has
///    finished (its cleanup, the Rust `finally`, has run). One that failed meanwhile (its
///    cleanup panicked) is reported to the runtime's exception handler as asyncio reports
///    it: "unhandled exception during asyncio.run() shutdown", the task under `task`.
///
/// [`Runtime::block_on`] alone is not `asyncio.run`: it returns as soon as its future is
/// done, and leaves the pending tasks to the runtime.
///
/// # Differences from Python
///
/// - Async generators are closed when they are dropped (their `Drop` is the cleanup), so
///   there is no separate `shutdown_asyncgens` step: a generator held by a pending task
///   is closed when that task is cancelled in step 3, one held by main when main ends.
/// - Blocking jobs (`to_thread`) still running are not waited for (asyncio's
///   `shutdown_default_executor`): the runtime's blocking pool outlives the call.
/// - Tasks spawned with [`Runtime::spawn`] are not this family's and are not cancelled.
///
/// # Errors
///
/// main's own outcome: [`TaskError::Failed`] (its `Err`), [`TaskError::Panicked`], or
/// [`TaskError::Cancelled`] if something cancelled it.
///
/// # Examples
///
/// A task main forgets is cancelled at the end, and its cleanup runs before `run`
/// returns.
///
/// ```
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use std::sync::Arc;
/// use std::time::Duration;
/// use aio_rt::Runtime;
///
/// struct Finally(Arc<AtomicBool>);
/// impl Drop for Finally {
///     fn drop(&mut self) {
///         self.0.store(true, Ordering::SeqCst);
///     }
/// }
///
/// let rt = aio_rt::Smol::with_config(aio_rt::Config::default().clock(aio_rt::Clock::Virtual));
/// let cleaned = Arc::new(AtomicBool::new(false));
/// let (r, c) = (rt.clone(), cleaned.clone());
/// let outcome = aio_tasks::run(&rt, async move {
///     aio_tasks::create_task(&r, async move {
///         let _finally = Finally(c);
///         std::future::pending::<()>().await;
///         Ok::<(), String>(())
///     });
///     r.sleep(Duration::from_secs(1)).await;
///     Ok::<_, String>(42)
/// });
/// assert_eq!(outcome, Ok(42));
/// assert!(cleaned.load(Ordering::SeqCst));
/// ```
pub fn run<R, F, T, E>(rt: &R, main: F) -> Result<T, TaskError<E>>
where
    R: Runtime,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Clone + Send + 'static,
    E: Clone + PyException + Send + Sync + 'static,
{
    rt.block_on(async {
        // Created outside any task: a new family, with main as Task-1.
        let task = create_task(rt, main);
        let family = Arc::clone(&task.inner.family);
        // Awaiting the task from outside it: its completion wakes this future after every
        // task its last step made ready, so those take their step first (step 2).
        let outcome = (&task).await;
        let leftovers: Vec<Arc<dyn Erased>> = family.unfinished();
        for leftover in &leftovers {
            leftover.cancel(None);
        }
        // A cancelled task finishes at its next turn; yielding gives every one its turn.
        while leftovers.iter().any(|task| !task.is_done()) {
            rt.yield_now().await;
        }
        // asyncio's `_cancel_all_tasks`: a leftover that failed while it was cancelled
        // (its cleanup raised) is reported, with the task under `task`.
        for leftover in &leftovers {
            if let Some(context) = leftover.shutdown_report() {
                rt.call_exception_handler(&context);
            }
        }
        outcome
    })
}
