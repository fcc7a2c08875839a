//! Definitions of [`open_connection`], [`start_server`] and [`Server`].

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use aio_rt::{Clock, JoinHandle, Runtime};
use event_listener::Event;
use pin_project_lite::pin_project;

use crate::net::{Net, ReadHalf, TcpListener, TcpStream, WriteHalf};
use crate::watch::{Addresses, Clockwatch, Interest, Watch, Watched};
use crate::{StreamError, StreamReader, StreamWriter};

/// How long the accept loop rests when the process is out of file descriptors, as
/// asyncio's `ACCEPT_RETRY_DELAY`.
const ACCEPT_RETRY_DELAY: Duration = Duration::from_secs(1);

/// Connects to `addr` and returns a reader and a writer.
///
/// Python: `reader, writer = await asyncio.open_connection(host, port)`
///
/// # Errors
///
/// - [`StreamError::Connect`] if the connection cannot be made; nobody listening gives
///   `ConnectionRefused`: "connect call failed 127.0.0.1:9: Connection refused (os error 111)".
/// - [`StreamError::VirtualClock`] if `rt` runs on a virtual clock that cannot see its
///   sockets (see [`Net::sockets_in_virtual_time`]; every runtime of this workspace can).
///
/// # Virtual time
///
/// On the virtual clock of `aio-rt`'s adapters, the connection is made by a non-blocking
/// `connect` whose completion the clock watches (as it watches reads and writes), so a
/// loopback connection is made at the instant it is asked for.
///
/// # Examples
///
/// ```
/// use aio_rt::Runtime;
///
/// let rt = aio_rt::Smol::new();
/// rt.block_on(async {
///     let server = aio_io::start_server(&rt, "127.0.0.1:0".parse().unwrap(), |mut reader, mut writer| async move {
///         let line = reader.readline().await.unwrap();
///         writer.write(&line.to_ascii_uppercase());
///         writer.close().wait_closed().await.unwrap();
///     })
///     .unwrap();
///     let (mut reader, mut writer) = aio_io::open_connection(&rt, server.local_addr()).await.unwrap();
///     writer.write(b"hello\n");
///     writer.drain().await.unwrap();
///     assert_eq!(reader.readline().await.unwrap(), b"HELLO\n");
///     server.close();
///     server.wait_closed().await;
/// });
/// ```
pub async fn open_connection<R: Net>(
    rt: &R,
    addr: SocketAddr,
) -> Result<(StreamReader<ReadHalf<R>>, StreamWriter<WriteHalf<R>>), StreamError> {
    clock_sees_sockets(rt)?;
    let connect_error = |source| StreamError::Connect { addr, source };
    let stream = match Clockwatch::watches(rt) {
        true => {
            let stream = virtual_connect(rt, addr).await.map_err(connect_error)?;
            rt.stream_from_std(stream).map_err(connect_error)?
        }
        false => rt.connect(addr).await.map_err(connect_error)?,
    };
    streams(rt, stream)
}

/// Reader and writer over a connected socket the caller already has.
///
/// Python: `reader, writer = await asyncio.open_connection(sock=sock)`
///
/// The socket is taken over (made non-blocking and registered with `rt`'s reactor);
/// `TCP_NODELAY` is left as the caller set it (asyncio sets it on a TCP socket it is
/// given; set it with [`socket2::SockRef`] if you need it). Not `async`: nothing waits,
/// which asyncio's coroutine does not do either.
///
/// # Errors
///
/// - [`StreamError::Io`] (`op` "register") if the runtime cannot take the socket over.
/// - [`StreamError::VirtualClock`] as for [`open_connection`].
///
/// # Examples
///
/// A connection made with std, handed to the runtime:
///
/// ```
/// use aio_rt::Runtime;
///
/// let rt = aio_rt::Smol::new();
/// let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
/// let sock = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
/// let (peer, _) = listener.accept().unwrap();
/// rt.block_on(async {
///     let (_reader, writer) = aio_io::open_connection_sock(&rt, sock).unwrap();
///     assert_eq!(writer.peername(), Some(listener.local_addr().unwrap()));
///     assert_eq!(writer.sockname(), peer.peer_addr().ok());
/// });
/// ```
pub fn open_connection_sock<R: Net>(
    rt: &R,
    sock: std::net::TcpStream,
) -> Result<Streams<R>, StreamError> {
    clock_sees_sockets(rt)?;
    let stream = rt.stream_from_std(sock).map_err(register_error)?;
    streams(rt, stream)
}

/// A connection's reader and writer, as `open_connection` returns them.
type Streams<R> = (StreamReader<ReadHalf<R>>, StreamWriter<WriteHalf<R>>);

fn register_error(source: io::Error) -> StreamError {
    StreamError::Io {
        op: "register",
        source,
    }
}

/// A reader and a writer over `stream`, their waits seen by `rt`'s virtual clock.
fn streams<R: Net>(rt: &R, stream: R::TcpStream) -> Result<Streams<R>, StreamError> {
    let clock = Clockwatch::new(rt, &stream).map_err(register_error)?;
    let addresses = Addresses::of(&stream);
    let (read, write) = stream.into_split();
    Ok((
        StreamReader::new(Watched::with_addresses(
            read,
            clock.clone(),
            Interest::Read,
            addresses,
        )),
        StreamWriter::new(Watched::with_addresses(
            write,
            clock,
            Interest::Write,
            addresses,
        )),
    ))
}

/// A non-blocking `connect` whose completion `rt`'s virtual clock watches: the socket
/// becomes writable when the handshake is over, and `SO_ERROR` says how it went (as
/// asyncio's `sock_connect`).
async fn virtual_connect<R: Net>(rt: &R, addr: SocketAddr) -> io::Result<std::net::TcpStream> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    socket.set_nonblocking(true)?;
    match socket.connect(&addr.into()) {
        Ok(()) => {}
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::INPROGRESS.raw_os_error()) => {
            let clock = Clockwatch::new(rt, &socket)?;
            let mut watch = Watch::new(clock.clone(), Interest::Write);
            std::future::poll_fn(|cx| {
                let done = clock
                    .as_ref()
                    .is_none_or(|clock| clock.ready(Interest::Write));
                watch.track(cx, if done { Poll::Ready(()) } else { Poll::Pending })
            })
            .await;
            if let Some(e) = socket.take_error()? {
                return Err(e);
            }
        }
        Err(e) => return Err(e),
    }
    socket.set_tcp_nodelay(true)?;
    Ok(socket.into())
}

/// Binds `addr` and serves each connection by spawning `handler(reader, writer)` as a task.
///
/// Python: `server = await asyncio.start_server(client_connected_cb, host, port)`
///
/// Serving starts at once (asyncio's `start_serving=True`). The accept loop and every
/// handler are tasks of `rt`; [`Server::close`], [`Server::close_clients`] and
/// [`Server::wait_closed`] stop them, so that nothing is left behind.
///
/// # Errors
///
/// - [`StreamError::Bind`] if the address cannot be bound (in use, no permission).
/// - [`StreamError::VirtualClock`] as for [`open_connection`].
///
/// The handler's reader and writer know the client's address:
/// [`StreamWriter::peername`](crate::StreamWriter::peername) (asyncio's
/// `writer.get_extra_info('peername')` inside `client_connected_cb`).
pub fn start_server<R, F, Fut>(rt: &R, addr: SocketAddr, handler: F) -> Result<Server, StreamError>
where
    R: Net,
    F: Fn(StreamReader<ReadHalf<R>>, StreamWriter<WriteHalf<R>>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    clock_sees_sockets(rt)?;
    let listener = rt
        .bind(addr)
        .map_err(|source| StreamError::Bind { addr, source })?;
    serve(rt, listener, handler).map_err(|source| StreamError::Bind { addr, source })
}

/// Serves each connection of a listening socket the caller already has, as
/// [`start_server`] does.
///
/// Python: `server = await asyncio.start_server(client_connected_cb, sock=sock)`
///
/// # Errors
///
/// - [`StreamError::Io`] (`op` "register") if the runtime cannot take the socket over.
/// - [`StreamError::VirtualClock`] as for [`open_connection`].
///
/// # Examples
///
/// ```
/// use aio_rt::Runtime;
///
/// let rt = aio_rt::Smol::new();
/// let sock = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
/// let addr = sock.local_addr().unwrap();
/// rt.block_on(async {
///     let server = aio_io::start_server_sock(&rt, sock, |_reader, mut writer| async move {
///         let peer = writer.peername().unwrap();
///         writer.write(format!("{}\n", peer.port()).as_bytes());
///         writer.close().wait_closed().await.unwrap();
///     })
///     .unwrap();
///     assert_eq!(server.local_addr(), addr);
///     let (mut reader, writer) = aio_io::open_connection(&rt, addr).await.unwrap();
///     let line = reader.readline().await.unwrap();
///     assert_eq!(line, format!("{}\n", writer.sockname().unwrap().port()).as_bytes());
///     server.close();
///     server.wait_closed().await;
/// });
/// ```
pub fn start_server_sock<R, F, Fut>(
    rt: &R,
    sock: std::net::TcpListener,
    handler: F,
) -> Result<Server, StreamError>
where
    R: Net,
    F: Fn(StreamReader<ReadHalf<R>>, StreamWriter<WriteHalf<R>>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    clock_sees_sockets(rt)?;
    let listener = rt.listener_from_std(sock).map_err(register_error)?;
    serve(rt, listener, handler).map_err(register_error)
}

fn serve<R, F, Fut>(rt: &R, listener: R::TcpListener, handler: F) -> io::Result<Server>
where
    R: Net,
    F: Fn(StreamReader<ReadHalf<R>>, StreamWriter<WriteHalf<R>>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let local_addr = listener.local_addr()?;
    let clients = Arc::new(Clients::default());
    let accept = rt.spawn(accept_loop(
        rt.clone(),
        listener,
        handler,
        Arc::clone(&clients),
    ));
    Ok(Server {
        local_addr,
        accept: Mutex::new(Some(accept)),
        clients,
    })
}

fn clock_sees_sockets<R: Net>(rt: &R) -> Result<(), StreamError> {
    match rt.clock() {
        Clock::Virtual if !rt.sockets_in_virtual_time() => Err(StreamError::VirtualClock),
        _ => Ok(()),
    }
}

async fn accept_loop<R, F, Fut>(
    rt: R,
    listener: R::TcpListener,
    handler: F,
    clients: Arc<Clients>,
) -> Result<(), StreamError>
where
    R: Net,
    F: Fn(StreamReader<ReadHalf<R>>, StreamWriter<WriteHalf<R>>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let clock = Clockwatch::new(&rt, &listener).map_err(register_error)?;
    loop {
        let accept = async {
            let mut watch = Watch::new(clock.clone(), Interest::Read);
            let mut accept = std::pin::pin!(listener.accept());
            Some(
                std::future::poll_fn(|cx| {
                    let poll = accept.as_mut().poll(cx);
                    watch.track(cx, poll)
                })
                .await,
            )
        };
        let next = futures_lite::future::or(accept, async {
            clients.closed().await;
            None
        });
        let Some(accepted) = next.await else {
            // Closed: returning drops the listener, which closes the listening socket.
            return Ok(());
        };
        match accepted {
            Ok((stream, _peer)) => {
                // Without a descriptor to spare for the clock's watch, the client is
                // dropped (closed), as when accept itself runs out of them.
                if let Ok((reader, writer)) = streams(&rt, stream) {
                    clients.spawn(&rt, handler(reader, writer));
                }
            }
            // The peer gave up between SYN and accept: nothing to serve.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionAborted
                        | io::ErrorKind::Interrupted
                        | io::ErrorKind::WouldBlock
                ) => {}
            Err(e) if out_of_resources(&e) => {
                // asyncio logs this and stops accepting for a second; the queue waits.
                eprintln!("aio-io: accept() out of system resource ({e}); retrying in 1s");
                rt.sleep(ACCEPT_RETRY_DELAY).await;
            }
            Err(source) => {
                return Err(StreamError::Io {
                    op: "accept",
                    source,
                });
            }
        }
    }
}

/// EMFILE, ENFILE, ENOBUFS, ENOMEM: the process or the system ran out of something.
fn out_of_resources(e: &io::Error) -> bool {
    use rustix::io::Errno;
    let resource = [Errno::MFILE, Errno::NFILE, Errno::NOBUFS, Errno::NOMEM];
    resource
        .iter()
        .any(|errno| e.raw_os_error() == Some(errno.raw_os_error()))
}

/// The handler tasks alive, so that the server can cancel and await them, and whether the
/// server was closed.
#[derive(Default)]
struct Clients {
    tasks: Mutex<HashMap<u64, JoinHandle<()>>>,
    next_id: AtomicU64,
    closed: AtomicBool,
    on_close: Event,
}

impl Clients {
    fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.on_close.notify(usize::MAX);
    }

    async fn closed(&self) {
        while !self.closed.load(Ordering::Acquire) {
            let listener = self.on_close.listen();
            if self.closed.load(Ordering::Acquire) {
                return;
            }
            listener.await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, JoinHandle<()>>> {
        self.tasks.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn spawn<R: Runtime>(
        self: &Arc<Self>,
        rt: &R,
        client: impl Future<Output = ()> + Send + 'static,
    ) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        // Moved into the task, so it is dropped however the task ends (done, panicked,
        // cancelled, even before it started): the map holds live tasks only.
        let registered = Registered {
            client,
            _guard: Deregister {
                clients: Arc::clone(self),
                id,
            },
        };
        // Insert under the lock that `Deregister` takes: it cannot remove before we insert.
        let mut tasks = self.lock();
        tasks.insert(id, rt.spawn(registered));
    }
}

pin_project! {
    /// A handler's future beside its registration, as one struct. Not
    /// `async move { let _guard = guard; client.await }`: rustc keeps room in such a block
    /// both for the captured `client` and for the `client` being awaited, so every
    /// connection's task would hold its handler's future twice (on tokio 768 bytes instead
    /// of 384 per connection, heaptrack showed).
    struct Registered<F> {
        #[pin]
        client: F,
        // After `client`: deregistered once the handler's future is gone.
        _guard: Deregister,
    }
}

impl<F: Future<Output = ()>> Future for Registered<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.project().client.poll(cx)
    }
}

struct Deregister {
    clients: Arc<Clients>,
    id: u64,
}

impl Drop for Deregister {
    fn drop(&mut self) {
        let handle = self.clients.lock().remove(&self.id);
        // Dropped outside the lock. A panic nobody retrieved goes to the runtime's
        // exception handler, as asyncio logs an exception in `client_connected_cb`.
        drop(handle);
    }
}

/// A running server: its accept loop and its connection handlers.
///
/// Python: `asyncio.Server`
///
/// | asyncio | `Server` |
/// |---|---|
/// | `server.sockets[0].getsockname()` | [`local_addr()`](Server::local_addr) |
/// | `server.close()` | [`close()`](Server::close) |
/// | `server.close_clients()` (3.13) | [`close_clients()`](Server::close_clients) |
/// | `await server.wait_closed()` (3.12: waits for the handlers) | [`wait_closed()`](Server::wait_closed) |
///
/// Dropping a `Server` without closing it leaves its tasks running, as a dropped
/// `JoinHandle` does.
pub struct Server {
    local_addr: SocketAddr,
    /// Taken by the first `wait_closed`.
    accept: Mutex<Option<JoinHandle<Result<(), StreamError>>>>,
    clients: Arc<Clients>,
}

impl Server {
    /// The address the server listens on (the port chosen by the system for port 0).
    ///
    /// Python: `server.sockets[0].getsockname()`
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// How many connection handlers are running.
    ///
    /// Python: none (asyncio keeps this count private: `server._active_count`)
    pub fn active_clients(&self) -> usize {
        self.clients.lock().len()
    }

    /// Stops accepting: the listening socket is closed; connected clients go on.
    ///
    /// Python: `server.close()`
    pub fn close(&self) {
        self.clients.close();
    }

    /// Cancels every connection handler; their sockets close as they are dropped.
    ///
    /// Python: `server.close_clients()` (3.13)
    pub fn close_clients(&self) {
        for handle in self.clients.lock().values() {
            handle.cancel();
        }
    }

    /// Waits until the accept loop has stopped (after [`close`](Server::close)) and every
    /// handler has finished. Returns the error that stopped the accept loop, if one did.
    ///
    /// Python: `await server.wait_closed()`
    ///
    /// Without `close` first, this waits for as long as the server serves (asyncio's
    /// `serve_forever`). Calling it again returns at once once the handlers are done.
    pub async fn wait_closed(&self) -> Option<StreamError> {
        let accept = self
            .accept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let stopped = match accept {
            Some(accept) => match accept.await {
                Ok(Err(e)) => Some(e),
                Ok(Ok(())) | Err(_) => None,
            },
            None => None,
        };
        loop {
            let handles: Vec<_> = self.clients.lock().drain().map(|(_, h)| h).collect();
            if handles.is_empty() {
                return stopped;
            }
            for handle in handles {
                if let Err(e) = handle.await {
                    if !e.is_cancelled() {
                        eprintln!("aio-io: a client handler failed: {e}");
                    }
                }
            }
        }
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr)
            .field("active_clients", &self.active_clients())
            .finish_non_exhaustive()
    }
}
