//! `crawl` on every runtime this build has, through `aio-test`'s matrix: smol (the one
//! runtime feature) and aio's own event loop (always built), each on the virtual clock,
//! where the times are exact. Each runtime's trace must equal aio-loop's, and the shared
//! trace the snapshot `tests/snapshots/crawl_matrix.snap`.

use std::time::Duration;

use aio::rt::Runtime;
use aio_test::{Case, Cx};
use downstream::crawl;

fn pages() -> Vec<(&'static str, Duration)> {
    [("a", 300), ("b", 100), ("c", 200), ("d", 100)]
        .into_iter()
        .map(|(name, ms)| (name, Duration::from_millis(ms)))
        .collect()
}

/// Two at a time: a and b start at 0; b ends at 0.1 and c starts; a ends at 0.3 and d
/// starts; c ends at 0.3 too, d at 0.4. The results come back in the order given. Then
/// one at a time: the fetches take their sum, 0.7 s more.
#[derive(Clone)]
struct Crawl;

impl Case for Crawl {
    async fn run<R: Runtime>(self, cx: Cx<R>) {
        for limit in [2, 1] {
            let fetched = crawl(cx.rt().clone(), pages(), limit)
                .await
                .expect("every fetch succeeds");
            for (name, at) in fetched {
                cx.log("crawl", format!("limit {limit}: {name} fetched at {at:.1}"));
            }
        }
    }
}

// One #[test] per runtime (crawl_matrix::aio_loop, crawl_matrix::smol), and the snapshot.
aio_test::matrix!(crawl_matrix, Crawl, snapshot);

#[test]
fn the_trace_holds_the_fetch_times() {
    let trace = aio_test::check(Crawl);
    assert!(trace.contains("limit 2: d fetched at 0.4"), "{trace}");
    assert!(trace.contains("limit 1: d fetched at 1.1"), "{trace}");
}

#[test]
fn the_default_runtime_is_smol() {
    // With `features = ["smol"]` and no tokio, aio::run runs on smol.
    assert_eq!(aio::default_runtime().name(), "smol");
}
