//! The errors of the async generator protocol: [`GeneratorError`] (what an operation
//! returns) and [`Thrown`] (what a paused `yield_` raises inside the body).

use std::error::Error;
use std::fmt;

use aio_rt::PyException;

/// What an operation on an [`AsyncGenerator`](crate::AsyncGenerator) can fail with.
///
/// Python: the exceptions `anext`, `asend`, `athrow` and `aclose` raise: `StopAsyncIteration`,
/// the body's own exception, and the protocol's `RuntimeError` / `TypeError`
///
/// | variant | Python |
/// |---|---|
/// | [`StopAsyncIteration`](Self::StopAsyncIteration) | `StopAsyncIteration` (the generator is finished) |
/// | [`Raised`](Self::Raised) | the exception the body raised, or a thrown one it let through |
/// | [`AlreadyRunning`](Self::AlreadyRunning) | `RuntimeError: anext(): asynchronous generator is already running` (`athrow()`, `aclose()`: see [`RequestKind`]) |
/// | [`IgnoredGeneratorExit`](Self::IgnoredGeneratorExit) | `RuntimeError: async generator ignored GeneratorExit` |
/// | [`JustStarted`](Self::JustStarted) | `TypeError: can't send non-None value to a just-started async generator` |
#[derive(Clone, PartialEq, Eq)]
pub enum GeneratorError<E> {
    /// The generator has finished (returned, raised, or was closed): there is nothing more.
    ///
    /// Python: `StopAsyncIteration`
    StopAsyncIteration,
    /// The body failed with this error: its own, or one thrown in with
    /// [`athrow`](crate::AsyncGenerator::athrow) that it did not handle. The generator is
    /// finished.
    ///
    /// Python: the exception propagating out of the generator
    Raised(E),
    /// Another operation is in the middle of a step of this generator (the body is running,
    /// between two yields): a generator runs one step at a time.
    ///
    /// Python: `RuntimeError("anext(): asynchronous generator is already running")` (for
    /// `athrow` and `aclose`: `"athrow(): ..."`, `"aclose(): ..."`)
    AlreadyRunning {
        /// The request that found the generator running, as CPython names it.
        request: RequestKind,
    },
    /// The body yielded a value while being closed, instead of finishing. The generator is
    /// left paused at that yield.
    ///
    /// Python: `RuntimeError("async generator ignored GeneratorExit")`
    IgnoredGeneratorExit,
    /// [`asend`](crate::AsyncGenerator::asend) was called before the first step: no `yield_`
    /// is paused to receive the value. Start the generator with
    /// [`anext`](crate::AsyncGenerator::anext). The generator is unchanged.
    ///
    /// Python: `TypeError("can't send non-None value to a just-started async generator")`
    JustStarted,
    /// An [`anext`](crate::AsyncGenerator::anext), [`asend`](crate::AsyncGenerator::asend),
    /// [`athrow`](crate::AsyncGenerator::athrow) or [`aclose`](crate::AsyncGenerator::aclose)
    /// request that already gave its outcome was awaited again: a request is one step, it
    /// never starts another.
    ///
    /// Python: `RuntimeError("cannot reuse already awaited __anext__()/asend()")` (for
    /// `athrow` and `aclose`: `"... aclose()/athrow()"`)
    AlreadyAwaited {
        /// The request was an `athrow` or an `aclose` (CPython names both in its message).
        throw: bool,
    },
}

/// Which request of an [`AsyncGenerator`](crate::AsyncGenerator) an error is about, named
/// as CPython names it in its messages.
///
/// Python: the method name in `"anext(): asynchronous generator is already running"`
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// [`anext`](crate::AsyncGenerator::anext) or [`asend`](crate::AsyncGenerator::asend)
    /// (CPython says `anext()` for both).
    Anext,
    /// [`athrow`](crate::AsyncGenerator::athrow).
    Athrow,
    /// [`aclose`](crate::AsyncGenerator::aclose).
    Aclose,
}

impl RequestKind {
    /// The method's name as CPython's messages write it: `anext`, `athrow` or `aclose`.
    ///
    /// Python: `"anext"`, `"athrow"`, `"aclose"`
    pub fn name(self) -> &'static str {
        match self {
            RequestKind::Anext => "anext",
            RequestKind::Athrow => "athrow",
            RequestKind::Aclose => "aclose",
        }
    }
}

impl<E> GeneratorError<E> {
    /// The body's error, if this is [`Raised`](Self::Raised).
    ///
    /// Python: none (Rust only: an `except` clause for one exception type)
    pub fn into_raised(self) -> Option<E> {
        match self {
            GeneratorError::Raised(error) => Some(error),
            _ => None,
        }
    }
}

impl<E: fmt::Debug> fmt::Debug for GeneratorError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GeneratorError::StopAsyncIteration => f.write_str("StopAsyncIteration"),
            GeneratorError::Raised(error) => f.debug_tuple("Raised").field(error).finish(),
            GeneratorError::AlreadyRunning { request } => f
                .debug_struct("AlreadyRunning")
                .field("request", request)
                .finish(),
            GeneratorError::IgnoredGeneratorExit => f.write_str("IgnoredGeneratorExit"),
            GeneratorError::JustStarted => f.write_str("JustStarted"),
            GeneratorError::AlreadyAwaited { throw } => f
                .debug_struct("AlreadyAwaited")
                .field("throw", throw)
                .finish(),
        }
    }
}

impl<E: fmt::Display> fmt::Display for GeneratorError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GeneratorError::StopAsyncIteration => f.write_str("async generator is exhausted"),
            GeneratorError::Raised(error) => error.fmt(f),
            GeneratorError::AlreadyRunning { .. } => {
                f.write_str("asynchronous generator is already running")
            }
            GeneratorError::IgnoredGeneratorExit => {
                f.write_str("async generator ignored GeneratorExit")
            }
            GeneratorError::JustStarted => {
                f.write_str("can't send non-None value to a just-started async generator")
            }
            GeneratorError::AlreadyAwaited { .. } => {
                f.write_str("cannot reuse an already awaited request")
            }
        }
    }
}

impl<E: fmt::Debug + fmt::Display> Error for GeneratorError<E> {}

/// What a paused [`yield_`](crate::Co::yield_) raises inside the body: an error thrown in
/// with [`athrow`](crate::AsyncGenerator::athrow), or the request to close.
///
/// Python: the exception that appears at a paused `yield`: the one passed to `athrow`, or
/// `GeneratorExit` from `aclose`
///
/// The body returns `Result<(), Thrown<E>>`, so `co.yield_(v).await?` lets it propagate,
/// which is what Python does with an exception nobody catches. To clean up, match on it
/// (Python's `except GeneratorExit:` or `finally:`); to raise your own error, return
/// `Err(Thrown::Error(e))`.
#[derive(Clone, PartialEq, Eq)]
pub enum Thrown<E> {
    /// An error thrown in by [`athrow`](crate::AsyncGenerator::athrow), or raised by the body.
    ///
    /// Python: an exception
    Error(E),
    /// The generator is being closed: finish (do the cleanup, then return) without yielding.
    ///
    /// Python: `GeneratorExit`
    GeneratorExit,
}

impl<E: fmt::Debug> fmt::Debug for Thrown<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Thrown::Error(error) => f.debug_tuple("Error").field(error).finish(),
            Thrown::GeneratorExit => f.write_str("GeneratorExit"),
        }
    }
}

impl<E: fmt::Display> fmt::Display for Thrown<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Thrown::Error(error) => error.fmt(f),
            Thrown::GeneratorExit => f.write_str("GeneratorExit"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> Error for Thrown<E> {}

/// Python: `StopAsyncIteration()` (empty `str()`), the body's own exception, or the
/// protocol's `RuntimeError` / `TypeError`
impl<E: PyException> PyException for GeneratorError<E> {
    fn py_type(&self) -> &str {
        match self {
            GeneratorError::StopAsyncIteration => "StopAsyncIteration",
            GeneratorError::Raised(e) => e.py_type(),
            GeneratorError::AlreadyRunning { .. }
            | GeneratorError::IgnoredGeneratorExit
            | GeneratorError::AlreadyAwaited { .. } => "RuntimeError",
            GeneratorError::JustStarted => "TypeError",
        }
    }

    fn py_str(&self) -> String {
        match self {
            GeneratorError::StopAsyncIteration => String::new(),
            GeneratorError::Raised(e) => e.py_str(),
            GeneratorError::AlreadyRunning { request } => {
                format!(
                    "{}(): asynchronous generator is already running",
                    request.name()
                )
            }
            GeneratorError::IgnoredGeneratorExit => {
                "async generator ignored GeneratorExit".to_owned()
            }
            GeneratorError::JustStarted => {
                "can't send non-None value to a just-started async generator".to_owned()
            }
            GeneratorError::AlreadyAwaited { throw: false } => {
                "cannot reuse already awaited __anext__()/asend()".to_owned()
            }
            GeneratorError::AlreadyAwaited { throw: true } => {
                "cannot reuse already awaited aclose()/athrow()".to_owned()
            }
        }
    }

    fn py_cause(&self) -> Option<&dyn PyException> {
        match self {
            GeneratorError::Raised(e) => e.py_cause(),
            _ => None,
        }
    }
}

/// Python: the thrown exception, or `GeneratorExit()` (a `BaseException`, empty `str()`)
impl<E: PyException> PyException for Thrown<E> {
    fn py_type(&self) -> &str {
        match self {
            Thrown::Error(e) => e.py_type(),
            Thrown::GeneratorExit => "GeneratorExit",
        }
    }

    fn py_str(&self) -> String {
        match self {
            Thrown::Error(e) => e.py_str(),
            Thrown::GeneratorExit => String::new(),
        }
    }

    fn is_base_exception(&self) -> bool {
        match self {
            Thrown::Error(e) => e.is_base_exception(),
            Thrown::GeneratorExit => true,
        }
    }
}
