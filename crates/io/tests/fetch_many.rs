//! The "fetch many" demo on every runtime: 1,000 requests to a local HTTP-like server, a
//! Semaphore of 50, gathered in argument order with `return_exceptions`, one request
//! failing with a 404. Asserts what was sent and received, and that the server saw at
//! most 50 requests in flight and exactly 50 at its peak; never timing.

mod common;

use aio_io::Net;
use aio_io::fetch::{self, FetchError};
use aio_tasks::TaskError;

const REQUESTS: usize = 1000;
const LIMIT: usize = 50;
/// The one request that asks for a path the server does not have.
const FAILING: usize = 404;
const MISSING: &str = "/nowhere";

fn paths() -> Vec<String> {
    (0..REQUESTS)
        .map(|i| {
            if i == FAILING {
                MISSING.to_owned()
            } else {
                fetch::item_path(i)
            }
        })
        .collect()
}

fn fetch_many<R: Net>(rt: R) {
    let name = rt.name();
    let run = common::run(rt, |rt| async move {
        fetch::fetch_in_one_process(&rt, paths(), LIMIT)
            .await
            .unwrap_or_else(|e| panic!("fetch server on {}: {e}", rt.name()))
    });

    // Received: one outcome per request, in argument order, whatever order they finished.
    assert_eq!(run.results.len(), REQUESTS, "{name}: outcomes");
    for (i, result) in run.results.iter().enumerate() {
        if i == FAILING {
            continue;
        }
        match result {
            Ok(body) => assert_eq!(*body, format!("item {i}"), "{name}: slot {i}"),
            Err(e) => panic!("{name}: slot {i} failed: {e}"),
        }
    }
    // The failure stays in its own slot, with a clear message; nothing else failed.
    match &run.results[FAILING] {
        Err(error @ TaskError::Failed(FetchError::Status { path, status, .. })) => {
            assert_eq!(path, MISSING);
            assert_eq!(status, "404");
            assert_eq!(error.to_string(), "GET /nowhere: 404 not found /nowhere");
        }
        other => panic!("{name}: slot {FAILING} should be the 404, got {other:?}"),
    }
    assert_eq!(
        run.results.iter().filter(|r| r.is_err()).count(),
        1,
        "{name}: exactly one failure"
    );

    // Sent: the server read every path exactly once, and answered each.
    let mut seen = run.stats.paths();
    seen.sort();
    let mut sent = paths();
    sent.sort();
    assert_eq!(seen, sent, "{name}: paths the server received");
    assert_eq!(run.stats.answered(), REQUESTS, "{name}: requests answered");
    assert_eq!(run.stats.not_found(), 1, "{name}: 404s");

    // The Semaphore: never more than 50 requests in flight, and 50 reached.
    assert_eq!(run.stats.peak(), LIMIT, "{name}: peak requests in flight");
}

every_runtime!(thousand_requests, super::fetch_many);

/// A limit above the number of requests: all of them in flight at once, all answered.
fn fetch_few<R: Net>(rt: R) {
    let run = common::run(rt, |rt| async move {
        let paths = (0..5).map(fetch::item_path).collect();
        fetch::fetch_in_one_process(&rt, paths, LIMIT)
            .await
            .unwrap()
    });
    let bodies: Vec<_> = run.results.into_iter().map(Result::unwrap).collect();
    assert_eq!(bodies, ["item 0", "item 1", "item 2", "item 3", "item 4"]);
    assert_eq!(run.stats.peak(), 5);
}

every_runtime!(five_requests, super::fetch_few);
