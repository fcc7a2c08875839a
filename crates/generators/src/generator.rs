//! Definition of [`AsyncGenerator`]: an async body with a yielder, run lazily, one step per
//! request, with asyncio's `asend` / `athrow` / `aclose` protocol.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, TryLockError};
use std::task::{Context, Poll};

use futures_lite::Stream;

use crate::slot::{GenEnd, Input, pair};
use crate::{Co, GeneratorError, Thrown};

/// Where the body is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Created; the body has not run at all.
    Fresh,
    /// Paused at a `yield_`, waiting for the next request.
    Suspended,
    /// Between two yields (awaiting something), for the operation that started the step.
    Running,
    /// Between two yields, but the operation that started the step was dropped.
    Abandoned,
    /// Returned, raised or closed; the body is gone.
    Done,
}

/// The body and where it is. Behind a `Mutex` so that `anext`/`asend`/... can take `&self`:
/// two requests in flight at once are then possible, as in Python, and the second one is
/// told `AlreadyRunning`. The `Stream` path has `&mut self` and never locks it.
struct Core<T, S, E, F> {
    state: State,
    /// `None` once the body has finished.
    body: Option<Body<T, S, E, F>>,
}

/// The body's future, and the generator's end of the slot it shares with the body's `Co`:
/// they live and die together.
struct Body<T, S, E, F> {
    /// `Pin<Box<..>>` so that the body can be moved out (to close it on drop) without
    /// `unsafe`. One allocation per generator, none per item.
    future: Pin<Box<F>>,
    end: GenEnd<T, S, E>,
}

/// What one step of the body ended with.
enum Step<T, E> {
    /// Paused at a `yield_` with this value.
    Yielded(T),
    /// The body returned.
    Returned(Result<(), Thrown<E>>),
}

type Finalizer<T, S, E, F> = Box<dyn FnOnce(Body<T, S, E, F>) + Send + Sync>;

/// An async generator: an async body that hands values out with
/// [`co.yield_(v).await`](Co::yield_), run lazily, one step per request.
///
/// Python: an `async def` function containing `yield` (an `async_generator` object)
///
/// `AsyncGenerator<T, S, E, F>` yields `T`, receives `S` from [`asend`](Self::asend),
/// can be thrown an `E` with [`athrow`](Self::athrow), and runs the body future `F`.
///
/// | Python | Rust |
/// |---|---|
/// | `async def gen(): ... yield v ...` | `AsyncGenerator::new(\|mut co: Co<T>\| async move { ... co.yield_(v).await?; ... Ok(()) })` |
/// | `async for x in gen(): ...` | `while let Some(x) = g.next().await { ... }` ([`Stream`], `x` is `Result<T, E>`) |
/// | `await anext(g)` | [`g.anext().await`](Self::anext) |
/// | `await g.asend(v)` | [`g.asend(v).await`](Self::asend) |
/// | `await g.athrow(exc)` | [`g.athrow(e).await`](Self::athrow) |
/// | `await g.aclose()` | [`g.aclose().await`](Self::aclose) |
/// | the loop's async generator finalizer hook | [`close_on_drop`](Self::close_on_drop) |
///
/// Nothing runs before the first request: creating the generator only creates the body's
/// future. Each request runs the body until its next `yield_` (awaiting whatever it
/// awaits on the way) or until it returns.
///
/// It is `Send` and `Sync` when the body and the items are, so it can be spawned, or
/// shared between tasks through an `Arc`.
///
/// # Examples
///
/// Python's `async def count(n): for i in range(n): yield i`, consumed with `async for`:
///
/// ```
/// use aio_generators::{AsyncGenerator, Co};
/// use futures_lite::StreamExt;
///
/// # futures_lite::future::block_on(async {
/// let mut numbers = AsyncGenerator::new(|mut co: Co<u32>| async move {
///     for i in 0..3 {
///         co.yield_(i).await?;
///     }
///     Ok(())
/// });
/// let mut seen = Vec::new();
/// while let Some(Ok(i)) = numbers.next().await {
///     seen.push(i);
/// }
/// assert_eq!(seen, [0, 1, 2]);
/// # });
/// ```
///
/// `asend` delivers a value to the paused `yield_`, which evaluates to `Some(value)`:
///
/// ```
/// use aio_generators::{AsyncGenerator, Co};
///
/// # futures_lite::future::block_on(async {
/// // Python: async def running_total(): total = 0; while True: total += (yield total) or 0
/// let totals = AsyncGenerator::new(|mut co: Co<u32, u32>| async move {
///     let mut total = 0;
///     loop {
///         total += co.yield_(total).await?.unwrap_or(0);
///     }
/// });
/// assert_eq!(totals.anext().await, Ok(0));
/// assert_eq!(totals.asend(5).await, Ok(5));
/// assert_eq!(totals.asend(2).await, Ok(7));
/// assert_eq!(totals.aclose().await, Ok(()));
/// # });
/// ```
///
/// Python finds two requests in flight at once at run time; through the [`Stream`] API,
/// which takes `&mut self`, Rust rejects them at compile time:
///
/// ```compile_fail,E0499
/// use aio_generators::{AsyncGenerator, Co};
/// use futures_lite::StreamExt;
///
/// let mut g = AsyncGenerator::new(|mut co: Co<u32>| async move { co.yield_(1).await?; Ok(()) });
/// let first = g.next();
/// let second = g.next(); // error: `g` is already borrowed mutably
/// drop((first, second));
/// ```
pub struct AsyncGenerator<T, S, E, F> {
    core: Mutex<Core<T, S, E, F>>,
    finalizer: Option<Finalizer<T, S, E, F>>,
}

impl<T, S, E, F> AsyncGenerator<T, S, E, F>
where
    F: Future<Output = Result<(), Thrown<E>>>,
{
    /// Creates a generator whose body is `body(co)`; nothing of the body runs yet.
    ///
    /// Python: calling an `async def` generator function
    ///
    /// `body` itself is called now, so keep work out of the closure and inside its
    /// `async move` block, which runs only on the first request (as Python runs nothing
    /// of the generator function before the first `anext`). Annotate the yielder
    /// (`|mut co: Co<u32>|`) so that the item, send and error types are known.
    pub fn new(body: impl FnOnce(Co<T, S, E>) -> F) -> Self {
        let (co_end, end) = pair();
        let future = Box::pin(body(Co::new(co_end)));
        AsyncGenerator {
            core: Mutex::new(Core {
                state: State::Fresh,
                body: Some(Body { future, end }),
            }),
            finalizer: None,
        }
    }

    /// Gets the next value: runs the body until its next `yield_`.
    ///
    /// Python: `await anext(agen)` / `await agen.__anext__()`
    ///
    /// The paused `yield_` evaluates to `Ok(None)`.
    ///
    /// # Errors
    ///
    /// [`StopAsyncIteration`](GeneratorError::StopAsyncIteration) when the body returns
    /// (or had returned), [`Raised`](GeneratorError::Raised) when it fails,
    /// [`AlreadyRunning`](GeneratorError::AlreadyRunning) when another request is in the
    /// middle of a step.
    ///
    /// # Cancel safety
    ///
    /// Dropping this future in the middle of a step leaves the body where it is (Rust
    /// cannot raise `CancelledError` inside it, as Python does): the next `anext` or
    /// `Stream::next` continues that step and gets its value, so no value is lost;
    /// `asend`, `athrow` and `aclose` fail with `AlreadyRunning` until then.
    pub fn anext(&self) -> Request<'_, T, S, E, F> {
        Request {
            generator: self,
            input: None,
            kind: Kind::Next,
            started: false,
            awaited: false,
        }
    }

    /// Resumes the body, the paused `yield_` evaluating to `Some(value)`, and gets the next
    /// value.
    ///
    /// Python: `await agen.asend(value)`
    ///
    /// # Errors
    ///
    /// As [`anext`](Self::anext), and [`JustStarted`](GeneratorError::JustStarted) before
    /// the first step (start with `anext`).
    ///
    /// # Cancel safety
    ///
    /// As [`anext`](Self::anext); if dropped before its first poll, the value is dropped
    /// and the generator is unchanged.
    pub fn asend(&self, value: S) -> Request<'_, T, S, E, F> {
        Request {
            generator: self,
            input: Some(Input::Send(value)),
            kind: Kind::Send,
            started: false,
            awaited: false,
        }
    }

    /// Raises `error` at the paused `yield_`; if the body handles it and yields again, that
    /// value is the result.
    ///
    /// Python: `await agen.athrow(exc)`
    ///
    /// Before the first step, the body never runs: the generator is finished and the error
    /// comes straight back as [`Raised`](GeneratorError::Raised), as in Python.
    ///
    /// # Errors
    ///
    /// [`Raised`](GeneratorError::Raised) when the error (or another) propagates out of the
    /// body, [`StopAsyncIteration`](GeneratorError::StopAsyncIteration) when the body
    /// returns, [`AlreadyRunning`](GeneratorError::AlreadyRunning) as in `anext`.
    ///
    /// # Differences from Python
    ///
    /// On a finished generator this is `StopAsyncIteration`; CPython (3.11 to 3.13) returns
    /// `None`.
    pub fn athrow(&self, error: E) -> Request<'_, T, S, E, F> {
        Request {
            generator: self,
            input: Some(Input::Throw(error)),
            kind: Kind::Throw,
            started: false,
            awaited: false,
        }
    }

    /// Closes the generator: raises [`Thrown::GeneratorExit`] at the paused `yield_` and
    /// runs the body until it returns, so its cleanup runs (once).
    ///
    /// Python: `await agen.aclose()`
    ///
    /// Closing a generator that has not started, has finished or is already closed does
    /// nothing and runs no body.
    ///
    /// # Errors
    ///
    /// [`IgnoredGeneratorExit`](GeneratorError::IgnoredGeneratorExit) if the body yields
    /// instead of finishing, [`Raised`](GeneratorError::Raised) if its cleanup fails,
    /// [`AlreadyRunning`](GeneratorError::AlreadyRunning) as in `anext`.
    ///
    /// # Differences from Python
    ///
    /// After an ignored `GeneratorExit`, CPython (3.11 to 3.13) marks the generator closed:
    /// a second `aclose()` raises `StopAsyncIteration` at once and the body stays paused,
    /// its cleanup unrun. Here the generator is simply paused at its new yield, and a
    /// second `aclose()` raises `GeneratorExit` there.
    pub fn aclose(&self) -> Close<'_, T, S, E, F> {
        Close {
            request: Request {
                generator: self,
                input: Some(Input::Close),
                kind: Kind::Close,
                started: false,
                awaited: false,
            },
        }
    }

    /// Whether the body has finished: returned, raised or closed.
    ///
    /// Python: none (Rust only: `agen.ag_frame is None` comes closest)
    pub fn is_finished(&self) -> bool {
        match self.core.try_lock() {
            Ok(core) => core.state == State::Done,
            Err(TryLockError::Poisoned(core)) => core.into_inner().state == State::Done,
            Err(TryLockError::WouldBlock) => false,
        }
    }
}

impl<T, S, E, F> AsyncGenerator<T, S, E, F>
where
    F: Future<Output = Result<(), Thrown<E>>> + Send + 'static,
    T: Send + 'static,
    S: Send + 'static,
    E: Send + 'static,
{
    /// Makes dropping the generator while it is paused at a `yield_` close it on `rt`: a
    /// task raises [`Thrown::GeneratorExit`] at the yield and runs the cleanup, as
    /// asyncio's finalizer hook does.
    ///
    /// Python: `loop._asyncgen_finalizer_hook`, which `asyncio.run` installs with
    /// `sys.set_asyncgen_hooks`: a collected, unfinished generator gets
    /// `loop.create_task(agen.aclose())`
    ///
    /// Without it, dropping a paused generator drops its body: destructors of its locals
    /// run at once (synchronously), but no `async` cleanup after the `yield_` can run,
    /// because Rust has no async drop. With it, the body is moved into a task and closed
    /// there, later, exactly once. An error from that close (the cleanup's own error, an
    /// ignored `GeneratorExit`) goes to the runtime's exception handler as asyncio reports
    /// the failed `aclose()` task: "Task exception was never retrieved".
    pub fn close_on_drop<R: aio_rt::Runtime>(mut self, rt: R) -> Self
    where
        E: aio_rt::PyException,
    {
        self.finalizer = Some(Box::new(move |body| {
            let reporter = rt.reporter().clone();
            // Dropping the join handle does not cancel the task.
            drop(rt.spawn(finalize(body, reporter)));
        }));
        self
    }
}

/// The close that [`AsyncGenerator::close_on_drop`] spawns: the generator's parts, taken out
/// of it on drop, are put back into a new generator that is closed as `aclose` would.
async fn finalize<T, S, E, F>(body: Body<T, S, E, F>, reporter: aio_rt::Reporter)
where
    F: Future<Output = Result<(), Thrown<E>>>,
    E: aio_rt::PyException,
{
    let generator = AsyncGenerator {
        core: Mutex::new(Core {
            state: State::Suspended,
            body: Some(body),
        }),
        finalizer: None,
    };
    if let Err(error) = generator.aclose().await {
        // asyncio's finalizer hook runs `aclose()` as a task nobody awaits: its failure is
        // that task's exception, never retrieved.
        let repr = format!(
            "<Task finished coro=<aclose()> exception={}>",
            aio_rt::exception_repr(&error)
        );
        let context = aio_rt::ExceptionContext::new("Task exception was never retrieved")
            .with_exception(&error)
            .with_future(aio_rt::ContextObject::new(repr));
        reporter.report(&context);
    }
}

impl<T, S, E, F> AsyncGenerator<T, S, E, F>
where
    F: Future<Output = Result<(), Thrown<E>>>,
{
    /// Runs the body of `core` for one poll.
    #[inline]
    fn poll_step(core: &mut Core<T, S, E, F>, cx: &mut Context<'_>) -> Poll<Step<T, E>> {
        core.state = State::Running;
        let Some(body) = core.body.as_mut() else {
            core.state = State::Done;
            return Poll::Ready(Step::Returned(Ok(())));
        };
        match body.future.as_mut().poll(cx) {
            Poll::Ready(result) => Poll::Ready(Self::finish(core, result)),
            Poll::Pending => match body.end.take_out() {
                Some(value) => {
                    core.state = State::Suspended;
                    Poll::Ready(Step::Yielded(value))
                }
                None => Poll::Pending,
            },
        }
    }

    /// The body returned: drops it. Once per generator, so out of line, which keeps the
    /// per-item path of [`poll_step`](Self::poll_step) small enough to be inlined.
    #[cold]
    #[inline(never)]
    fn finish(core: &mut Core<T, S, E, F>, result: Result<(), Thrown<E>>) -> Step<T, E> {
        core.state = State::Done;
        core.body = None;
        Step::Returned(result)
    }
}

/// Which operation a [`Request`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Next,
    Send,
    Throw,
    Close,
}

impl Kind {
    /// The error for a request that found the generator running: CPython names the
    /// request (`anext()` for anext and asend).
    fn already_running<E>(self) -> GeneratorError<E> {
        GeneratorError::AlreadyRunning {
            request: match self {
                Kind::Next | Kind::Send => crate::RequestKind::Anext,
                Kind::Throw => crate::RequestKind::Athrow,
                Kind::Close => crate::RequestKind::Aclose,
            },
        }
    }
}

/// The future returned by [`AsyncGenerator::anext`], [`asend`](AsyncGenerator::asend) and
/// [`athrow`](AsyncGenerator::athrow): one step of the body.
///
/// Python: the awaitable that `anext(agen)`, `agen.asend(v)` and `agen.athrow(e)` return
#[must_use = "a request does nothing unless awaited, as in asyncio: \"coroutine 'asend' was never awaited\""]
pub struct Request<'a, T, S, E, F> {
    generator: &'a AsyncGenerator<T, S, E, F>,
    input: Option<Input<S, E>>,
    kind: Kind,
    /// Whether this request started (or took over) the step in progress.
    started: bool,
    /// The request gave its outcome: awaiting it again is an error, not a new step.
    awaited: bool,
}

impl<T, S, E, F> Request<'_, T, S, E, F>
where
    F: Future<Output = Result<(), Thrown<E>>>,
{
    /// One poll of the request: `Ok(Some(value))` for a yielded value, `Ok(None)` for a
    /// clean close (only a close asks for one).
    fn poll_request(&mut self, cx: &mut Context<'_>) -> Poll<Result<Option<T>, GeneratorError<E>>> {
        let generator = self.generator;
        let mut core = match generator.core.try_lock() {
            Ok(core) => core,
            Err(TryLockError::Poisoned(core)) => core.into_inner(),
            // Someone is polling the body this very moment (another thread, or the body
            // itself asking its own generator for a value).
            Err(TryLockError::WouldBlock) => {
                return Poll::Ready(Err(self.kind.already_running()));
            }
        };
        let core = &mut *core;
        if !self.started {
            match (core.state, self.kind) {
                (State::Running, _)
                | (State::Abandoned, Kind::Send | Kind::Throw | Kind::Close) => {
                    return Poll::Ready(Err(self.kind.already_running()));
                }
                (State::Done, Kind::Close) => return Poll::Ready(Ok(None)),
                (State::Done, _) => return Poll::Ready(Err(GeneratorError::StopAsyncIteration)),
                (State::Fresh, Kind::Send) => return Poll::Ready(Err(GeneratorError::JustStarted)),
                (State::Fresh, Kind::Throw | Kind::Close) => {
                    // Python: throwing into (or closing) a generator that never ran finishes
                    // it without running the body; the thrown error comes straight back.
                    core.state = State::Done;
                    core.body = None;
                    return Poll::Ready(match self.input.take() {
                        Some(Input::Throw(error)) => Err(GeneratorError::Raised(error)),
                        _ => Ok(None),
                    });
                }
                (State::Abandoned, Kind::Next) => {}
                (State::Fresh | State::Suspended, _) => {}
            }
            // Deliver what the paused yield will see when the body resumes.
            if let (Some(input), Some(body)) = (self.input.take(), core.body.as_mut()) {
                if let Err(input) = body.end.put_input(input) {
                    // The body's `Co`, used from another thread, holds the slot: the body
                    // is running elsewhere.
                    self.input = Some(input);
                    return Poll::Ready(Err(self.kind.already_running()));
                }
            }
            self.started = true;
        }
        let step = std::task::ready!(AsyncGenerator::poll_step(core, cx));
        Poll::Ready(match (step, self.kind) {
            (Step::Yielded(_), Kind::Close) => Err(GeneratorError::IgnoredGeneratorExit),
            (Step::Yielded(value), _) => Ok(Some(value)),
            (Step::Returned(Ok(()) | Err(Thrown::GeneratorExit)), Kind::Close) => Ok(None),
            (Step::Returned(Ok(()) | Err(Thrown::GeneratorExit)), _) => {
                Err(GeneratorError::StopAsyncIteration)
            }
            (Step::Returned(Err(Thrown::Error(error))), _) => Err(GeneratorError::Raised(error)),
        })
    }
}

impl<T, S, E, F> Future for Request<'_, T, S, E, F>
where
    F: Future<Output = Result<(), Thrown<E>>>,
{
    type Output = Result<T, GeneratorError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.awaited {
            let throw = this.kind == Kind::Throw;
            return Poll::Ready(Err(GeneratorError::AlreadyAwaited { throw }));
        }
        let result = std::task::ready!(this.poll_request(cx));
        this.started = false;
        this.awaited = true;
        Poll::Ready(result.and_then(|value| value.ok_or(GeneratorError::StopAsyncIteration)))
    }
}

impl<T, S, E, F> Unpin for Request<'_, T, S, E, F> {}

impl<T, S, E, F> Drop for Request<'_, T, S, E, F> {
    fn drop(&mut self) {
        if self.started {
            let mut core = match self.generator.core.lock() {
                Ok(core) => core,
                Err(poisoned) => poisoned.into_inner(),
            };
            if core.state == State::Running {
                core.state = State::Abandoned;
            }
        }
    }
}

impl<T, S, E, F> fmt::Debug for Request<'_, T, S, E, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("kind", &self.kind)
            .field("started", &self.started)
            .finish_non_exhaustive()
    }
}

/// The future returned by [`AsyncGenerator::aclose`].
///
/// Python: the awaitable that `agen.aclose()` returns
#[must_use = "a close does nothing unless awaited, as in asyncio: \"coroutine 'aclose' was never awaited\""]
pub struct Close<'a, T, S, E, F> {
    request: Request<'a, T, S, E, F>,
}

impl<T, S, E, F> Future for Close<'_, T, S, E, F>
where
    F: Future<Output = Result<(), Thrown<E>>>,
{
    type Output = Result<(), GeneratorError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let request = &mut self.get_mut().request;
        if request.awaited {
            // CPython: "cannot reuse already awaited aclose()/athrow()".
            return Poll::Ready(Err(GeneratorError::AlreadyAwaited { throw: true }));
        }
        let result = std::task::ready!(request.poll_request(cx));
        request.started = false;
        request.awaited = true;
        // A close never yields a value (a yield during close is `IgnoredGeneratorExit`).
        Poll::Ready(result.map(drop))
    }
}

impl<T, S, E, F> fmt::Debug for Close<'_, T, S, E, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Close")
            .field("started", &self.request.started)
            .finish_non_exhaustive()
    }
}

/// `async for`: each `next()` is one [`anext`](AsyncGenerator::anext); the body's error is
/// the item `Err(e)` (after which the stream ends), and the end of the body is the end of
/// the stream (`StopAsyncIteration`).
///
/// Python: `agen.__aiter__()` / `agen.__anext__()`, as `async for` calls them
///
/// # Cancel safety
///
/// Cancel safe: dropping `next()` in the middle of a step leaves the body where it was and
/// the next `next()` continues that step, so no item is lost.
impl<T, S, E, F> Stream for AsyncGenerator<T, S, E, F>
where
    F: Future<Output = Result<(), Thrown<E>>>,
{
    type Item = Result<T, E>;

    #[inline]
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        // `&mut self`: nobody else can hold the lock, so this costs no atomic operation.
        let core = this
            .core
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // A finished generator has no body: `poll_step` returns at once, and that is `None`.
        let Poll::Ready(step) = AsyncGenerator::poll_step(core, cx) else {
            // Mid-step, and no request owns the step: if this `next()` is dropped, an
            // `anext()` may take the step over, as after a dropped request.
            core.state = State::Abandoned;
            return Poll::Pending;
        };
        Poll::Ready(match step {
            Step::Yielded(value) => Some(Ok(value)),
            Step::Returned(Ok(()) | Err(Thrown::GeneratorExit)) => None,
            Step::Returned(Err(Thrown::Error(error))) => Some(Err(error)),
        })
    }
}

impl<T, S, E, F> Drop for AsyncGenerator<T, S, E, F> {
    fn drop(&mut self) {
        let Some(finalizer) = self.finalizer.take() else {
            return;
        };
        let core = self
            .core
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Only a generator paused at a yield has cleanup to run. One dropped in the middle
        // of a step (its request was dropped) is dropped as it is: Python cannot collect a
        // generator that a task is running.
        if core.state == State::Suspended {
            if let Some(body) = core.body.take() {
                finalizer(body);
            }
        }
    }
}

impl<T, S, E, F> fmt::Debug for AsyncGenerator<T, S, E, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.core.try_lock() {
            Ok(core) => Some(core.state),
            Err(TryLockError::Poisoned(core)) => Some(core.into_inner().state),
            Err(TryLockError::WouldBlock) => None,
        };
        f.debug_struct("AsyncGenerator")
            .field("state", &state)
            .field("close_on_drop", &self.finalizer.is_some())
            .finish_non_exhaustive()
    }
}
