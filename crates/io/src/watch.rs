//! Definition of [`Watched`]: a socket half the virtual clock can see.
//!
//! On the virtual clock a task waiting on a socket would look idle, and the clock would
//! jump past data already waiting for it. So each wait is told to the clock
//! ([`aio_rt::VirtualHooks::io_wait`]) with a readiness check on a duplicate of the
//! socket's descriptor: before the clock moves, it asks, and wakes the task if its socket
//! is ready. On the real clock, and on a clock that sees its sockets itself (`aio-loop`),
//! nothing is duplicated and nothing is told: a [`Watched`] is its inner half.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use aio_rt::{IoProbe, Runtime, VirtualHooks};
use futures_lite::io::{AsyncRead, AsyncWrite};
use rustix::event::{PollFd, PollFlags, Timespec, poll};
use socket2::SockRef;

/// What a wait is for: data (or the end, or an error) to read, or room to write.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Interest {
    /// Readable: data, a connection to accept, the end of the stream, an error.
    Read,
    /// Writable.
    Write,
}

/// The virtual clock of a socket, and the socket (a duplicate descriptor) it asks about.
#[derive(Clone)]
pub(crate) struct Clockwatch {
    hooks: Arc<dyn VirtualHooks>,
    fd: Arc<OwnedFd>,
}

impl Clockwatch {
    /// Whether `rt`'s clock watches sockets.
    pub(crate) fn watches<R: Runtime>(rt: &R) -> bool {
        rt.virtual_hooks().is_some_and(|hooks| hooks.watches_io())
    }

    /// Whether the socket is ready for `interest` now.
    pub(crate) fn ready(&self, interest: Interest) -> bool {
        self.probe(interest)()
    }

    /// For a socket of `rt`: `None` unless `rt`'s clock watches sockets.
    pub(crate) fn new<R: Runtime>(rt: &R, socket: &impl AsFd) -> io::Result<Option<Clockwatch>> {
        let Some(hooks) = rt.virtual_hooks().filter(|hooks| hooks.watches_io()) else {
            return Ok(None);
        };
        let fd = socket.as_fd().try_clone_to_owned()?;
        Ok(Some(Clockwatch {
            hooks,
            fd: Arc::new(fd),
        }))
    }

    fn probe(&self, interest: Interest) -> IoProbe {
        let fd = Arc::clone(&self.fd);
        let events = match interest {
            Interest::Read => PollFlags::IN | PollFlags::RDHUP,
            Interest::Write => PollFlags::OUT,
        };
        Arc::new(move || {
            let mut fds = [PollFd::new(&*fd, events)];
            let zero = Timespec {
                tv_sec: 0,
                tv_nsec: 0,
            };
            // An error here means the socket is gone: ready, the task will find out.
            poll(&mut fds, Some(&zero)).map_or(true, |n| n > 0)
        })
    }
}

/// One pending wait of one socket half, told to the clock while the half is pending.
pub(crate) struct Watch {
    clock: Option<Clockwatch>,
    interest: Interest,
    id: Option<u64>,
}

impl Watch {
    pub(crate) fn new(clock: Option<Clockwatch>, interest: Interest) -> Watch {
        Watch {
            clock,
            interest,
            id: None,
        }
    }

    /// After polling the half: a pending poll is a wait the clock is told about (with the
    /// waker of this poll), a ready one ends it.
    pub(crate) fn track<T>(&mut self, cx: &Context<'_>, poll: Poll<T>) -> Poll<T> {
        let Some(clock) = &self.clock else {
            return poll;
        };
        if let Some(id) = self.id.take() {
            clock.hooks.io_done(id);
        }
        if poll.is_pending() {
            self.id = clock.hooks.io_wait(clock.probe(self.interest), cx.waker());
        }
        poll
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let (Some(clock), Some(id)) = (&self.clock, self.id.take()) {
            clock.hooks.io_done(id);
        }
    }
}

impl fmt::Debug for Watch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Watch")
            .field("interest", &self.interest)
            .field("watched", &self.clock.is_some())
            .finish()
    }
}

/// A connection's two addresses, read once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Addresses {
    peername: Option<SocketAddr>,
    sockname: Option<SocketAddr>,
}

impl Addresses {
    pub(crate) fn of(socket: &impl AsFd) -> Addresses {
        let socket = SockRef::from(socket);
        Addresses {
            peername: socket.peer_addr().ok().and_then(|a| a.as_socket()),
            sockname: socket.local_addr().ok().and_then(|a| a.as_socket()),
        }
    }
}

/// A socket half as the streams hold it: the addresses of its connection, and its waits
/// seen by the virtual clock (see the module docs; on the real clock, nothing is told).
///
/// Python: the transport under an asyncio stream (`writer.transport`), as far as
/// `get_extra_info` goes
#[derive(Debug)]
pub struct Watched<H> {
    inner: H,
    watch: Watch,
    peername: Option<SocketAddr>,
    sockname: Option<SocketAddr>,
}

impl<H: AsFd> Watched<H> {
    /// Wraps `inner`, noting its connection's addresses now, as asyncio's transport does
    /// when it is made (so that they stay readable after the peer has gone).
    pub(crate) fn new(inner: H, clock: Option<Clockwatch>, interest: Interest) -> Watched<H> {
        let addresses = Addresses::of(&inner);
        Watched::with_addresses(inner, clock, interest, addresses)
    }

    /// As [`new`](Watched::new), with the addresses already read (both halves of one
    /// connection share them: two system calls per connection, not four).
    pub(crate) fn with_addresses(
        inner: H,
        clock: Option<Clockwatch>,
        interest: Interest,
        addresses: Addresses,
    ) -> Watched<H> {
        Watched {
            inner,
            watch: Watch::new(clock, interest),
            peername: addresses.peername,
            sockname: addresses.sockname,
        }
    }
}

impl<H: AsFd> Watched<H> {
    /// Any socket of `rt` that is read from (a raw runtime socket, a Unix stream of a
    /// `socketpair()`), with its waits told to `rt`'s virtual clock, as the streams' own
    /// halves are: wrap it before reading through it on the virtual clock, or the clock
    /// will not see the data waiting for it.
    ///
    /// Python: none (asyncio's loop sees every socket it reads through its selector)
    ///
    /// # Errors
    ///
    /// The socket's descriptor cannot be duplicated (out of descriptors).
    ///
    /// # Examples
    ///
    /// One end of a Unix socketpair, written from outside, read at 0.0 while a timer is
    /// pending:
    ///
    /// ```
    /// use aio_io::{StreamReader, Watched};
    /// use aio_rt::{Clock, Config, Runtime};
    /// use std::io::Write;
    /// use std::time::Duration;
    ///
    /// let rt = aio_rt::Smol::with_config(Config::default().clock(Clock::Virtual));
    /// let (ours, mut theirs) = std::os::unix::net::UnixStream::pair().unwrap();
    /// let seen = rt.block_on(async {
    ///     let ours = smol::Async::new(ours).unwrap();
    ///     let mut reader = StreamReader::new(Watched::reading(&rt, ours).unwrap());
    ///     let timer = rt.clone();
    ///     rt.spawn_detached(async move { timer.sleep(Duration::from_secs(10)).await });
    ///     rt.spawn_detached(async move { theirs.write_all(b"abc").unwrap() });
    ///     let data = reader.read(100).await.unwrap();
    ///     (data, rt.now().since_start())
    /// });
    /// assert_eq!(seen, (b"abc".to_vec(), Duration::ZERO));
    /// ```
    pub fn reading<R: Runtime>(rt: &R, inner: H) -> io::Result<Watched<H>> {
        let clock = Clockwatch::new(rt, &inner)?;
        Ok(Watched::new(inner, clock, Interest::Read))
    }

    /// Any socket of `rt` that is written to, with its waits told to `rt`'s virtual clock
    /// (see [`Watched::reading`]).
    ///
    /// Python: none
    ///
    /// # Errors
    ///
    /// The socket's descriptor cannot be duplicated (out of descriptors).
    pub fn writing<R: Runtime>(rt: &R, inner: H) -> io::Result<Watched<H>> {
        let clock = Clockwatch::new(rt, &inner)?;
        Ok(Watched::new(inner, clock, Interest::Write))
    }
}

impl<H> Watched<H> {
    /// The runtime's half inside.
    ///
    /// Python: none
    pub fn get_ref(&self) -> &H {
        &self.inner
    }

    /// The address of the remote end, as it was when the connection was taken over; `None`
    /// for a socket that has none (not connected, or not an internet socket).
    ///
    /// Python: `transport.get_extra_info('peername')`
    pub fn peername(&self) -> Option<SocketAddr> {
        self.peername
    }

    /// The address of this end, as it was when the connection was taken over.
    ///
    /// Python: `transport.get_extra_info('sockname')`
    pub fn sockname(&self) -> Option<SocketAddr> {
        self.sockname
    }
}

impl<H: AsFd> Watched<H> {
    /// The socket itself, borrowed: options and addresses, not for reading or writing
    /// behind the stream's back.
    ///
    /// Python: `transport.get_extra_info('socket')` (a `TransportSocket`, which also
    /// refuses I/O)
    pub fn socket(&self) -> SockRef<'_> {
        SockRef::from(&self.inner)
    }
}

impl<H: AsFd> AsFd for Watched<H> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

/// asyncio's `get_extra_info` on the reading half.
impl<H: AsFd + AsyncRead + Unpin> crate::StreamReader<Watched<H>> {
    /// The address of the remote end (see [`Watched::peername`]).
    ///
    /// Python: `writer.get_extra_info('peername')` (asyncio's reader reaches it through
    /// its transport)
    pub fn peername(&self) -> Option<SocketAddr> {
        self.get_ref().peername()
    }

    /// The address of this end (see [`Watched::sockname`]).
    ///
    /// Python: `writer.get_extra_info('sockname')`
    pub fn sockname(&self) -> Option<SocketAddr> {
        self.get_ref().sockname()
    }

    /// The socket, borrowed (see [`Watched::socket`]).
    ///
    /// Python: `writer.get_extra_info('socket')`
    pub fn socket(&self) -> SockRef<'_> {
        self.get_ref().socket()
    }
}

/// asyncio's `get_extra_info` on the writing half.
impl<H: AsFd + AsyncWrite + Unpin> crate::StreamWriter<Watched<H>> {
    /// The address of the remote end (see [`Watched::peername`]).
    ///
    /// Python: `writer.get_extra_info('peername')`
    pub fn peername(&self) -> Option<SocketAddr> {
        self.get_ref().peername()
    }

    /// The address of this end (see [`Watched::sockname`]).
    ///
    /// Python: `writer.get_extra_info('sockname')`
    pub fn sockname(&self) -> Option<SocketAddr> {
        self.get_ref().sockname()
    }

    /// The socket, borrowed (see [`Watched::socket`]).
    ///
    /// Python: `writer.get_extra_info('socket')`
    pub fn socket(&self) -> SockRef<'_> {
        self.get_ref().socket()
    }
}

impl<H: AsyncRead + Unpin> AsyncRead for Watched<H> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        this.watch.track(cx, poll)
    }
}

impl<H: AsyncWrite + Unpin> AsyncWrite for Watched<H> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let poll = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.watch.track(cx, poll)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let poll = Pin::new(&mut this.inner).poll_flush(cx);
        this.watch.track(cx, poll)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let poll = Pin::new(&mut this.inner).poll_close(cx);
        this.watch.track(cx, poll)
    }
}
