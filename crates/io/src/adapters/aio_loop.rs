//! [`Net`] for [`aio_loop::EventLoop`]: std's sockets, non-blocking, registered with the
//! loop's own selector through [`aio_loop::Async`], the way asyncio's `sock_*` methods
//! work (try the call; if it would block, wait for the selector and try again).

use std::future::Future;
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::os::fd::{AsFd, BorrowedFd};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use aio_loop::{Async, EventLoop};
use futures_lite::io::{AsyncRead, AsyncWrite};

use crate::net::{Net, TcpListener, TcpStream, std_listener};

impl Net for EventLoop {
    type TcpListener = LoopTcpListener;
    type TcpStream = LoopTcpStream;

    fn bind(&self, addr: SocketAddr) -> io::Result<LoopTcpListener> {
        // `std_listener` made it non-blocking, as `Async` requires.
        let socket = Async::new(self, std_listener(addr)?)?;
        Ok(LoopTcpListener {
            socket,
            event_loop: self.clone(),
        })
    }

    fn stream_from_std(&self, stream: std::net::TcpStream) -> io::Result<LoopTcpStream> {
        stream.set_nonblocking(true)?;
        Ok(LoopTcpStream(Arc::new(Async::new(self, stream)?)))
    }

    fn listener_from_std(&self, listener: std::net::TcpListener) -> io::Result<LoopTcpListener> {
        listener.set_nonblocking(true)?;
        Ok(LoopTcpListener {
            socket: Async::new(self, listener)?,
            event_loop: self.clone(),
        })
    }

    /// The loop's selector is asked in every iteration, before its virtual clock moves.
    fn sockets_in_virtual_time(&self) -> bool {
        true
    }

    /// asyncio's `sock_connect`: a non-blocking `connect` answers "in progress"; the
    /// socket becomes writable when the handshake is over, and `SO_ERROR` says how it went.
    // Not `async fn`: that would borrow `self`, and the trait promises a `'static` future.
    #[allow(clippy::manual_async_fn)]
    fn connect(
        &self,
        addr: SocketAddr,
    ) -> impl Future<Output = io::Result<LoopTcpStream>> + Send + 'static {
        let event_loop = self.clone();
        async move {
            use socket2::{Domain, Socket, Type};
            let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
            socket.set_nonblocking(true)?;
            socket.set_tcp_nodelay(true)?;
            match socket.connect(&addr.into()) {
                Ok(()) => {}
                Err(e)
                    if e.raw_os_error() == Some(rustix::io::Errno::INPROGRESS.raw_os_error()) => {}
                Err(e) => return Err(e),
            }
            // Registered from here on: dropping this future closes the half-open socket.
            let stream = Async::new(&event_loop, std::net::TcpStream::from(socket))?;
            stream.writable().await;
            if let Some(e) = stream.get_ref().take_error()? {
                return Err(e);
            }
            // Writable without an error can still mean "not connected" on some systems.
            stream.get_ref().peer_addr()?;
            Ok(LoopTcpStream(Arc::new(stream)))
        }
    }
}

/// A listening socket on aio-loop's selector.
///
/// Python: the listening socket of an `asyncio.Server` (accepted with `loop.sock_accept`)
#[derive(Debug)]
pub struct LoopTcpListener {
    socket: Async<std::net::TcpListener>,
    /// The accepted sockets join this loop's selector.
    event_loop: EventLoop,
}

impl TcpListener for LoopTcpListener {
    type Stream = LoopTcpStream;

    async fn accept(&self) -> io::Result<(LoopTcpStream, SocketAddr)> {
        let (stream, peer) = self.socket.read_with(|listener| listener.accept()).await?;
        stream.set_nonblocking(true)?;
        stream.set_nodelay(true)?;
        let stream = Async::new(&self.event_loop, stream)?;
        Ok((LoopTcpStream(Arc::new(stream)), peer))
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.get_ref().local_addr()
    }
}

/// A connected TCP stream on aio-loop's selector; its halves share the one registration.
///
/// Python: the socket under an asyncio `Transport` (`loop.sock_recv`, `loop.sock_sendall`)
#[derive(Debug)]
pub struct LoopTcpStream(Arc<Async<std::net::TcpStream>>);

/// The reading half of a [`LoopTcpStream`].
///
/// Python: none (a runtime's socket type)
#[derive(Debug)]
pub struct LoopReadHalf(Arc<Async<std::net::TcpStream>>);

/// The writing half of a [`LoopTcpStream`]; closing it shuts down the write side.
///
/// Python: none (a runtime's socket type)
#[derive(Debug)]
pub struct LoopWriteHalf(Arc<Async<std::net::TcpStream>>);

impl AsFd for LoopTcpListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.socket.get_ref().as_fd()
    }
}

impl AsFd for LoopTcpStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.get_ref().as_fd()
    }
}

impl AsFd for LoopReadHalf {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.get_ref().as_fd()
    }
}

impl AsFd for LoopWriteHalf {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.get_ref().as_fd()
    }
}

impl TcpStream for LoopTcpStream {
    type ReadHalf = LoopReadHalf;
    type WriteHalf = LoopWriteHalf;

    fn into_split(self) -> (LoopReadHalf, LoopWriteHalf) {
        (LoopReadHalf(Arc::clone(&self.0)), LoopWriteHalf(self.0))
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().local_addr()
    }

    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.get_ref().peer_addr()
    }
}

fn poll_read(
    socket: &Async<std::net::TcpStream>,
    cx: &mut Context<'_>,
    buf: &mut [u8],
) -> Poll<io::Result<usize>> {
    socket.poll_read_with(cx, |mut s| s.read(buf))
}

fn poll_write(
    socket: &Async<std::net::TcpStream>,
    cx: &mut Context<'_>,
    buf: &[u8],
) -> Poll<io::Result<usize>> {
    socket.poll_write_with(cx, |mut s| s.write(buf))
}

/// Nothing is buffered above the kernel: a flush has nothing to do; a close shuts down
/// the write side (asyncio's `write_eof()`).
fn shutdown_write(socket: &Async<std::net::TcpStream>) -> Poll<io::Result<()>> {
    Poll::Ready(socket.get_ref().shutdown(Shutdown::Write))
}

impl AsyncRead for LoopTcpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        poll_read(&self.0, cx, buf)
    }
}

impl AsyncRead for LoopReadHalf {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        poll_read(&self.0, cx, buf)
    }
}

impl AsyncWrite for LoopTcpStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        poll_write(&self.0, cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        shutdown_write(&self.0)
    }
}

impl AsyncWrite for LoopWriteHalf {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        poll_write(&self.0, cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        shutdown_write(&self.0)
    }
}
