//! Definition of [`TaskGroup`]: structured concurrency, asyncio's `async with TaskGroup()`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use aio_rt::{PyException, Runtime};

use crate::{ExceptionGroup, SpawnError, Task, TaskError, TaskRef, create_task};

/// A group of tasks that ends only when all of them have ended, and fails as a whole when
/// one of them fails.
///
/// Python: `asyncio.TaskGroup`
///
/// ```python
/// async with asyncio.TaskGroup() as tg:
///     tg.create_task(fetch(1))
///     tg.create_task(fetch(2))
/// ```
///
/// ```
/// use aio_tasks::TaskGroup;
/// use aio_rt::Runtime;
///
/// let rt = aio_rt::Smol::new();
/// let total = rt.block_on(TaskGroup::run(&rt, |tg| async move {
///     let one = tg.create_task(async { Ok::<_, String>(1) }).map_err(|e| e.to_string())?;
///     let two = tg.create_task(async { Ok(2) }).map_err(|e| e.to_string())?;
///     Ok(one.await.unwrap_or(0) + two.await.unwrap_or(0))
/// }));
/// assert_eq!(total, Ok(3));
/// ```
///
/// The `async with` block becomes the body closure given to [`run`](TaskGroup::run),
/// which receives the group. `run` ends once the body and every child have ended,
/// children created by children after the body ended included. The first failure (a
/// child's `Err` or panic, or the body's `Err`) cancels the other children and the body;
/// `run` then gives an [`ExceptionGroup`] holding every failure, in the order they
/// happened (the body's last, as asyncio appends it on exit). A child cancelled on its
/// own is not a failure.
///
/// # Cancel safety
///
/// Dropping the `run` future (its owner task was cancelled) drops the body, then cancels
/// every child. asyncio's `__aexit__` then waits for the children to finish cancelling;
/// a dropped Rust future cannot wait, so the children end at their next turn, after the
/// owner has already been reported cancelled.
pub struct TaskGroup<R, E> {
    rt: R,
    shared: Arc<Shared<E>>,
}

struct Shared<E> {
    state: Mutex<State<E>>,
}

struct State<E> {
    children: Vec<TaskRef>,
    /// The body has ended: the group waits for its children.
    exiting: bool,
    /// A failure happened: the group cancels everything.
    aborting: bool,
    /// Tells `run` to drop the body (set with `aborting` while the body runs).
    cancel_body: bool,
    errors: Vec<TaskError<E>>,
    waker: Option<Waker>,
}

impl<E> Shared<E> {
    fn lock(&self) -> MutexGuard<'_, State<E>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Cancels every child; `true` the first time.
    fn abort(&self) -> bool {
        let mut state = self.lock();
        if state.aborting {
            return false;
        }
        state.aborting = true;
        let children = state.children.clone();
        drop(state);
        for child in children {
            child.cancel(None);
        }
        true
    }

    fn wake(&self) {
        if let Some(waker) = self.lock().waker.take() {
            waker.wake();
        }
    }
}

impl<R: Clone, E> Clone for TaskGroup<R, E> {
    fn clone(&self) -> Self {
        TaskGroup {
            rt: self.rt.clone(),
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<R, E> TaskGroup<R, E>
where
    R: Runtime,
    E: Clone + PyException + Send + Sync + 'static,
{
    /// Runs `body` with a new group, then waits for every child; the body's value, or
    /// every failure.
    ///
    /// Python: `async with asyncio.TaskGroup() as tg: body`
    ///
    /// # Errors
    ///
    /// [`ExceptionGroup`] with every failure (children's, then the body's), when there was
    /// at least one.
    pub fn run<B, Fut, T>(rt: &R, body: B) -> Run<Fut, R, E>
    where
        B: FnOnce(TaskGroup<R, E>) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                children: Vec::new(),
                exiting: false,
                aborting: false,
                cancel_body: false,
                errors: Vec::new(),
                waker: None,
            }),
        });
        let group = TaskGroup {
            rt: rt.clone(),
            shared,
        };
        let body = Box::pin(body(group.clone()));
        Run {
            body: Some(body),
            group,
            value: None,
            body_error: None,
        }
    }

    /// Creates a child task in the group.
    ///
    /// Python: `tg.create_task(coro)`
    ///
    /// # Errors
    ///
    /// [`SpawnError::Finished`] once the group has ended, [`SpawnError::ShuttingDown`]
    /// while it cancels its children after a failure; the body is then dropped unrun.
    pub fn create_task<F, T>(&self, body: F) -> Result<Task<T, E>, SpawnError>
    where
        F: Future<Output = Result<T, E>> + Send + 'static,
        T: Send + 'static,
    {
        let mut state = self.shared.lock();
        if state.exiting && state.children.is_empty() {
            return Err(SpawnError::Finished);
        }
        if state.aborting {
            return Err(SpawnError::ShuttingDown);
        }
        let task = create_task(&self.rt, body);
        state.children.push(task.as_ref());
        drop(state);
        let shared = Arc::clone(&self.shared);
        task.add_done_callback(move |task| on_child_done(&shared, task));
        Ok(task)
    }
}

/// asyncio's `TaskGroup._on_task_done`.
fn on_child_done<T: Send + 'static, E: Clone + Send + 'static>(
    shared: &Shared<E>,
    task: &Task<T, E>,
) {
    let me = task.as_ref();
    let mut state = shared.lock();
    state.children.retain(|child| *child != me);
    let last = state.children.is_empty();
    let Some(failure) = task.inner.failure() else {
        drop(state);
        if last {
            shared.wake();
        }
        return;
    };
    state.errors.push(failure);
    let body_running = !state.exiting;
    drop(state);
    if shared.abort() && body_running {
        shared.lock().cancel_body = true;
    }
    shared.wake();
}

impl<R, E> fmt::Debug for TaskGroup<R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.lock();
        f.debug_struct("TaskGroup")
            .field("children", &state.children.len())
            .field("aborting", &state.aborting)
            .finish_non_exhaustive()
    }
}

/// The future of [`TaskGroup::run`].
///
/// Python: `async with asyncio.TaskGroup()`
///
/// # Cancel safety
///
/// Dropped unfinished, it drops the body, then cancels every child.
#[must_use = "a TaskGroup does nothing unless awaited"]
pub struct Run<Fut: Future, R, E> {
    body: Option<Pin<Box<Fut>>>,
    group: TaskGroup<R, E>,
    value: Option<<Fut as Future>::Output>,
    body_error: Option<E>,
}

// No field is pinned in place (the body is boxed), so `Run` may move.
impl<Fut: Future, R, E> Unpin for Run<Fut, R, E> {}

impl<Fut, R, E, T> Future for Run<Fut, R, E>
where
    Fut: Future<Output = Result<T, E>>,
    E: Clone,
{
    type Output = Result<T, ExceptionGroup<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let shared = Arc::clone(&this.group.shared);
        if let Some(body) = &mut this.body {
            if shared.lock().cancel_body {
                // A child failed: the body is cancelled where it is suspended.
                this.body = None;
            } else {
                match body.as_mut().poll(cx) {
                    Poll::Pending => {
                        let mut state = shared.lock();
                        state.waker = Some(cx.waker().clone());
                        if !state.cancel_body {
                            return Poll::Pending;
                        }
                        drop(state);
                        this.body = None;
                    }
                    Poll::Ready(result) => {
                        this.body = None;
                        match result {
                            Ok(value) => this.value = Some(Ok(value)),
                            Err(error) => {
                                this.body_error = Some(error);
                                shared.abort();
                            }
                        }
                    }
                }
            }
        }
        let mut state = shared.lock();
        state.exiting = true;
        if !state.children.is_empty() {
            state.waker = Some(cx.waker().clone());
            return Poll::Pending;
        }
        let mut errors = std::mem::take(&mut state.errors);
        drop(state);
        if let Some(error) = this.body_error.take() {
            errors.push(TaskError::Failed(error));
        }
        if !errors.is_empty() {
            return Poll::Ready(Err(ExceptionGroup { errors }));
        }
        match this.value.take() {
            Some(Ok(value)) => Poll::Ready(Ok(value)),
            _ => panic!("TaskGroup::run polled after it completed"),
        }
    }
}

impl<Fut: Future, R, E> Drop for Run<Fut, R, E> {
    fn drop(&mut self) {
        // The body first (its cleanup runs now), then the children (theirs at their turn).
        self.body = None;
        let state = self.group.shared.lock();
        let unfinished = !state.children.is_empty();
        drop(state);
        if unfinished {
            self.group.shared.abort();
        }
    }
}

impl<Fut: Future, R, E> fmt::Debug for Run<Fut, R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Run")
            .field("body_running", &self.body.is_some())
            .finish_non_exhaustive()
    }
}
