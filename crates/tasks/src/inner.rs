//! Definition of `Inner`, the state a task and its handles share, and `Driver`, the future
//! actually spawned on the runtime: it polls the body as the current task, catches its
//! panic, honours cancellation and runs the done callbacks.
//!
//! A task costs two allocations: the runtime's own task (holding the driver and the body)
//! and one `Inner`, which holds everything else. `Inner` is kept small because every task
//! pays for it: the common case (a running task, one awaiter) lives inline, and what few
//! tasks need (a custom name, done callbacks, more awaiters, a cancellation, the task it
//! awaits) lives in a box allocated on first use.

use std::cell::RefCell;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::task::{Context, Poll, Waker};

use aio_rt::{PyError, PyException};
use pin_project_lite::pin_project;

use crate::context::Context as Vars;
use crate::current::{self, Erased, Family, Interceptor};
use crate::sync::{AtomicU64, Mutex, MutexGuard};
use crate::{CancelledError, Task, TaskError};

/// The bit of `Inner::meta` set once cancellation is requested.
const CANCELLING: u64 = 1 << 63;

pub(crate) type Outcome<T, E> = Result<T, TaskError<E>>;
type Callback<T, E> = Box<dyn FnOnce(&Task<T, E>) + Send>;

/// Shared by the driver, every `Task` handle and every pending await.
pub(crate) struct Inner<T, E> {
    /// The N of the default name `Task-N` (counted by the family) in the low bits, and
    /// [`CANCELLING`] in the top bit: one word, so that the driver reads the flag without
    /// locking and `Inner` stays a word smaller.
    meta: AtomicU64,
    pub(crate) family: Arc<Family>,
    state: Mutex<State<T, E>>,
}

struct State<T, E> {
    progress: Progress<T, E>,
    /// The first awaiter (most tasks have at most one). When set, it was added before
    /// every entry of `extra.entries`, so it is woken first.
    waiter: Option<Waker>,
    /// What few tasks need, allocated on first use.
    extra: Option<Box<Extra<T, E>>>,
}

enum Progress<T, E> {
    /// Not finished. `waker` wakes the driver, so that a cancellation reaches it.
    Running {
        waker: Option<Waker>,
    },
    Value(T),
    /// The message is `extra.cancel_message`, until the first reader takes it.
    Cancelled,
    /// The body returned `Err` or panicked: boxed, as failures are rare and the common case
    /// stays small. `retrieved`: awaited or read (asyncio's `__log_traceback = False`).
    Failed {
        failure: Box<Failure<E>>,
        retrieved: bool,
    },
}

struct Failure<E> {
    /// `TaskError::Failed` or `TaskError::Panicked`.
    error: TaskError<E>,
    /// `E` as text, to report the failure if nobody retrieves it.
    describe: fn(&E) -> PyError,
    /// The body's Rust type name, for the report's repr (asyncio's `coro=<...>`).
    coro: &'static str,
}

struct Extra<T, E> {
    /// `None`: the default name, `Task-<number>`.
    name: Option<Box<str>>,
    /// The message given to `cancel`.
    cancel_message: Option<Box<str>>,
    /// The pending request found the task suspended: asyncio's `cancel()` cancelled the
    /// future it waited on, whose `CancelledError` (with this message) is what the task
    /// receives, so later requests before it runs do not change the message.
    landed: bool,
    /// `cancel` calls accepted, less `uncancel` calls (asyncio's `_num_cancels_requested`).
    cancel_requests: u32,
    /// Done callbacks and the awaiters after the first, in the order they were added
    /// (asyncio keeps both in one list: an `await task` is a done callback that wakes the
    /// awaiting task).
    entries: Vec<Entry<T, E>>,
    next_key: u32,
    /// What this task awaits (a task, an `aio_futures::Future`), cancelled first when
    /// this one is (asyncio's `_fut_waiter`).
    waiting_on: Option<Arc<dyn aio_rt::Awaited>>,
    /// The `TaskGroup`s running in this task, innermost last: the innermost takes this
    /// task's cancellations.
    interceptors: Vec<Arc<dyn Interceptor>>,
    /// The context the task runs in (`None`: an empty one, made when a variable is set).
    context: Option<Vars>,
    /// The `catch_cancel` frames suspended in the body: while there is one, a
    /// cancellation is delivered to the body as a value instead of dropping it.
    catching: u32,
    /// The waker of the `catch_cancel` frame polled last, woken by `cancel` (a combinator
    /// in the body may poll only the branches that were woken).
    catch_waker: Option<Waker>,
    /// `finish_in_turn` left `entries` (internal done callbacks only) for the driver's
    /// next turn: a flag rather than a second vector, 24 bytes less in every `Extra`.
    deferring: bool,
    /// The pending cancellation is a `CancelledError` raised by the body in this very
    /// step (a `TaskGroup` passing its owner's cancellation on), not a request for the
    /// next one: the driver drops the body at the end of the poll (see `raise_cancelled`).
    raise_now: bool,
}

enum Entry<T, E> {
    Waiter {
        key: u32,
        waker: Waker,
    },
    /// A done callback given to `add_done_callback`: run as a callback of its own
    /// (`loop.call_soon`), a runtime task.
    Callback(Callback<T, E>),
    /// A done callback of this crate's own (`Finished`: gather, wait, as_completed; the
    /// one a TaskGroup adds to each child), which never panics. See
    /// [`Inner::finish_in_turn`].
    Internal(Callback<T, E>),
}

/// Which awaiter a `Join` is: the inline first one, or one in the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum WaiterKey {
    First,
    Listed(u32),
}

impl<T, E> State<T, E> {
    fn extra(&mut self) -> &mut Extra<T, E> {
        self.extra.get_or_insert_with(|| {
            Box::new(Extra {
                name: None,
                cancel_message: None,
                landed: false,
                cancel_requests: 0,
                entries: Vec::new(),
                next_key: 0,
                waiting_on: None,
                interceptors: Vec::new(),
                context: None,
                catching: 0,
                catch_waker: None,
                deferring: false,
                raise_now: false,
            })
        })
    }

    fn is_running(&self) -> bool {
        matches!(self.progress, Progress::Running { .. })
    }

    /// The message given to `cancel`, handed out once: asyncio's Task gives the
    /// `CancelledError` it finished with to the first reader (`await`, `result()`,
    /// `exception()`), and a new one without the message to every later reader.
    fn take_cancel_message(&mut self) -> Option<String> {
        let extra = self.extra.as_mut()?;
        extra.cancel_message.take().map(String::from)
    }

    /// The outcome of a finished task; `retrieve`: marking a failure retrieved and taking
    /// the cancel message (an observer that only learns the task is done, as asyncio's
    /// `wait`, does neither).
    fn outcome(&mut self, retrieve: bool) -> Option<Outcome<T, E>>
    where
        T: Clone,
        E: Clone,
    {
        match &mut self.progress {
            Progress::Running { .. } => None,
            Progress::Value(value) => Some(Ok(value.clone())),
            // An observer does not read the `CancelledError`, so the message stays for the
            // first real reader (asyncio's `wait` never calls `_make_cancelled_error`).
            Progress::Cancelled => Some(Err(TaskError::Cancelled(CancelledError {
                message: if retrieve {
                    self.take_cancel_message()
                } else {
                    None
                },
            }))),
            Progress::Failed { failure, retrieved } => {
                *retrieved |= retrieve;
                Some(Err(failure.error.clone()))
            }
        }
    }
}

impl<T, E> Inner<T, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    /// A new running task, numbered and listed by `family`, running in `context`
    /// (`None`: an empty one).
    pub(crate) fn new(
        family: Arc<Family>,
        name: Option<String>,
        context: Option<Vars>,
    ) -> Arc<Self> {
        let extra = (name.is_some() || context.is_some()).then(|| {
            Box::new(Extra {
                name: name.map(String::into_boxed_str),
                cancel_message: None,
                landed: false,
                cancel_requests: 0,
                entries: Vec::new(),
                next_key: 0,
                waiting_on: None,
                interceptors: Vec::new(),
                context,
                catching: 0,
                catch_waker: None,
                deferring: false,
                raise_now: false,
            })
        });
        let inner = Arc::new(Inner {
            meta: AtomicU64::new(0),
            family,
            state: Mutex::new(State {
                progress: Progress::Running { waker: None },
                waiter: None,
                extra,
            }),
        });
        // Listed once it exists (a sweep keeps only tasks alive), numbered under the
        // family's lock, before anyone can read the number.
        let me = Arc::downgrade(&inner);
        inner.family.list(me, |number| {
            inner.meta.store(number & !CANCELLING, Ordering::Relaxed);
        });
        inner
    }
}

impl<T, E> Inner<T, E> {
    /// The N of `Task-N`.
    pub(crate) fn number(&self) -> u64 {
        self.meta.load(Ordering::Relaxed) & !CANCELLING
    }

    /// Whether cancellation was requested.
    fn cancelling(&self) -> bool {
        self.meta.load(Ordering::Acquire) & CANCELLING != 0
    }

    fn lock(&self) -> MutexGuard<'_, State<T, E>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn name(&self) -> String {
        let state = self.lock();
        match state.extra.as_ref().and_then(|extra| extra.name.as_deref()) {
            Some(name) => name.to_owned(),
            None => format!("Task-{}", self.number()),
        }
    }

    pub(crate) fn set_name(&self, name: String) {
        self.lock().extra().name = Some(name.into_boxed_str());
    }

    /// asyncio's `Task.cancel`: if the task awaits another task, that one is cancelled
    /// first, and this one stops when that one's cancellation reaches it; otherwise this
    /// one is woken to stop at once.
    ///
    /// In an await cycle (A awaits B, B awaits A) the request comes back round to a task
    /// whose `cancel` is already running on this thread: it stops there, and that task is
    /// woken to stop; its end then ends the others, one by one. So `cancel` recurses at
    /// most once per task, cycle or not.
    ///
    /// A `TaskGroup` running in the task takes the request instead (see
    /// `Erased::push_interceptor`), and passes it on once its children have ended.
    pub(crate) fn cancel(&self, message: Option<String>) -> bool {
        let mut state = self.lock();
        if !state.is_running() {
            return false;
        }
        let extra = state.extra();
        extra.cancel_requests = extra.cancel_requests.saturating_add(1);
        // A TaskGroup running in this task takes the cancellation over (its `__aexit__`).
        let group = extra.interceptors.last().cloned();
        if let Some(group) = group {
            drop(state);
            group.intercept(message);
            return true;
        }
        // asyncio's `cancel()` on a task suspended on a future cancels that future with
        // the message; a second request before the task runs finds it cancelled already
        // and cannot change what the task receives. A task not suspended (running, or
        // about to run) takes the last message (`_must_cancel`, `_cancel_message = msg`).
        let pending = self.cancelling();
        let parked = matches!(state.progress, Progress::Running { waker: Some(_) });
        let extra = state.extra();
        if !(pending && extra.landed) {
            extra.cancel_message = message.as_deref().map(Box::from);
        }
        if !pending {
            extra.landed = parked;
        }
        self.meta.fetch_or(CANCELLING, Ordering::Release);
        let waiting_on = state.extra.as_ref().and_then(|x| x.waiting_on.clone());
        drop(state);
        if let Some(inner) = waiting_on {
            let me = std::ptr::from_ref(self).cast::<()>();
            if cascade(me, || inner.cancel(message)) == Some(true) {
                // The awaited task ends cancelled and wakes us; we stop then.
                return true;
            }
        }
        self.wake_driver();
        true
    }

    /// Wakes the driver, and the `catch_cancel` frame that waits, if any: a request is
    /// pending.
    fn wake_driver(&self) {
        let mut state = self.lock();
        let catch_waker = state.extra.as_mut().and_then(|x| x.catch_waker.take());
        let waker = match &mut state.progress {
            Progress::Running { waker, .. } => waker.take(),
            _ => None,
        };
        drop(state);
        if let Some(waker) = waker {
            waker.wake();
        }
        if let Some(waker) = catch_waker {
            waker.wake();
        }
    }

    /// A cancellation to deliver into the body, made by a scope of the task itself (a
    /// `timeout`, a `TaskGroup`) whose body catches it: the pending request is set with
    /// `message`, as `cancel` sets it, and counted when `count` (asyncio's scopes call
    /// `task.cancel()`, which counts; a `TaskGroup` passing on its owner's request counted
    /// it already). Nothing on a finished task.
    pub(crate) fn request_delivery(&self, message: Option<String>, count: bool) {
        let mut state = self.lock();
        if !state.is_running() {
            return;
        }
        let extra = state.extra();
        if count {
            extra.cancel_requests = extra.cancel_requests.saturating_add(1);
        }
        extra.cancel_message = message.map(String::into_boxed_str);
        self.meta.fetch_or(CANCELLING, Ordering::Release);
        drop(state);
        self.wake_driver();
    }

    /// As [`request_delivery`](Self::request_delivery) (not counted), for a cancellation
    /// the body raises now: asyncio re-raises a `CancelledError` within the same step, so
    /// the driver drops the body at the end of this poll, where a request (`cancel()`)
    /// takes effect at the task's next turn. A `catch_cancel` frame still receives it.
    pub(crate) fn raise_cancelled(&self, message: Option<String>) {
        let mut state = self.lock();
        if !state.is_running() {
            return;
        }
        state.extra().raise_now = true;
        drop(state);
        self.request_delivery(message, false);
    }

    /// Whether the pending cancellation is one raised in this step (clears the mark).
    fn take_raise_now(&self) -> bool {
        match &mut self.lock().extra {
            Some(extra) => std::mem::take(&mut extra.raise_now),
            None => false,
        }
    }

    /// Whether a cancellation is pending (requested, not delivered yet).
    pub(crate) fn cancel_pending(&self) -> bool {
        self.cancelling()
    }

    /// Delivers the pending cancellation, if any, to a `catch_cancel` frame: the request
    /// is consumed (asyncio's `_must_cancel = False` once the `CancelledError` is thrown
    /// in), its count stays.
    pub(crate) fn take_cancel(&self) -> Option<CancelledError> {
        if !self.cancelling() {
            return None;
        }
        let mut state = self.lock();
        self.meta.fetch_and(!CANCELLING, Ordering::AcqRel);
        if let Some(extra) = state.extra.as_mut() {
            extra.raise_now = false;
            extra.landed = false;
        }
        let message = state
            .extra
            .as_ref()
            .and_then(|extra| extra.cancel_message.as_deref().map(String::from));
        Some(CancelledError { message })
    }

    /// A `catch_cancel` frame is suspended in the body (`enter`), or is not any more.
    pub(crate) fn catch_frame(&self, enter: bool) {
        let mut state = self.lock();
        let extra = state.extra();
        if enter {
            extra.catching = extra.catching.saturating_add(1);
        } else {
            extra.catching = extra.catching.saturating_sub(1);
            if extra.catching == 0 {
                extra.catch_waker = None;
            }
        }
    }

    /// Remembers the waker of the `catch_cancel` frame suspended last.
    pub(crate) fn set_catch_waker(&self, waker: &Waker) {
        let mut state = self.lock();
        let extra = state.extra();
        match &extra.catch_waker {
            Some(old) if old.will_wake(waker) => {}
            _ => extra.catch_waker = Some(waker.clone()),
        }
    }

    /// Whether a `catch_cancel` frame is suspended in the body (the rare path: locks).
    fn catching(&self) -> bool {
        let state = self.lock();
        state.extra.as_ref().is_some_and(|extra| extra.catching > 0)
    }

    /// The body let a `CancelledError` out (returned an error whose Python class is
    /// `CancelledError`): its message becomes the task's, as asyncio's task ends
    /// cancelled with the exception that reached it.
    fn set_cancel_message(&self, message: Option<String>) {
        let mut state = self.lock();
        state.extra().cancel_message = message.map(String::into_boxed_str);
    }

    /// asyncio's `Task.cancelling()`: the `cancel` calls accepted, less the `uncancel`
    /// calls.
    pub(crate) fn cancel_requests(&self) -> u32 {
        let state = self.lock();
        state
            .extra
            .as_ref()
            .map_or(0, |extra| extra.cancel_requests)
    }

    /// asyncio 3.11's `Task.uncancel()`: one request fewer (never below zero), the new
    /// count returned. The request itself stands: the flag stays set.
    pub(crate) fn uncancel(&self) -> u32 {
        let mut state = self.lock();
        let Some(extra) = state.extra.as_mut() else {
            return 0;
        };
        extra.cancel_requests = extra.cancel_requests.saturating_sub(1);
        extra.cancel_requests
    }

    /// Remembers how to wake the driver. Returns `true` when cancellation was requested
    /// and no `catch_cancel` frame is suspended in the body to receive it: the driver must
    /// then wake itself to drop the body, or the request would be lost. (`cancel` sets the
    /// flag before it takes the waker under the lock, so either it finds the waker stored
    /// here, or this sees the flag. A frame that sees the flag wakes itself.)
    fn park(&self, cx: &Context<'_>) -> bool {
        let mut state = self.lock();
        if let Progress::Running { waker, .. } = &mut state.progress {
            match waker {
                Some(old) if old.will_wake(cx.waker()) => {}
                _ => *waker = Some(cx.waker().clone()),
            }
        }
        self.cancelling() && state.extra.as_ref().is_none_or(|extra| extra.catching == 0)
    }

    /// Polls for the outcome on behalf of the awaiter `key` (a new awaiter when `None`).
    /// `retrieve`: as [`State::outcome`].
    pub(crate) fn poll_outcome(
        &self,
        key: &mut Option<WaiterKey>,
        cx: &mut Context<'_>,
        retrieve: bool,
    ) -> Poll<Outcome<T, E>>
    where
        T: Clone,
        E: Clone,
    {
        let mut state = self.lock();
        if let Some(outcome) = state.outcome(retrieve) {
            *key = None;
            return Poll::Ready(outcome);
        }
        let waker = cx.waker();
        match *key {
            Some(WaiterKey::First) => match &mut state.waiter {
                Some(w) if w.will_wake(waker) => {}
                w => *w = Some(waker.clone()),
            },
            Some(WaiterKey::Listed(k)) => {
                for entry in &mut state.extra().entries {
                    if let Entry::Waiter { key, waker: w } = entry {
                        if *key == k && !w.will_wake(waker) {
                            *w = waker.clone();
                        }
                    }
                }
            }
            None => {
                let listed_before = state
                    .extra
                    .as_ref()
                    .is_some_and(|extra| !extra.entries.is_empty());
                if state.waiter.is_none() && !listed_before {
                    state.waiter = Some(waker.clone());
                    *key = Some(WaiterKey::First);
                } else {
                    let extra = state.extra();
                    let k = extra.next_key;
                    extra.next_key += 1;
                    extra.entries.push(Entry::Waiter {
                        key: k,
                        waker: waker.clone(),
                    });
                    *key = Some(WaiterKey::Listed(k));
                }
            }
        }
        Poll::Pending
    }

    /// Forgets the awaiter `key` (its await was dropped).
    pub(crate) fn remove_waiter(&self, key: WaiterKey) {
        let mut state = self.lock();
        match key {
            WaiterKey::First => state.waiter = None,
            WaiterKey::Listed(k) => {
                if let Some(extra) = &mut state.extra {
                    extra
                        .entries
                        .retain(|e| !matches!(e, Entry::Waiter { key, .. } if *key == k));
                }
            }
        }
    }

    /// Adds a done callback; on a finished task it is scheduled at once.
    pub(crate) fn add_callback(self: &Arc<Self>, callback: Callback<T, E>)
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        self.add_entry(Entry::Callback(callback));
    }

    /// As [`add_callback`](Self::add_callback), for a callback of this crate's own that
    /// never panics: when it is all a task has to run as it finishes, it runs in the
    /// task's own next turn (see [`finish_in_turn`](Self::finish_in_turn)).
    pub(crate) fn add_internal_callback(self: &Arc<Self>, callback: Callback<T, E>)
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        self.add_entry(Entry::Internal(callback));
    }

    /// Lists a callback entry while the task runs, or schedules it at once.
    fn add_entry(self: &Arc<Self>, entry: Entry<T, E>)
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        let mut state = self.lock();
        if state.is_running() {
            let entries = &mut state.extra().entries;
            // Most tasks get one callback (a gather's, a TaskGroup's): room for one, not
            // the four a first push reserves (96 bytes less per gathered child).
            if entries.capacity() == 0 {
                entries.reserve_exact(1);
            }
            entries.push(entry);
            return;
        }
        drop(state);
        if let Entry::Callback(callback) | Entry::Internal(callback) = entry {
            self.schedule(callback);
        }
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
    fn finish(self: &Arc<Self>, outcome: Progress<T, E>)
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        self.finish_with(outcome, false);
    }

    /// [`finish`](Self::finish), called by the driver from inside its poll. When all there
    /// is to run is internal callbacks (a gather's, a wait's: no awaiter, no user
    /// callback), they are kept for the driver's next turn, and this returns `true`: the
    /// driver wakes itself and runs them then ([`run_deferred`](Self::run_deferred)).
    ///
    /// Why: asyncio schedules each done callback with `call_soon`, which we otherwise
    /// emulate with one runtime task per callback (a spawn, an allocation and a registry
    /// entry per gathered child). The task's own next turn is queued at the very place that
    /// runtime task would be (the end of this poll, after which nothing else is woken),
    /// and callbacks queued together run in one turn as in asyncio's ready queue; so the
    /// order is the same, for the price of a wake. With an awaiter or a user callback among
    /// the entries the order could change (a callback must not overtake the awaiter after
    /// it), so those take the general path.
    fn finish_in_turn(self: &Arc<Self>, outcome: Progress<T, E>) -> bool
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        self.finish_with(outcome, true)
    }

    fn finish_with(self: &Arc<Self>, outcome: Progress<T, E>, defer: bool) -> bool
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        let mut state = self.lock();
        if !state.is_running() {
            return false;
        }
        state.progress = outcome;
        let waiter = state.waiter.take();
        let entries = match &mut state.extra {
            Some(extra) => {
                extra.waiting_on = None;
                extra.interceptors.clear();
                let internal_only = !extra.entries.is_empty()
                    && extra
                        .entries
                        .iter()
                        .all(|entry| matches!(entry, Entry::Internal(_)));
                if defer && waiter.is_none() && internal_only {
                    // Nothing is added to a finished task's list (a callback added now
                    // is scheduled at once), so the list waits here as it is.
                    extra.deferring = true;
                    return true;
                }
                std::mem::take(&mut extra.entries)
            }
            None => Vec::new(),
        };
        drop(state);
        if let Some(waker) = waiter {
            waker.wake();
        }
        for entry in entries {
            match entry {
                Entry::Waiter { waker, .. } => waker.wake(),
                Entry::Callback(callback) | Entry::Internal(callback) => self.schedule(callback),
            }
        }
        false
    }

    /// Runs the internal callbacks [`finish_in_turn`](Self::finish_in_turn) kept, in the
    /// order they were added.
    fn run_deferred(self: &Arc<Self>) {
        let deferred = match &mut self.lock().extra {
            Some(extra) if extra.deferring => {
                extra.deferring = false;
                std::mem::take(&mut extra.entries)
            }
            _ => return,
        };
        if deferred.is_empty() {
            return;
        }
        let task = Task {
            inner: Arc::clone(self),
        };
        for entry in deferred {
            if let Entry::Internal(callback) = entry {
                callback(&task);
            }
        }
    }

    /// The outcome of a finished task (`None` while it runs); `retrieve`: as
    /// [`State::outcome`].
    pub(crate) fn outcome(&self, retrieve: bool) -> Option<Outcome<T, E>>
    where
        T: Clone,
        E: Clone,
    {
        self.lock().outcome(retrieve)
    }

    /// Reads a finished task's outcome without giving it out: the cancel message is taken
    /// and, when `retrieve`, a failure is marked retrieved, as by a reader that drops
    /// what it read.
    pub(crate) fn mark_read(&self, retrieve: bool) {
        let mut state = self.lock();
        match &mut state.progress {
            Progress::Cancelled => {
                let _ = state.take_cancel_message();
            }
            Progress::Failed { retrieved, .. } => *retrieved |= retrieve,
            _ => {}
        }
    }

    /// The failure of a finished task, if it failed, marking it retrieved.
    pub(crate) fn failure(&self) -> Option<TaskError<E>>
    where
        E: Clone,
    {
        match &mut self.lock().progress {
            Progress::Failed { failure, retrieved } => {
                *retrieved = true;
                Some(failure.error.clone())
            }
            _ => None,
        }
    }

    pub(crate) fn is_done(&self) -> bool {
        !self.lock().is_running()
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        matches!(self.lock().progress, Progress::Cancelled)
    }
}

impl<T, E> Inner<T, E> {
    /// asyncio's repr of the task (see [`Task`]'s `Display`).
    pub(crate) fn fmt_repr(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result
    where
        T: std::fmt::Debug,
    {
        let name = aio_rt::string_repr(&self.name());
        let cancelling = self.cancel_requests() > 0;
        let state = self.lock();
        match &state.progress {
            Progress::Running { .. } if cancelling => write!(f, "<Task cancelling name={name}>"),
            Progress::Running { .. } => write!(f, "<Task pending name={name}>"),
            Progress::Value(value) => write!(f, "<Task finished name={name} result={value:?}>"),
            Progress::Cancelled => write!(f, "<Task cancelled name={name}>"),
            Progress::Failed { failure, .. } => {
                let exception = match &failure.error {
                    TaskError::Failed(e) => aio_rt::exception_repr(&(failure.describe)(e)),
                    TaskError::Panicked(message) => {
                        aio_rt::exception_repr(&PyError::new("Exception", message.as_str()))
                    }
                    // A failure is `Failed` or `Panicked` (see `Failure::error`).
                    _ => "Exception()".to_owned(),
                };
                write!(f, "<Task finished name={name} exception={exception}>")
            }
        }
    }
}

impl<T, E> Drop for Inner<T, E> {
    fn drop(&mut self) {
        // The last reference is gone: asyncio's `Task.__del__`.
        let number = self.number();
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        let Progress::Failed {
            failure,
            retrieved: false,
        } = &state.progress
        else {
            return;
        };
        let error = match &failure.error {
            TaskError::Failed(e) => (failure.describe)(e),
            TaskError::Panicked(message) => {
                PyError::from_py(&aio_rt::JoinError::Panicked(message.clone()))
            }
            _ => return,
        };
        let task = match state.extra.as_mut().and_then(|extra| extra.name.take()) {
            Some(name) => name.into_string(),
            None => format!("Task-{number}"),
        };
        let context = current::never_retrieved(&task, Some(failure.coro), &error);
        self.family.report(&context);
    }
}

/// Names the runtime task that drives this task in `Runtime::all_tasks`.
impl<T: Send + 'static, E: Send + 'static> aio_rt::TaskName for Inner<T, E> {
    fn task_name(&self) -> String {
        Erased::name(self)
    }
}

impl<T: Send + 'static, E: Send + 'static> Erased for Inner<T, E> {
    fn name(&self) -> String {
        Inner::name(self)
    }

    fn set_name(&self, name: String) {
        Inner::set_name(self, name);
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn std::any::Any + Send + Sync> {
        self
    }

    fn cancel(&self, message: Option<String>) -> bool {
        Inner::cancel(self, message)
    }

    fn waiting_on(&self) -> Option<Arc<dyn aio_rt::Awaited>> {
        let state = self.lock();
        state.extra.as_ref().and_then(|x| x.waiting_on.clone())
    }

    fn cancel_requests(&self) -> u32 {
        Inner::cancel_requests(self)
    }

    fn uncancel(&self) -> u32 {
        Inner::uncancel(self)
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

    fn into_awaiting(self: Arc<Self>) -> Arc<dyn aio_rt::Awaiting> {
        self
    }

    fn push_interceptor(&self, group: Arc<dyn Interceptor>) {
        let mut state = self.lock();
        if state.is_running() {
            state.extra().interceptors.push(group);
        }
    }

    fn shutdown_report(&self) -> Option<aio_rt::ExceptionContext> {
        let number = self.number();
        let mut state = self.lock();
        let name = match state.extra.as_ref().and_then(|extra| extra.name.as_deref()) {
            Some(name) => name.to_owned(),
            None => format!("Task-{number}"),
        };
        let Progress::Failed { failure, retrieved } = &mut state.progress else {
            return None;
        };
        let exception = match &failure.error {
            TaskError::Failed(e) => (failure.describe)(e),
            TaskError::Panicked(message) => {
                PyError::from_py(&aio_rt::JoinError::Panicked(message.clone()))
            }
            _ => return None,
        };
        *retrieved = true;
        let task = current::failed_task(&name, Some(failure.coro), &exception);
        Some(
            aio_rt::ExceptionContext::new("unhandled exception during asyncio.run() shutdown")
                .with_exception(&exception)
                .with_task(task),
        )
    }

    fn context(&self) -> Vars {
        self.lock()
            .extra()
            .context
            .get_or_insert_with(Vars::new)
            .clone()
    }

    fn context_if_set(&self) -> Option<Vars> {
        let state = self.lock();
        state.extra.as_ref().and_then(|extra| extra.context.clone())
    }

    fn request_delivery(&self, message: Option<String>, count: bool) {
        Inner::request_delivery(self, message, count);
    }

    fn raise_cancelled(&self, message: Option<String>) {
        Inner::raise_cancelled(self, message);
    }

    fn cancel_pending(&self) -> bool {
        Inner::cancel_pending(self)
    }

    fn take_cancel(&self) -> Option<CancelledError> {
        Inner::take_cancel(self)
    }

    fn catch_frame(&self, enter: bool) {
        Inner::catch_frame(self, enter);
    }

    fn set_catch_waker(&self, waker: &Waker) {
        Inner::set_catch_waker(self, waker);
    }

    fn remove_interceptor(&self, group: &Arc<dyn Interceptor>) {
        if let Some(extra) = &mut self.lock().extra {
            extra
                .interceptors
                .retain(|g| !std::ptr::addr_eq(Arc::as_ptr(g), Arc::as_ptr(group)));
        }
    }
}

impl<T: Send + 'static, E: Send + 'static> aio_rt::Awaiting for Inner<T, E> {
    fn set_waiting_on(&self, on: Option<Arc<dyn aio_rt::Awaited>>) {
        let mut state = self.lock();
        if !state.is_running() {
            return;
        }
        match (on, &mut state.extra) {
            (None, None) => {}
            (None, Some(extra)) => extra.waiting_on = None,
            (Some(on), _) => state.extra().waiting_on = Some(on),
        }
    }
}

/// A task awaited by another is cancelled first when that one is.
impl<T: Send + 'static, E: Send + 'static> aio_rt::Awaited for Inner<T, E> {
    fn cancel(&self, message: Option<String>) -> bool {
        Inner::cancel(self, message)
    }

    fn done(&self) -> bool {
        !self.lock().is_running()
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
    pub(crate) fn new(body: F, inner: Arc<Inner<T, E>>) -> Self {
        Driver {
            body: Some(body),
            finisher: Finisher(Some(inner)),
        }
    }
}

impl<F, T, E> Future for Driver<F, T, E>
where
    F: Future<Output = Result<T, E>>,
    T: Send + 'static,
    E: PyException + Send + 'static,
{
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
        let Some(body) = this.body.as_mut().as_pin_mut() else {
            // The body is done: the turn after it finished, for its internal callbacks.
            if let Some(inner) = this.finisher.0.take() {
                inner.run_deferred();
            }
            return Poll::Ready(());
        };
        // Taken for the length of the poll, put back if the task is still running.
        let Some(inner) = this.finisher.0.take() else {
            return Poll::Ready(());
        };
        // Cancelled, and no `catch_cancel` frame is suspended in the body to receive it
        // (`catching` locks, but only on this rare path: a task that never uses
        // `catch_cancel` pays nothing for it).
        if inner.cancelling() && !inner.catching() {
            // The body is dropped where it is suspended (or before it ever ran), running
            // its destructors: the Rust `finally`.
            let dropped = catch_unwind(AssertUnwindSafe(|| this.body.set(None)));
            let outcome = match dropped {
                Ok(()) => Progress::Cancelled,
                Err(payload) => failed::<F, _, _>(TaskError::Panicked(panic_message(&*payload))),
            };
            return Driver::<F, T, E>::finished(this.finisher, inner, outcome, cx);
        }
        let (polled, me) =
            current::enter(inner, || catch_unwind(AssertUnwindSafe(|| body.poll(cx))));
        let inner = me
            .into_any()
            .downcast::<Inner<T, E>>()
            .expect("the task given back is this one");
        let outcome = match polled {
            Ok(Poll::Pending) => {
                if inner.park(cx) {
                    if inner.take_raise_now() {
                        // The body raised `CancelledError` in this step (a `TaskGroup`
                        // passing its owner's cancellation on): it ends now, as in asyncio.
                        let dropped = catch_unwind(AssertUnwindSafe(|| this.body.set(None)));
                        let outcome = match dropped {
                            Ok(()) => Progress::Cancelled,
                            Err(payload) => {
                                failed::<F, _, _>(TaskError::Panicked(panic_message(&*payload)))
                            }
                        };
                        return Driver::<F, T, E>::finished(this.finisher, inner, outcome, cx);
                    }
                    // Cancelled during this very poll: come back at once to stop.
                    cx.waker().wake_by_ref();
                }
                *this.finisher = Finisher(Some(inner));
                return Poll::Pending;
            }
            // A cancel requested during the step in which the body returned its value
            // wins: `cancel()` said true, so the task ends cancelled and the value is
            // dropped (asyncio's `__step`: `if self._must_cancel: super().cancel(...)`).
            // An error or a panic stands, as asyncio's `set_exception` does.
            Ok(Poll::Ready(Ok(_))) if inner.cancelling() => Progress::Cancelled,
            Ok(Poll::Ready(Ok(value))) => Progress::Value(value),
            // The body let a `CancelledError` out (re-raised what `catch_cancel` gave it,
            // or the cancellation of a task or future it awaited): the task ends
            // cancelled, as asyncio's `__step` does on `CancelledError`.
            Ok(Poll::Ready(Err(error))) if error.py_type() == "CancelledError" => {
                let message = error.py_str();
                inner.set_cancel_message((!message.is_empty()).then_some(message));
                Progress::Cancelled
            }
            Ok(Poll::Ready(Err(error))) => failed::<F, _, _>(TaskError::Failed(error)),
            Err(payload) => failed::<F, _, _>(TaskError::Panicked(panic_message(&*payload))),
        };
        let _ = catch_unwind(AssertUnwindSafe(|| this.body.set(None)));
        Driver::<F, T, E>::finished(this.finisher, inner, outcome, cx)
    }
}

impl<F, T, E> Driver<F, T, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    /// The body is gone: finishes the task. If internal callbacks were kept for the next
    /// turn, the driver wakes itself for it (queued where their own runtime task would
    /// be) and stays, holding the task.
    fn finished(
        finisher: &mut Finisher<T, E>,
        inner: Arc<Inner<T, E>>,
        outcome: Progress<T, E>,
        cx: &mut Context<'_>,
    ) -> Poll<()> {
        if inner.finish_in_turn(outcome) {
            *finisher = Finisher(Some(inner));
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Poll::Ready(())
    }
}

/// A failure of the body `F`, with the way to describe it should nobody retrieve it.
fn failed<F, T, E: PyException>(error: TaskError<E>) -> Progress<T, E> {
    Progress::Failed {
        failure: Box::new(Failure {
            error,
            describe: |e| PyError::from_py(e),
            coro: std::any::type_name::<F>(),
        }),
        retrieved: false,
    }
}

/// Finishes the task as cancelled if the driver is dropped before it finished it (the
/// runtime shut down). `None`: already finished.
pub(crate) struct Finisher<T: Send + 'static, E: Send + 'static>(Option<Arc<Inner<T, E>>>);

impl<T: Send + 'static, E: Send + 'static> Drop for Finisher<T, E> {
    fn drop(&mut self) {
        if let Some(inner) = self.0.take() {
            inner.finish(Progress::Cancelled);
        }
    }
}

thread_local! {
    /// The tasks whose `cancel` is passing the request on, on this thread, innermost last.
    static CASCADING: RefCell<Vec<*const ()>> = const { RefCell::new(Vec::new()) };
}

/// Runs `cancel_awaited` (cancelling what task `me` awaits) with `me` marked as passing a
/// cancellation on; `None`, without running it, if `me` already is: the request went
/// round an await cycle and came back, and must stop here rather than go round forever.
fn cascade(me: *const (), cancel_awaited: impl FnOnce() -> bool) -> Option<bool> {
    /// Unmarks `me`, even if `cancel_awaited` panics (a waker may run any code).
    struct Unmark;
    impl Drop for Unmark {
        fn drop(&mut self) {
            let _ = CASCADING.try_with(|list| list.borrow_mut().pop());
        }
    }
    let marked = CASCADING.try_with(|list| {
        let mut list = list.borrow_mut();
        if list.contains(&me) {
            return false;
        }
        list.push(me);
        true
    });
    match marked {
        Ok(true) => {
            let _unmark = Unmark;
            Some(cancel_awaited())
        }
        // Back round a cycle; or the thread is ending and its list gone (then the
        // request is not passed on: this task is woken to stop, which always works).
        Ok(false) | Err(_) => None,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every task pays for one `Inner`: with its two reference counts, 88 bytes for a task
    /// giving a `u64` (a 96-byte malloc chunk). A field added inline shows here.
    #[test]
    #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
    fn the_shared_state_stays_small() {
        assert_eq!(size_of::<Progress<u64, String>>(), 24);
        assert_eq!(size_of::<State<u64, String>>(), 48);
        assert_eq!(size_of::<Inner<u64, String>>(), 72);
        // What a task with a done callback or a second awaiter allocates besides.
        assert_eq!(size_of::<Extra<u64, String>>(), 136);
    }
}

/// loom models of a task's state (`just loom`): every interleaving of `cancel`, the
/// driver finishing or parking, awaiters registering and giving up, and done callbacks
/// being added, with `Inner`'s lock and flag word replaced by loom's (`crate::sync`). A
/// lost wake-up shows as a deadlock, which loom reports.
///
/// Run with `RUSTFLAGS="--cfg aio_loom" cargo test --release --lib -p aio-tasks loom_models`
/// (bounded by `LOOM_MAX_PREEMPTIONS=3` in `just loom`). No runtime runs inside a loom
/// model: the driver is polled by a loom thread, and the family's `call_soon` queues the
/// done callbacks for the model to run after its threads.
///
/// The current-task thread-local (`current.rs`) is shared by loom's threads, which are
/// coroutines on one OS thread. The real `Driver` is still safe to use here: it sets the
/// thread-local only around the body's poll, and the bodies below make no loom operation,
/// so loom never switches threads while it is set. Awaiters call `poll_outcome` directly
/// rather than through `Join`, whose `current_task` cascade is not modelled (it needs
/// a task awaiting from inside another task's poll).
#[cfg(all(test, aio_loom))]
mod loom_models {
    use std::task::Wake;

    use loom::future::block_on;
    use loom::sync::atomic::AtomicUsize;
    use loom::thread;

    use super::*;
    use crate::current::Job;

    /// What the family's `call_soon` scheduled: the done callbacks.
    type Scheduled = Arc<Mutex<Vec<Job>>>;

    /// A task's state, and the queue its family's `call_soon` fills.
    fn task() -> (Arc<Inner<u8, String>>, Scheduled) {
        let scheduled = Arc::new(Mutex::new(Vec::new()));
        let queue = Arc::clone(&scheduled);
        let family = Family::new(
            move |job| queue.lock().unwrap().push(job),
            aio_rt::Reporter::new(),
        );
        (Inner::new(family, None, None), scheduled)
    }

    /// Awaits the task's outcome, as `Join` does, without the current-task cascade.
    fn outcome(inner: &Inner<u8, String>) -> Outcome<u8, String> {
        let mut key = None;
        block_on(std::future::poll_fn(|cx| {
            inner.poll_outcome(&mut key, cx, true)
        }))
    }

    fn cancelled(message: &str) -> Outcome<u8, String> {
        Err(TaskError::Cancelled(CancelledError {
            message: Some(message.to_owned()),
        }))
    }

    /// A waker that counts its wake-ups, for a future polled by hand.
    struct CountingWaker(AtomicUsize);

    impl Wake for CountingWaker {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }

        fn wake_by_ref(self: &Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// `cancel` racing the driver's poll (`park` against the flag), while an awaiter
    /// registers: the request is never lost, so a body that would wait forever is
    /// dropped, and the awaiter is woken with the cancel message.
    #[test]
    fn cancel_reaches_a_task_suspended_forever() {
        loom::model(|| {
            let (inner, _) = task();
            let driver = Driver::new(std::future::pending::<Result<u8, String>>(), {
                Arc::clone(&inner)
            });
            let runs = thread::spawn(move || block_on(driver));
            let canceller = Arc::clone(&inner);
            let cancels = thread::spawn(move || canceller.cancel(Some("stop".to_owned())));
            assert_eq!(outcome(&inner), cancelled("stop"));
            assert!(
                cancels.join().unwrap(),
                "an unfinished task accepts the request"
            );
            runs.join().unwrap();
            assert!(inner.is_cancelled());
        });
    }

    /// `cancel` racing the body returning a value: one outcome, seen by the awaiter;
    /// `cancel` answers `false` only when the value was already set, and a cancelled
    /// outcome carries the request's message. A request accepted while the body is in
    /// its last poll does not stop it: the value stands (asyncio, where only the task
    /// itself can call `cancel` during its step, ends it cancelled instead).
    #[test]
    fn cancel_racing_finish_gives_one_outcome() {
        loom::model(|| {
            let (inner, _) = task();
            let driver = Driver::new(std::future::ready(Ok(7)), Arc::clone(&inner));
            let runs = thread::spawn(move || block_on(driver));
            let canceller = Arc::clone(&inner);
            let cancels = thread::spawn(move || canceller.cancel(Some("stop".to_owned())));
            let outcome = outcome(&inner);
            let accepted = cancels.join().unwrap();
            runs.join().unwrap();
            if outcome != Ok(7) {
                assert_eq!(outcome, cancelled("stop"));
                assert!(accepted, "cancelled, yet refused");
            }
            if !accepted {
                assert_eq!(outcome, Ok(7), "refused, yet no value");
            }
        });
    }

    /// asyncio's cancel cascade: task A awaits task B (`Join`, which records B as what A
    /// waits on) while A is cancelled and B finishes. `cancel` passes the request to B
    /// while B runs, else wakes A; either way A never hangs, and ends cancelled with the
    /// message, or with B's value, or (B cancelled during A's last poll) with what its
    /// body made of B's cancellation. A refused request means A had already finished
    /// with B's value. (A request accepted during A's last poll does not stop that poll,
    /// as in `cancel_racing_finish_gives_one_outcome`.)
    ///
    /// A's body polls `Join` (loom operations) with A as the current task; this is safe
    /// because A's driver is the only thread that ever sets the thread-local here.
    #[test]
    fn cancel_cascades_to_the_awaited_task_while_it_finishes() {
        loom::model(|| {
            let (a, _) = task();
            let b = Inner::<u8, String>::new(Arc::clone(&a.family), None, None);
            let awaited = Task {
                inner: Arc::clone(&b),
            };
            let body = async move { awaited.await.map_err(|error| error.to_string()) };
            let driver = Driver::new(body, Arc::clone(&a));
            let runs = thread::spawn(move || block_on(driver));
            let finishes = thread::spawn(move || {
                // B's driver with a body that returns at once: the flag, then the outcome.
                let outcome = if b.cancelling() {
                    Progress::Cancelled
                } else {
                    Progress::Value(1)
                };
                b.finish(outcome);
            });
            let accepted = a.cancel(Some("stop".to_owned()));
            let outcome = outcome(&a);
            runs.join().unwrap();
            finishes.join().unwrap();
            match &outcome {
                Ok(1) => {}
                Err(TaskError::Cancelled(_)) => assert_eq!(outcome, cancelled("stop")),
                // B cancelled by the cascade during A's last poll: A's body returned B's
                // error itself (the body decides what an error of B means).
                Err(TaskError::Failed(error)) => assert_eq!(error, "task was cancelled: stop"),
                other => panic!("unexpected outcome {other:?}"),
            }
            if outcome.is_err() {
                assert!(accepted, "no value, yet refused");
            }
            if !accepted {
                assert_eq!(outcome, Ok(1), "refused, yet no value");
            }
        });
    }

    /// Two awaiters registering (the inline first one and a listed one) while the task
    /// finishes: both are woken with the value.
    #[test]
    fn every_awaiter_registering_during_finish_is_woken() {
        loom::model(|| {
            let (inner, _) = task();
            let other = Arc::clone(&inner);
            let awaits = thread::spawn(move || outcome(&other));
            let finisher = Arc::clone(&inner);
            let finishes = thread::spawn(move || finisher.finish(Progress::Value(7)));
            assert_eq!(outcome(&inner), Ok(7));
            assert_eq!(awaits.join().unwrap(), Ok(7));
            finishes.join().unwrap();
        });
    }

    /// An awaiter that registers and gives up (`remove_waiter`, as a dropped `Join`
    /// does) while another awaits and the task finishes: the one that stays is woken,
    /// whichever slot each took.
    #[test]
    fn a_removed_awaiter_does_not_take_the_other_awaiters_wake_up() {
        loom::model(|| {
            let (inner, _) = task();
            let quitter = Arc::clone(&inner);
            let quits = thread::spawn(move || {
                let counter = Arc::new(CountingWaker(AtomicUsize::new(0)));
                let waker = Waker::from(Arc::clone(&counter));
                let mut key = None;
                let polled = quitter.poll_outcome(&mut key, &mut Context::from_waker(&waker), true);
                if let Some(key) = key {
                    assert!(polled.is_pending());
                    quitter.remove_waiter(key);
                }
                assert!(counter.0.load(Ordering::SeqCst) <= 1, "woken twice");
            });
            let stayer = Arc::clone(&inner);
            let stays = thread::spawn(move || outcome(&stayer));
            inner.finish(Progress::Value(7));
            quits.join().unwrap();
            assert_eq!(stays.join().unwrap(), Ok(7));
        });
    }

    /// Done callbacks added from two threads while the task finishes: each is scheduled
    /// exactly once (listed and run by `finish`, or scheduled at once on a finished
    /// task), and sees the task done.
    #[test]
    fn done_callbacks_are_scheduled_exactly_once() {
        loom::model(|| {
            let (inner, scheduled) = task();
            let calls = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
            let callback = |which: usize| -> Callback<u8, String> {
                let calls = Arc::clone(&calls);
                Box::new(move |task: &Task<u8, String>| {
                    assert_eq!(task.inner.outcome(true), Some(Ok(7)));
                    calls[which].fetch_add(1, Ordering::SeqCst);
                })
            };
            let adder = Arc::clone(&inner);
            let first = callback(0);
            let adds = thread::spawn(move || adder.add_callback(first));
            let finisher = Arc::clone(&inner);
            let finishes = thread::spawn(move || finisher.finish(Progress::Value(7)));
            inner.add_callback(callback(1));
            adds.join().unwrap();
            finishes.join().unwrap();
            let jobs = std::mem::take(&mut *scheduled.lock().unwrap());
            assert_eq!(jobs.len(), 2, "each callback scheduled once");
            for job in jobs {
                job();
            }
            for count in calls.iter() {
                assert_eq!(count.load(Ordering::SeqCst), 1);
            }
        });
    }

    /// An internal callback (a gather's) added while the driver runs a body that returns
    /// at once: it runs exactly once and sees the value, either in the driver's next turn
    /// (it was listed when the driver finished: `finish_in_turn`) or as a job of its own
    /// (added after). Beside it, a user callback listed before the finish sends the
    /// internal one down the general path too: then both are scheduled.
    #[test]
    fn an_internal_callback_runs_once_in_the_drivers_turn_or_as_a_job() {
        loom::model(|| {
            let (inner, scheduled) = task();
            let calls = Arc::new(AtomicUsize::new(0));
            let counted = Arc::clone(&calls);
            let callback: Callback<u8, String> = Box::new(move |task: &Task<u8, String>| {
                assert_eq!(task.inner.outcome(true), Some(Ok(7)));
                counted.fetch_add(1, Ordering::SeqCst);
            });
            let adder = Arc::clone(&inner);
            let adds = thread::spawn(move || adder.add_internal_callback(callback));
            let driver = Driver::new(std::future::ready(Ok(7)), Arc::clone(&inner));
            block_on(driver);
            adds.join().unwrap();
            let jobs = std::mem::take(&mut *scheduled.lock().unwrap());
            let in_turn = calls.load(Ordering::SeqCst);
            assert_eq!(in_turn + jobs.len(), 1, "one run, in the turn or as a job");
            for job in jobs {
                job();
            }
            assert_eq!(calls.load(Ordering::SeqCst), 1);
        });
    }

    #[test]
    fn a_user_callback_beside_an_internal_one_takes_the_general_path() {
        loom::model(|| {
            let (inner, scheduled) = task();
            inner.add_callback(Box::new(|_| {}));
            inner.add_internal_callback(Box::new(|_| {}));
            block_on(Driver::new(std::future::ready(Ok(7)), Arc::clone(&inner)));
            assert_eq!(scheduled.lock().unwrap().len(), 2, "both scheduled as jobs");
        });
    }
}
