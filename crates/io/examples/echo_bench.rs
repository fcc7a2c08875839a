//! The "why asyncio" benchmark: 10,000 concurrent echo connections on every runtime,
//! against one OS thread per connection and against CPython asyncio.
//!
//! ```text
//! cargo run --release -p aio-io --example echo_bench -- [--clients N] [--rounds R] [--runtimes a,b] [--no-python]
//! ```
//!
//! For each runtime the server runs in a child process (this program, re-executed with
//! `--serve`) and the clients here, on the same runtime: N clients connect, each sends R
//! lines and checks each echo; after its first round trip each waits until all N have made
//! theirs, so that all N connections are open at once. Printed per runtime: the wall time
//! of the clients' whole run (connect, rounds, close), round trips per second, and the
//! server process's peak resident memory above its memory once listening, per connection
//! (`VmHWM` of /proc/self/status), and the server's CPU time per round trip, in user space
//! and in the kernel. CPython runs the same workload from `harness/bench/io_echo.py`.
//!
//! On loopback most of a round trip is the kernel's (four socket calls, two wake-ups of
//! each process, on cores shared by both processes), the same for every runtime and for
//! CPython: the wall-time ratio is bounded by it, while the user-space CPU per round trip
//! shows the runtimes' own cost.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use aio_io::echo::process::{RUNTIMES, ServerProcess, run_clients_on, serve};

const DEADLINE: Duration = Duration::from_secs(300);

#[derive(Debug)]
struct Row {
    runtime: String,
    wall: Duration,
    round_trips: usize,
    peak_open: usize,
    rss_peak: u64,
    per_connection: u64,
    cpu_user_us: u64,
    cpu_system_us: u64,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--serve") {
        let (runtime, clients) = (&args[1], args[2].parse().expect("--serve RUNTIME CLIENTS"));
        if let Err(e) = serve(runtime, clients, DEADLINE) {
            eprintln!("echo_bench server: {e}");
            std::process::exit(1);
        }
        return;
    }
    let option = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let clients: usize = option("--clients").map_or(10_000, |v| v.parse().expect("--clients N"));
    let rounds: usize = option("--rounds").map_or(10, |v| v.parse().expect("--rounds R"));
    let runtimes: Vec<String> = option("--runtimes").map_or_else(
        || RUNTIMES.iter().map(|r| r.to_string()).collect(),
        |v| v.split(',').map(str::to_string).collect(),
    );
    let python = !args.iter().any(|a| a == "--no-python");

    println!(
        "echo: {clients} concurrent connections x {rounds} round trips, server and clients in two processes"
    );
    let mut rows = Vec::new();
    for runtime in &runtimes {
        match run(runtime, clients, rounds) {
            Ok(row) => {
                print_row(&row);
                rows.push(row);
            }
            Err(e) => println!("{runtime:<10} failed: {e}"),
        }
    }
    if python {
        match run_python(clients, rounds) {
            Ok(row) => {
                print_row(&row);
                rows.push(row);
            }
            Err(e) => println!("{:<10} not run: {e}", "cpython"),
        }
    }
    print_ratios(&rows);
}

fn run(runtime: &str, clients: usize, rounds: usize) -> Result<Row, String> {
    let mut command = Command::new(std::env::current_exe().map_err(|e| e.to_string())?);
    command.args(["--serve", runtime, &clients.to_string()]);
    let server = ServerProcess::spawn(command, DEADLINE)?;
    let start = Instant::now();
    let round_trips = run_clients_on(runtime, server.addr(), clients, rounds, DEADLINE)?;
    let wall = start.elapsed();
    let report = server.finish(DEADLINE)?;
    if report.served != clients || report.lines != (clients * rounds) as u64 {
        return Err(format!("the server saw {report:?}"));
    }
    Ok(Row {
        runtime: runtime.to_string(),
        wall,
        round_trips,
        peak_open: report.peak,
        rss_peak: report.rss_peak,
        per_connection: report.bytes_per_connection(),
        cpu_user_us: report.cpu_user_us,
        cpu_system_us: report.cpu_system_us,
    })
}

fn run_python(clients: usize, rounds: usize) -> Result<Row, String> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../harness/bench/io_echo.py");
    let output = Command::new("python3")
        .arg(&script)
        .args([clients.to_string(), rounds.to_string()])
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{} failed: {}",
            script.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let field = |name: &str| -> Result<f64, String> {
        stdout
            .split_whitespace()
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| format!("no {name} in {stdout:?}"))
    };
    let (before, peak) = (field("rss_before")? as u64, field("rss_peak")? as u64);
    Ok(Row {
        runtime: "cpython".into(),
        wall: Duration::from_secs_f64(field("wall_s")?),
        round_trips: field("lines")? as usize,
        peak_open: field("peak")? as usize,
        rss_peak: peak,
        per_connection: peak.saturating_sub(before) / clients.max(1) as u64,
        cpu_user_us: field("cpu_user_us")? as u64,
        cpu_system_us: field("cpu_system_us")? as u64,
    })
}

fn print_row(row: &Row) {
    let per_trip = |us: u64| us as f64 / row.round_trips.max(1) as f64;
    println!(
        "{:<10} wall {:>7.3} s  {:>7.0} round trips/s  peak open {:>6}  server: peak RSS {:>6.1} MiB, {:>6} B/connection, CPU/round trip {:>5.2} us user + {:>5.2} us kernel",
        row.runtime,
        row.wall.as_secs_f64(),
        row.round_trips as f64 / row.wall.as_secs_f64(),
        row.peak_open,
        row.rss_peak as f64 / (1024.0 * 1024.0),
        row.per_connection,
        per_trip(row.cpu_user_us),
        per_trip(row.cpu_system_us),
    );
}

fn print_ratios(rows: &[Row]) {
    let find = |name: &str| rows.iter().find(|r| r.runtime == name);
    let asyncs: Vec<&Row> = rows
        .iter()
        .filter(|r| r.runtime != "threads" && r.runtime != "cpython")
        .collect();
    if let Some(threads) = find("threads") {
        for row in &asyncs {
            println!(
                "memory per connection: threads / {} = {:.1}x",
                row.runtime,
                threads.per_connection as f64 / row.per_connection.max(1) as f64
            );
        }
    }
    if let Some(cpython) = find("cpython") {
        let rate = |r: &Row| r.round_trips as f64 / r.wall.as_secs_f64();
        let user = |r: &Row| r.cpu_user_us as f64 / r.round_trips.max(1) as f64;
        for row in asyncs.iter().chain(find("threads").as_ref()) {
            println!(
                "throughput: {} / cpython = {:.1}x (wall); server user CPU per round trip: cpython / {} = {:.1}x",
                row.runtime,
                rate(row) / rate(cpython),
                row.runtime,
                user(cpython) / user(row).max(f64::MIN_POSITIVE)
            );
        }
    }
}
