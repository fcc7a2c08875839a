//! [`Net`] for [`aio_rt::Smol`]: smol's sockets (async-net over async-io's reactor).

use std::future::Future;
use std::io;
use std::net::SocketAddr;

use aio_rt::Smol;
use smol::net;

use crate::net::{std_listener, Net, TcpListener, TcpStream};

impl Net for Smol {
    type TcpListener = net::TcpListener;
    type TcpStream = net::TcpStream;

    fn bind(&self, addr: SocketAddr) -> io::Result<net::TcpListener> {
        net::TcpListener::try_from(std_listener(addr)?)
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
    // smol's stream is a shared handle: each half is a clone.
    type ReadHalf = net::TcpStream;
    type WriteHalf = net::TcpStream;

    fn into_split(self) -> (net::TcpStream, net::TcpStream) {
        (self.clone(), self)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        net::TcpStream::local_addr(self)
    }

    fn peer_addr(&self) -> io::Result<SocketAddr> {
        net::TcpStream::peer_addr(self)
    }
}
