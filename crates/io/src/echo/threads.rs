//! The same echo workload with one OS thread per connection, for contrast.
//!
//! In Python: `socketserver.ThreadingTCPServer`, or a `threading.Thread` per client.

use std::io::{self, BufRead, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use super::{EchoError, EchoStats, message};
use crate::net::std_listener;

/// A thread-per-connection echo server for exactly `clients` connections: returns its
/// address and the thread that accepts them, which joins every handler and returns the
/// counts.
///
/// Python: none (the thread-per-connection demo; in Python, `socketserver.ThreadingTCPServer`)
///
/// # Errors
///
/// If the address cannot be bound.
pub fn start_echo_server(
    addr: SocketAddr,
    clients: usize,
) -> io::Result<(SocketAddr, thread::JoinHandle<io::Result<Arc<EchoStats>>>)> {
    let listener = std_listener(addr)?;
    listener.set_nonblocking(false)?;
    let local = listener.local_addr()?;
    let acceptor = thread::Builder::new()
        .name("echo-accept".into())
        .spawn(move || {
            let stats = Arc::new(EchoStats::default());
            let mut handlers = Vec::with_capacity(clients);
            for _ in 0..clients {
                let (stream, _) = listener.accept()?;
                let stats = Arc::clone(&stats);
                handlers.push(thread::Builder::new().spawn(move || serve(stream, &stats))?);
            }
            for handler in handlers {
                // A handler's own failure is a closed connection; a panic is a bug.
                handler
                    .join()
                    .map_err(|_| io::Error::other("an echo handler thread panicked"))?;
            }
            Ok(stats)
        })?;
    Ok((local, acceptor))
}

fn serve(stream: TcpStream, stats: &EchoStats) {
    stats.opened();
    let mut lines = 0;
    let _ = stream.set_nodelay(true);
    let mut writer = &stream;
    let mut reader = BufReader::with_capacity(4096, &stream);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        if writer.write_all(&line).is_err() {
            break;
        }
        lines += 1;
    }
    let _ = stream.shutdown(Shutdown::Write);
    stats.closed(lines);
}

/// Runs `clients` echo clients, one OS thread each, with the same gate as the async
/// clients; returns how many lines came back right. With a `deadline`, a read that waits
/// longer fails (`WouldBlock`/`TimedOut`) instead of hanging.
///
/// Python: none (the thread-per-connection demo; in Python, a `threading.Thread` per client)
///
/// # Errors
///
/// The first client's failure, in client order.
pub fn run_clients(
    addr: SocketAddr,
    clients: usize,
    rounds: usize,
    deadline: Option<Duration>,
) -> Result<usize, EchoError> {
    let gate = Arc::new(Countdown::new(clients));
    let mut threads = Vec::with_capacity(clients);
    for client in 0..clients {
        let mut arrival = Arrival(Some(Arc::clone(&gate)));
        let spawned = thread::Builder::new()
            .spawn(move || client_thread(addr, client, rounds, deadline, &mut arrival));
        match spawned {
            Ok(t) => threads.push(t),
            Err(e) => {
                // Clients not started would never arrive: open the gate for those started.
                gate.open_now();
                for t in threads {
                    let _ = t.join();
                }
                return Err(EchoError::Thread(format!(
                    "cannot start client {client}: {e}"
                )));
            }
        }
    }
    let mut first_error = None;
    let mut lines = 0;
    for t in threads {
        match t.join() {
            Ok(Ok(n)) => lines += n,
            Ok(Err(e)) => {
                first_error.get_or_insert(e);
            }
            Err(_) => {
                first_error.get_or_insert(EchoError::Thread("a client thread panicked".into()));
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(lines),
    }
}

fn client_thread(
    addr: SocketAddr,
    client: usize,
    rounds: usize,
    deadline: Option<Duration>,
    arrival: &mut Arrival,
) -> Result<usize, EchoError> {
    let io_err = |op: &'static str| {
        move |source| EchoError::Stream {
            client,
            source: crate::StreamError::Io { op, source },
        }
    };
    let stream = TcpStream::connect(addr).map_err(|source| EchoError::Stream {
        client,
        source: crate::StreamError::Connect { addr, source },
    })?;
    stream.set_nodelay(true).map_err(io_err("connect"))?;
    stream
        .set_read_timeout(deadline)
        .map_err(io_err("connect"))?;
    let mut writer = &stream;
    let mut reader = BufReader::with_capacity(4096, &stream);
    for round in 0..rounds {
        let sent = message(client, round);
        writer.write_all(&sent).map_err(io_err("write"))?;
        let mut got = Vec::new();
        reader.read_until(b'\n', &mut got).map_err(io_err("read"))?;
        if got != sent {
            return Err(EchoError::Mismatch { client, round, got });
        }
        if round == 0 {
            arrival.arrive_and_wait();
        }
    }
    arrival.arrive();
    stream
        .shutdown(Shutdown::Write)
        .map_err(io_err("shutdown"))?;
    let mut rest = Vec::new();
    io::Read::read_to_end(&mut reader, &mut rest).map_err(io_err("read"))?;
    if !rest.is_empty() {
        return Err(EchoError::Mismatch {
            client,
            round: rounds,
            got: rest,
        });
    }
    Ok(rounds)
}

/// A one-shot countdown for threads.
#[derive(Debug)]
struct Countdown {
    remaining: Mutex<usize>,
    opened: Condvar,
}

impl Countdown {
    fn new(n: usize) -> Countdown {
        Countdown {
            remaining: Mutex::new(n),
            opened: Condvar::new(),
        }
    }

    fn open_now(&self) {
        *self
            .remaining
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = 0;
        self.opened.notify_all();
    }
}

/// As the async clients' arrival: at most once, and on drop.
#[derive(Debug)]
struct Arrival(Option<Arc<Countdown>>);

impl Arrival {
    fn arrive(&mut self) -> Option<Arc<Countdown>> {
        let gate = self.0.take()?;
        let mut remaining = gate
            .remaining
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *remaining = remaining.saturating_sub(1);
        if *remaining == 0 {
            gate.opened.notify_all();
        }
        drop(remaining);
        Some(gate)
    }

    fn arrive_and_wait(&mut self) {
        let Some(gate) = self.arrive() else { return };
        let remaining = gate
            .remaining
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let _open = gate
            .opened
            .wait_while(remaining, |n| *n > 0)
            .unwrap_or_else(PoisonError::into_inner);
    }
}

impl Drop for Arrival {
    fn drop(&mut self) {
        self.arrive();
    }
}
