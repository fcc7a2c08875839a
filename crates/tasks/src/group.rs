//! Definition of [`TaskGroup`]: structured concurrency, asyncio's `async with TaskGroup()`.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use aio_rt::{PyError, PyException, Runtime};

use crate::current::{self, Erased, Family, Interceptor, never_retrieved};
use crate::{
    ExceptionGroup, GroupError, SpawnError, Task, TaskError, TaskRef, create_task,
    create_task_named,
};

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
/// use aio_rt::PyError;
/// use aio_tasks::TaskGroup;
///
/// let rt = aio_rt::Smol::new();
/// let r = rt.clone();
/// let total = aio_tasks::run(&rt, async move {
///     let total = TaskGroup::run(&r, |tg| async move {
///         let one = tg.create_task(async { Ok::<_, PyError>(1) });
///         let one = one.map_err(|e| PyError::from_py(&e))?;
///         let two = tg.create_task(async { Ok(2) }).map_err(|e| PyError::from_py(&e))?;
///         Ok(one.await.unwrap_or(0) + two.await.unwrap_or(0))
///     })
///     .await;
///     total.map_err(|e| PyError::from_py(&e))
/// });
/// assert_eq!(total, Ok(3));
/// ```
///
/// The `async with` block becomes the body closure given to [`run`](TaskGroup::run),
/// which receives the group. `run` ends once the body and every child have ended,
/// children created by children after the body ended included. The first failure (a
/// child's `Err` or panic, or the body's `Err`) cancels the other children and the body;
/// `run` then gives an [`ExceptionGroup`] ([`GroupError::Failed`]) holding every
/// failure, in the order they happened (the body's last, as asyncio appends it on exit).
/// A child cancelled on its own is not a failure.
///
/// The group must run inside an `aio_tasks` task (its *owner*, whose cancellation it
/// takes), as asyncio's must: polled from anywhere else, `run` gives
/// [`GroupError::NoParentTask`] and never starts the body.
///
/// # Cancellation of the owner
///
/// Cancelling the task that runs the group (its *owner*) goes to the group first, as
/// asyncio's `__aexit__` catches the `CancelledError`: the group drops the body, cancels
/// every child and waits for them. Then, if a child failed meanwhile (even in the very
/// step the owner was cancelled), `run` gives the [`ExceptionGroup`], as asyncio does;
/// otherwise the owner's cancellation goes on and the owner ends cancelled.
///
/// # Cancel safety
///
/// Dropping the `run` future by other means (a `timeout` scope around it, a `select`)
/// drops the body, then cancels every child; they end at their next turn, as a dropped
/// Rust future cannot wait for them. A failure that `run` can no longer raise (collected
/// before the drop, or of a child still ending) goes to the exception handler
/// ([`Runtime::set_exception_handler`]) as "Task exception was never retrieved": a failure
/// is raised or reported, never lost.
pub struct TaskGroup<R, E> {
    rt: R,
    shared: Arc<Shared<E>>,
}

struct Shared<E> {
    state: Mutex<State<E>>,
}

struct State<E> {
    /// `run` has started (asyncio's `__aenter__`): `create_task` is accepted.
    entered: bool,
    /// The children still running, by spawn number: a child leaves in O(log n) as it
    /// finishes (asyncio keeps a set), and the group cancels them in spawn order.
    children: BTreeMap<u64, TaskRef>,
    /// The spawn number of the next child.
    next_child: u64,
    /// The body has ended: the group waits for its children.
    exiting: bool,
    /// A failure happened: the group cancels everything.
    aborting: bool,
    /// Tells `run` to drop the body (set with `aborting` while the body runs).
    cancel_body: bool,
    /// Tells `run` to cancel the children at its next poll: the owner was cancelled while
    /// the group waited for them.
    abort_pending: bool,
    /// The children's failures, with the name of the child.
    errors: Vec<(String, TaskError<E>)>,
    /// The owner's cancellation, taken by the group (with its message) to pass on later.
    owner_cancelled: Option<Option<String>>,
    /// `run` was dropped unfinished: failures go to the exception handler.
    orphaned: bool,
    /// Where to report them: the owner's family (or the first child's).
    family: Option<Arc<Family>>,
    /// A failure as the Python exception it stands for, to report it.
    describe: fn(&TaskError<E>) -> PyError,
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
        let children: Vec<TaskRef> = state.children.values().cloned().collect();
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

/// Reports a failure nobody can raise any more to the runtime's exception handler.
fn report(family: Option<&Arc<Family>>, task: String, exception: PyError) {
    let context = never_retrieved(&task, None, &exception);
    match family {
        Some(family) => family.report(&context),
        None => aio_rt::default_exception_handler(&context),
    }
}

/// The owner was cancelled: asyncio's `__aexit__` receiving the `CancelledError`.
impl<E: Send> Interceptor for Shared<E> {
    fn intercept(&self, message: Option<String>) {
        let mut state = self.lock();
        if state.owner_cancelled.is_none() {
            state.owner_cancelled = Some(message);
        }
        // The body is cancelled first, then the children (`run` aborts once it has dropped
        // the body), as `__aexit__` aborts once the body has raised. Past the body, `run`
        // aborts at the owner's next turn, as `__aexit__` does when the `CancelledError`
        // reaches its wait for the children: not here, inside the canceller's call.
        if state.exiting {
            state.abort_pending = true;
        } else {
            state.cancel_body = true;
        }
        drop(state);
        self.wake();
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
    /// [`GroupError::Failed`]: an [`ExceptionGroup`] with every failure (children's, then
    /// the body's), when there was at least one. [`GroupError::NoParentTask`] when polled
    /// outside any task (asyncio's `RuntimeError`); the body is dropped unrun.
    pub fn run<B, Fut, T>(rt: &R, body: B) -> Run<Fut, R, E>
    where
        B: FnOnce(TaskGroup<R, E>) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                entered: false,
                children: BTreeMap::new(),
                next_child: 0,
                exiting: false,
                aborting: false,
                cancel_body: false,
                abort_pending: false,
                errors: Vec::new(),
                owner_cancelled: None,
                orphaned: false,
                family: None,
                describe: |error| PyError::from_py(error),
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
            owner: None,
            entered: false,
            finished: false,
            body_catches: false,
            counted: false,
        }
    }

    /// Creates a child task in the group.
    ///
    /// Python: `tg.create_task(coro)`
    ///
    /// # Errors
    ///
    /// [`SpawnError::NotEntered`] before `run` has started (the body closure itself, as
    /// opposed to the future it returns, runs before), [`SpawnError::Finished`] once the
    /// group has ended, [`SpawnError::ShuttingDown`] while it cancels its children after a
    /// failure; the body is then dropped unrun.
    pub fn create_task<F, T>(&self, body: F) -> Result<Task<T, E>, SpawnError>
    where
        F: Future<Output = Result<T, E>> + Send + 'static,
        T: Send + 'static,
    {
        self.spawn_child(None, body)
    }

    /// [`create_task`](TaskGroup::create_task) with a name.
    ///
    /// Python: `tg.create_task(coro, name=name)`
    ///
    /// # Errors
    ///
    /// As [`create_task`](TaskGroup::create_task).
    pub fn create_task_named<F, T>(
        &self,
        name: impl Into<String>,
        body: F,
    ) -> Result<Task<T, E>, SpawnError>
    where
        F: Future<Output = Result<T, E>> + Send + 'static,
        T: Send + 'static,
    {
        self.spawn_child(Some(name.into()), body)
    }

    fn spawn_child<F, T>(&self, name: Option<String>, body: F) -> Result<Task<T, E>, SpawnError>
    where
        F: Future<Output = Result<T, E>> + Send + 'static,
        T: Send + 'static,
    {
        let mut state = self.shared.lock();
        if !state.entered {
            return Err(SpawnError::NotEntered);
        }
        if state.exiting && state.children.is_empty() {
            return Err(SpawnError::Finished);
        }
        if state.aborting {
            return Err(SpawnError::ShuttingDown);
        }
        let task = match name {
            Some(name) => create_task_named(&self.rt, name, body),
            None => create_task(&self.rt, body),
        };
        if state.family.is_none() {
            state.family = Some(Arc::clone(&task.inner.family));
        }
        let key = state.next_child;
        state.next_child += 1;
        state.children.insert(key, task.as_ref());
        drop(state);
        let shared = Arc::clone(&self.shared);
        task.inner
            .add_internal_callback(Box::new(move |task| on_child_done(&shared, key, task)));
        Ok(task)
    }
}

/// asyncio's `TaskGroup._on_task_done`.
fn on_child_done<T: Send + 'static, E: Clone + PyException + Send + 'static>(
    shared: &Shared<E>,
    key: u64,
    task: &Task<T, E>,
) {
    let mut state = shared.lock();
    state.children.remove(&key);
    let last = state.children.is_empty();
    let Some(failure) = task.inner.failure() else {
        drop(state);
        if last {
            shared.wake();
        }
        return;
    };
    let name = task.inner.name();
    if state.orphaned {
        // `run` is gone: nobody can raise it.
        let (family, describe) = (state.family.clone(), state.describe);
        drop(state);
        report(family.as_ref(), name, describe(&failure));
        return;
    }
    state.errors.push((name, failure));
    let body_running = !state.exiting;
    drop(state);
    if shared.abort() && body_running {
        shared.lock().cancel_body = true;
    }
    shared.wake();
}

/// asyncio's repr of the group: `<TaskGroup>` before `run`, `<TaskGroup entered>`,
/// `<TaskGroup tasks=2 entered>` with children running, `<TaskGroup tasks=1 errors=1
/// cancelling>` once a child failed.
///
/// Python: `repr(task_group)` (without the address, see the `aio` crate docs, "Printing")
impl<R, E> fmt::Display for TaskGroup<R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.shared.lock();
        f.write_str("<TaskGroup")?;
        let running = state.children.values().filter(|t| !t.done()).count();
        if running > 0 {
            write!(f, " tasks={running}")?;
        }
        if !state.errors.is_empty() {
            write!(f, " errors={}", state.errors.len())?;
        }
        if state.aborting {
            f.write_str(" cancelling")?;
        } else if state.entered {
            f.write_str(" entered")?;
        }
        f.write_str(">")
    }
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
#[must_use = "a TaskGroup does nothing unless awaited, as in asyncio: \"coroutine 'TaskGroup.__aenter__' was never awaited\""]
pub struct Run<Fut: Future, R, E> {
    body: Option<Pin<Box<Fut>>>,
    group: TaskGroup<R, E>,
    value: Option<<Fut as Future>::Output>,
    body_error: Option<E>,
    /// The task `run` runs in, whose cancellations the group (as an `Interceptor`)
    /// takes while it runs.
    owner: Option<(Arc<dyn Erased>, Arc<dyn Interceptor>)>,
    entered: bool,
    /// The outcome was given (or the owner's cancellation passed on).
    finished: bool,
    /// A `catch_cancel` frame stayed suspended in the body at its last poll: the body's
    /// cancellation is delivered to it rather than dropping the body.
    body_catches: bool,
    /// The group counted a cancellation request on its owner to cancel the body (a child
    /// failed), and takes it back when it ends (asyncio's `_parent_cancel_requested`).
    counted: bool,
}

// No field is pinned in place (the body is boxed), so `Run` may move.
impl<Fut: Future, R, E> Unpin for Run<Fut, R, E> {}

impl<Fut: Future, R, E: Send + 'static> Run<Fut, R, E> {
    /// asyncio's `__aenter__`: the group accepts tasks, and takes its owner's
    /// cancellations; `false` outside any task (the group is not entered).
    fn enter(&mut self) -> bool {
        let Some(owner) = current::current() else {
            return false;
        };
        self.entered = true;
        let mut state = self.group.shared.lock();
        state.entered = true;
        state.family = Some(Arc::clone(owner.family()));
        drop(state);
        let group: Arc<dyn Interceptor> = Arc::clone(&self.group.shared) as _;
        owner.push_interceptor(Arc::clone(&group));
        self.owner = Some((owner, group));
        true
    }
}

impl<Fut: Future, R, E> Run<Fut, R, E> {
    /// The owner's cancellations go to the owner again.
    fn leave(&mut self) {
        self.finished = true;
        if let Some((owner, group)) = self.owner.take() {
            owner.remove_interceptor(&group);
        }
    }
}

impl<Fut: Future, R, E> Run<Fut, R, E> {
    /// The body is to be cancelled: if it catches (a `catch_cancel` frame is suspended in
    /// it), the cancellation is delivered to it and `true` returned, the body going on;
    /// asyncio throws `CancelledError` into the body either way, and here a body that
    /// does not catch is dropped instead.
    fn deliver_to_body(&mut self, state: &mut State<E>) -> bool {
        let Some((owner, _)) = self.owner.as_ref() else {
            return false;
        };
        if !self.body_catches {
            return false;
        }
        state.cancel_body = false;
        // The owner's request goes to the body, which decides: re-raised, it comes back as
        // the body's `CancelledError`; swallowed, the group does not raise it either.
        match state.owner_cancelled.take() {
            // Counted by the owner's `cancel` already.
            Some(message) => owner.request_delivery(message, false),
            // A child failed: asyncio's `_parent_task.cancel()`, taken back on exit.
            None => {
                if !self.counted {
                    self.counted = true;
                    owner.request_delivery(None, true);
                } else {
                    owner.request_delivery(None, false);
                }
            }
        }
        true
    }
}

impl<Fut, R, E, T> Future for Run<Fut, R, E>
where
    Fut: Future<Output = Result<T, E>>,
    E: Clone + PyException + Send + 'static,
{
    type Output = Result<T, GroupError<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        if this.finished {
            return Poll::Pending;
        }
        if !this.entered && !this.enter() {
            this.body = None;
            this.finished = true;
            return Poll::Ready(Err(GroupError::NoParentTask));
        }
        let shared = Arc::clone(&this.group.shared);
        // The body re-raised a `CancelledError` (asyncio's `__aexit__` does not count it as
        // a failure): its message, to pass on.
        let mut body_cancelled = None;
        if this.body.is_some() {
            let cancel = {
                let mut state = shared.lock();
                state.cancel_body && !this.deliver_to_body(&mut state)
            };
            if cancel {
                // A child failed, or the owner was cancelled, and the body does not catch:
                // it is cancelled where it is suspended (dropped), then the children.
                this.body = None;
                shared.abort();
            } else if let Some(body) = &mut this.body {
                let (polled, catches) = crate::poll_catching(body.as_mut(), cx);
                this.body_catches = catches;
                match polled {
                    Poll::Pending => {
                        let mut state = shared.lock();
                        state.waker = Some(cx.waker().clone());
                        if !state.cancel_body || this.deliver_to_body(&mut state) {
                            return Poll::Pending;
                        }
                        drop(state);
                        this.body = None;
                        shared.abort();
                    }
                    Poll::Ready(result) => {
                        this.body = None;
                        match result {
                            Ok(value) => this.value = Some(Ok(value)),
                            Err(error) if error.py_type() == "CancelledError" => {
                                let message = error.py_str();
                                body_cancelled = Some((!message.is_empty()).then_some(message));
                                shared.abort();
                            }
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
        if std::mem::take(&mut state.abort_pending) {
            drop(state);
            shared.abort();
            state = shared.lock();
        }
        if !state.children.is_empty() {
            state.waker = Some(cx.waker().clone());
            return Poll::Pending;
        }
        let mut errors: Vec<TaskError<E>> = std::mem::take(&mut state.errors)
            .into_iter()
            .map(|(_, error)| error)
            .collect();
        let owner_cancelled = state.owner_cancelled.take();
        drop(state);
        let owner = this.owner.as_ref().map(|(owner, _)| Arc::clone(owner));
        this.leave();
        if std::mem::take(&mut this.counted) {
            // asyncio: `if self._parent_task.uncancel() == 0: propagate_cancellation_error
            // = None`: the group's own request is withdrawn, and the body's re-raised
            // `CancelledError` with it.
            if owner.as_ref().is_some_and(|owner| owner.uncancel() == 0) {
                body_cancelled = None;
            }
        }
        let owner_cancelled = owner_cancelled.or(body_cancelled);
        if let Some(error) = this.body_error.take() {
            errors.push(TaskError::Failed(error));
        }
        if !errors.is_empty() {
            // A failure wins over the owner's cancellation, as in asyncio.
            return Poll::Ready(Err(GroupError::Failed(ExceptionGroup { errors })));
        }
        if let (Some(message), Some(owner)) = (owner_cancelled, owner) {
            // Nothing failed: the owner's cancellation goes on (asyncio re-raises the
            // `CancelledError`, counted once already, within this step): its driver drops
            // us at the end of this poll (or a `catch_cancel` around the group receives it).
            owner.raise_cancelled(message);
            return Poll::Pending;
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
        if self.finished || !self.entered {
            return;
        }
        let owner = self.owner.as_ref().map(|(owner, _)| owner.name());
        self.leave();
        let mut state = self.group.shared.lock();
        state.orphaned = true;
        let errors = std::mem::take(&mut state.errors);
        let (family, describe) = (state.family.clone(), state.describe);
        let unfinished = !state.children.is_empty();
        drop(state);
        // Failures collected but never raised: reported, not lost.
        for (name, error) in errors {
            report(family.as_ref(), name, describe(&error));
        }
        if let Some(error) = self.body_error.take() {
            let task = owner.unwrap_or_else(|| "TaskGroup body".to_owned());
            report(family.as_ref(), task, describe(&TaskError::Failed(error)));
        }
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
