//! The "fetch many" demo: 1,000 requests to a local HTTP-like server, at most 50 at a
//! time, gathered in argument order, one failing request kept in its slot; on every
//! runtime.
//!
//! ```text
//! cargo run -p aio-io --example fetch_many
//! ```
//!
//! asyncio's version:
//!
//! ```python
//! sem = asyncio.Semaphore(50)
//! results = await asyncio.gather(*(fetch(sem, addr, p) for p in paths),
//!                                return_exceptions=True)
//! ```
//!
//! Printed per runtime: how many responses came back, the failure and its slot, the
//! server's peak of requests in flight (50: the Semaphore's limit, reached and never
//! passed), and the wall time (a demo figure, not a benchmark).

use std::time::{Duration, Instant};

use aio_io::Net;
use aio_io::fetch::{self, FetchRun};

const REQUESTS: usize = 1000;
const LIMIT: usize = 50;
/// The request that asks for a path the server does not have.
const FAILING: usize = 404;
const DEADLINE: Duration = Duration::from_secs(60);

fn paths() -> Vec<String> {
    (0..REQUESTS)
        .map(|i| {
            if i == FAILING {
                "/nowhere".to_owned()
            } else {
                fetch::item_path(i)
            }
        })
        .collect()
}

fn run<R: Net>(rt: R) -> Result<(FetchRun, Duration), String> {
    let start = Instant::now();
    let run = rt.block_on(aio_io::wait_for(
        &rt,
        DEADLINE,
        fetch::fetch_in_one_process(&rt, paths(), LIMIT),
    ));
    let run = run.map_err(|e| e.to_string())?.map_err(|e| e.to_string())?;
    Ok((run, start.elapsed()))
}

fn report(name: &str, outcome: Result<(FetchRun, Duration), String>) -> bool {
    let (run, wall) = match outcome {
        Ok(done) => done,
        Err(e) => {
            println!("{name:<24} failed: {e}");
            return false;
        }
    };
    let ok = run.results.iter().filter(|r| r.is_ok()).count();
    let failures: Vec<String> = run
        .results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.as_ref().err().map(|e| format!("slot {i}: {e}")))
        .collect();
    println!(
        "{name:<24} {ok} ok, {} failed ({}), peak {} in flight (limit {LIMIT}), {:.0} ms",
        failures.len(),
        failures.join("; "),
        run.stats.peak(),
        wall.as_secs_f64() * 1000.0
    );
    let in_order = run.results.iter().enumerate().all(|(i, r)| match r {
        Ok(body) => *body == format!("item {i}"),
        Err(_) => i == FAILING,
    });
    in_order && failures.len() == 1 && run.stats.peak() == LIMIT
}

fn main() {
    println!(
        "{REQUESTS} requests, at most {LIMIT} at a time, request {FAILING} asks for a missing path"
    );
    let mut all_right = true;
    all_right &= report(
        "tokio (current_thread)",
        run(aio_rt::Tokio::current_thread()),
    );
    all_right &= report("tokio-mt", run(aio_rt::Tokio::multi_thread()));
    all_right &= report("async-std", run(aio_rt::AsyncStd::new()));
    all_right &= report("smol", run(aio_rt::Smol::new()));
    all_right &= report("aio-loop", run(aio_loop::EventLoop::new()));
    if !all_right {
        eprintln!(
            "some run did not give 1,000 responses in order, one failure and a peak of {LIMIT}"
        );
        std::process::exit(1);
    }
}
