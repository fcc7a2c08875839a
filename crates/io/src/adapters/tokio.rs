//! [`Net`] for [`aio_rt::Tokio`]: tokio's own sockets and I/O driver, seen through the
//! futures-io traits.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, BorrowedFd};
use std::pin::Pin;
use std::task::{Context, Poll};

use aio_rt::Tokio;
use futures_lite::io::{AsyncRead, AsyncWrite};
use tokio::io::{AsyncRead as TokioRead, AsyncWrite as TokioWrite, ReadBuf};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

use crate::net::{Net, TcpListener, TcpStream, std_listener};

impl Net for Tokio {
    type TcpListener = TokioTcpListener;
    type TcpStream = TokioTcpStream;

    fn bind(&self, addr: SocketAddr) -> io::Result<TokioTcpListener> {
        let listener = std_listener(addr)?;
        // Registering with the I/O driver needs the runtime's context.
        let _context = self.handle().enter();
        Ok(TokioTcpListener(tokio::net::TcpListener::from_std(
            listener,
        )?))
    }

    fn stream_from_std(&self, stream: std::net::TcpStream) -> io::Result<TokioTcpStream> {
        stream.set_nonblocking(true)?;
        let _context = self.handle().enter();
        Ok(TokioTcpStream(tokio::net::TcpStream::from_std(stream)?))
    }

    fn listener_from_std(&self, listener: std::net::TcpListener) -> io::Result<TokioTcpListener> {
        listener.set_nonblocking(true)?;
        let _context = self.handle().enter();
        Ok(TokioTcpListener(tokio::net::TcpListener::from_std(
            listener,
        )?))
    }

    // Not `async fn`: that would borrow `self`, and the trait promises a `'static` future.
    #[allow(clippy::manual_async_fn)]
    fn connect(
        &self,
        addr: SocketAddr,
    ) -> impl Future<Output = io::Result<TokioTcpStream>> + Send + 'static {
        async move {
            // Polled inside the runtime (a task or block_on), so the driver is found.
            let stream = tokio::net::TcpStream::connect(addr).await?;
            stream.set_nodelay(true)?;
            Ok(TokioTcpStream(stream))
        }
    }
}

/// tokio's `TcpListener`, as a [`TcpListener`].
///
/// Python: none (a runtime's socket type)
#[derive(Debug)]
pub struct TokioTcpListener(tokio::net::TcpListener);

impl AsFd for TokioTcpListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }
}

impl AsFd for TokioTcpStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }
}

impl AsFd for TokioReadHalf {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_ref().as_fd()
    }
}

impl AsFd for TokioWriteHalf {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_ref().as_fd()
    }
}

impl TcpListener for TokioTcpListener {
    type Stream = TokioTcpStream;

    async fn accept(&self) -> io::Result<(TokioTcpStream, SocketAddr)> {
        let (stream, peer) = self.0.accept().await?;
        stream.set_nodelay(true)?;
        Ok((TokioTcpStream(stream), peer))
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

/// tokio's `TcpStream` with the futures-io traits (`AsyncRead`, `AsyncWrite`).
///
/// Python: none (a runtime's socket type)
#[derive(Debug)]
pub struct TokioTcpStream(tokio::net::TcpStream);

/// The reading half of a [`TokioTcpStream`].
///
/// Python: none (a runtime's socket type)
#[derive(Debug)]
pub struct TokioReadHalf(OwnedReadHalf);

/// The writing half of a [`TokioTcpStream`]; closing it shuts down the write side.
///
/// Python: none (a runtime's socket type)
#[derive(Debug)]
pub struct TokioWriteHalf(OwnedWriteHalf);

impl TcpStream for TokioTcpStream {
    type ReadHalf = TokioReadHalf;
    type WriteHalf = TokioWriteHalf;

    fn into_split(self) -> (TokioReadHalf, TokioWriteHalf) {
        let (read, write) = self.0.into_split();
        (TokioReadHalf(read), TokioWriteHalf(write))
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }
}

/// tokio reads into a `ReadBuf`; futures-io into a plain slice.
fn poll_read_slice<T: TokioRead + Unpin>(
    io: &mut T,
    cx: &mut Context<'_>,
    buf: &mut [u8],
) -> Poll<io::Result<usize>> {
    let mut buf = ReadBuf::new(buf);
    match Pin::new(io).poll_read(cx, &mut buf) {
        Poll::Ready(Ok(())) => Poll::Ready(Ok(buf.filled().len())),
        Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
        Poll::Pending => Poll::Pending,
    }
}

/// The futures-io traits over a tokio type: reads, writes, flush, close as shutdown.
macro_rules! futures_io_over_tokio {
    ($ty:ty, read) => {
        impl AsyncRead for $ty {
            fn poll_read(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut [u8],
            ) -> Poll<io::Result<usize>> {
                poll_read_slice(&mut self.0, cx, buf)
            }
        }
    };
    ($ty:ty, write) => {
        impl AsyncWrite for $ty {
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
                Pin::new(&mut self.0).poll_shutdown(cx)
            }
        }
    };
}

futures_io_over_tokio!(TokioTcpStream, read);
futures_io_over_tokio!(TokioTcpStream, write);
futures_io_over_tokio!(TokioReadHalf, read);
futures_io_over_tokio!(TokioWriteHalf, write);
