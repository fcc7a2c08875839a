//! Definition of the [`Net`] capability: TCP beside [`Runtime`].

use std::fmt::Debug;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::os::fd::AsFd;

use aio_rt::Runtime;
use futures_lite::io::{AsyncRead, AsyncWrite};

use crate::watch::Watched;

/// A runtime that can do TCP: bind a listener, connect a stream.
///
/// Python: `loop.create_server` / `loop.create_connection` (the sockets below the streams)
///
/// It is a separate trait so that a runtime without I/O is told by the type system: code
/// that needs sockets asks for `R: Net`, and a runtime that does not implement it does
/// not compile there (no run-time "you must supply a reactor" panic). Implemented, behind
/// this crate's features, for [`aio_rt::Tokio`] (both flavours, tokio's I/O driver),
/// [`aio_rt::AsyncStd`] and [`aio_rt::Smol`] (both async-io's reactor), and
/// `aio_loop::EventLoop` (the loop's own selector).
///
/// Concept code uses the streams ([`open_connection`](crate::open_connection),
/// [`start_server`](crate::start_server)); this trait is what they are written against.
///
/// # Virtual time
///
/// Every runtime here runs its streams on the virtual clock too: the clock looks at the
/// sockets tasks wait on before it moves (see [`Net::sockets_in_virtual_time`]). A
/// runtime whose virtual clock cannot see its sockets keeps the default `false`, and the
/// streams refuse it with [`StreamError::VirtualClock`](crate::StreamError::VirtualClock).
pub trait Net: Runtime {
    /// The listener this runtime's [`bind`](Net::bind) returns.
    ///
    /// Python: a listening `socket.socket` inside an `asyncio.Server`
    type TcpListener: TcpListener<Stream = Self::TcpStream>;

    /// A connected TCP stream on this runtime.
    ///
    /// Python: `socket.socket` inside a `asyncio.Transport`
    type TcpStream: TcpStream;

    /// Binds a listener to `addr` (port 0 picks a free port; see
    /// [`TcpListener::local_addr`]).
    ///
    /// Python: `loop.create_server(..., host, port)` (the bind and listen part)
    ///
    /// The listen backlog is [`LISTEN_BACKLOG`] (the kernel caps it at
    /// `net.core.somaxconn`), not std's 128, so that a burst of thousands of connects is
    /// not answered with dropped SYNs and one-second retries.
    fn bind(&self, addr: SocketAddr) -> io::Result<Self::TcpListener>;

    /// Connects to `addr`.
    ///
    /// Python: `loop.create_connection(..., host, port)` (the socket part)
    ///
    /// Like asyncio, the stream has `TCP_NODELAY` set.
    ///
    /// # Cancel safety
    ///
    /// Dropping the future closes the half-open socket.
    fn connect(
        &self,
        addr: SocketAddr,
    ) -> impl Future<Output = io::Result<Self::TcpStream>> + Send + 'static;

    /// Takes over a connected std socket (made non-blocking here).
    ///
    /// Python: the socket part of `asyncio.open_connection(sock=sock)`
    fn stream_from_std(&self, stream: std::net::TcpStream) -> io::Result<Self::TcpStream>;

    /// Takes over a bound, listening std socket (made non-blocking here).
    ///
    /// Python: the socket part of `asyncio.start_server(cb, sock=sock)`
    fn listener_from_std(&self, listener: std::net::TcpListener) -> io::Result<Self::TcpListener>;

    /// Whether this runtime's streams run on its virtual clock: `true` when the clock
    /// looks at the sockets tasks wait on before it moves (the virtual clock of
    /// `aio-rt`'s adapters, through [`aio_rt::VirtualHooks::io_wait`], and `aio-loop`'s,
    /// whose selector is asked in every iteration). On the real clock the answer does not
    /// matter.
    ///
    /// Python: none (asyncio's loop always selects on its sockets)
    fn sockets_in_virtual_time(&self) -> bool {
        self.virtual_hooks().is_some_and(|hooks| hooks.watches_io())
    }
}

/// The listen backlog [`Net::bind`] asks for.
///
/// Python: `loop.create_server(backlog=100)` (asyncio's default is 100)
pub const LISTEN_BACKLOG: i32 = 4096;

/// A bound, listening TCP socket.
///
/// Python: the listening socket of an `asyncio.Server` (`server.sockets[0]`)
pub trait TcpListener: AsFd + Debug + Send + Sync + 'static {
    /// The streams [`accept`](TcpListener::accept) gives.
    ///
    /// Python: none (one socket type in Python)
    type Stream: TcpStream;

    /// Waits for the next connection and returns it with the peer's address.
    ///
    /// Python: `loop.sock_accept(sock)`
    ///
    /// Like asyncio, the stream has `TCP_NODELAY` set.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a dropped `accept` takes no connection off the queue.
    fn accept(&self) -> impl Future<Output = io::Result<(Self::Stream, SocketAddr)>> + Send + '_;

    /// The address the listener is bound to.
    ///
    /// Python: `server.sockets[0].getsockname()`
    fn local_addr(&self) -> io::Result<SocketAddr>;
}

/// A connected TCP stream: [`AsyncRead`] and [`AsyncWrite`], split into halves that two
/// tasks can own; closing the write half shuts down the write side, as
/// `transport.write_eof()` does.
///
/// Python: the socket under a `asyncio.Transport`
pub trait TcpStream: AsFd + AsyncRead + AsyncWrite + Unpin + Debug + Send + 'static {
    /// The reading half.
    ///
    /// Python: what feeds an `asyncio.StreamReader`
    type ReadHalf: AsFd + AsyncRead + Unpin + Debug + Send + 'static;
    /// The writing half: `poll_close` shuts down the write side.
    ///
    /// Python: what an `asyncio.StreamWriter` writes to
    type WriteHalf: AsFd + AsyncWrite + Unpin + Debug + Send + 'static;

    /// Splits the stream into halves. The socket closes when both are dropped.
    ///
    /// Python: none (`open_connection` returns a reader and a writer over one transport)
    fn into_split(self) -> (Self::ReadHalf, Self::WriteHalf);

    /// The local address.
    ///
    /// Python: `writer.get_extra_info("sockname")`
    fn local_addr(&self) -> io::Result<SocketAddr>;

    /// The peer's address.
    ///
    /// Python: `writer.get_extra_info("peername")`
    fn peer_addr(&self) -> io::Result<SocketAddr>;
}

/// The reading half of runtime `R`'s TCP stream, as the streams hold it: seen by the
/// virtual clock (see [`Watched`]).
///
/// Python: none (a type alias)
pub type ReadHalf<R> = Watched<<<R as Net>::TcpStream as TcpStream>::ReadHalf>;

/// The writing half of runtime `R`'s TCP stream, as the streams hold it: seen by the
/// virtual clock (see [`Watched`]).
///
/// Python: none (a type alias)
pub type WriteHalf<R> = Watched<<<R as Net>::TcpStream as TcpStream>::WriteHalf>;

/// A std listener bound to `addr` with [`LISTEN_BACKLOG`], `SO_REUSEADDR` (as asyncio
/// sets) and non-blocking, ready to be handed to a runtime.
pub(crate) fn std_listener(addr: SocketAddr) -> io::Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(LISTEN_BACKLOG)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}
