//! [`Net`] for [`aio_rt::AsyncStd`]: async-std's sockets (async-io's reactor).

use std::future::Future;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::os::fd::{AsFd, BorrowedFd};
use std::pin::Pin;
use std::task::{Context, Poll};

use aio_rt::AsyncStd;
use async_std::net;
use futures_lite::io::AsyncWrite;

use crate::net::{Net, TcpListener, TcpStream, std_listener};

impl Net for AsyncStd {
    type TcpListener = net::TcpListener;
    type TcpStream = net::TcpStream;

    fn bind(&self, addr: SocketAddr) -> io::Result<net::TcpListener> {
        Ok(net::TcpListener::from(std_listener(addr)?))
    }

    fn stream_from_std(&self, stream: std::net::TcpStream) -> io::Result<net::TcpStream> {
        // async-std's `From` registers the socket with its reactor; it must not block.
        stream.set_nonblocking(true)?;
        Ok(net::TcpStream::from(stream))
    }

    fn listener_from_std(&self, listener: std::net::TcpListener) -> io::Result<net::TcpListener> {
        listener.set_nonblocking(true)?;
        Ok(net::TcpListener::from(listener))
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
    // async-std's stream is a shared handle: each half is a clone.
    type ReadHalf = net::TcpStream;
    type WriteHalf = AsyncStdWriteHalf;

    fn into_split(self) -> (net::TcpStream, AsyncStdWriteHalf) {
        (self.clone(), AsyncStdWriteHalf(self))
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        net::TcpStream::local_addr(self)
    }

    fn peer_addr(&self) -> io::Result<SocketAddr> {
        net::TcpStream::peer_addr(self)
    }
}

/// The writing half of async-std's `TcpStream`: closing it shuts down the write side.
///
/// Python: none (a runtime's socket type)
///
/// async-std's own `poll_close` only flushes (async-io's), so the peer would never read
/// the end of the stream while the reading half lives; this one shuts down, as tokio's
/// and smol's do.
#[derive(Debug)]
pub struct AsyncStdWriteHalf(net::TcpStream);

impl AsFd for AsyncStdWriteHalf {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }
}

impl AsyncWrite for AsyncStdWriteHalf {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match Pin::new(&mut self.0).poll_flush(cx) {
            Poll::Ready(Ok(())) => Poll::Ready(self.0.shutdown(Shutdown::Write)),
            other => other,
        }
    }
}
