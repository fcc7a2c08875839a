//! The echo demo: a server and many clients, on a runtime or on one OS thread per
//! connection, in one process or two.
//!
//! Each client connects, sends `rounds` lines and checks that each comes back unchanged.
//! After its first round trip a client waits at a gate until every client has made its
//! first: at that moment every connection is open at once, and the server's `peak` count
//! proves it. Then the clients finish their rounds and close.

use std::fmt;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use aio_rt::JoinError;
use event_listener::Event;

use crate::{Net, Server, StreamError, open_connection, start_server};

pub mod process;
pub mod threads;

/// The line client `client` sends in round `round`.
///
/// Python: none (the demo's protocol: `f"client {client} round {round}\n".encode()`)
pub fn message(client: usize, round: usize) -> Vec<u8> {
    format!("client {client} round {round}\n").into_bytes()
}

/// What the echo server's handlers count.
///
/// Python: none (demo bookkeeping)
#[derive(Debug, Default)]
pub struct EchoStats {
    open: AtomicUsize,
    peak: AtomicUsize,
    served: AtomicUsize,
    lines: AtomicU64,
    changed: Event,
}

impl EchoStats {
    /// The most connections open at once.
    ///
    /// Python: none
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Acquire)
    }

    /// Connections served to the end.
    ///
    /// Python: none
    pub fn served(&self) -> usize {
        self.served.load(Ordering::Acquire)
    }

    /// Lines echoed.
    ///
    /// Python: none
    pub fn lines(&self) -> u64 {
        self.lines.load(Ordering::Acquire)
    }

    /// Waits until `n` connections have been served to the end.
    ///
    /// Python: none
    pub async fn wait_served(&self, n: usize) {
        loop {
            if self.served() >= n {
                return;
            }
            let listener = self.changed.listen();
            if self.served() >= n {
                return;
            }
            listener.await;
        }
    }

    pub(crate) fn opened(&self) {
        let open = self.open.fetch_add(1, Ordering::AcqRel) + 1;
        self.peak.fetch_max(open, Ordering::AcqRel);
    }

    pub(crate) fn closed(&self, lines: u64) {
        self.lines.fetch_add(lines, Ordering::AcqRel);
        self.open.fetch_sub(1, Ordering::AcqRel);
        self.served.fetch_add(1, Ordering::AcqRel);
        self.changed.notify(usize::MAX);
    }
}

/// Starts an echo server on `addr`: every line comes back as it was sent, until the client
/// closes.
///
/// Python: none (the demo's server; its asyncio original:)
///
/// ```python
/// async def echo(reader, writer):
///     while line := await reader.readline():
///         writer.write(line)
///         await writer.drain()
///     writer.close()
///     await writer.wait_closed()
///
/// server = await asyncio.start_server(echo, "127.0.0.1", 0)
/// ```
///
/// # Errors
///
/// As [`start_server`].
pub fn start_echo_server<R: Net>(
    rt: &R,
    addr: SocketAddr,
) -> Result<(Server, Arc<EchoStats>), StreamError> {
    let stats = Arc::new(EchoStats::default());
    let counters = Arc::clone(&stats);
    let server = start_server(rt, addr, move |mut reader, mut writer| {
        let stats = Arc::clone(&counters);
        async move {
            stats.opened();
            let mut lines = 0;
            // A peer that vanishes ends the loop like an end of stream.
            while let Ok(line) = reader.readline().await {
                if line.is_empty() {
                    break;
                }
                writer.write(&line);
                if writer.drain().await.is_err() {
                    break;
                }
                lines += 1;
            }
            // The peer may be gone already; there is nobody to tell.
            let _ = writer.close().wait_closed().await;
            stats.closed(lines);
        }
    })?;
    Ok((server, stats))
}

/// Why an echo client failed.
///
/// Python: none (demo errors)
#[derive(Debug)]
#[non_exhaustive]
pub enum EchoError {
    /// A stream operation failed.
    Stream {
        /// Which client.
        client: usize,
        /// What failed.
        source: StreamError,
    },
    /// What came back is not what was sent.
    Mismatch {
        /// Which client.
        client: usize,
        /// Which round.
        round: usize,
        /// What came back.
        got: Vec<u8>,
    },
    /// A client task panicked or was cancelled.
    Task(JoinError),
    /// A client thread could not start, or failed (thread-per-connection clients).
    Thread(String),
}

impl fmt::Display for EchoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EchoError::Stream { client, source } => write!(f, "client {client}: {source}"),
            EchoError::Mismatch { client, round, got } => write!(
                f,
                "client {client} round {round}: sent {:?}, got back {:?}",
                String::from_utf8_lossy(&message(*client, *round)),
                String::from_utf8_lossy(got)
            ),
            EchoError::Task(e) => write!(f, "a client task failed: {e}"),
            EchoError::Thread(e) => write!(f, "a client thread failed: {e}"),
        }
    }
}

impl std::error::Error for EchoError {}

/// Runs `clients` echo clients against `addr`, each as a task of `rt`, and returns how
/// many lines came back right (`clients * rounds` on success).
///
/// Python: none (the demo's clients, gathered as `asyncio.gather(*clients)` would)
///
/// # Errors
///
/// The first client's failure, in client order.
pub async fn run_clients<R: Net>(
    rt: &R,
    addr: SocketAddr,
    clients: usize,
    rounds: usize,
) -> Result<usize, EchoError> {
    let gate = Arc::new(Gate::new(clients));
    let handles: Vec<_> = (0..clients)
        .map(|client| {
            let rt2 = rt.clone();
            let arrival = Arrival(Some(Arc::clone(&gate)));
            rt.spawn(async move { echo_client(&rt2, addr, client, rounds, arrival).await })
        })
        .collect();
    let mut first_error = None;
    let mut lines = 0;
    for handle in handles {
        match handle.await {
            Ok(Ok(n)) => lines += n,
            Ok(Err(e)) => {
                first_error.get_or_insert(e);
            }
            Err(e) => {
                first_error.get_or_insert(EchoError::Task(e));
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(lines),
    }
}

async fn echo_client<R: Net>(
    rt: &R,
    addr: SocketAddr,
    client: usize,
    rounds: usize,
    mut arrival: Arrival,
) -> Result<usize, EchoError> {
    let stream = |source| EchoError::Stream { client, source };
    let (mut reader, mut writer) = open_connection(rt, addr).await.map_err(stream)?;
    for round in 0..rounds {
        let sent = message(client, round);
        writer.write(&sent);
        writer.drain().await.map_err(stream)?;
        let got = reader.readline().await.map_err(stream)?;
        if got != sent {
            return Err(EchoError::Mismatch { client, round, got });
        }
        if round == 0 {
            arrival.arrive_and_wait().await;
        }
    }
    arrival.arrive();
    writer.close().wait_closed().await.map_err(stream)?;
    // The server closes its side after our end of stream: read it, so that both are done.
    let rest = reader.read_to_end().await.map_err(stream)?;
    if !rest.is_empty() {
        return Err(EchoError::Mismatch {
            client,
            round: rounds,
            got: rest,
        });
    }
    Ok(rounds)
}

/// Opens when `n` parties have arrived (a one-shot countdown).
#[derive(Debug)]
struct Gate {
    remaining: AtomicUsize,
    opened: Event,
}

impl Gate {
    fn new(n: usize) -> Gate {
        Gate {
            remaining: AtomicUsize::new(n),
            opened: Event::new(),
        }
    }

    fn arrive(&self) {
        if self.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.opened.notify(usize::MAX);
        }
    }

    fn is_open(&self) -> bool {
        self.remaining.load(Ordering::Acquire) == 0
    }
}

/// One party's arrival at the gate, made at most once; a client that fails before it
/// arrives still arrives when dropped, so that the others are not stranded.
#[derive(Debug)]
struct Arrival(Option<Arc<Gate>>);

impl Arrival {
    fn arrive(&mut self) {
        if let Some(gate) = self.0.take() {
            gate.arrive();
        }
    }

    async fn arrive_and_wait(&mut self) {
        let Some(gate) = self.0.take() else { return };
        gate.arrive();
        while !gate.is_open() {
            let listener = gate.opened.listen();
            if gate.is_open() {
                break;
            }
            listener.await;
        }
    }
}

impl Drop for Arrival {
    fn drop(&mut self) {
        self.arrive();
    }
}

/// Runs the echo server and `clients` clients on `rt` in this process; returns the server's
/// counts after everything closed.
///
/// Python: none (the demo's `main()`)
///
/// # Errors
///
/// The first client's failure, or the server's.
pub async fn echo_in_one_process<R: Net>(
    rt: &R,
    clients: usize,
    rounds: usize,
) -> Result<Arc<EchoStats>, EchoError> {
    let addr = SocketAddr::from(([127, 0, 0, 1], 0));
    let (server, stats) =
        start_echo_server(rt, addr).map_err(|source| EchoError::Stream { client: 0, source })?;
    let result = run_clients(rt, server.local_addr(), clients, rounds).await;
    // Every client has read the server's end of stream: the handlers are finishing.
    stats
        .wait_served(if result.is_ok() { clients } else { 0 })
        .await;
    server.close();
    server.close_clients();
    if let Some(source) = server.wait_closed().await {
        return Err(EchoError::Stream { client: 0, source });
    }
    result.map(|_| stats)
}

/// Python: none (a demo error): a stream failure keeps its class, a task's outcome its own;
/// the rest is a bare `Exception` with this project's words
impl aio_rt::PyException for EchoError {
    fn py_type(&self) -> &str {
        match self {
            EchoError::Stream { source, .. } => source.py_type(),
            EchoError::Task(e) => e.py_type(),
            EchoError::Mismatch { .. } | EchoError::Thread(_) => "Exception",
        }
    }

    fn py_str(&self) -> String {
        match self {
            EchoError::Stream { source, .. } => source.py_str(),
            EchoError::Task(e) => e.py_str(),
            EchoError::Mismatch { .. } | EchoError::Thread(_) => self.to_string(),
        }
    }
}
