//! Definition of [`wait`], [`ReturnWhen`] and the [`Wait`] future.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use aio_rt::Runtime;
use aio_tasks::{Finished, Task};

use crate::EmptyError;

/// When [`wait`] returns.
///
/// Python: `asyncio.FIRST_COMPLETED`, `asyncio.FIRST_EXCEPTION`, `asyncio.ALL_COMPLETED`
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReturnWhen {
    /// As soon as one task finishes, however.
    ///
    /// Python: `asyncio.FIRST_COMPLETED`
    FirstCompleted,
    /// As soon as one task fails (an error or a panic; a cancellation does not count),
    /// or when all have finished.
    ///
    /// Python: `asyncio.FIRST_EXCEPTION`
    FirstException,
    /// When all have finished.
    ///
    /// Python: `asyncio.ALL_COMPLETED`
    #[default]
    AllCompleted,
}

/// Waits until `return_when` holds or `timeout` passes; gives `(done, pending)`.
///
/// Python: `asyncio.wait(tasks, timeout=None, return_when=ALL_COMPLETED)`
///
/// `wait` never cancels anything and never fails on the timeout: the tasks still running
/// are in `pending`. `done` and `pending` keep the order of `tasks`; `done` holds every
/// task finished when `wait` returns, which may be more than the condition asked for.
///
/// # Errors
///
/// [`EmptyError`] ("set of tasks/futures is empty") when `tasks` is empty, as asyncio's
/// `ValueError`.
///
/// # Unretrieved failures
///
/// As in asyncio, `wait` learns that a task is done without reading its failure: a task
/// that fails and whose failure nobody reads (by awaiting it, `result`, `exception`) is
/// reported to the exception handler as "Task exception was never retrieved", after
/// `ALL_COMPLETED` and `FIRST_COMPLETED` alike. Only `FIRST_EXCEPTION` reads the
/// failures it sees while it waits (asyncio's check `f.exception() is not None`); a task
/// that fails once `wait` has returned is reported if nobody reads it.
///
/// As asyncio takes a set, the same task given twice counts once: duplicates collapse
/// (tasks compare by identity), the first place of each task gives the order.
///
/// # Cancel safety
///
/// Dropping the `Wait` cancels nothing: every task runs on.
pub fn wait<R, T, E>(
    rt: &R,
    tasks: impl IntoIterator<Item = Task<T, E>>,
    return_when: ReturnWhen,
    timeout: Option<Duration>,
) -> Wait<R, T, E>
where
    R: Runtime,
    T: Clone + Send + 'static,
    E: Clone + Send + 'static,
{
    let tasks = distinct(tasks);
    let deadline = match (&tasks[..], timeout) {
        ([_, ..], Some(timeout)) => Some(Box::pin(rt.sleep(timeout))),
        _ => None,
    };
    Wait {
        remaining: tasks.len(),
        // asyncio's `wait` learns that a task is done without reading its exception: a
        // failure nobody reads is reported (only FIRST_EXCEPTION reads, while waiting).
        children: Finished::observing(rt, &tasks),
        tasks,
        return_when,
        deadline,
        finished: false,
    }
}

/// The tasks without duplicates, each at its first place: asyncio's `set(fs)`, with an
/// order. One pass; the common case (no duplicate) moves the Vec as it is.
#[expect(
    clippy::mutable_key_type,
    reason = "a task hashes by identity, which its interior mutability never changes"
)]
pub(crate) fn distinct<T, E>(tasks: impl IntoIterator<Item = Task<T, E>>) -> Vec<Task<T, E>> {
    let tasks: Vec<Task<T, E>> = tasks.into_iter().collect();
    let mut seen = HashSet::with_capacity(tasks.len());
    let first: Vec<bool> = tasks.iter().map(|task| seen.insert(task)).collect();
    drop(seen);
    if first.iter().all(|&first| first) {
        return tasks;
    }
    tasks
        .into_iter()
        .zip(first)
        .filter_map(|(task, first)| first.then_some(task))
        .collect()
}

/// The future of [`wait`]: `(done, pending)`.
///
/// Python: `asyncio.wait(...)`
#[must_use = "a Wait does nothing unless awaited, as in asyncio: \"coroutine 'wait' was never awaited\""]
pub struct Wait<R: Runtime, T: Clone + Send + 'static, E: Clone + Send + 'static> {
    tasks: Vec<Task<T, E>>,
    return_when: ReturnWhen,
    remaining: usize,
    children: Finished<T, E>,
    deadline: Option<Pin<Box<R::Sleep>>>,
    finished: bool,
}

/// What [`wait`] gives: `(done, pending)`.
pub type DonePending<T, E> = (Vec<Task<T, E>>, Vec<Task<T, E>>);

impl<R, T, E> Future for Wait<R, T, E>
where
    R: Runtime,
    T: Clone + Send + 'static,
    E: Clone + Send + 'static,
{
    type Output = Result<DonePending<T, E>, EmptyError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.finished {
            return Poll::Pending;
        }
        if this.tasks.is_empty() {
            this.finished = true;
            return Poll::Ready(Err(EmptyError));
        }
        let mut satisfied = false;
        let (return_when, remaining) = (this.return_when, &mut this.remaining);
        let mut read = Vec::new();
        this.children.poll_finished(cx, |index, outcome| {
            *remaining -= 1;
            satisfied |= match return_when {
                ReturnWhen::FirstCompleted => true,
                ReturnWhen::FirstException => {
                    let failed = matches!(outcome, Err(e) if e.is_failure());
                    if failed {
                        // asyncio's `_on_completion` calls `f.exception()` to check: the
                        // failure is retrieved.
                        read.push(index);
                    }
                    failed
                }
                ReturnWhen::AllCompleted => false,
            };
        });
        for index in read {
            this.children.retrieve(index);
        }
        satisfied |= this.remaining == 0;
        if !satisfied {
            let expired = match &mut this.deadline {
                Some(deadline) => deadline.as_mut().poll(cx).is_ready(),
                None => false,
            };
            if !expired {
                return Poll::Pending;
            }
        }
        this.finished = true;
        this.children.close();
        let (done, pending) = std::mem::take(&mut this.tasks)
            .into_iter()
            .partition(|task| task.done());
        Poll::Ready(Ok((done, pending)))
    }
}

impl<R: Runtime, T: Clone + Send + 'static, E: Clone + Send + 'static> fmt::Debug
    for Wait<R, T, E>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("tasks", &self.tasks.len())
            .field("remaining", &self.remaining)
            .field("return_when", &self.return_when)
            .finish_non_exhaustive()
    }
}
