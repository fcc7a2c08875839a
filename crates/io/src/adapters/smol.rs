//! [`Net`] for [`aio_rt::Smol`]: smol's sockets (async-net over async-io's reactor).

use std::future::Future;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::os::fd::{AsFd, BorrowedFd};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use aio_rt::Smol;
use futures_lite::io::{AsyncRead, AsyncWrite};
use smol::{Async, net};

use crate::net::{Net, TcpListener, TcpStream, std_listener};

impl Net for Smol {
    type TcpListener = net::TcpListener;
    type TcpStream = net::TcpStream;

    fn bind(&self, addr: SocketAddr) -> io::Result<net::TcpListener> {
        net::TcpListener::try_from(std_listener(addr)?)
    }

    fn stream_from_std(&self, stream: std::net::TcpStream) -> io::Result<net::TcpStream> {
        // `Async::new` makes it non-blocking and registers it with async-io's reactor.
        net::TcpStream::try_from(stream)
    }

    fn listener_from_std(&self, listener: std::net::TcpListener) -> io::Result<net::TcpListener> {
        net::TcpListener::try_from(listener)
    }

    // Not `async fn`: that would borrow `self`, and the trait promises a `'static` future.
    #[allow(clippy::manual_async_fn)]
    fn connect(
        &self,
        addr: SocketAddr,
    ) -> impl Future<Output = io::Result<net::TcpStream>> + Send + 'static {
        async move {
            let stream = net::TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            Ok(stream)
        }
    }
}

impl TcpListener for net::TcpListener {
    type Stream = net::TcpStream;

    async fn accept(&self) -> io::Result<(net::TcpStream, SocketAddr)> {
        let (stream, peer) = net::TcpListener::accept(self).await?;
        stream.set_nodelay(true)?;
        Ok((stream, peer))
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        net::TcpListener::local_addr(self)
    }
}

impl TcpStream for net::TcpStream {
    // smol's stream is a shared handle over async-io's `Async`; the halves share the
    // `Async` itself, which is leaner (see `SmolReadHalf`).
    type ReadHalf = SmolReadHalf;
    type WriteHalf = SmolWriteHalf;

    fn into_split(self) -> (SmolReadHalf, SmolWriteHalf) {
        let shared = Arc::<Async<std::net::TcpStream>>::from(self);
        (SmolReadHalf(Arc::clone(&shared)), SmolWriteHalf(shared))
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        net::TcpStream::local_addr(self)
    }

    fn peer_addr(&self) -> io::Result<SocketAddr> {
        net::TcpStream::peer_addr(self)
    }
}

/// The reading half of smol's `TcpStream`.
///
/// Python: none (a runtime's socket type)
///
/// A clone of smol's `TcpStream` carries two pending-readiness futures besides the
/// socket (about 200 bytes); the halves share only async-io's `Async` socket, which waits
/// through the reactor directly. With 10,000 connections that is the difference between
/// smol needing more memory per connection than the other runtimes and not.
#[derive(Debug)]
pub struct SmolReadHalf(Arc<Async<std::net::TcpStream>>);

/// The writing half of smol's `TcpStream`: closing it shuts down the write side.
///
/// Python: none (a runtime's socket type)
#[derive(Debug)]
pub struct SmolWriteHalf(Arc<Async<std::net::TcpStream>>);

impl AsFd for SmolReadHalf {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.get_ref().as_fd()
    }
}

impl AsFd for SmolWriteHalf {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.get_ref().as_fd()
    }
}

impl AsyncRead for SmolReadHalf {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut &*self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for SmolWriteHalf {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut &*self.0).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut &*self.0).poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut &*self.0).poll_flush(cx) {
            Poll::Ready(Ok(())) => Poll::Ready(self.0.get_ref().shutdown(Shutdown::Write)),
            other => other,
        }
    }
}
