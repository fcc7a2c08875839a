//! Definition of [`JoinHandle`], [`JoinError`] and [`TaskId`]: one meaning on every runtime.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::task::{Context, Poll, Waker};

use crate::core::{Core, CoreKey};
use crate::sync::{AtomicU64, Mutex, MutexGuard};

/// A task's identity, unique within one runtime instance; tasks are numbered from 1 in
/// spawn order.
///
/// Python: none (asyncio tasks are compared by identity; their default names,
/// `Task-1`, `Task-2`, count the same way)
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskId(pub(crate) u64);

impl TaskId {
    /// The task's number.
    ///
    /// Python: none
    pub fn as_u64(self) -> u64 {
        self.0
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Why a task gave no value: it was cancelled, or it panicked.
///
/// Python: `asyncio.CancelledError`, or the exception the task raised
///
/// Display is lowercase with no full stop: `task was cancelled`,
/// `task panicked: index out of bounds`.
#[derive(Clone, PartialEq, Eq)]
pub enum JoinError {
    /// The task was cancelled with [`JoinHandle::cancel`], or dropped by its runtime before
    /// it finished (the runtime shut down).
    ///
    /// Python: `asyncio.CancelledError`
    Cancelled,
    /// The task panicked; the message is the panic's (`"<non-string panic payload>"` when
    /// the payload was not a string).
    ///
    /// Python: the exception the task raised, re-raised by `await task`
    Panicked(String),
}

impl JoinError {
    /// Whether the task was cancelled.
    ///
    /// Python: `task.cancelled()`
    pub fn is_cancelled(&self) -> bool {
        matches!(self, JoinError::Cancelled)
    }

    /// The panic message, when the task panicked.
    ///
    /// Python: `str(task.exception())`
    pub fn panic_message(&self) -> Option<&str> {
        match self {
            JoinError::Panicked(message) => Some(message),
            JoinError::Cancelled => None,
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinError::Cancelled => f.write_str("Cancelled"),
            JoinError::Panicked(message) => f.debug_tuple("Panicked").field(message).finish(),
        }
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinError::Cancelled => f.write_str("task was cancelled"),
            JoinError::Panicked(message) => write!(f, "task panicked: {message}"),
        }
    }
}

impl std::error::Error for JoinError {}

/// `Cancelled` is `asyncio.CancelledError` (a `BaseException`, with no message: the
/// runtime's cancel carries none). A panic is the Rust form of an unexpected exception whose
/// class Rust does not keep: it stands for a bare `Exception(message)`. A task that must
/// raise a particular class returns it as an error instead (`aio_rt::PyError`, or any
/// [`PyException`](crate::PyException)), and `aio_tasks` keeps it.
///
/// Python: `CancelledError()`, or `Exception(panic message)`
impl crate::PyException for JoinError {
    fn py_type(&self) -> &str {
        match self {
            JoinError::Cancelled => "CancelledError",
            JoinError::Panicked(_) => "Exception",
        }
    }

    fn py_str(&self) -> String {
        match self {
            JoinError::Cancelled => String::new(),
            JoinError::Panicked(message) => message.clone(),
        }
    }

    fn is_base_exception(&self) -> bool {
        self.is_cancelled()
    }
}

/// A handle to a spawned task: await it for the task's outcome.
///
/// Python: `asyncio.Task` (the awaiting and cancelling part of it)
///
/// The same meaning on every runtime, which the raw runtimes do not share (the
/// `differences` scenarios of the harness show the raw behaviours):
///
/// | | `JoinHandle` | asyncio `Task` |
/// |---|---|---|
/// | await | `Ok(value)`, `Err(JoinError::Cancelled)` or `Err(JoinError::Panicked(msg))` | value, `CancelledError`, or the exception |
/// | [`cancel`](JoinHandle::cancel) | requests cancellation; `true` unless already finished | `task.cancel()` |
/// | drop | the task keeps running (detached) | the task keeps running |
/// | panic never retrieved | the runtime's exception handler is called (the default one once the runtime is dropped) | "Task exception was never retrieved" is logged |
///
/// # Differences from Python
///
/// - A Rust task is cancelled by dropping its future at the point where it is suspended:
///   it cannot catch the cancellation and carry on, as a coroutine can catch
///   `CancelledError`. Cleanup belongs in `Drop` (a guard), the Rust `finally`.
/// - The value can be taken once: awaiting a second time panics (asyncio returns the
///   result again). Keep the value, or share it, if several places need it.
///
/// # Panics
///
/// Polling the handle again after it returned `Ready` panics.
///
/// # Examples
///
/// ```
/// use aio_rt::{Runtime, JoinError};
/// # #[cfg(feature = "smol")] {
/// let rt = aio_rt::Smol::new();
/// let answer = rt.block_on(async {
///     let task = rt.spawn(async { 6 * 7 });
///     task.await
/// });
/// assert_eq!(answer, Ok(42));
///
/// // Cancelling a task that has not started yet: its body never runs.
/// let outcome = rt.block_on(async {
///     let task = rt.spawn(async { unreachable!() });
///     assert!(task.cancel());
///     task.await
/// });
/// assert_eq!(outcome, Err(JoinError::Cancelled));
/// # }
/// ```
#[must_use = "dropping a JoinHandle detaches the task: it keeps running and its outcome is lost"]
pub struct JoinHandle<T> {
    shared: Arc<Shared<T>>,
}

/// What a task and its handle share: the outcome slot and the wakers of both sides.
pub(crate) struct Shared<T> {
    /// The runtime's key, not an `Arc<Core>` (see `CoreKey`): a lost panic is rare, and
    /// a reference count on the runtime would be one more shared counter that every
    /// spawn and every finish bumps, from whichever thread runs them.
    core: CoreKey,
    /// The task's id above [`ID_SHIFT`], and the flags in the low byte, kept out of the
    /// lock: [`CANCEL_REQUESTED`] (read by the task on every poll), [`TAKEN`] (read when
    /// the handle is dropped), [`HANDLE_DROPPED`] and [`BLOCKING`]. One word rather than
    /// two: every task pays for this struct.
    meta: AtomicU64,
    state: Mutex<State<T>>,
}

/// Where the id starts in `Shared::meta`.
const ID_SHIFT: u32 = 8;

struct State<T> {
    outcome: Outcome<T>,
    /// Woken when the outcome is set: the task awaiting the handle.
    joiner: Option<Waker>,
    /// Woken when cancellation is requested, so that the task is polled and can stop.
    task: Option<Waker>,
}

/// Cancellation was requested.
const CANCEL_REQUESTED: u8 = 1;
/// The handle returned the outcome: dropping it has nothing left to do.
const TAKEN: u8 = 2;
/// The handle was dropped: a panic set now is lost, and reported. Changed under the lock.
const HANDLE_DROPPED: u8 = 4;
/// A blocking job cannot be interrupted: cancelling it sets the outcome at once.
const BLOCKING: u8 = 8;

/// `Result<T, JoinError>` unpacked, the panic message boxed: two words smaller than the
/// `Result` with its `String` inline, and every task pays for it.
enum Outcome<T> {
    Pending,
    Value(T),
    Cancelled,
    #[expect(
        clippy::box_collection,
        reason = "a thin pointer: one word in every task's state, for a rare panic"
    )]
    Panicked(Box<String>),
    Taken,
}

impl<T> Outcome<T> {
    fn ready(result: Result<T, JoinError>) -> Outcome<T> {
        match result {
            Ok(value) => Outcome::Value(value),
            Err(JoinError::Cancelled) => Outcome::Cancelled,
            Err(JoinError::Panicked(message)) => Outcome::Panicked(Box::new(message)),
        }
    }

    fn is_pending(&self) -> bool {
        matches!(self, Outcome::Pending)
    }
}

impl<T> Shared<T> {
    pub(crate) fn new(core: &Arc<Core>, blocking: bool) -> Arc<Shared<T>> {
        let id = core.next_task_id().0;
        Arc::new(Shared {
            core: core.key(),
            meta: AtomicU64::new(id << ID_SHIFT | u64::from(if blocking { BLOCKING } else { 0 })),
            state: Mutex::new(State {
                outcome: Outcome::Pending,
                joiner: None,
                task: None,
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn handle(self: &Arc<Self>) -> JoinHandle<T> {
        JoinHandle {
            shared: Arc::clone(self),
        }
    }

    fn id(&self) -> TaskId {
        TaskId(self.meta.load(Ordering::Relaxed) >> ID_SHIFT)
    }

    fn flags(&self, order: Ordering) -> u8 {
        // The low byte: truncation intended.
        (self.meta.load(order) & 0xff) as u8
    }

    fn set_flag(&self, flag: u8, order: Ordering) {
        self.meta.fetch_or(u64::from(flag), order);
    }

    pub(crate) fn cancel_requested(&self) -> bool {
        self.flags(Ordering::Acquire) & CANCEL_REQUESTED != 0
    }

    /// Remembers how to wake the task. Returns `true` when a cancellation was requested in
    /// the meantime: the caller must then wake itself, or the request would be lost.
    pub(crate) fn park_task(&self, waker: &Waker) -> bool {
        let mut state = self.lock();
        match &state.task {
            Some(old) if old.will_wake(waker) => {}
            _ => state.task = Some(waker.clone()),
        }
        // `cancel` sets the flag before it takes the waker under this lock, so either it
        // finds the waker just stored, or we see the flag here.
        self.cancel_requested()
    }

    /// Sets the outcome, unless one is already set (a blocking job cancelled earlier), and
    /// wakes whoever awaits the handle.
    pub(crate) fn complete(&self, result: Result<T, JoinError>) {
        let mut state = self.lock();
        if !state.outcome.is_pending() {
            return;
        }
        let handle_alive = self.flags(Ordering::Relaxed) & HANDLE_DROPPED == 0;
        let lost = match (&result, handle_alive) {
            (Err(JoinError::Panicked(message)), false) => Some(message.clone()),
            _ => None,
        };
        state.outcome = Outcome::ready(result);
        let joiner = state.joiner.take();
        drop(state);
        if let Some(message) = lost {
            self.core.report_panic(self.id(), message);
        }
        if let Some(waker) = joiner {
            waker.wake();
        }
    }

    pub(crate) fn is_pending(&self) -> bool {
        self.lock().outcome.is_pending()
    }
}

impl<T> JoinHandle<T> {
    /// Requests the task's cancellation. Returns `true` if the task had not finished (the
    /// request was made), `false` if it had already finished (its outcome stands).
    ///
    /// Python: `task.cancel()`
    ///
    /// A task that has not started never runs its body. A running task is stopped the
    /// next time it is suspended: its future is dropped there, running the destructors of
    /// everything it held. Awaiting the handle then gives [`JoinError::Cancelled`].
    /// A job from [`spawn_blocking`](crate::Runtime::spawn_blocking) cannot be interrupted:
    /// the handle reports `Cancelled` at once and the closure runs on, its result dropped
    /// (as asyncio's `run_in_executor` future does).
    pub fn cancel(&self) -> bool {
        let mut state = self.shared.lock();
        if !state.outcome.is_pending() {
            return false;
        }
        self.shared.set_flag(CANCEL_REQUESTED, Ordering::Release);
        if self.shared.flags(Ordering::Relaxed) & BLOCKING != 0 {
            state.outcome = Outcome::Cancelled;
            let joiner = state.joiner.take();
            drop(state);
            if let Some(waker) = joiner {
                waker.wake();
            }
            return true;
        }
        let task = state.task.take();
        drop(state);
        if let Some(waker) = task {
            waker.wake();
        }
        true
    }

    /// Whether the task has finished (with a value, a panic, or cancelled).
    ///
    /// Python: `task.done()`
    pub fn is_finished(&self) -> bool {
        !self.shared.is_pending()
    }

    /// The task's identity.
    ///
    /// Python: none (see [`TaskId`])
    pub fn id(&self) -> TaskId {
        self.shared.id()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.shared.lock();
        let result = match std::mem::replace(&mut state.outcome, Outcome::Taken) {
            Outcome::Value(value) => Ok(value),
            Outcome::Cancelled => Err(JoinError::Cancelled),
            Outcome::Panicked(message) => Err(JoinError::Panicked(*message)),
            Outcome::Pending => {
                state.outcome = Outcome::Pending;
                match &state.joiner {
                    Some(old) if old.will_wake(cx.waker()) => {}
                    _ => state.joiner = Some(cx.waker().clone()),
                }
                return Poll::Pending;
            }
            Outcome::Taken => panic!("JoinHandle polled after it returned the task's outcome"),
        };
        drop(state);
        // Only this handle reads the flag, on drop: Relaxed is enough.
        self.shared.set_flag(TAKEN, Ordering::Relaxed);
        Poll::Ready(result)
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        if self.shared.flags(Ordering::Relaxed) & TAKEN != 0 {
            // The outcome was taken: no waker is left here and no panic can be lost.
            return;
        }
        let mut state = self.shared.lock();
        self.shared.set_flag(HANDLE_DROPPED, Ordering::Relaxed);
        state.joiner = None;
        let lost = match &state.outcome {
            Outcome::Panicked(message) => Some(String::clone(message)),
            _ => None,
        };
        drop(state);
        if let Some(message) = lost {
            self.shared.core.report_panic(self.shared.id(), message);
        }
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.shared.id())
            .field("finished", &self.is_finished())
            .finish()
    }
}

/// The task's side of a [`JoinHandle`]: sets the outcome, or `Cancelled` if it is dropped
/// before setting one (the runtime shut down, or never ran a blocking job). `None` once it
/// has set one, so that dropping it then takes no lock.
pub(crate) struct Completer<T>(Option<Arc<Shared<T>>>);

impl<T> Completer<T> {
    pub(crate) fn new(shared: Arc<Shared<T>>) -> Self {
        Completer(Some(shared))
    }

    /// Whether cancellation was requested (`false` once completed).
    pub(crate) fn cancel_requested(&self) -> bool {
        self.0
            .as_ref()
            .is_some_and(|shared| shared.cancel_requested())
    }

    /// See [`Shared::park_task`].
    pub(crate) fn park_task(&self, waker: &Waker) -> bool {
        self.0
            .as_ref()
            .is_some_and(|shared| shared.park_task(waker))
    }

    pub(crate) fn complete(&mut self, result: Result<T, JoinError>) {
        if let Some(shared) = self.0.take() {
            shared.complete(result);
        }
    }
}

impl<T> Drop for Completer<T> {
    fn drop(&mut self) {
        self.complete(Err(JoinError::Cancelled));
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

    /// `Runtime::spawn` pays for one `Shared` per task: with its two reference counts, 88
    /// bytes for a task giving a `u64` or `()` (a 96-byte malloc chunk). A field added
    /// shows here.
    #[test]
    #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
    fn the_shared_state_stays_small() {
        assert_eq!(size_of::<Shared<u64>>(), 72);
        assert_eq!(size_of::<Shared<()>>(), 72);
    }
}

/// loom models of the `JoinHandle` cell (`just loom`): every interleaving of the task
/// finishing, being cancelled or dropped by its runtime, and the handle registering its
/// waker, taking the outcome or being dropped, with `Shared`'s lock and flag word replaced
/// by loom's (`crate::sync`). A lost wake-up shows as a deadlock, which loom reports.
///
/// Run with `RUSTFLAGS="--cfg aio_loom" cargo test --release --lib -p aio-rt loom_models`
/// (bounded by `LOOM_MAX_PREEMPTIONS=3` in `just loom`). The task side is the real
/// `TaskFuture` or `Completer`, driven by a loom thread instead of a runtime: no runtime
/// runs inside a loom model.
#[cfg(all(test, aio_loom))]
mod loom_models {
    use std::task::Wake;

    use loom::future::block_on;
    use loom::sync::atomic::AtomicUsize;
    use loom::thread;

    use super::*;
    use crate::config::Config;
    use crate::task::TaskFuture;

    /// A runtime core (nothing runs on it) whose exception handler counts the panics
    /// reported to it.
    fn core() -> (Arc<Core>, Arc<AtomicUsize>) {
        let reported = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&reported);
        let config = Config::default().exception_handler(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
        (Core::new(config), reported)
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

    /// Polls `fut` once with a counting waker; the waker is returned to read its count.
    fn poll_once<F: Future + Unpin>(fut: &mut F) -> (Poll<F::Output>, Arc<CountingWaker>) {
        let counter = Arc::new(CountingWaker(AtomicUsize::new(0)));
        let waker = Waker::from(Arc::clone(&counter));
        let polled = Pin::new(fut).poll(&mut Context::from_waker(&waker));
        (polled, counter)
    }

    /// `cancel` racing the task's poll (`park_task` against the flag): the request is
    /// never lost, so a task that would wait forever stops, and the joiner, registered
    /// before, is woken with `Cancelled`.
    #[test]
    fn cancel_reaches_a_task_suspended_forever() {
        loom::model(|| {
            let (core, reported) = core();
            let shared = Shared::<u8>::new(&core, false);
            let mut handle = shared.handle();
            let task = TaskFuture::new(
                std::future::pending::<u8>(),
                shared,
                core.register(handle.id()),
            );
            let runs = thread::spawn(move || block_on(task));
            let (first, _) = poll_once(&mut handle);
            assert!(
                first.is_pending(),
                "the task cannot finish before it is cancelled"
            );
            assert!(handle.cancel(), "an unfinished task accepts the request");
            assert_eq!(block_on(&mut handle), Err(JoinError::Cancelled));
            runs.join().unwrap();
            assert!(handle.is_finished());
            assert_eq!(reported.load(Ordering::SeqCst), 0);
        });
    }

    /// `cancel` racing the task completing with a value: the joiner gets one outcome and
    /// is woken; `cancel` answers `false` only when the value was already set, and a
    /// `Cancelled` outcome means the request was accepted.
    #[test]
    fn cancel_racing_completion_gives_one_outcome() {
        loom::model(|| {
            let (core, _) = core();
            let shared = Shared::<u8>::new(&core, false);
            let mut handle = shared.handle();
            let task = TaskFuture::new(std::future::ready(7), shared, core.register(handle.id()));
            let runs = thread::spawn(move || block_on(task));
            let accepted = handle.cancel();
            let outcome = block_on(&mut handle);
            runs.join().unwrap();
            match outcome {
                Ok(7) => {}
                Err(JoinError::Cancelled) => assert!(accepted, "cancelled, yet refused"),
                other => panic!("unexpected outcome {other:?}"),
            }
            if !accepted {
                assert_eq!(outcome, Ok(7), "refused, yet no value");
            }
        });
    }

    /// The runtime dropping an unfinished task (shutting down) racing `cancel` and the
    /// joiner: the joiner is woken with `Cancelled` either way, set once.
    #[test]
    fn a_task_dropped_by_its_runtime_wakes_the_joiner() {
        loom::model(|| {
            let (core, _) = core();
            let shared = Shared::<u8>::new(&core, false);
            let mut handle = shared.handle();
            let mut task = Box::pin(TaskFuture::new(
                std::future::pending::<u8>(),
                shared,
                core.register(handle.id()),
            ));
            let runs = thread::spawn(move || {
                // Ready if it saw the request; else suspended, then dropped unfinished.
                let _ = poll_once(&mut task);
                drop(task);
            });
            handle.cancel();
            assert_eq!(block_on(&mut handle), Err(JoinError::Cancelled));
            runs.join().unwrap();
        });
    }

    /// A panic set while the handle looks at it once and is dropped (detached): reported
    /// to the exception handler exactly once unless the handle took it, by `complete` or
    /// by the handle's `drop`, whichever comes second.
    #[test]
    fn a_panic_nobody_retrieved_is_reported_exactly_once() {
        loom::model(|| {
            let (core, reported) = core();
            let shared = Shared::<u8>::new(&core, false);
            let mut handle = shared.handle();
            let mut completer = Completer::new(shared);
            let panics = thread::spawn(move || {
                completer.complete(Err(JoinError::Panicked("boom".to_owned())));
            });
            let (polled, _) = poll_once(&mut handle);
            drop(handle);
            panics.join().unwrap();
            let retrieved = match polled {
                Poll::Ready(outcome) => {
                    assert_eq!(outcome, Err(JoinError::Panicked("boom".to_owned())));
                    1
                }
                Poll::Pending => 0,
            };
            assert_eq!(reported.load(Ordering::SeqCst) + retrieved, 1);
        });
    }

    /// A blocking job finishing racing its cancellation, which sets the outcome at once:
    /// whichever takes the lock first wins, and `cancel` says which.
    #[test]
    fn a_blocking_job_cancelled_while_it_finishes() {
        loom::model(|| {
            let (core, _) = core();
            let shared = Shared::<u8>::new(&core, true);
            let mut handle = shared.handle();
            let mut completer = Completer::new(shared);
            let job = thread::spawn(move || completer.complete(Ok(1)));
            let accepted = handle.cancel();
            let outcome = block_on(&mut handle);
            job.join().unwrap();
            assert_eq!(accepted, outcome == Err(JoinError::Cancelled));
            if !accepted {
                assert_eq!(outcome, Ok(1));
            }
        });
    }
}
