//! The errors of the streams: typed, each with asyncio's wording where it has one.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use aio_rt::PyException;

/// The stream ended before a read could be satisfied; carries what was read.
///
/// Python: `asyncio.IncompleteReadError` (`partial`, `expected`)
///
/// The partial data has been taken out of the reader: it is here, nowhere else.
#[derive(Clone, PartialEq, Eq)]
pub struct IncompleteReadError {
    /// The bytes read before the end of the stream.
    pub partial: Vec<u8>,
    /// How many bytes were asked for (`readexactly`), or `None` when a separator was
    /// awaited (`readuntil`).
    pub expected: Option<usize>,
}

impl fmt::Display for IncompleteReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.expected {
            // asyncio: "3 bytes read on a total of 10 expected bytes"
            Some(n) => write!(
                f,
                "{} bytes read on a total of {n} expected bytes",
                self.partial.len()
            ),
            // asyncio prints "expected None" here; this says what it means.
            None => write!(
                f,
                "{} bytes read before the end of the stream, separator not found",
                self.partial.len()
            ),
        }
    }
}

impl fmt::Debug for IncompleteReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IncompleteReadError")
            .field("partial", &String::from_utf8_lossy(&self.partial))
            .field("expected", &self.expected)
            .finish()
    }
}

impl std::error::Error for IncompleteReadError {}

/// A line (or a chunk up to a separator) is longer than the reader's limit.
///
/// Python: `asyncio.LimitOverrunError` (`consumed`)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitOverrunError {
    /// Whether the separator was in the buffer (but too far).
    pub separator_found: bool,
    /// How many bytes were examined; asyncio's `consumed`.
    pub consumed: usize,
}

impl fmt::Display for LimitOverrunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // asyncio's two messages, lower-cased.
        if self.separator_found {
            f.write_str("separator is found, but chunk is longer than limit")
        } else {
            f.write_str("separator is not found, and chunk exceed the limit")
        }
    }
}

impl std::error::Error for LimitOverrunError {}

/// An operation did not finish before its deadline; it was cancelled.
///
/// Python: `TimeoutError` (raised by `asyncio.wait_for` and `asyncio.timeout`)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeoutError {
    /// The time the operation was given.
    pub after: Duration,
}

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "timed out after {:?}", self.after)
    }
}

impl std::error::Error for TimeoutError {}

/// What the streams report.
///
/// Python: the exceptions the streams raise (`OSError`s, `IncompleteReadError`, `LimitOverrunError`, `TimeoutError`)
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamError {
    /// The listener could not be bound (address in use, no permission, no file left).
    ///
    /// Python: `OSError: [Errno 98] error while attempting to bind on address ...`
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The connection could not be made (`source.kind()` is `ConnectionRefused` when
    /// nobody listens).
    ///
    /// Python: `ConnectionRefusedError: [Errno 111] Connect call failed (...)`
    Connect {
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's reason.
        source: io::Error,
    },
    /// A read, write or accept on an established socket failed (reset by the peer, ...).
    ///
    /// Python: `ConnectionResetError`, `BrokenPipeError`, `OSError`
    Io {
        /// What was being done: `"read"`, `"write"`, `"accept"`, `"shutdown"`.
        op: &'static str,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The stream ended early; the partial data is inside.
    ///
    /// Python: `asyncio.IncompleteReadError`
    IncompleteRead(IncompleteReadError),
    /// A line was longer than the reader's limit.
    ///
    /// Python: `asyncio.LimitOverrunError` (`ValueError` from `readline`)
    LimitOverrun(LimitOverrunError),
    /// The operation's deadline passed.
    ///
    /// Python: `TimeoutError`
    Timeout(TimeoutError),
    /// `readuntil` was given an empty separator.
    ///
    /// Python: `ValueError: Separator should be at least one-byte string`
    EmptySeparator,
    /// The runtime reads a virtual clock that does not see its sockets
    /// ([`Net::sockets_in_virtual_time`](crate::Net::sockets_in_virtual_time) is `false`):
    /// it would jump past every wait on a socket. No runtime of this workspace answers
    /// so; a `Net` written outside it may.
    ///
    /// Python: none (asyncio has one clock)
    VirtualClock,
}

impl StreamError {
    /// The operating system's error kind, when the failure came from it.
    ///
    /// Python: `type(exc)` among the `OSError` subclasses
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            StreamError::Bind { source, .. }
            | StreamError::Connect { source, .. }
            | StreamError::Io { source, .. } => Some(source.kind()),
            _ => None,
        }
    }

    pub(crate) fn io(op: &'static str) -> impl FnOnce(io::Error) -> StreamError {
        move |source| StreamError::Io { op, source }
    }
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Bind { addr, source } => {
                write!(f, "error while attempting to bind on address {addr}: {source}")
            }
            StreamError::Connect { addr, source } => {
                write!(f, "connect call failed {addr}: {source}")
            }
            StreamError::Io { op, source } => write!(f, "{op} failed: {source}"),
            StreamError::IncompleteRead(e) => e.fmt(f),
            StreamError::LimitOverrun(e) => e.fmt(f),
            StreamError::Timeout(e) => e.fmt(f),
            StreamError::EmptySeparator => {
                f.write_str("separator should be at least one-byte string")
            }
            StreamError::VirtualClock => f.write_str(
                "sockets need a runtime whose clock sees them: this virtual clock would jump past every wait on a socket",
            ),
        }
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StreamError::Bind { source, .. }
            | StreamError::Connect { source, .. }
            | StreamError::Io { source, .. } => Some(source),
            StreamError::IncompleteRead(e) => Some(e),
            StreamError::LimitOverrun(e) => Some(e),
            StreamError::Timeout(e) => Some(e),
            StreamError::EmptySeparator | StreamError::VirtualClock => None,
        }
    }
}

impl From<IncompleteReadError> for StreamError {
    fn from(e: IncompleteReadError) -> Self {
        StreamError::IncompleteRead(e)
    }
}

impl From<LimitOverrunError> for StreamError {
    fn from(e: LimitOverrunError) -> Self {
        StreamError::LimitOverrun(e)
    }
}

impl From<TimeoutError> for StreamError {
    fn from(e: TimeoutError) -> Self {
        StreamError::Timeout(e)
    }
}

/// Python: `IncompleteReadError`: `'3 bytes read on a total of 10 expected bytes'`, or
/// `'... of undefined expected bytes'` when a separator was awaited
impl PyException for IncompleteReadError {
    fn py_type(&self) -> &str {
        "IncompleteReadError"
    }

    fn py_str(&self) -> String {
        let expected = match self.expected {
            Some(n) => n.to_string(),
            None => "undefined".to_owned(),
        };
        format!(
            "{} bytes read on a total of {expected} expected bytes",
            self.partial.len()
        )
    }
}

/// Python: `LimitOverrunError('Separator is found, but chunk is longer than limit')` /
/// `('Separator is not found, and chunk exceed the limit')`
impl PyException for LimitOverrunError {
    fn py_type(&self) -> &str {
        "LimitOverrunError"
    }

    fn py_str(&self) -> String {
        if self.separator_found {
            "Separator is found, but chunk is longer than limit".to_owned()
        } else {
            "Separator is not found, and chunk exceed the limit".to_owned()
        }
    }
}

/// Python: `TimeoutError()`, whose `str()` is empty
impl PyException for TimeoutError {
    fn py_type(&self) -> &str {
        "TimeoutError"
    }

    fn py_str(&self) -> String {
        String::new()
    }
}

/// The `OSError` subclass CPython raises for an operating-system error of this kind.
fn os_error_class(kind: io::ErrorKind) -> &'static str {
    match kind {
        io::ErrorKind::ConnectionRefused => "ConnectionRefusedError",
        io::ErrorKind::ConnectionReset => "ConnectionResetError",
        io::ErrorKind::ConnectionAborted => "ConnectionAbortedError",
        io::ErrorKind::BrokenPipe => "BrokenPipeError",
        io::ErrorKind::TimedOut => "TimeoutError",
        io::ErrorKind::NotFound => "FileNotFoundError",
        io::ErrorKind::PermissionDenied => "PermissionError",
        _ => "OSError",
    }
}

/// `str()` of CPython's `OSError`: `[Errno N] strerror`, then what the operation adds.
fn os_error_str(source: &io::Error, what: &str) -> String {
    let text = source.to_string();
    let strerror = text.split(" (os error").next().unwrap_or(&text);
    match source.raw_os_error() {
        Some(errno) if what.is_empty() => format!("[Errno {errno}] {strerror}"),
        Some(errno) => format!("[Errno {errno}] {what}"),
        None if what.is_empty() => strerror.to_owned(),
        None => what.to_owned(),
    }
}

/// Python: the `OSError` subclass of the failure (`ConnectionRefusedError: [Errno 111]
/// Connect call failed ('127.0.0.1', 1)`), `IncompleteReadError`, `LimitOverrunError`,
/// `TimeoutError`, or `ValueError` for an empty separator; `VirtualClock` has no Python
/// counterpart and is a `RuntimeError` with this project's words
impl PyException for StreamError {
    fn py_type(&self) -> &str {
        match self {
            StreamError::Bind { source, .. }
            | StreamError::Connect { source, .. }
            | StreamError::Io { source, .. } => os_error_class(source.kind()),
            StreamError::IncompleteRead(e) => e.py_type(),
            StreamError::LimitOverrun(e) => e.py_type(),
            StreamError::Timeout(e) => e.py_type(),
            StreamError::EmptySeparator => "ValueError",
            StreamError::VirtualClock => "RuntimeError",
        }
    }

    fn py_str(&self) -> String {
        match self {
            StreamError::Bind { addr, source } => {
                let text = source.to_string();
                let strerror = text.split(" (os error").next().unwrap_or(&text);
                os_error_str(
                    source,
                    &format!(
                        "error while attempting to bind on address ('{}', {}): {}",
                        addr.ip(),
                        addr.port(),
                        strerror.to_lowercase()
                    ),
                )
            }
            StreamError::Connect { addr, source } => os_error_str(
                source,
                &format!("Connect call failed ('{}', {})", addr.ip(), addr.port()),
            ),
            StreamError::Io { source, .. } => os_error_str(source, ""),
            StreamError::IncompleteRead(e) => e.py_str(),
            StreamError::LimitOverrun(e) => e.py_str(),
            StreamError::Timeout(e) => e.py_str(),
            StreamError::EmptySeparator => {
                "Separator should be at least one-byte string".to_owned()
            }
            StreamError::VirtualClock => self.to_string(),
        }
    }
}
