//! Ten thousand concurrent echo connections on every runtime, in two processes.
//!
//! The open-file limit here is 20,000 per process and 10,000 connections need 20,000
//! descriptors when both ends live in one process, so the server runs in a child process:
//! this test binary, re-executed to run `server_child` (which does nothing when run
//! normally). The clients run here, on one runtime instance. Every run has a deadline and
//! fails rather than hangs; what is asserted is what was sent and received, and that all
//! 10,000 connections were open at once.
//!
//! The runtimes run one after another (one test), so that the clients of two runtimes
//! never share this process's descriptors.

use std::process::Command;
use std::time::Duration;

use aio_io::echo::process::{ServerProcess, run_clients_on, serve};

const CLIENTS: usize = 10_000;
const ROUNDS: usize = 2;
/// Generous for a debug build on two shared cores; a run takes a few seconds.
const DEADLINE: Duration = Duration::from_secs(60);

const RUNTIME_VAR: &str = "AIO_IO_ECHO_SERVER_RUNTIME";

#[test]
fn ten_thousand_connections_on_every_runtime() {
    for runtime in ["tokio", "tokio-mt", "async-std", "smol", "aio-loop"] {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args(["--exact", "server_child", "--nocapture", "--test-threads=1"])
            .env(RUNTIME_VAR, runtime);
        let server =
            ServerProcess::spawn(command, DEADLINE).unwrap_or_else(|e| panic!("{runtime}: {e}"));
        let lines = run_clients_on(runtime, server.addr(), CLIENTS, ROUNDS, DEADLINE)
            .unwrap_or_else(|e| panic!("{runtime}: {e}"));
        let report = server
            .finish(DEADLINE)
            .unwrap_or_else(|e| panic!("{runtime}: {e}"));
        assert_eq!(
            lines,
            CLIENTS * ROUNDS,
            "{runtime}: lines echoed back to the clients"
        );
        assert_eq!(report.runtime, runtime);
        assert_eq!(report.served, CLIENTS, "{runtime}: connections served");
        assert_eq!(
            report.lines,
            (CLIENTS * ROUNDS) as u64,
            "{runtime}: lines echoed"
        );
        assert_eq!(report.peak, CLIENTS, "{runtime}: connections open at once");
        eprintln!(
            "{runtime}: {CLIENTS} connections open at once, {} lines echoed, server peak RSS {} KiB",
            report.lines,
            report.rss_peak / 1024
        );
    }
}

/// The server process: runs only when re-executed with `AIO_IO_ECHO_SERVER_RUNTIME` set.
#[test]
fn server_child() {
    let Ok(runtime) = std::env::var(RUNTIME_VAR) else {
        return;
    };
    if let Err(e) = serve(&runtime, CLIENTS, DEADLINE) {
        panic!("echo server on {runtime}: {e}");
    }
}
