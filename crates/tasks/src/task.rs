//! Definition of [`Task`], [`TaskRef`], [`Join`] and [`create_task`].

use std::fmt;
use std::future::{Future, IntoFuture};
use std::hash::{Hash, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use aio_rt::{PyException, Runtime};

use crate::context::Context as Vars;
use crate::current::{self, Erased, Family};
use crate::inner::{Driver, Inner, Outcome, WaiterKey};
use crate::{InvalidStateError, SelfAwaitError, TaskError};

/// Wraps `body` in a task and schedules it; returns before the body runs.
///
/// Python: `asyncio.create_task(coro)`
///
/// The body returns `Result<T, E>`: `Err` is the task's exception. Tasks start in
/// creation order, once the creator yields (on the virtual clock exactly as asyncio; on
/// the real clock a multi-threaded runtime may start the body at once). The task gets the
/// default name `Task-N`, N counting the tasks of its family (see the crate docs).
///
/// # Examples
///
/// ```
/// use aio_rt::Runtime;
/// let rt = aio_rt::Smol::new();
/// let result = rt.block_on(async {
///     let task = aio_tasks::create_task(&rt, async { Ok::<_, String>(6 * 7) });
///     task.await
/// });
/// assert_eq!(result, Ok(42));
/// ```
#[must_use = "the task runs on without its handle, but nobody can await it, cancel it or read its exception (asyncio's docs: save a reference to the result of create_task)"]
pub fn create_task<R, F, T, E>(rt: &R, body: F) -> Task<T, E>
where
    R: Runtime,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: PyException + Send + Sync + 'static,
{
    spawn(rt, None, body, Start::Lazy, None)
}

/// [`create_task`] running in `context` (shared, not copied: what the task sets, every
/// holder of `context` sees).
///
/// Python: `asyncio.create_task(coro, context=context)` (3.11+)
///
/// # Examples
///
/// ```
/// use aio_rt::Runtime;
/// use aio_tasks::{Context, ContextVar, create_task_with_context};
///
/// static USER: ContextVar<&str> = ContextVar::new("user");
///
/// let rt = aio_rt::Smol::new();
/// let context = Context::new();
/// let task = rt.block_on(async {
///     let task = create_task_with_context(&rt, context.clone(), async {
///         let _token = USER.set("ada");
///         Ok::<_, String>(())
///     });
///     (&task).await
/// });
/// assert_eq!(task, Ok(()));
/// assert_eq!(context.get(&USER), Some("ada"));
/// ```
#[must_use = "the task runs on without its handle, but nobody can await it, cancel it or read its exception (asyncio's docs: save a reference to the result of create_task)"]
pub fn create_task_with_context<R, F, T, E>(rt: &R, context: Vars, body: F) -> Task<T, E>
where
    R: Runtime,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: PyException + Send + Sync + 'static,
{
    spawn(rt, None, body, Start::Lazy, Some(context))
}

/// [`create_task`] with a name.
///
/// Python: `asyncio.create_task(coro, name=name)`
#[must_use = "the task runs on without its handle, but nobody can await it, cancel it or read its exception (asyncio's docs: save a reference to the result of create_task)"]
pub fn create_task_named<R, F, T, E>(rt: &R, name: impl Into<String>, body: F) -> Task<T, E>
where
    R: Runtime,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: PyException + Send + Sync + 'static,
{
    spawn(rt, Some(name.into()), body, Start::Lazy, None)
}

/// Creates a task whose body runs at once, inside this call, until it is first
/// suspended: an *eager* task.
///
/// Python: `asyncio.create_task(coro)` with `loop.set_task_factory(asyncio.eager_task_factory)`
/// (3.12+)
///
/// The body's first step runs now, with the new task as the current task (the creator's
/// comes back after it). A body that finishes in that step gives a task that is done when
/// this returns (its value readable with [`Task::result`]; no runtime task was spawned,
/// and [`all_tasks`](crate::all_tasks) never lists it). A body that is suspended goes on
/// as a task of the runtime, as [`create_task`]'s does. Names and numbering are
/// [`create_task`]'s.
///
/// # Differences from Python
///
/// asyncio makes every `create_task` of a loop eager once the factory is set; Rust has no
/// loop to set it on, so the choice is made at each call, where it shows: see the crate
/// docs. A suspended eager body is polled once more when its runtime task first runs,
/// whether or not it was woken (Rust futures take such a poll in their stride).
///
/// # Examples
///
/// ```
/// use aio_rt::Runtime;
/// let rt = aio_rt::Smol::new();
/// rt.block_on(async {
///     let task = aio_tasks::create_eager_task(&rt, async { Ok::<_, String>(6 * 7) });
///     assert!(task.done());
///     assert_eq!(task.result(), Ok(42));
/// });
/// ```
#[doc(alias = "eager_task_factory")]
#[must_use = "the task runs on without its handle, but nobody can await it, cancel it or read its exception (asyncio's docs: save a reference to the result of create_task)"]
pub fn create_eager_task<R, F, T, E>(rt: &R, body: F) -> Task<T, E>
where
    R: Runtime,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: PyException + Send + Sync + 'static,
{
    spawn(rt, None, body, Start::Eager, None)
}

/// [`create_eager_task`] with a name.
///
/// Python: `asyncio.create_task(coro, name=name)` with the eager task factory (3.12+)
#[must_use = "the task runs on without its handle, but nobody can await it, cancel it or read its exception (asyncio's docs: save a reference to the result of create_task)"]
pub fn create_eager_task_named<R, F, T, E>(rt: &R, name: impl Into<String>, body: F) -> Task<T, E>
where
    R: Runtime,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: PyException + Send + Sync + 'static,
{
    spawn(rt, Some(name.into()), body, Start::Eager, None)
}

/// When a new task takes its first step.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Start {
    /// Once its creator yields: `create_task`.
    Lazy,
    /// Inside the create call: `create_eager_task`.
    Eager,
}

/// Creates the task: in `context`, else in a copy of the current context.
fn spawn<R, F, T, E>(
    rt: &R,
    name: Option<String>,
    body: F,
    start: Start,
    context: Option<Vars>,
) -> Task<T, E>
where
    R: Runtime,
    F: Future<Output = Result<T, E>> + Send + 'static,
    T: Send + 'static,
    E: PyException + Send + Sync + 'static,
{
    let family = current::family().unwrap_or_else(|| {
        // Weak: the family is kept by its tasks, which the runtime owns; a clone of the
        // runtime here would keep the runtime, and so a task never woken, alive forever.
        // Once the runtime is gone, a done callback has nowhere to run, and is dropped.
        let (rt, rt_reporter) = (rt.downgrade(), rt.reporter().clone());
        Family::new(
            move |job| {
                if let Some(rt) = rt.upgrade() {
                    rt.spawn_detached(async move { job() });
                }
            },
            rt_reporter,
        )
    });
    let context = context.or_else(crate::context::inherited);
    let inner = Inner::new(family, name, context);
    let driver = Driver::new(body, Arc::clone(&inner));
    // No runtime JoinHandle: `Inner` holds the outcome, and the driver's waker for `cancel`.
    // The runtime lists the task under its name (`Runtime::all_tasks`).
    let name = Arc::downgrade(&inner) as std::sync::Weak<dyn aio_rt::TaskName>;
    match start {
        Start::Lazy => aio_rt::spawn_named(name, || rt.spawn_detached(driver)),
        Start::Eager => {
            // The first step, here and now, as the current task (the driver sets it). What
            // the body registers a waker with gets the real one at the runtime task's first
            // poll, which comes before anything else can happen to this task.
            let mut driver = Box::pin(driver);
            let mut cx = Context::from_waker(Waker::noop());
            if driver.as_mut().poll(&mut cx).is_pending() {
                aio_rt::spawn_named(name, || rt.spawn_detached(driver));
            }
        }
    }
    Task { inner }
}

/// A scheduled task: await it (or a clone of it) for its outcome.
///
/// Python: `asyncio.Task`
///
/// Cloning a `Task` gives another handle to the same task. Dropping every handle does not
/// stop it. Several awaiters each get the outcome (hence `T: Clone` and `E: Clone` to
/// await: wrap the value in an `Arc` when it cannot be cloned).
///
/// | asyncio | `Task` |
/// |---|---|
/// | `await task` | `task.await` / `(&task).await`: `Ok(value)` or a [`TaskError`] |
/// | `task.cancel(msg)` | [`cancel`](Task::cancel) |
/// | `task.cancelling()`, `task.uncancel()` | [`cancelling`](Task::cancelling), [`uncancel`](Task::uncancel) |
/// | `task.done()`, `task.cancelled()` | [`done`](Task::done), [`cancelled`](Task::cancelled) |
/// | `task.result()`, `task.exception()` | [`result`](Task::result), [`exception`](Task::exception) |
/// | `task.add_done_callback(f)` | [`add_done_callback`](Task::add_done_callback) |
/// | `task.get_name()`, `task.set_name(n)` | [`name`](Task::name), [`set_name`](Task::set_name) |
///
/// # Differences from Python
///
/// A coroutine can catch `CancelledError` and carry on; a Rust task cannot: cancelling
/// it drops its body at the point where it is suspended. Put cleanup in a `Drop` guard
/// (the Rust `finally`), and work that must finish in a task of its own behind `shield`.
pub struct Task<T, E = std::convert::Infallible> {
    pub(crate) inner: Arc<Inner<T, E>>,
}

impl<T, E> Clone for Task<T, E> {
    fn clone(&self) -> Self {
        Task {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<T: Send + 'static, E: Send + 'static> Task<T, E> {
    /// Requests cancellation, with an optional message. Returns `false` if the task has
    /// already finished, `true` otherwise.
    ///
    /// Python: `task.cancel(msg=None)`
    ///
    /// A task that has not started never runs its body. A running task is stopped the
    /// next time it is suspended; if it is awaiting another task, that task is cancelled
    /// first (with the same message) and this one stops when that cancellation reaches
    /// it, as in asyncio. Awaiting the task then gives [`TaskError::Cancelled`] with the
    /// message.
    ///
    /// # Differences from Python
    ///
    /// Tasks awaiting each other in a cycle (A awaits B, B awaits A) wait until one is
    /// cancelled; then every task of the cycle ends cancelled. CPython 3.11's `cancel`
    /// passes the request round the cycle until it raises `RecursionError`, and the tasks
    /// stay pending.
    pub fn cancel(&self, message: Option<&str>) -> bool {
        self.inner.cancel(message.map(str::to_owned))
    }

    /// How many cancellation requests the task has: the [`cancel`](Task::cancel) calls
    /// it accepted (each call on an unfinished task counts, a cascade from a task awaiting
    /// it included), less the [`uncancel`](Task::uncancel) calls. A finished task keeps
    /// its count; `cancel` on it counts nothing.
    ///
    /// Python: `task.cancelling()` (3.11+)
    ///
    /// # Examples
    ///
    /// ```
    /// use aio_rt::Runtime;
    /// let rt = aio_rt::Smol::new();
    /// rt.block_on(async {
    ///     let task = aio_tasks::create_task(&rt, std::future::pending::<Result<(), String>>());
    ///     assert_eq!(task.cancelling(), 0);
    ///     assert!(task.cancel(None));
    ///     assert!(task.cancel(None));
    ///     assert_eq!(task.cancelling(), 2);
    ///     assert_eq!(task.uncancel(), 1);
    ///     assert!((&task).await.is_err());
    ///     // Done: cancel refuses and counts nothing; the count stays.
    ///     assert!(!task.cancel(None));
    ///     assert_eq!(task.cancelling(), 1);
    /// });
    /// ```
    pub fn cancelling(&self) -> u32 {
        self.inner.cancel_requests()
    }

    /// Takes back one cancellation request: decrements [`cancelling`](Task::cancelling),
    /// never below zero, and returns the new count.
    ///
    /// Python: `task.uncancel()` (3.11+)
    ///
    /// asyncio's structured concurrency (`TaskGroup`, `timeout`) calls it after catching
    /// a `CancelledError` it caused itself, so that `cancelling()` tells whether someone
    /// else also asked for the task to stop.
    ///
    /// # Differences from Python
    ///
    /// Only the count changes, as in CPython 3.11: a request already made stands, and the
    /// task still stops at its next suspension (a Rust body cannot be brought back once
    /// dropped, and one that was not dropped yet is dropped at its next turn). CPython
    /// 3.13's `uncancel` also withdraws a request not yet delivered when the count
    /// reaches zero (a task that cancelled itself and called `uncancel` carries on
    /// there); here it stops, as on 3.11 (scenario `task_uncancel_keeps_request`).
    ///
    /// A body that received its cancellation through [`catch_cancel`](crate::catch_cancel)
    /// calls `uncancel` and carries on, as asyncio's does (scenario
    /// `cancelling_uncancel_counts`).
    pub fn uncancel(&self) -> u32 {
        self.inner.uncancel()
    }

    /// Whether the task has finished: with a value, a failure, or cancelled.
    ///
    /// Python: `task.done()`
    pub fn done(&self) -> bool {
        self.inner.is_done()
    }

    /// Whether the task finished cancelled.
    ///
    /// Python: `task.cancelled()`
    pub fn cancelled(&self) -> bool {
        self.inner.is_cancelled()
    }

    /// The task's name: the one given, or `Task-N`.
    ///
    /// Python: `task.get_name()`
    pub fn name(&self) -> String {
        self.inner.name()
    }

    /// Renames the task.
    ///
    /// Python: `task.set_name(name)`
    pub fn set_name(&self, name: impl Into<String>) {
        self.inner.set_name(name.into());
    }

    /// Calls `callback` with the task once it has finished, as a callback of its own on the
    /// runtime (after the task's last step, in the order callbacks were added); on a
    /// finished task it is scheduled at once.
    ///
    /// Python: `task.add_done_callback(callback)`
    pub fn add_done_callback(&self, callback: impl FnOnce(&Task<T, E>) + Send + 'static) {
        self.inner.add_callback(Box::new(callback));
    }

    /// This task, without its output type.
    ///
    /// Python: none (a Python task has no type parameters)
    pub fn as_ref(&self) -> TaskRef {
        TaskRef(self.inner.clone())
    }
}

impl<T: Clone, E: Clone> Task<T, E> {
    /// The outcome of a finished task; [`TaskError::InvalidState`] while it runs.
    ///
    /// Python: `task.result()`
    ///
    /// # Errors
    ///
    /// `InvalidState` if the task has not finished, otherwise its `Cancelled`, `Failed` or
    /// `Panicked`. Reading a failure retrieves it (it will not be reported).
    /// A cancellation carries the message given to `cancel` only the first time it is
    /// read (by an `await`, `result()` or `exception()`); every later read gives a bare
    /// `CancelledError`, as asyncio's Task does.
    pub fn result(&self) -> Result<T, TaskError<E>> {
        self.inner
            .outcome(true)
            .unwrap_or(Err(TaskError::InvalidState(
                InvalidStateError::ResultNotSet,
            )))
    }

    /// The failure of a finished task: `Ok(None)` if it succeeded, `Ok(Some(error))` if it
    /// failed or panicked.
    ///
    /// Python: `task.exception()`
    ///
    /// # Errors
    ///
    /// `Cancelled` if the task was cancelled, `InvalidState` if it has not finished.
    pub fn exception(&self) -> Result<Option<TaskError<E>>, TaskError<E>> {
        match self.result() {
            Ok(_) => Ok(None),
            Err(TaskError::InvalidState(_)) => {
                Err(TaskError::InvalidState(InvalidStateError::ExceptionNotSet))
            }
            Err(e @ TaskError::Cancelled(_)) => Err(e),
            Err(e) => Ok(Some(e)),
        }
    }
}

impl<T, E> fmt::Debug for Task<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.inner.is_done() {
            "done"
        } else {
            "pending"
        };
        f.debug_struct("Task")
            .field("name", &self.inner.name())
            .field("state", &state)
            .finish()
    }
}

/// asyncio's repr of the task, with its state: `<Task pending name='Task-1'>`,
/// `<Task cancelling name='Task-1'>` (cancel requested, not yet finished), `<Task
/// finished name='Task-1' result=42>`, `<Task finished name='Task-1'
/// exception=ValueError('boom')>`, `<Task cancelled name='Task-1'>`. Printing reads
/// nothing: a failure printed is not retrieved.
///
/// Python: `repr(task)`
///
/// # Differences from Python
///
/// No address and nothing that names Python code: asyncio's `coro=<main() running at
/// file.py:3>` and `wait_for=<Future pending ...>` have no Rust counterpart and are left
/// out (see the `aio` crate docs, "Printing"). The result prints with `Debug` (a string
/// as `"a"` where Python shows `'a'`).
impl<T: fmt::Debug, E> fmt::Display for Task<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt_repr(f)
    }
}

/// Two handles are equal when they are the same task (a clone of it), whatever their
/// outcome: identity, as asyncio tasks compare.
///
/// Python: `task1 == task2` (object identity: `task1 is task2`)
impl<T, E> PartialEq for Task<T, E> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl<T, E> Eq for Task<T, E> {}

/// Hashes the task's identity (the address of its shared state), consistently with `==`:
/// tasks go in a `HashSet` as asyncio tasks go in a `set`.
///
/// Python: `hash(task)` (identity hash)
impl<T, E> Hash for Task<T, E> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::ptr::hash(Arc::as_ptr(&self.inner), state);
    }
}

impl<T, E> IntoFuture for Task<T, E>
where
    T: Clone + Send + 'static,
    E: Clone + Send + 'static,
{
    type Output = Result<T, TaskError<E>>;
    type IntoFuture = Join<T, E>;

    fn into_future(self) -> Join<T, E> {
        Join {
            inner: self.inner,
            key: None,
            awaiting: None,
            retrieve: true,
        }
    }
}

impl<T, E> IntoFuture for &Task<T, E>
where
    T: Clone + Send + 'static,
    E: Clone + Send + 'static,
{
    type Output = Result<T, TaskError<E>>;
    type IntoFuture = Join<T, E>;

    fn into_future(self) -> Join<T, E> {
        self.clone().into_future()
    }
}

/// Awaiting a [`Task`]: `task.await` is `Join`.
///
/// Python: `await task`
///
/// A task awaiting itself gets [`TaskError::SelfAwait`] at once, as asyncio raises
/// `RuntimeError` (no waiting, no cancellation of itself).
///
/// # Cancel safety
///
/// Dropping an unfinished `Join` cancels the task, as in asyncio, where cancelling a
/// coroutine suspended in `await task` (by `task.cancel()` or a timeout around it)
/// cancels `task` too. To stop waiting without cancelling, await `aio_shield::shield`.
#[must_use = "a Join waits for the task only when awaited; dropping it cancels the task"]
pub struct Join<T: Send + 'static, E: Send + 'static> {
    pub(crate) inner: Arc<Inner<T, E>>,
    key: Option<WaiterKey>,
    /// The task awaiting us, which records us as what it awaits (for the cascade).
    awaiting: Option<Arc<dyn Erased>>,
    /// Whether getting the outcome retrieves a failure (`false` for an observer, see
    /// [`observe`](Join::observe)).
    retrieve: bool,
}

impl<T, E> Future for Join<T, E>
where
    T: Clone + Send + 'static,
    E: Clone + Send + 'static,
{
    type Output = Outcome<T, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Outcome<T, E>> {
        let this = &mut *self;
        let polled = this.inner.poll_outcome(&mut this.key, cx, this.retrieve);
        match polled {
            Poll::Ready(_) => this.unregister(),
            Poll::Pending if this.awaiting.is_none() => {
                if let Some(awaiting) = current::current() {
                    // A task awaiting itself would wait forever, and record itself as what
                    // it awaits (a cycle for `cancel`): it gets the error at once instead,
                    // as asyncio raises it into the coroutine.
                    if std::ptr::addr_eq(Arc::as_ptr(&awaiting), Arc::as_ptr(&this.inner)) {
                        if let Some(key) = this.key.take() {
                            this.inner.remove_waiter(key);
                        }
                        return Poll::Ready(Err(TaskError::SelfAwait(SelfAwaitError)));
                    }
                    awaiting.set_waiting_on(Some(this.inner.clone()));
                    this.awaiting = Some(awaiting);
                }
            }
            Poll::Pending => {}
        }
        polled
    }
}

impl<T: Send + 'static, E: Send + 'static> Join<T, E> {
    fn unregister(&mut self) {
        if let Some(awaiting) = self.awaiting.take() {
            awaiting.set_waiting_on(None);
        }
    }
}

impl<T: Send + 'static, E: Send + 'static> Drop for Join<T, E> {
    fn drop(&mut self) {
        self.unregister();
        if let Some(key) = self.key.take() {
            self.inner.remove_waiter(key);
            if self.inner.is_done() {
                // It finished while we waited, and the awaiting task is dropped before it
                // could look: asyncio's task still reads the awaited result when it wakes
                // (`__wakeup`), which takes the cancel message and retrieves a failure.
                self.inner.mark_read(self.retrieve);
            } else {
                // An interrupted `await task` cancels the task (see Cancel safety).
                self.inner.cancel(None);
            }
        }
    }
}

impl<T: Send + 'static, E: Send + 'static> fmt::Debug for Join<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join")
            .field("task", &self.inner.name())
            .finish_non_exhaustive()
    }
}

/// A task whatever its output type: what [`current_task`](crate::current_task) and
/// [`all_tasks`](crate::all_tasks) return.
///
/// Python: `asyncio.Task` (as `current_task()` returns it)
///
/// Two `TaskRef`s are equal when they are the same task.
#[derive(Clone)]
pub struct TaskRef(pub(crate) Arc<dyn Erased>);

impl TaskRef {
    /// The task's name.
    ///
    /// Python: `task.get_name()`
    pub fn name(&self) -> String {
        self.0.name()
    }

    /// Renames the task.
    ///
    /// Python: `task.set_name(name)`
    pub fn set_name(&self, name: impl Into<String>) {
        self.0.set_name(name.into());
    }

    /// Requests cancellation, as [`Task::cancel`].
    ///
    /// Python: `task.cancel(msg=None)`
    pub fn cancel(&self, message: Option<&str>) -> bool {
        self.0.cancel(message.map(str::to_owned))
    }

    /// The cancellation requests the task has, as [`Task::cancelling`].
    ///
    /// Python: `task.cancelling()` (3.11+)
    pub fn cancelling(&self) -> u32 {
        self.0.cancel_requests()
    }

    /// Takes back one cancellation request, as [`Task::uncancel`] (the request itself
    /// stands).
    ///
    /// Python: `task.uncancel()` (3.11+)
    pub fn uncancel(&self) -> u32 {
        self.0.uncancel()
    }

    /// Requests a cancellation to be delivered to a [`catch_cancel`](crate::catch_cancel)
    /// frame suspended in the task's body, counted as [`cancel`](TaskRef::cancel) counts
    /// it, but not taken by a `TaskGroup` running in the task nor passed to what the task
    /// awaits: for a scope (a `timeout`) that saw through [`poll_catching`](crate::poll_catching)
    /// that its body catches. Nothing on a finished task.
    ///
    /// Python: `task.cancel()` as `asyncio.timeout` calls it on its own task
    pub fn deliver_cancel(&self, message: Option<&str>) {
        self.0.request_delivery(message.map(str::to_owned), true);
    }

    /// Cancels what the task awaits now, a task or an `aio_futures::Future` (not a
    /// sleep, a lock or a combinator), and gives it back if it accepted: the first step
    /// of asyncio's `Task.cancel()`, for a scope of the task (a `timeout` whose deadline
    /// passed) that then waits until it is [`done`](aio_rt::Awaited::done) before it
    /// drops its body, as asyncio's task resumes only once what it awaited has ended.
    /// The task itself is not cancelled.
    ///
    /// Python: `task._fut_waiter.cancel()` (private: the part of `Task.cancel()` that
    /// reaches the awaited future)
    pub fn cancel_awaited(&self) -> Option<Arc<dyn aio_rt::Awaited>> {
        let awaited = self.0.waiting_on()?;
        awaited.cancel(None).then_some(awaited)
    }

    /// Whether the task has finished.
    ///
    /// Python: `task.done()`
    pub fn done(&self) -> bool {
        self.0.is_done()
    }

    /// Whether the task finished cancelled.
    ///
    /// Python: `task.cancelled()`
    pub fn cancelled(&self) -> bool {
        self.0.is_cancelled()
    }
}

impl PartialEq for TaskRef {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::addr_eq(Arc::as_ptr(&self.0), Arc::as_ptr(&other.0))
    }
}

impl Eq for TaskRef {}

/// Hashes the task's identity, consistently with `==` (and with the same task seen as a
/// [`Task`]: both hash the address of the shared state).
///
/// Python: `hash(task)` (identity hash)
impl Hash for TaskRef {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // The data pointer only: the vtable part of the fat pointer is not identity.
        std::ptr::hash(Arc::as_ptr(&self.0).cast::<()>(), state);
    }
}

impl fmt::Debug for TaskRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskRef")
            .field("name", &self.0.name())
            .finish()
    }
}
