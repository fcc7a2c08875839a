//! The warp clock (`Clock::Warp`, issue #28 item 11): real time with idle waits skipped,
//! shown by the classic demonstration beside CPython's output on every runtime. Three
//! tasks that block in a real sleep take three times as long as one; three that await a
//! sleep take as long as one (and cost nothing in real time); a blocking job takes its
//! real time.
//!
//! CPython's twin is `harness/oracle/warp/classic_demo.py`, its output (CPython 3.11,
//! real time) `classic_demo.out`. It is not a parity scenario: its readings are real time,
//! which no snapshot can hold.
//!
//! Two tests. [`warp_clock_skips_idle_waits`] runs with the others: it asserts only what
//! no load can break (a real sleep never takes less than asked, and an hour of sleeps
//! cannot take a minute of real time unless the sleeps were waited for). The
//! demonstration beside CPython's output compares real-time readings rounded to 0.1 s,
//! which a loaded machine can push over: it is `#[ignore]`d, as timing belongs in
//! benchmarks, not in the test suite, and `just warp-demo` runs it.

use std::time::Duration;

use aio_harness::RuntimeKind;
use aio_rt::{Clock, Config, Runtime};
use rstest::rstest;
use rstest_reuse::apply;

use crate::common::runtimes;

const STEP: Duration = Duration::from_millis(200);
const MARGIN: f64 = 0.25;

/// The demonstration: the elapsed time of each round, in seconds, unrounded.
async fn classic_demo<R: Runtime>(rt: R) -> [f64; 3] {
    let secs = |rt: &R| rt.now().since_start().as_secs_f64();
    // Round 1: three tasks that block the runtime (asyncio: `time.sleep` in a coroutine).
    let start = secs(&rt);
    let blockers: Vec<_> = (0..3)
        .map(|_| rt.spawn(async { std::thread::sleep(STEP) }))
        .collect();
    for task in blockers {
        task.await.expect("a blocking task finished");
    }
    let blocking = secs(&rt) - start;
    // Round 2: three tasks that await a sleep.
    let start = secs(&rt);
    let sleepers: Vec<_> = (0..3)
        .map(|_| {
            let rt2 = rt.clone();
            rt.spawn(async move { rt2.sleep(STEP).await })
        })
        .collect();
    for task in sleepers {
        task.await.expect("a sleeping task finished");
    }
    let polite = secs(&rt) - start;
    // Round 3: a blocking call on a thread (asyncio: `to_thread(time.sleep, 0.2)`).
    let start = secs(&rt);
    aio_sleep::to_thread(&rt, || std::thread::sleep(STEP))
        .await
        .expect("the job finished");
    let threaded = secs(&rt) - start;
    [blocking, polite, threaded]
}

/// The demonstration as a body for [`on_warp`].
struct ClassicDemo;

impl AsyncRuntimeFn<[f64; 3]> for ClassicDemo {
    fn call<R: Runtime>(self, rt: R) -> [f64; 3] {
        rt.clone().block_on(classic_demo(rt))
    }
}

/// Runs the demo on a runtime of `kind` on the warp clock; also the real time it took.
fn run(kind: RuntimeKind) -> ([f64; 3], Duration) {
    let started = std::time::Instant::now();
    let readings = on_warp(kind, ClassicDemo);
    (readings, started.elapsed())
}

fn lines(readings: [f64; 3]) -> String {
    format!(
        "three tasks in time.sleep(0.2): {:.1}\nthree tasks in asyncio.sleep(0.2): {:.1}\nto_thread(time.sleep, 0.2): {:.1}\n",
        readings[0], readings[1], readings[2]
    )
}

/// Runs `body` on a runtime of `kind` on the warp clock.
fn on_warp<F, T>(kind: RuntimeKind, body: F) -> T
where
    F: AsyncRuntimeFn<T>,
{
    let config = Config::default().clock(Clock::Warp);
    match kind {
        RuntimeKind::Tokio => body.call(aio_rt::Tokio::current_thread_with(config)),
        RuntimeKind::TokioMt => body.call(aio_rt::Tokio::multi_thread_with(config)),
        RuntimeKind::AsyncStd => body.call(aio_rt::AsyncStd::with_config(config)),
        RuntimeKind::Smol => body.call(aio_rt::Smol::with_config(config)),
        RuntimeKind::AioLoop => body.call(aio_loop::EventLoop::with_config(config)),
    }
}

/// A body to run on any runtime (a closure cannot be generic over `R`).
trait AsyncRuntimeFn<T> {
    fn call<R: Runtime>(self, rt: R) -> T;
}

/// Three tasks sleep an hour each beside a blocking task of 50 ms: the clock reads at
/// least an hour once they are done (the sleeps happened, on the clock) and the blocking
/// task's time counts (at least 50 ms of it), yet the whole run takes well under a
/// minute of real time (the hour was skipped).
struct HourOfSleeps;

impl AsyncRuntimeFn<(f64, f64)> for HourOfSleeps {
    fn call<R: Runtime>(self, rt: R) -> (f64, f64) {
        rt.clone().block_on(async move {
            let secs = |rt: &R| rt.now().since_start().as_secs_f64();
            let start = secs(&rt);
            rt.spawn(async { std::thread::sleep(Duration::from_millis(50)) })
                .await
                .expect("the blocking task finished");
            let blocked = secs(&rt) - start;
            let sleepers: Vec<_> = (0..3)
                .map(|_| {
                    let rt2 = rt.clone();
                    rt.spawn(async move { rt2.sleep(Duration::from_secs(3600)).await })
                })
                .collect();
            for task in sleepers {
                task.await.expect("a sleeping task finished");
            }
            (blocked, secs(&rt) - start)
        })
    }
}

#[apply(runtimes)]
fn warp_clock_skips_idle_waits(kind: RuntimeKind) {
    let started = std::time::Instant::now();
    let (blocked, total) = on_warp(kind, HourOfSleeps);
    assert!(
        blocked >= 0.05,
        "{kind}: the blocking task's 50 ms read {blocked}"
    );
    assert!(total >= 3600.05, "{kind}: the hour of sleeps read {total}");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{kind}: the run took {:?}: the sleeps were waited for",
        started.elapsed()
    );
}

#[apply(runtimes)]
#[ignore = "timed (real-time readings rounded to 0.1 s): run it with `just warp-demo`"]
fn classic_demo_beside_cpython(kind: RuntimeKind) {
    let cpython = include_str!("../../oracle/warp/classic_demo.out");
    let step = STEP.as_secs_f64();
    let mut attempts = Vec::new();
    for _ in 0..3 {
        let (readings, real) = run(kind);
        let [blocking, polite, threaded] = readings;
        // Bounds: what the clock must show whatever the load.
        assert!(
            (3.0 * step..3.0 * step + MARGIN).contains(&blocking),
            "{kind}: blocking round read {blocking}"
        );
        assert!(
            (step..step + MARGIN).contains(&polite),
            "{kind}: sleeping round read {polite}"
        );
        assert!(
            (step..step + MARGIN).contains(&threaded),
            "{kind}: to_thread round read {threaded}"
        );
        // The sleeps were skipped: the run took the blocking time (0.8 s), not 1.0 s.
        assert!(
            real < Duration::from_secs_f64(4.0 * step + MARGIN),
            "{kind}: the run took {real:?}: the sleeps were waited for"
        );
        let ours = lines(readings);
        if ours == cpython {
            return;
        }
        attempts.push(ours);
    }
    panic!("{kind}: never printed CPython's\n{cpython}\nbut\n{attempts:#?}");
}
