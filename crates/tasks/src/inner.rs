//! Definition of `Inner`, the state a task and its handles share, and `Driver`, the future
//! actually spawned on the runtime: it polls the body as the current task, catches its
//! panic, honours cancellation and runs the done callbacks.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use aio_rt::JoinHandle;

use pin_project_lite::pin_project;

use crate::current::{self, Erased, Family};
use crate::{CancelledError, Task, TaskError, UnretrievedFailure};

pub(crate) type Outcome<T, E> = Result<T, TaskError<E>>;
type Callback<T, E> = Box<dyn FnOnce(&Task<T, E>) + Send>;

/// Shared by the driver, every `Task` handle and every pending await.
pub(crate) struct Inner<T, E> {
    pub(crate) number: u64,
    pub(crate) family: Arc<Family>,
    /// Set once cancellation is requested: the driver reads it without locking.
    cancelling: AtomicBool,
    /// `E` as text, to report a failure nobody retrieved (captured where `E: Display`).
    describe: fn(&E) -> String,
    state: Mutex<State<T, E>>,
}

pub(crate) struct State<T, E> {
    /// `None` while the task runs.
    pub(crate) outcome: Option<Outcome<T, E>>,
    /// `None`: the default name, `Task-<number>`.
    name: Option<Box<str>>,
    /// Done callbacks and awaiters, in the order they were added (asyncio keeps both in one
    /// list: an `await task` is a done callback that wakes the awaiting task).
    callbacks: Vec<Entry<T, E>>,
    next_key: u32,
    /// Whether the failure was awaited or read (asyncio's `__log_traceback = False`).
    pub(crate) retrieved: bool,
    /// The message given to `cancel`.
    cancel_message: Option<Box<str>>,
    /// The runtime's handle to the driver: cancelling it wakes the driver and drops it
    /// where it is suspended.
    join: Option<JoinHandle<()>>,
    waiting_on: Option<Arc<dyn Erased>>,
}

enum Entry<T, E> {
    Waiter { key: u32, waker: Waker },
    Callback(Callback<T, E>),
}

impl<T, E> Inner<T, E> {
    pub(crate) fn new(
        number: u64,
        family: Arc<Family>,
        name: Option<String>,
        describe: fn(&E) -> String,
    ) -> Self {
        Inner {
            number,
            family,
            cancelling: AtomicBool::new(false),
            describe,
            state: Mutex::new(State {
                outcome: None,
                name: name.map(String::into_boxed_str),
                callbacks: Vec::new(),
                next_key: 0,
                retrieved: false,
                cancel_message: None,
                join: None,
                waiting_on: None,
            }),
        }
    }

    /// Keeps the runtime's handle to the driver, for `cancel`.
    pub(crate) fn set_join(&self, join: JoinHandle<()>) {
        let mut state = self.lock();
        if self.cancelling.load(Ordering::Acquire) {
            // Cancelled before we got here: make sure the driver hears of it.
            join.cancel();
        }
        state.join = Some(join);
    }

    fn cancel_message(&self) -> Option<String> {
        self.lock().cancel_message.as_deref().map(str::to_owned)
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State<T, E>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn name(&self) -> String {
        match &self.lock().name {
            Some(name) => name.to_string(),
            None => format!("Task-{}", self.number),
        }
    }

    pub(crate) fn set_name(&self, name: String) {
        self.lock().name = Some(name.into_boxed_str());
    }

    /// asyncio's `Task.cancel`: if the task awaits another task, that one is cancelled
    /// first, and this one stops when that one's cancellation reaches it; otherwise this
    /// one is woken to stop at once.
    pub(crate) fn cancel(&self, message: Option<String>) -> bool {
        let mut state = self.lock();
        if state.outcome.is_some() {
            return false;
        }
        state.cancel_message = message.as_deref().map(Box::from);
        self.cancelling.store(true, Ordering::Release);
        let waiting_on = state.waiting_on.clone();
        drop(state);
        if let Some(inner) = waiting_on {
            if inner.cancel(message) {
                // The awaited task ends cancelled and wakes us; we stop then.
                return true;
            }
        }
        if let Some(join) = &self.lock().join {
            join.cancel();
        }
        true
    }

    /// Polls for the outcome on behalf of the awaiter `key` (a fresh key when `None`).
    pub(crate) fn poll_outcome(
        &self,
        key: &mut Option<u32>,
        cx: &mut Context<'_>,
    ) -> Poll<Outcome<T, E>>
    where
        T: Clone,
        E: Clone,
    {
        let mut state = self.lock();
        if let Some(outcome) = &state.outcome {
            let outcome = outcome.clone();
            state.retrieved = true;
            *key = None;
            return Poll::Ready(outcome);
        }
        let waker = cx.waker();
        match *key {
            Some(k) => {
                for entry in &mut state.callbacks {
                    if let Entry::Waiter { key, waker: w } = entry {
                        if *key == k && !w.will_wake(waker) {
                            *w = waker.clone();
                        }
                    }
                }
            }
            None => {
                let k = state.next_key;
                state.next_key += 1;
                // Most tasks have one awaiter: do not let the first push allocate four.
                state.callbacks.reserve_exact(1);
                state.callbacks.push(Entry::Waiter {
                    key: k,
                    waker: waker.clone(),
                });
                *key = Some(k);
            }
        }
        Poll::Pending
    }

    /// Forgets the awaiter `key` (its await was dropped).
    pub(crate) fn remove_waiter(&self, k: u32) {
        self.lock()
            .callbacks
            .retain(|e| !matches!(e, Entry::Waiter { key, .. } if *key == k));
    }

    /// Adds a done callback; on a finished task it is scheduled at once.
    pub(crate) fn add_callback(self: &Arc<Self>, callback: Callback<T, E>)
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        let mut state = self.lock();
        if state.outcome.is_none() {
            state.callbacks.reserve_exact(1);
            state.callbacks.push(Entry::Callback(callback));
            return;
        }
        drop(state);
        self.schedule(callback);
    }

    fn schedule(self: &Arc<Self>, callback: Callback<T, E>)
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        let task = Task {
            inner: Arc::clone(self),
        };
        self.family.call_soon(Box::new(move || callback(&task)));
    }

    /// Sets the outcome and runs the callbacks: wakes the awaiters, schedules the rest.
    pub(crate) fn finish(self: &Arc<Self>, outcome: Outcome<T, E>)
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        let mut state = self.lock();
        if state.outcome.is_some() {
            return;
        }
        state.outcome = Some(outcome);
        state.waiting_on = None;
        let callbacks = std::mem::take(&mut state.callbacks);
        drop(state);
        for entry in callbacks {
            match entry {
                Entry::Waiter { waker, .. } => waker.wake(),
                Entry::Callback(callback) => self.schedule(callback),
            }
        }
    }

    /// The failure of a finished task, if it failed, marking it retrieved.
    pub(crate) fn failure(&self) -> Option<TaskError<E>>
    where
        E: Clone,
    {
        let mut state = self.lock();
        state.retrieved = true;
        match &state.outcome {
            Some(Err(e @ (TaskError::Failed(_) | TaskError::Panicked(_)))) => Some(e.clone()),
            _ => None,
        }
    }

    pub(crate) fn is_done(&self) -> bool {
        self.lock().outcome.is_some()
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        matches!(self.lock().outcome, Some(Err(TaskError::Cancelled(_))))
    }
}

impl<T, E> Drop for Inner<T, E> {
    fn drop(&mut self) {
        // The last reference is gone: asyncio's `Task.__del__`.
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        if state.retrieved {
            return;
        }
        let error = match &state.outcome {
            Some(Err(TaskError::Failed(e))) => (self.describe)(e),
            Some(Err(TaskError::Panicked(message))) => format!("task panicked: {message}"),
            _ => return,
        };
        let task = match state.name.take() {
            Some(name) => name.into_string(),
            None => format!("Task-{}", self.number),
        };
        self.family.report(&UnretrievedFailure { task, error });
    }
}

impl<T: Send + 'static, E: Send + 'static> Erased for Inner<T, E> {
    fn name(&self) -> String {
        Inner::name(self)
    }

    fn set_name(&self, name: String) {
        Inner::set_name(self, name);
    }

    fn cancel(&self, message: Option<String>) -> bool {
        Inner::cancel(self, message)
    }

    fn is_done(&self) -> bool {
        Inner::is_done(self)
    }

    fn is_cancelled(&self) -> bool {
        Inner::is_cancelled(self)
    }

    fn family(&self) -> &Arc<Family> {
        &self.family
    }

    fn set_waiting_on(&self, on: Option<Arc<dyn Erased>>) {
        let mut state = self.lock();
        if state.outcome.is_none() {
            state.waiting_on = on;
        }
    }
}

pin_project! {
    /// The spawned future: the body, run as the current task.
    pub(crate) struct Driver<F, T, E>
    where
        T: Send,
        T: 'static,
        E: Send,
        E: 'static,
    {
        #[pin]
        body: Option<F>,
        // This task, erased, moved into the thread-local `current` while the body is
        // polled (moving it in and out costs no reference counting).
        current: Option<Arc<dyn Erased>>,
        // Declared after `body`, so dropped after it: the task is finished (and its
        // awaiters woken) only once everything the body held is gone.
        finisher: Finisher<T, E>,
    }
}

impl<F, T, E> Driver<F, T, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    pub(crate) fn new(body: F, inner: Arc<Inner<T, E>>, erased: Arc<dyn Erased>) -> Self {
        Driver {
            body: Some(body),
            current: Some(erased),
            finisher: Finisher(inner, false),
        }
    }
}

impl<F, T, E> Future for Driver<F, T, E>
where
    F: Future<Output = Result<T, E>>,
    T: Send + 'static,
    E: Send + 'static,
{
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
        let inner = &this.finisher.0;
        let Some(body) = this.body.as_mut().as_pin_mut() else {
            return Poll::Ready(());
        };
        if inner.cancelling.load(Ordering::Acquire) {
            // Cancelled: the body is dropped where it is suspended (or before it ever
            // ran), running its destructors: the Rust `finally`.
            let dropped = catch_unwind(AssertUnwindSafe(|| this.body.set(None)));
            inner.finish(match dropped {
                Ok(()) => Err(TaskError::Cancelled(CancelledError {
                    message: inner.cancel_message(),
                })),
                Err(payload) => Err(TaskError::Panicked(panic_message(&*payload))),
            });
            this.finisher.1 = true;
            return Poll::Ready(());
        }
        let previous = current::swap(this.current.take());
        let polled = catch_unwind(AssertUnwindSafe(|| body.poll(cx)));
        *this.current = current::swap(previous);
        let outcome = match polled {
            Ok(Poll::Pending) => {
                if inner.cancelling.load(Ordering::Acquire) {
                    // Cancelled during this very poll: come back at once to stop.
                    cx.waker().wake_by_ref();
                }
                return Poll::Pending;
            }
            Ok(Poll::Ready(Ok(value))) => Ok(value),
            Ok(Poll::Ready(Err(error))) => Err(TaskError::Failed(error)),
            Err(payload) => Err(TaskError::Panicked(panic_message(&*payload))),
        };
        let _ = catch_unwind(AssertUnwindSafe(|| this.body.set(None)));
        inner.finish(outcome);
        this.finisher.1 = true;
        Poll::Ready(())
    }
}

/// Finishes the task as cancelled if the driver is dropped before it finished it (the
/// runtime cancelled it through the JoinHandle, or shut down). The flag: already finished.
pub(crate) struct Finisher<T: Send + 'static, E: Send + 'static>(Arc<Inner<T, E>>, bool);

impl<T: Send + 'static, E: Send + 'static> Drop for Finisher<T, E> {
    fn drop(&mut self) {
        if self.1 {
            return;
        }
        let message = self.0.cancel_message();
        self.0
            .finish(Err(TaskError::Cancelled(CancelledError { message })));
    }
}

/// The message of a panic payload, as `std` prints it.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        (*message).to_owned()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        "<non-string panic payload>".to_owned()
    }
}
