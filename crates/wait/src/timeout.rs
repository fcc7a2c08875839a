//! Definition of [`timeout`], [`timeout_at`], the [`Timeout`] scope and its [`Scoped`]
//! future.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use aio_rt::{Instant, Runtime};
use pin_project_lite::pin_project;

use crate::{ScopeError, TimeoutError, TimeoutStateError};

thread_local! {
    /// The deadlines of the scopes whose body is being polled on this thread, outermost
    /// first: an inner scope whose deadline passes when an enclosing one's has passed too
    /// leaves the `TimeoutError` to the outermost (asyncio: both cancel the task, the
    /// inner one's `uncancel` leaves a request standing, so it lets the `CancelledError`
    /// through).
    static ENCLOSING: RefCell<Vec<Option<Instant>>> = const { RefCell::new(Vec::new()) };
}

/// Pops the deadline pushed for a body's poll, even if the body panics.
struct Enclosed;

impl Enclosed {
    fn push(when: Option<Instant>) -> Enclosed {
        ENCLOSING.with(|stack| stack.borrow_mut().push(when));
        Enclosed
    }
}

impl Drop for Enclosed {
    fn drop(&mut self) {
        let _ = ENCLOSING.try_with(|stack| stack.borrow_mut().pop());
    }
}

/// Whether a scope enclosing the one being polled has a deadline at or before `now`.
fn enclosing_expired(now: Instant) -> bool {
    ENCLOSING.with(|stack| stack.borrow().iter().flatten().any(|when| *when <= now))
}

/// A timeout scope whose deadline is `delay` from now (`None`: no deadline yet).
///
/// Python: `async with asyncio.timeout(delay) as cm:`
///
/// The scope does nothing until [`run`](Timeout::run) wraps the body in it, and it is
/// entered (asyncio's `__aenter__`) when that future is first polled, which must happen
/// inside an [`aio_tasks`] task, as asyncio requires a task.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use aio_rt::Runtime;
/// use aio_wait::{timeout, ScopeError, TimeoutError};
///
/// let rt = aio_rt::Smol::with_config(aio_rt::Config::default().clock(aio_rt::Clock::Virtual));
/// let r = rt.clone();
/// aio_tasks::run(&rt, async move {
///     let cm = timeout(&r, Some(Duration::from_secs(1)));
///     let result = cm.clone().run(r.sleep(Duration::from_secs(5))).await;
///     assert_eq!(result, Err(ScopeError::Timeout(TimeoutError::new())));
///     assert!(cm.expired());
///     Ok::<_, aio_rt::PyError>(())
/// })
/// .unwrap();
/// ```
pub fn timeout<R: Runtime>(rt: &R, delay: Option<Duration>) -> Timeout<R> {
    timeout_at(rt, delay.map(|d| rt.now() + d))
}

/// A timeout scope with an absolute deadline (`None`: no deadline yet).
///
/// Python: `async with asyncio.timeout_at(when) as cm:`
pub fn timeout_at<R: Runtime>(rt: &R, when: Option<Instant>) -> Timeout<R> {
    Timeout {
        rt: rt.clone(),
        state: Arc::new(Mutex::new(State {
            when,
            generation: 0,
            phase: Phase::Created,
            waker: None,
        })),
    }
}

/// A timeout scope; clones are handles to the same scope, so the body can reschedule
/// the scope it runs in.
///
/// Python: `asyncio.Timeout`
///
/// Nested scopes: only the scope whose deadline passed reports [`TimeoutError`]; an
/// outer one sees its body return normally (the inner error is a value the body can
/// handle). When the deadlines of several nested scopes have passed at once, only the
/// outermost reports it, the inner ones count as expired, as in asyncio. A cancellation
/// from outside (the enclosing task cancelled) passes through unchanged: the scope is
/// dropped with its body and reports nothing.
///
/// # A body that catches its cancellation
///
/// At the deadline the body is dropped, unless an [`aio_tasks::catch_cancel`] is
/// suspended in it: then the scope cancels its task as asyncio's does (the count of
/// [`cancelling`](aio_tasks::TaskRef::cancelling) goes up), that `catch_cancel` returns
/// the `CancelledError`, and the body goes on (cleanup awaits). When it ends, the scope
/// takes its request back (`uncancel`); if no other request is left and the body
/// re-raised the cancellation, it gives [`TimeoutError`]. With [`run`](Timeout::run) the
/// body's output is opaque, so its end counts as the re-raise; with
/// [`run_catching`](Timeout::run_catching) a body returning `Err` whose Python class is
/// `CancelledError` re-raises, and any other output (it swallowed the cancellation) is
/// returned as it is, the scope expired all the same.
///
/// A scope is used once, as asyncio's: created, entered by the first poll of
/// [`run`](Timeout::run)'s future, then expired or finished. Misuse asyncio refuses is a
/// [`TimeoutStateError`]: rescheduling a scope that is not running, entering it twice,
/// entering it outside any task.
pub struct Timeout<R: Runtime> {
    rt: R,
    state: Arc<Mutex<State>>,
}

#[derive(Debug)]
struct State {
    when: Option<Instant>,
    /// Bumped by `reschedule`, so that the running scope re-arms its sleep.
    generation: u64,
    phase: Phase,
    waker: Option<Waker>,
}

/// asyncio's `_State` (its `expiring` state lasts no time here: the body is dropped in
/// the step the deadline passes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Made, not entered yet: `created`.
    Created,
    /// Its body runs: `active`.
    Entered,
    /// The deadline passed and the body was dropped: `expired`.
    Expired,
    /// The body ended otherwise (finished, or dropped from outside): `finished`.
    Finished,
}

impl<R: Runtime> Timeout<R> {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The deadline, or `None`.
    ///
    /// Python: `cm.when()`
    pub fn when(&self) -> Option<Instant> {
        self.lock().when
    }

    /// Moves the deadline (`None`: no deadline). A deadline already past expires the
    /// scope the next time its body is suspended.
    ///
    /// Python: `cm.reschedule(when)`
    ///
    /// # Errors
    ///
    /// Only a running scope can be rescheduled, as in asyncio:
    /// [`TimeoutStateError::NotEntered`] before its body has started,
    /// [`TimeoutStateError::Expired`] or [`TimeoutStateError::Finished`] after. The
    /// deadline is then left as it was.
    pub fn reschedule(&self, when: Option<Instant>) -> Result<(), TimeoutStateError> {
        let mut state = self.lock();
        match state.phase {
            Phase::Entered => {}
            Phase::Created => return Err(TimeoutStateError::NotEntered),
            Phase::Expired => return Err(TimeoutStateError::Expired),
            Phase::Finished => return Err(TimeoutStateError::Finished),
        }
        state.when = when;
        state.generation += 1;
        if let Some(waker) = state.waker.take() {
            drop(state);
            waker.wake();
        }
        Ok(())
    }

    /// Whether the deadline passed and the scope cancelled its body.
    ///
    /// Python: `cm.expired()`
    pub fn expired(&self) -> bool {
        self.lock().phase == Phase::Expired
    }

    /// Runs `body` in the scope: its output, or [`TimeoutError`] if the deadline passes
    /// first (the body is then dropped, its destructors run).
    ///
    /// Python: the body of `async with asyncio.timeout(...):`
    ///
    /// The scope is entered when the returned future is first polled (asyncio's
    /// `__aenter__`); until then [`reschedule`](Timeout::reschedule) is refused.
    ///
    /// # Errors
    ///
    /// [`ScopeError::Timeout`] when the deadline passes; [`ScopeError::State`] with
    /// [`TimeoutStateError::AlreadyEntered`] for a scope entered before (by another
    /// `run` of a clone), or [`TimeoutStateError::OutsideTask`] when polled outside any
    /// [`aio_tasks`] task (a raw runtime task, a bare `block_on`); the body is then
    /// dropped unrun.
    ///
    /// # Cancel safety
    ///
    /// Dropping the [`Scoped`] drops the body; the scope does not count as expired (it is
    /// finished).
    pub fn run<F: Future>(self, body: F) -> Scoped<R, F> {
        self.scoped(body, true)
    }

    /// [`run`](Timeout::run) for a body that may catch the scope's cancellation
    /// ([`aio_tasks::catch_cancel`]) and tells by its output whether it re-raised it.
    ///
    /// Python: `async with asyncio.timeout(...):` around `try: ... except CancelledError:`
    ///
    /// After the deadline cancelled a catching body: the body returning `Err(e)` with
    /// `e` a `CancelledError` (by its Python class) gives [`ScopeError::Timeout`], unless
    /// another cancellation of the task is pending (then the error is returned as the
    /// body's, to go on up); any other output is returned as it is (the body swallowed
    /// the cancellation; the scope is expired all the same, as asyncio's).
    ///
    /// # Errors
    ///
    /// As [`run`](Timeout::run).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use aio_rt::Runtime;
    /// use aio_tasks::{CancelledError, catch_cancel};
    /// use aio_wait::{timeout, ScopeError};
    ///
    /// let rt = aio_rt::Smol::with_config(aio_rt::Config::default().clock(aio_rt::Clock::Virtual));
    /// let r = rt.clone();
    /// aio_tasks::run(&rt, async move {
    ///     let cm = timeout(&r, Some(Duration::from_secs(1)));
    ///     let r2 = r.clone();
    ///     let result = cm.clone().run_catching(async move {
    ///         if let Err(cancelled) = catch_cancel(r2.sleep(Duration::from_secs(5))).await {
    ///             r2.sleep(Duration::from_secs(1)).await; // cleanup that awaits
    ///             return Err(cancelled); // re-raise
    ///         }
    ///         Ok::<_, CancelledError>(())
    ///     });
    ///     assert!(matches!(result.await, Err(ScopeError::Timeout(_))));
    ///     assert!(cm.expired());
    ///     Ok::<_, aio_rt::PyError>(())
    /// })
    /// .unwrap();
    /// ```
    pub fn run_catching<F, T, E>(self, body: F) -> Catching<R, F>
    where
        F: Future<Output = Result<T, E>>,
        E: aio_rt::PyException,
    {
        Catching {
            scoped: self.scoped(body, true),
        }
    }

    /// `run` without the task check, for `wait_for`: asyncio's `wait_for` is awaited in a
    /// task anyway, and ours may be awaited anywhere.
    pub(crate) fn scoped<F: Future>(self, body: F, in_task: bool) -> Scoped<R, F> {
        Scoped {
            body: Some(body),
            scope: self,
            sleep: None,
            generation: None,
            in_task,
            entered: false,
            catching: false,
            delivered: None,
            settling: None,
        }
    }
}

impl<R: Runtime> Clone for Timeout<R> {
    fn clone(&self) -> Self {
        Timeout {
            rt: self.rt.clone(),
            state: Arc::clone(&self.state),
        }
    }
}

/// asyncio's repr of the scope, with its state: `<Timeout [created]>`, `<Timeout
/// [active] when=5.0>` (the deadline in seconds on the runtime's clock, rounded to
/// milliseconds; `when=None` without one), `<Timeout [expired]>`, `<Timeout [finished]>`.
///
/// Python: `repr(cm)` (without the address, see the `aio` crate docs, "Printing")
impl<R: Runtime> fmt::Display for Timeout<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        let phase = match state.phase {
            Phase::Created => "created",
            Phase::Entered => "active",
            Phase::Expired => "expired",
            Phase::Finished => "finished",
        };
        write!(f, "<Timeout [{phase}]")?;
        if state.phase == Phase::Entered {
            match state.when {
                // Python's `round(when, 3)`, printed as its float repr (`5.0`, `1.25`).
                Some(when) => {
                    let secs = (when.as_secs_f64() * 1000.0).round() / 1000.0;
                    write!(f, " when={secs:?}")?;
                }
                None => f.write_str(" when=None")?,
            }
        }
        f.write_str(">")
    }
}

impl<R: Runtime> fmt::Debug for Timeout<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Timeout")
            .field("when", &state.when)
            .field("phase", &state.phase)
            .finish()
    }
}

pin_project! {
    /// The future of [`Timeout::run`]: the body's output or a [`ScopeError`].
    ///
    /// Python: the `async with asyncio.timeout(...)` block
    #[must_use = "a Scoped does nothing unless awaited, as in asyncio: \"coroutine 'Timeout.__aenter__' was never awaited\""]
    pub struct Scoped<R: Runtime, F> {
        #[pin]
        body: Option<F>,
        scope: Timeout<R>,
        sleep: Option<Pin<Box<R::Sleep>>>,
        // The scope's generation `sleep` was made for.
        generation: Option<u64>,
        // Entering requires a task (false for `wait_for`).
        in_task: bool,
        // This future entered the scope (and leaves it when it ends or is dropped).
        entered: bool,
        // A `catch_cancel` stayed suspended in the body at its last poll.
        catching: bool,
        // The deadline's cancellation was delivered to the body, and the task's count
        // of requests when the scope made it (asyncio's `_cancelling`).
        delivered: Option<(aio_tasks::TaskRef, u32)>,
        // The deadline passed while the body awaited a task or a future, which was
        // cancelled: the scope waits for it to end before it drops the body.
        settling: Option<Arc<dyn aio_rt::Awaited>>,
    }

    impl<R: Runtime, F> PinnedDrop for Scoped<R, F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if *this.entered && this.body.is_some() {
                // Dropped from outside while the body ran: the scope is finished (an
                // expired one, whose body was handling the cancellation, stays expired).
                let mut state = this.scope.lock();
                if state.phase == Phase::Entered {
                    state.phase = Phase::Finished;
                }
            }
        }
    }
}

/// How a scope's body ended: `own` is `Some` when the scope had delivered its
/// cancellation to the body, `true` if no other request of the task is left (asyncio's
/// `uncancel() <= self._cancelling`).
struct Ended<T> {
    output: T,
    own: Option<bool>,
}

impl<R: Runtime, F: Future> Future for Scoped<R, F> {
    type Output = Result<F::Output, ScopeError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // The body's output is opaque here: its end after the deadline's cancellation
        // counts as the re-raise.
        self.poll_scope(cx).map(|ended| match ended? {
            Ended {
                own: Some(true), ..
            } => Err(ScopeError::Timeout(TimeoutError::new())),
            Ended { output, .. } => Ok(output),
        })
    }
}

impl<R: Runtime, F: Future> Scoped<R, F> {
    /// `wait_for`'s end of the scope: the body's output whenever the body ends, even
    /// after the deadline's cancellation was delivered to it (asyncio 3.12's `wait_for`
    /// returns what the coroutine returns once it caught the `CancelledError`); a
    /// `TimeoutError` only when the deadline dropped the body.
    pub(crate) fn poll_output(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<F::Output, ScopeError>> {
        self.poll_scope(cx)
            .map(|ended| ended.map(|Ended { output, .. }| output))
    }

    fn poll_scope(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Result<Ended<F::Output>, ScopeError>> {
        let mut this = self.project();
        if this.body.is_none() {
            return Poll::Pending;
        }
        if !*this.entered {
            // asyncio's `__aenter__`, in its order: entered before, then no task.
            let mut state = this.scope.lock();
            let refused = if state.phase != Phase::Created {
                Some(TimeoutStateError::AlreadyEntered)
            } else if *this.in_task && aio_tasks::current_task().is_none() {
                Some(TimeoutStateError::OutsideTask)
            } else {
                None
            };
            if let Some(error) = refused {
                drop(state);
                this.body.set(None);
                return Poll::Ready(Err(ScopeError::State(error)));
            }
            state.phase = Phase::Entered;
            *this.entered = true;
        }
        if let Some(awaited) = this.settling.as_ref() {
            // asyncio's task resumes (to raise `TimeoutError`) only once what it awaited
            // has ended; that end wakes it (the body's await is still registered).
            if !awaited.done() {
                return Poll::Pending;
            }
            *this.settling = None;
            this.body.set(None);
            return Poll::Ready(Err(ScopeError::Timeout(TimeoutError::new())));
        }
        let Some(body) = this.body.as_mut().as_pin_mut() else {
            return Poll::Pending;
        };
        // The body first: a body that finishes in the step its deadline passes wins.
        // Once the deadline's cancellation was delivered, the deadline is spent: a scope
        // the body enters while it handles the cancellation does not see it as an
        // enclosing deadline that passed (asyncio's expired scope cancels nothing more).
        let when = if this.delivered.is_some() {
            None
        } else {
            this.scope.lock().when
        };
        let (polled, catching) = {
            let _enclosed = Enclosed::push(when);
            aio_tasks::poll_catching(body, cx)
        };
        *this.catching = catching;
        if let Poll::Ready(output) = polled {
            this.body.set(None);
            let Some((task, cancelling)) = this.delivered.take() else {
                this.scope.lock().phase = Phase::Finished;
                return Poll::Ready(Ok(Ended { output, own: None }));
            };
            // asyncio's `__aexit__` on an expiring scope: its request taken back; it
            // raises `TimeoutError` if none other is left and the body re-raised.
            let own = task.uncancel() <= cancelling;
            return Poll::Ready(Ok(Ended {
                output,
                own: Some(own),
            }));
        }
        if this.delivered.is_some() {
            // The body handles the deadline's cancellation; it ends when it ends.
            return Poll::Pending;
        }
        let mut state = this.scope.lock();
        if *this.generation != Some(state.generation) {
            *this.generation = Some(state.generation);
            *this.sleep = state
                .when
                .map(|when| Box::pin(this.scope.rt.sleep_until(when)));
        }
        match &state.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            _ => state.waker = Some(cx.waker().clone()),
        }
        drop(state);
        if let Some(sleep) = this.sleep {
            if sleep.as_mut().poll(cx).is_ready() {
                this.scope.lock().phase = Phase::Expired;
                let task = aio_tasks::current_task().filter(|_| *this.catching);
                if let Some(task) = task {
                    // The body catches: the task is cancelled as asyncio's scope cancels
                    // it, and the body receives it where it is suspended.
                    let cancelling = task.cancelling();
                    task.deliver_cancel(None);
                    *this.delivered = Some((task, cancelling));
                    return Poll::Pending;
                }
                // The body awaits a task or a future: it is cancelled first, as asyncio's
                // `task.cancel()` cancels `_fut_waiter`, and the body stays suspended in it
                // until it has ended (a task runs its cleanup steps first).
                let awaited = aio_tasks::current_task().and_then(|task| task.cancel_awaited());
                if let Some(awaited) = awaited {
                    if !enclosing_expired(this.scope.rt.now()) {
                        // Its end wakes the task (the body's await is registered
                        // with it): no wake-up of our own, which would resume the task
                        // before the cleanup's consequences (asyncio resumes it after).
                        *this.settling = Some(awaited);
                        return Poll::Pending;
                    }
                }
                this.body.set(None);
                if enclosing_expired(this.scope.rt.now()) {
                    // An enclosing scope expired too: it reports the timeout, and drops
                    // this one in this very poll.
                    return Poll::Pending;
                }
                return Poll::Ready(Err(ScopeError::Timeout(TimeoutError::new())));
            }
        }
        Poll::Pending
    }
}

pin_project! {
    /// The future of [`Timeout::run_catching`]: the body's output, or a [`ScopeError`].
    ///
    /// Python: the `async with asyncio.timeout(...)` block around `try`/`except
    /// CancelledError`
    #[must_use = "a Catching does nothing unless awaited"]
    pub struct Catching<R: Runtime, F> {
        #[pin]
        scoped: Scoped<R, F>,
    }
}

impl<R, F, T, E> Future for Catching<R, F>
where
    R: Runtime,
    F: Future<Output = Result<T, E>>,
    E: aio_rt::PyException,
{
    type Output = Result<Result<T, E>, ScopeError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().scoped.poll_scope(cx).map(|ended| {
            let Ended { output, own } = ended?;
            match output {
                Err(error) if own == Some(true) && error.py_type() == "CancelledError" => {
                    Err(ScopeError::Timeout(TimeoutError::new()))
                }
                output => Ok(output),
            }
        })
    }
}

impl<R: Runtime, F> fmt::Debug for Catching<R, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Catching")
            .field("scope", &self.scoped.scope)
            .finish_non_exhaustive()
    }
}

impl<R: Runtime, F> fmt::Debug for Scoped<R, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scoped")
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}
