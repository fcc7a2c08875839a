//! Definition of [`Async`]: a socket (or any descriptor) registered with the loop's
//! selector, and the futures that wait for it to be readable or writable.

use std::fmt;
use std::future::Future;
use std::io;
use std::os::fd::AsRawFd;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use crate::EventLoop;
use crate::reactor::{Direction, Reactor, Source};

/// A non-blocking socket (or pipe, or any descriptor) registered with a loop's selector:
/// tasks of that loop can wait until it is readable or writable, and do I/O on it without
/// blocking the loop.
///
/// Python: `loop.add_reader(fd, cb)` / `loop.add_writer(fd, cb)`, and `remove_reader` /
/// `remove_writer` when dropped
///
/// asyncio's `loop.sock_recv`, `sock_sendall`, `sock_accept`, `sock_connect` are
/// [`read_with`] / [`write_with`] around one socket call. asyncio's low-level API registers a *callback* per descriptor and direction; the
/// coroutine API (`sock_recv` and friends) is built on it: try the call, and if it would
/// block, `add_reader` a callback that completes a future, await the future, try again.
/// Here the waiting task itself is the callback: [`readable`] is that future, and
/// [`read_with`] is that loop.
///
/// ```python
/// sock.setblocking(False)
/// data = await loop.sock_recv(sock, 1024)
/// ```
///
/// ```
/// # use std::io::{Read, Write};
/// use aio_loop::{Async, EventLoop};
/// use std::os::unix::net::UnixStream;
///
/// let event_loop = EventLoop::new();
/// let (a, mut b) = UnixStream::pair().unwrap();
/// a.set_nonblocking(true).unwrap(); // as asyncio requires
/// let a = Async::new(&event_loop, a).unwrap();
/// b.write_all(b"hello").unwrap();
/// let data = event_loop
///     .run_until_complete(async {
///         let mut buf = [0; 1024];
///         let n = a.read_with(|mut sock| sock.read(&mut buf)).await?;
///         std::io::Result::Ok(buf[..n].to_vec())
///     })
///     .unwrap()
///     .unwrap();
/// assert_eq!(data, b"hello");
/// ```
///
/// The descriptor must be in non-blocking mode (`set_nonblocking(true)`), as asyncio's
/// `sock_*` methods require: a blocking call would stop the whole loop.
///
/// Simplifications, named: Unix only (a descriptor); registered for both directions for
/// its whole life; readiness is edge-triggered (see [`readable`]).
///
/// [`readable`]: Async::readable
/// [`read_with`]: Async::read_with
/// [`write_with`]: Async::write_with
pub struct Async<T: AsRawFd> {
    /// `None` only while dropping: the descriptor is deregistered before it is closed.
    io: Option<T>,
    pub(crate) source: Arc<Source>,
    reactor: Arc<Reactor>,
}

impl<T: AsRawFd> Async<T> {
    /// Registers `io` with `event_loop`'s selector.
    ///
    /// Python: `loop.add_reader(fd, ...)` and `loop.add_writer(fd, ...)`, once
    ///
    /// `io` must already be non-blocking. It may be used from tasks of `event_loop` only:
    /// readiness is noticed when that loop runs an iteration.
    ///
    /// # Errors
    ///
    /// The OS refused the registration (e.g. a descriptor that cannot be polled, such as
    /// a regular file).
    pub fn new(event_loop: &EventLoop, io: T) -> io::Result<Async<T>> {
        let reactor = Arc::clone(&event_loop.shared.reactor);
        let source = reactor.register(io.as_raw_fd())?;
        Ok(Async {
            io: Some(io),
            source,
            reactor,
        })
    }

    /// The inner socket, to call its own methods (`local_addr`, `shutdown`, ...).
    ///
    /// Python: none (in Python the socket object is the one you registered)
    pub fn get_ref(&self) -> &T {
        self.io
            .as_ref()
            .expect("the socket is only taken while dropping")
    }

    /// Waits until the socket is readable: data to read, a connection to accept, or the
    /// peer's end (a read then returns 0 or an error).
    ///
    /// Python: `loop.add_reader(fd, fut.set_result, None); await fut` (what `sock_recv`
    /// does when a `recv` would block)
    ///
    /// # Non-guarantees
    ///
    /// Readiness is remembered from the selector's last event until an operation through
    /// [`read_with`](Async::read_with) says it would block: so this may complete while
    /// there is in fact nothing to read (data read by a call that did not block, say).
    /// Do the operation and be ready for `WouldBlock`, as with asyncio's selectors.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping the future takes the task off the waiting list and nothing
    /// else.
    pub fn readable(&self) -> Readiness<'_> {
        Readiness {
            source: &self.source,
            direction: Direction::Read,
            waiting: None,
        }
    }

    /// Waits until the socket is writable: room in the send buffer, or a connect that
    /// finished (successfully or not).
    ///
    /// Python: `loop.add_writer(fd, fut.set_result, None); await fut` (what `sock_sendall`
    /// and `sock_connect` do when the call would block)
    ///
    /// # Non-guarantees
    ///
    /// As [`readable`](Async::readable).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`readable`](Async::readable).
    pub fn writable(&self) -> Readiness<'_> {
        Readiness {
            source: &self.source,
            direction: Direction::Write,
            waiting: None,
        }
    }

    /// Calls `op` on the socket until it does not return `WouldBlock`, waiting for
    /// readability between tries; its result.
    ///
    /// Python: `loop.sock_recv(sock, n)` (with `op` the `recv`), `loop.sock_accept(sock)`
    /// (with `op` the `accept`)
    ///
    /// # Errors
    ///
    /// Whatever `op` returns other than `WouldBlock`.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe if `op` is: a dropped future has not called `op` since its last
    /// `WouldBlock`.
    pub async fn read_with<R>(&self, mut op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        std::future::poll_fn(|cx| self.poll_read_with(cx, &mut op)).await
    }

    /// As [`read_with`](Async::read_with), for writing: `op` until it does not return
    /// `WouldBlock`, waiting for writability between tries.
    ///
    /// Python: `loop.sock_sendall(sock, data)` (one `send` of it per `op`)
    ///
    /// # Errors
    ///
    /// Whatever `op` returns other than `WouldBlock`.
    ///
    /// # Cancel safety
    ///
    /// As [`read_with`](Async::read_with).
    pub async fn write_with<R>(&self, mut op: impl FnMut(&T) -> io::Result<R>) -> io::Result<R> {
        std::future::poll_fn(|cx| self.poll_write_with(cx, &mut op)).await
    }

    /// [`read_with`](Async::read_with) as a poll function, for `AsyncRead`
    /// implementations: `Pending` means the task is woken at the next readability event.
    ///
    /// Python: none (Rust only: the poll form of `read_with`)
    pub fn poll_read_with<R>(
        &self,
        cx: &mut Context<'_>,
        op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.poll_with(Direction::Read, cx, op)
    }

    /// [`write_with`](Async::write_with) as a poll function, for `AsyncWrite`
    /// implementations.
    ///
    /// Python: none (Rust only: the poll form of `write_with`)
    pub fn poll_write_with<R>(
        &self,
        cx: &mut Context<'_>,
        op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.poll_with(Direction::Write, cx, op)
    }

    /// The loop of asyncio's `sock_*` methods: wait for readiness, try, and on
    /// `WouldBlock` forget the readiness and wait again.
    fn poll_with<R>(
        &self,
        direction: Direction,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            let Poll::Ready(tick) = self.source.poll_ready(direction, cx) else {
                return Poll::Pending;
            };
            match op(self.get_ref()) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.source.clear(direction, tick);
                }
                result => return Poll::Ready(result),
            }
        }
    }
}

impl<T: AsRawFd> Drop for Async<T> {
    /// Deregisters the descriptor, then closes it (asyncio: `remove_reader`,
    /// `remove_writer`, then `sock.close()`).
    fn drop(&mut self) {
        if let Some(io) = self.io.take() {
            self.reactor.deregister(io.as_raw_fd(), &self.source);
        }
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for Async<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Async")
            .field("io", &self.io)
            .field("waiters", &self.source.waiters())
            .finish()
    }
}

/// The future of [`Async::readable`] and [`Async::writable`].
///
/// Python: the future `sock_recv` / `sock_sendall` await after `add_reader` /
/// `add_writer`
#[must_use = "futures do nothing unless awaited"]
pub struct Readiness<'a> {
    source: &'a Source,
    direction: Direction,
    /// The waker it left on the source's list, to take out if dropped while waiting.
    waiting: Option<Waker>,
}

impl Future for Readiness<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        match self.source.poll_ready(self.direction, cx) {
            Poll::Ready(_tick) => {
                self.waiting = None;
                Poll::Ready(())
            }
            Poll::Pending => {
                // Polled again by another task (a moved future): the old entry goes.
                if let Some(old) = self.waiting.take() {
                    if !old.will_wake(cx.waker()) {
                        self.source.forget(self.direction, &old);
                    }
                }
                self.waiting = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl Drop for Readiness<'_> {
    fn drop(&mut self) {
        if let Some(waker) = self.waiting.take() {
            self.source.forget(self.direction, &waker);
        }
    }
}

impl fmt::Debug for Readiness<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Readiness")
            .field("direction", &self.direction)
            .finish_non_exhaustive()
    }
}
