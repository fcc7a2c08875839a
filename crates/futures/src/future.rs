//! Definition of [`Future`] (asyncio.Future) and [`Wait`], the future of one awaiter.

use std::fmt;
use std::future::{Future as StdFuture, IntoFuture};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, PoisonError};
// Under `--cfg aio_loom` (`just loom`), the state lock is loom's, so that tests/loom.rs can
// explore every interleaving of completing, cancelling and awaiting.
#[cfg(aio_loom)]
use loom::sync::{Mutex, MutexGuard};
#[cfg(not(aio_loom))]
use std::sync::{Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use aio_rt::{
    Awaited, Awaiting, ContextObject, ExceptionContext, Reporter, Runtime, exception_repr,
};

use crate::{CancelledError, DoneCallback, Exception, FutureError, InvalidStateError};

type BoxFuture = Pin<Box<dyn StdFuture<Output = ()> + Send>>;

/// A result that will be set later, by someone else; any number of tasks may await it.
///
/// Python: `asyncio.Future` (made with `loop.create_future()`)
///
/// Cloning shares the one future (a Python future is an object, passed by reference).
/// Await it with `future.wait().await`, `(&future).await` or `future.clone().await`: each
/// awaiter gets the outcome (a clone of the value, the shared [`Exception`], or a
/// [`CancelledError`]).
///
/// - [`set_result`](Future::set_result), [`set_exception`](Future::set_exception) and
///   [`cancel`](Future::cancel) complete it, once.
/// - Awaiters resume in the order they started waiting; awaiting a done future returns at
///   once, without suspending.
/// - Done callbacks are never called inline: completing the future *schedules* them on
///   the runtime, in registration order, also when added to a future already done.
///   Awaiters and callbacks share one list, as in asyncio, where an awaiting task's
///   wake-up is itself a done callback: their turns follow the order they registered.
///
/// How callbacks are scheduled: consecutive callbacks of the list run in one spawned task,
/// one after the other (so their order holds on multi-threaded runtimes too); each awaiter
/// is woken in its place between them. On `aio-loop`, spawning a task *is* a `call_soon`
/// of its first step, so the callbacks take their turn in the loop's ready queue exactly
/// where asyncio's `call_soon(callback)` would put them.
///
/// # Differences from Python
///
/// - Dropping a [`Wait`] by other means than cancelling the `aio_tasks` task that awaits
///   (a `timeout` scope or a `select` around it, or a runtime's own task) only stops it
///   waiting; in asyncio, where a timeout cancels the task, it cancels the future too.
/// - A done callback raises by panicking: the panic goes to the runtime's exception
///   handler as "Exception in callback ..." (a panic with a [`PyError`](aio_rt::PyError)
///   payload keeps its class), and the other callbacks still run, as in asyncio.
///
/// # Examples
///
/// ```
/// use aio_futures::Future;
/// use aio_rt::Runtime;
///
/// let rt = aio_loop::EventLoop::new();
/// let answer = rt.block_on(async {
///     let future = Future::new(&rt);
///     let setter = future.clone();
///     rt.spawn(async move { setter.set_result(42).unwrap() });
///     (&future).await
/// });
/// assert_eq!(answer.unwrap(), 42);
/// ```
///
/// Cancelling an `aio_tasks` task that awaits a future cancels the future first, with
/// the same message, as asyncio's `Task.cancel` cancels the future the task waits on
/// (`_fut_waiter`): every other awaiter then gets the `CancelledError` too.
///
/// A future completed with an exception that nobody read (by awaiting it, or with
/// [`result`](Future::result) or [`exception`](Future::exception)) before its last clone
/// was dropped is reported to the runtime's exception handler: "Future exception was
/// never retrieved", as asyncio reports it when the future is garbage-collected.
pub struct Future<T> {
    inner: Arc<Inner<T>>,
}

struct Inner<T> {
    state: Mutex<State<T>>,
    /// Spawns a task on the runtime the future was made for.
    spawn: Arc<dyn Fn(BoxFuture) + Send + Sync>,
    /// That runtime's exception handler.
    reporter: Reporter,
}

struct State<T> {
    outcome: Outcome<T>,
    /// Awaiters and done callbacks, in registration order (asyncio's `_callbacks`).
    listeners: Vec<Listener<T>>,
    next_waiter: u64,
    /// An exception was set and nobody has read it yet (asyncio's `__log_traceback`).
    unretrieved: bool,
}

enum Outcome<T> {
    Pending,
    Result(T),
    Exception(Exception),
    Cancelled(Option<String>),
}

enum Listener<T> {
    Waiter { id: u64, waker: Waker },
    Callback(DoneCallback<T>),
}

impl<T: Send + 'static> Future<T> {
    /// A pending future whose done callbacks will run on `rt`.
    ///
    /// Python: `loop.create_future()`
    pub fn new<R: Runtime>(rt: &R) -> Future<T> {
        let reporter = rt.reporter().clone();
        let rt = rt.clone();
        Future {
            inner: Arc::new(Inner {
                state: Mutex::new(State {
                    outcome: Outcome::Pending,
                    listeners: Vec::new(),
                    next_waiter: 0,
                    unretrieved: false,
                }),
                // The callbacks' task is detached: dropping a JoinHandle never cancels.
                spawn: Arc::new(move |job| drop(rt.spawn(job))),
                reporter,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Completes the future with `value`, and schedules its awaiters and callbacks.
    ///
    /// Python: `future.set_result(value)`
    ///
    /// # Errors
    ///
    /// [`InvalidStateError`] ("invalid state") if the future is already done (the value is
    /// dropped).
    pub fn set_result(&self, value: T) -> Result<(), InvalidStateError> {
        self.complete(Outcome::Result(value))
    }

    /// Completes the future with an error, and schedules its awaiters and callbacks.
    ///
    /// Python: `future.set_exception(exception)`
    ///
    /// # Errors
    ///
    /// [`InvalidStateError`] ("invalid state") if the future is already done.
    pub fn set_exception(&self, exception: impl Into<Exception>) -> Result<(), InvalidStateError> {
        self.complete(Outcome::Exception(exception.into()))
    }

    /// Cancels the future: `true` if it was pending (it is now cancelled, and its awaiters
    /// and callbacks are scheduled), `false` if it was already done.
    ///
    /// Python: `future.cancel()`
    pub fn cancel(&self) -> bool {
        self.cancel_outcome(None)
    }

    /// [`cancel`](Future::cancel) with a message, which every [`CancelledError`] read from
    /// the future carries.
    ///
    /// Python: `future.cancel(msg)`
    pub fn cancel_with(&self, message: impl Into<String>) -> bool {
        self.cancel_outcome(Some(message.into()))
    }

    /// Both cancels. As asyncio's `cancel`, an attempt on a future already done still
    /// silences its "exception was never retrieved" report: whoever cancels has given up
    /// on its outcome.
    fn cancel_outcome(&self, message: Option<String>) -> bool {
        self.lock().unretrieved = false;
        self.complete(Outcome::Cancelled(message)).is_ok()
    }

    fn complete(&self, outcome: Outcome<T>) -> Result<(), InvalidStateError> {
        let mut state = self.lock();
        if !matches!(state.outcome, Outcome::Pending) {
            return Err(InvalidStateError::DONE);
        }
        state.unretrieved = matches!(outcome, Outcome::Exception(_));
        state.outcome = outcome;
        let listeners = std::mem::take(&mut state.listeners);
        drop(state);
        // asyncio's `__schedule_callbacks`: every listener gets its turn, in order.
        let mut callbacks = Vec::new();
        for listener in listeners {
            match listener {
                Listener::Callback(callback) => callbacks.push(callback),
                Listener::Waiter { waker, .. } => {
                    self.schedule_callbacks(std::mem::take(&mut callbacks));
                    waker.wake();
                }
            }
        }
        self.schedule_callbacks(callbacks);
        Ok(())
    }

    /// Spawns one task that runs `callbacks` in order.
    fn schedule_callbacks(&self, callbacks: Vec<DoneCallback<T>>) {
        if callbacks.is_empty() {
            return;
        }
        let future = self.clone();
        (self.inner.spawn)(Box::pin(async move {
            for callback in callbacks {
                if let Err(panic) = catch_unwind(AssertUnwindSafe(|| callback.call(&future))) {
                    // asyncio's `Handle._run`: "Exception in callback ...", to the
                    // exception handler; the next callbacks still run.
                    let name = callback.name();
                    let context = ExceptionContext::new(format!("Exception in callback {name}()"))
                        .with_exception(&callback_exception(&*panic))
                        .with_handle(ContextObject::new(format!("<Handle {name}()>")));
                    future.inner.reporter.report(&context);
                }
            }
        }));
    }

    /// Whether the future is done: it has a result, an exception, or was cancelled.
    ///
    /// Python: `future.done()`
    pub fn done(&self) -> bool {
        !matches!(self.lock().outcome, Outcome::Pending)
    }

    /// Whether the future was cancelled.
    ///
    /// Python: `future.cancelled()`
    pub fn cancelled(&self) -> bool {
        matches!(self.lock().outcome, Outcome::Cancelled(_))
    }

    /// The future's result.
    ///
    /// Python: `future.result()`
    ///
    /// # Errors
    ///
    /// - [`FutureError::InvalidState`] ("result is not set") while it is pending;
    /// - [`FutureError::Cancelled`], carrying the message, if it was cancelled;
    /// - [`FutureError::Exception`], the error it was completed with.
    pub fn result(&self) -> Result<T, FutureError>
    where
        T: Clone,
    {
        self.lock()
            .read()
            .unwrap_or(Err(FutureError::InvalidState(InvalidStateError::NO_RESULT)))
    }

    /// The error the future was completed with, or `None` if it has a result.
    ///
    /// Python: `future.exception()`
    ///
    /// # Errors
    ///
    /// [`FutureError::InvalidState`] ("exception is not set") while it is pending;
    /// [`FutureError::Cancelled`], carrying the message, if it was cancelled.
    pub fn exception(&self) -> Result<Option<Exception>, FutureError> {
        let mut state = self.lock();
        state.unretrieved = false;
        match &state.outcome {
            Outcome::Pending => Err(FutureError::InvalidState(InvalidStateError::NO_EXCEPTION)),
            Outcome::Result(_) => Ok(None),
            Outcome::Exception(exception) => Ok(Some(exception.clone())),
            Outcome::Cancelled(message) => {
                Err(FutureError::Cancelled(CancelledError::new(message.clone())))
            }
        }
    }

    /// Adds `callback`, to be scheduled when the future is done; if it is done already,
    /// it is scheduled now. Never called inline.
    ///
    /// Python: `future.add_done_callback(callback)`
    pub fn add_done_callback(&self, callback: DoneCallback<T>) {
        let mut state = self.lock();
        if matches!(state.outcome, Outcome::Pending) {
            state.listeners.push(Listener::Callback(callback));
            return;
        }
        drop(state);
        self.schedule_callbacks(vec![callback]);
    }

    /// Removes every registration of `callback`; returns how many were removed.
    ///
    /// Python: `future.remove_done_callback(callback)`
    pub fn remove_done_callback(&self, callback: &DoneCallback<T>) -> usize {
        let mut state = self.lock();
        let before = state.listeners.len();
        state
            .listeners
            .retain(|listener| !matches!(listener, Listener::Callback(c) if c.is(callback)));
        before - state.listeners.len()
    }

    /// A future that waits for this one and gives its outcome.
    ///
    /// Python: `await future`
    pub fn wait(&self) -> Wait<T> {
        Wait {
            future: self.clone(),
            id: None,
            awaiting: None,
        }
    }
}

/// What a task awaits: cancelling the task cancels the future first.
impl<T: Send + 'static> Awaited for Future<T> {
    fn cancel(&self, message: Option<String>) -> bool {
        match message {
            Some(message) => self.cancel_with(message),
            None => Future::cancel(self),
        }
    }

    fn done(&self) -> bool {
        Future::done(self)
    }
}

impl<T: Clone> State<T> {
    /// The outcome as a `Result`, if the future is done; an exception read is retrieved.
    fn read(&mut self) -> Option<Result<T, FutureError>> {
        if !matches!(self.outcome, Outcome::Pending) {
            self.unretrieved = false;
        }
        match &self.outcome {
            Outcome::Pending => None,
            Outcome::Result(value) => Some(Ok(value.clone())),
            Outcome::Exception(exception) => Some(Err(FutureError::Exception(exception.clone()))),
            Outcome::Cancelled(message) => Some(Err(FutureError::Cancelled(CancelledError::new(
                message.clone(),
            )))),
        }
    }
}

/// The exception a panic payload stands for: a [`PyError`](aio_rt::PyError) keeps its
/// class, a message is a bare `Exception`.
fn callback_exception(payload: &(dyn std::any::Any + Send)) -> aio_rt::PyError {
    if let Some(error) = payload.downcast_ref::<aio_rt::PyError>() {
        return error.clone();
    }
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "<non-string panic payload>".to_owned());
    aio_rt::PyError::new("Exception", message)
}

impl<T> Drop for Inner<T> {
    fn drop(&mut self) {
        // The last clone is gone: asyncio's `Future.__del__`.
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let (true, Outcome::Exception(exception)) = (state.unretrieved, &state.outcome) {
            let repr = format!("<Future finished exception={}>", exception_repr(exception));
            let context = ExceptionContext::new("Future exception was never retrieved")
                .with_exception(exception)
                .with_future(ContextObject::new(repr));
            self.reporter.report(&context);
        }
    }
}

impl<T> Clone for Future<T> {
    fn clone(&self) -> Self {
        Future {
            inner: Arc::clone(&self.inner),
        }
    }
}

/// asyncio's repr of the future, with its state: `<Future pending>`, `<Future finished
/// result=42>`, `<Future finished exception=ValueError('boom')>`, `<Future cancelled>`.
/// Printing reads nothing: an exception printed is not retrieved.
///
/// Python: `repr(future)`
///
/// # Differences from Python
///
/// No address, and no `cb=[...]`: asyncio names its done callbacks (an awaiting task's
/// `Task.task_wakeup()`), which have no name here (see the `aio` crate docs, "Printing").
/// The result prints with `Debug` (a string as `"a"` where Python shows `'a'`).
impl<T: fmt::Debug> fmt::Display for Future<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self
            .inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match &state.outcome {
            Outcome::Pending => f.write_str("<Future pending>"),
            Outcome::Result(value) => write!(f, "<Future finished result={value:?}>"),
            Outcome::Exception(e) => {
                write!(
                    f,
                    "<Future finished exception={}>",
                    aio_rt::exception_repr(e)
                )
            }
            Outcome::Cancelled(_) => f.write_str("<Future cancelled>"),
        }
    }
}

impl<T> fmt::Debug for Future<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self
            .inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let name = match state.outcome {
            Outcome::Pending => "pending",
            Outcome::Result(_) | Outcome::Exception(_) => "finished",
            Outcome::Cancelled(_) => "cancelled",
        };
        f.debug_struct("Future")
            .field("state", &name)
            .field("listeners", &state.listeners.len())
            .finish()
    }
}

impl<T: Clone + Send + 'static> IntoFuture for Future<T> {
    type Output = Result<T, FutureError>;
    type IntoFuture = Wait<T>;

    fn into_future(self) -> Wait<T> {
        Wait {
            future: self,
            id: None,
            awaiting: None,
        }
    }
}

impl<T: Clone + Send + 'static> IntoFuture for &Future<T> {
    type Output = Result<T, FutureError>;
    type IntoFuture = Wait<T>;

    fn into_future(self) -> Wait<T> {
        self.wait()
    }
}

/// One awaiter of a [`Future`]: completes with the future's outcome.
///
/// Python: `await future`
///
/// # Cancel safety
///
/// Dropping it removes this awaiter from the future's list; the future itself is not
/// affected (see the differences on [`Future`]). Cancelling the `aio_tasks` task that
/// awaits it cancels the future, before this is dropped.
#[must_use = "a Wait does nothing unless awaited, as in asyncio: \"coroutine 'Future.__await__' was never awaited\""]
pub struct Wait<T> {
    future: Future<T>,
    /// Our place in the future's list, once we waited.
    id: Option<u64>,
    /// The task suspended on us, which records the future as what it awaits (so that
    /// cancelling the task cancels the future: asyncio's `_fut_waiter`).
    awaiting: Option<Arc<dyn Awaiting>>,
}

impl<T> Wait<T> {
    /// The task no longer awaits the future.
    fn unregister(&mut self) {
        if let Some(task) = self.awaiting.take() {
            task.set_waiting_on(None);
        }
    }
}

impl<T: Clone + Send + 'static> StdFuture for Wait<T> {
    type Output = Result<T, FutureError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let mut state = this.future.lock();
        if let Some(outcome) = state.read() {
            // Done: no suspension (and our listener, if any, is gone with the others).
            this.id = None;
            drop(state);
            this.unregister();
            return Poll::Ready(outcome);
        }
        match this.id {
            None => {
                let id = state.next_waiter;
                state.next_waiter += 1;
                state.listeners.push(Listener::Waiter {
                    id,
                    waker: cx.waker().clone(),
                });
                this.id = Some(id);
                drop(state);
                // Suspended in a task: the task records the future as what it awaits.
                if let Some(task) = aio_rt::current_awaiting() {
                    task.set_waiting_on(Some(Arc::new(this.future.clone())));
                    this.awaiting = Some(task);
                }
                return Poll::Pending;
            }
            Some(id) => {
                // Polled again while pending: keep our place, refresh the waker.
                for listener in &mut state.listeners {
                    if let Listener::Waiter { id: mine, waker } = listener {
                        if *mine == id && !waker.will_wake(cx.waker()) {
                            *waker = cx.waker().clone();
                        }
                    }
                }
            }
        }
        Poll::Pending
    }
}

impl<T> Drop for Wait<T> {
    fn drop(&mut self) {
        self.unregister();
        if let Some(id) = self.id.take() {
            let mut state = self
                .future
                .inner
                .state
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            state.listeners.retain(
                |listener| !matches!(listener, Listener::Waiter { id: mine, .. } if *mine == id),
            );
        }
    }
}

impl<T> fmt::Debug for Wait<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("waiting", &self.id.is_some())
            .finish()
    }
}
