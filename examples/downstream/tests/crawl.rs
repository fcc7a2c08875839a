//! `crawl` on the runtimes this build has: smol (the one runtime feature) and aio's own
//! event loop (always built), each on the virtual clock, where the times are exact.

use std::time::Duration;

use aio::rt::{Clock, Config, Runtime};
use downstream::crawl;

fn pages() -> Vec<(&'static str, Duration)> {
    [("a", 300), ("b", 100), ("c", 200), ("d", 100)]
        .into_iter()
        .map(|(name, ms)| (name, Duration::from_millis(ms)))
        .collect()
}

/// Two at a time: a and b start at 0; b ends at 0.1 and c starts; a ends at 0.3 and d
/// starts; c ends at 0.3 too, d at 0.4. The results come back in the order given.
const TWO_AT_A_TIME: [(&str, f64); 4] = [("a", 0.3), ("b", 0.1), ("c", 0.3), ("d", 0.4)];

fn check<R: Runtime>(rt: R) {
    let fetched = aio::run_on(&rt, |rt| crawl(rt, pages(), 2)).expect("every fetch succeeds");
    assert_eq!(fetched, TWO_AT_A_TIME, "on {}", rt.name());
    // One at a time, the fetches take their sum: 0.7 s after the first run ended (a
    // second run on the same virtual-clock runtime carries on from where the first stopped).
    let fetched = aio::run_on(&rt, |rt| crawl(rt, pages(), 1)).unwrap();
    let last = fetched.last().unwrap().1 - TWO_AT_A_TIME[3].1;
    assert!((last - 0.7).abs() < 1e-9, "on {}: {fetched:?}", rt.name());
}

fn virtual_clock() -> Config {
    Config::default().clock(Clock::Virtual)
}

#[test]
fn crawl_on_smol() {
    check(aio::rt::Smol::with_config(virtual_clock()));
}

#[test]
fn crawl_on_aio_loop() {
    check(aio::event_loop::EventLoop::with_config(virtual_clock()));
}

#[test]
fn the_default_runtime_is_smol() {
    // With `features = ["smol"]` and no tokio, aio::run runs on smol.
    assert_eq!(aio::default_runtime().name(), "smol");
}
