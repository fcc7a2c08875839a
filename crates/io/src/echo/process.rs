//! The echo server in a child process, for the 10,000-connection runs.
//!
//! 10,000 connections take 20,000 descriptors when both ends live in one process, and the
//! open-file limit here is 20,000 per process: so the server runs in a child process and
//! the clients in the parent, each needing 10,000 and a few. The child prints lines that
//! start with `AIO_IO `; the parent reads them.

// Without any runtime feature only the thread-per-connection server is left.
#![cfg_attr(
    not(any(
        feature = "tokio",
        feature = "async-std",
        feature = "smol",
        feature = "aio-loop"
    )),
    allow(dead_code, unused_variables)
)]

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use super::{EchoError, start_echo_server, threads};
use crate::limits::{cpu_time, ensure_open_files, resident_memory};
use crate::{Net, wait_for};

/// The runtimes the echo demo runs on, by name; `threads` is one OS thread per connection.
///
/// Python: none
pub const RUNTIMES: [&str; 6] = [
    "tokio",
    "tokio-mt",
    "async-std",
    "smol",
    "aio-loop",
    "threads",
];

/// Descriptors a process needs beyond one per connection (std streams, the runtime's
/// epoll and eventfd, the listener, a margin).
const SPARE_FILES: u64 = 64;

/// What the server process reports when it has served every client.
///
/// Python: none
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerReport {
    /// The runtime the server ran on.
    pub runtime: String,
    /// Connections it was told to expect.
    pub clients: usize,
    /// The most connections open at once.
    pub peak: usize,
    /// Connections served to the end.
    pub served: usize,
    /// Lines echoed.
    pub lines: u64,
    /// Resident memory once listening, before any client (bytes).
    pub rss_before: u64,
    /// The process's peak resident memory (bytes).
    pub rss_peak: u64,
    /// CPU time the server process used in user space (microseconds).
    pub cpu_user_us: u64,
    /// CPU time the server process used in the kernel (microseconds).
    pub cpu_system_us: u64,
}

impl ServerReport {
    /// Peak memory added per connection: `(rss_peak - rss_before) / clients`.
    ///
    /// Python: none
    pub fn bytes_per_connection(&self) -> u64 {
        self.rss_peak.saturating_sub(self.rss_before) / self.clients.max(1) as u64
    }

    fn to_line(&self) -> String {
        format!(
            "AIO_IO report runtime={} clients={} peak={} served={} lines={} rss_before={} rss_peak={} cpu_user_us={} cpu_system_us={}",
            self.runtime,
            self.clients,
            self.peak,
            self.served,
            self.lines,
            self.rss_before,
            self.rss_peak,
            self.cpu_user_us,
            self.cpu_system_us
        )
    }

    fn parse(line: &str) -> Option<ServerReport> {
        let mut report = ServerReport::default();
        for pair in line.strip_prefix("AIO_IO report ")?.split(' ') {
            let (key, value) = pair.split_once('=')?;
            match key {
                "runtime" => report.runtime = value.to_string(),
                "clients" => report.clients = value.parse().ok()?,
                "peak" => report.peak = value.parse().ok()?,
                "served" => report.served = value.parse().ok()?,
                "lines" => report.lines = value.parse().ok()?,
                "rss_before" => report.rss_before = value.parse().ok()?,
                "rss_peak" => report.rss_peak = value.parse().ok()?,
                "cpu_user_us" => report.cpu_user_us = value.parse().ok()?,
                "cpu_system_us" => report.cpu_system_us = value.parse().ok()?,
                _ => return None,
            }
        }
        Some(report)
    }
}

/// The child's side: serves `clients` echo connections on `runtime`, printing
/// `AIO_IO listening=ADDR` once bound and `AIO_IO report ...` at the end.
///
/// Python: none (the demo's server process)
///
/// # Errors
///
/// A message saying what went wrong: an unknown runtime, too few open files, the
/// `deadline` passed before every client was served.
pub fn serve(runtime: &str, clients: usize, deadline: Duration) -> Result<ServerReport, String> {
    ensure_open_files(clients as u64 + SPARE_FILES).map_err(|e| e.to_string())?;
    let addr = SocketAddr::from(([127, 0, 0, 1], 0));
    match runtime {
        #[cfg(feature = "tokio")]
        "tokio" => serve_on(aio_rt::Tokio::current_thread(), addr, clients, deadline),
        #[cfg(feature = "tokio")]
        "tokio-mt" => serve_on(aio_rt::Tokio::multi_thread(), addr, clients, deadline),
        #[cfg(feature = "async-std")]
        "async-std" => serve_on(aio_rt::AsyncStd::new(), addr, clients, deadline),
        #[cfg(feature = "smol")]
        "smol" => serve_on(aio_rt::Smol::new(), addr, clients, deadline),
        #[cfg(feature = "aio-loop")]
        "aio-loop" => serve_on(aio_loop::EventLoop::new(), addr, clients, deadline),
        "threads" => serve_threads(addr, clients),
        other => Err(format!(
            "unknown runtime {other:?}; expected one of {RUNTIMES:?}"
        )),
    }
}

fn announce(addr: SocketAddr) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "AIO_IO listening={addr}");
    let _ = out.flush();
}

fn finish(mut report: ServerReport) -> ServerReport {
    report.rss_peak = resident_memory().map(|m| m.peak).unwrap_or(0);
    if let Ok(cpu) = cpu_time() {
        report.cpu_user_us = cpu.user.as_micros() as u64;
        report.cpu_system_us = cpu.system.as_micros() as u64;
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", report.to_line());
    let _ = out.flush();
    report
}

fn serve_on<R: Net>(
    rt: R,
    addr: SocketAddr,
    clients: usize,
    deadline: Duration,
) -> Result<ServerReport, String> {
    rt.block_on(async {
        let (server, stats) = start_echo_server(&rt, addr).map_err(|e| e.to_string())?;
        let rss_before = resident_memory().map(|m| m.now).unwrap_or(0);
        announce(server.local_addr());
        let served = wait_for(&rt, deadline, stats.wait_served(clients)).await;
        server.close();
        server.close_clients();
        let stopped = server.wait_closed().await;
        served.map_err(|e| {
            format!(
                "server on {}: {e}: {} of {clients} clients served",
                rt.name(),
                stats.served()
            )
        })?;
        if let Some(e) = stopped {
            return Err(format!("server on {}: {e}", rt.name()));
        }
        Ok(finish(ServerReport {
            runtime: rt.name().to_string(),
            clients,
            peak: stats.peak(),
            served: stats.served(),
            lines: stats.lines(),
            rss_before,
            ..ServerReport::default()
        }))
    })
}

fn serve_threads(addr: SocketAddr, clients: usize) -> Result<ServerReport, String> {
    let (local, acceptor) = threads::start_echo_server(addr, clients).map_err(|e| e.to_string())?;
    let rss_before = resident_memory().map(|m| m.now).unwrap_or(0);
    announce(local);
    let stats = acceptor
        .join()
        .map_err(|_| "the accept thread panicked".to_string())?
        .map_err(|e| format!("thread-per-connection server: {e}"))?;
    Ok(finish(ServerReport {
        runtime: "threads".into(),
        clients,
        peak: stats.peak(),
        served: stats.served(),
        lines: stats.lines(),
        rss_before,
        ..ServerReport::default()
    }))
}

/// The parent's side: a running server process. Dropping it kills the child if it is
/// still running, so that no process is left behind.
///
/// Python: none (the demo's server process, as `asyncio.create_subprocess_exec` would start it)
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    addr: SocketAddr,
    lines: Receiver<String>,
}

impl ServerProcess {
    /// Starts `command` (which must end up in [`serve`]) and waits, up to `deadline`, for
    /// it to say where it listens.
    ///
    /// Python: none
    ///
    /// # Errors
    ///
    /// If it cannot start, exits, or does not listen within `deadline`.
    pub fn spawn(mut command: Command, deadline: Duration) -> Result<ServerProcess, String> {
        let mut child = command
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the server process: {e}"))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // A test harness may print its own words before ours on the same line.
                if let Some(at) = line.find("AIO_IO ") {
                    if tx.send(line[at..].to_string()).is_err() {
                        break;
                    }
                }
            }
        });
        let mut process = ServerProcess {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            lines,
        };
        let line = process.next_line(deadline)?;
        process.addr = line
            .strip_prefix("AIO_IO listening=")
            .and_then(|a| a.parse().ok())
            .ok_or_else(|| format!("the server process said {line:?}, not where it listens"))?;
        Ok(process)
    }

    /// Where the server listens.
    ///
    /// Python: none
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Waits, up to `deadline`, for the server's report and its exit.
    ///
    /// Python: none
    ///
    /// # Errors
    ///
    /// If the report does not come in time, or the process fails.
    pub fn finish(mut self, deadline: Duration) -> Result<ServerReport, String> {
        let line = self.next_line(deadline)?;
        let report = ServerReport::parse(&line)
            .ok_or_else(|| format!("the server process said {line:?}, not its report"))?;
        let start = Instant::now();
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) if status.success() => return Ok(report),
                Ok(Some(status)) => return Err(format!("the server process failed: {status}")),
                Ok(None) if start.elapsed() < deadline => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Ok(None) => return Err("the server process did not exit after its report".into()),
                Err(e) => return Err(format!("cannot wait for the server process: {e}")),
            }
        }
    }

    fn next_line(&mut self, deadline: Duration) -> Result<String, String> {
        match self.lines.recv_timeout(deadline) {
            Ok(line) => Ok(line),
            Err(RecvTimeoutError::Timeout) => {
                Err(format!("the server process said nothing for {deadline:?}"))
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = self.child.wait().map(|s| s.to_string()).unwrap_or_default();
                Err(format!(
                    "the server process ended ({status}) without saying more"
                ))
            }
        }
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs `clients` echo clients on the runtime named `runtime` (a fresh instance), against
/// `addr`, for at most `deadline`; returns the lines echoed.
///
/// Python: none
///
/// # Errors
///
/// Too few open files, an unknown runtime, or a client's failure (as a message).
pub fn run_clients_on(
    runtime: &str,
    addr: SocketAddr,
    clients: usize,
    rounds: usize,
    deadline: Duration,
) -> Result<usize, String> {
    ensure_open_files(clients as u64 + SPARE_FILES).map_err(|e| e.to_string())?;
    let result = match runtime {
        #[cfg(feature = "tokio")]
        "tokio" => clients_on(
            aio_rt::Tokio::current_thread(),
            addr,
            clients,
            rounds,
            deadline,
        ),
        #[cfg(feature = "tokio")]
        "tokio-mt" => clients_on(
            aio_rt::Tokio::multi_thread(),
            addr,
            clients,
            rounds,
            deadline,
        ),
        #[cfg(feature = "async-std")]
        "async-std" => clients_on(aio_rt::AsyncStd::new(), addr, clients, rounds, deadline),
        #[cfg(feature = "smol")]
        "smol" => clients_on(aio_rt::Smol::new(), addr, clients, rounds, deadline),
        #[cfg(feature = "aio-loop")]
        "aio-loop" => clients_on(aio_loop::EventLoop::new(), addr, clients, rounds, deadline),
        "threads" => threads::run_clients(addr, clients, rounds, Some(deadline)),
        other => {
            return Err(format!(
                "unknown runtime {other:?}; expected one of {RUNTIMES:?}"
            ));
        }
    };
    result.map_err(|e| e.to_string())
}

fn clients_on<R: Net>(
    rt: R,
    addr: SocketAddr,
    clients: usize,
    rounds: usize,
    deadline: Duration,
) -> Result<usize, EchoError> {
    rt.block_on(async {
        wait_for(
            &rt,
            deadline,
            super::run_clients(&rt, addr, clients, rounds),
        )
        .await
        .map_err(|e| EchoError::Thread(format!("the clients on {}: {e}", rt.name())))?
    })
}
