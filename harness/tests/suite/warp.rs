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
//! Robustness on a loaded machine: the durations are short (0.2 s), the comparison is on
//! readings rounded to 0.1 s, and the raw readings are checked against bounds with a
//! margin: a real sleep never takes less than asked, so the lower bounds are exact; the
//! upper ones allow 0.25 s of scheduling delay. A run whose readings are within the bounds
//! but round differently (a load spike of more than 50 ms) is retried, up to three times.

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

/// Runs the demo on a runtime of `kind` on the warp clock; also the real time it took.
fn run(kind: RuntimeKind) -> ([f64; 3], Duration) {
    let config = Config::default().clock(Clock::Warp);
    let started = std::time::Instant::now();
    let readings = match kind {
        RuntimeKind::Tokio => {
            let rt = aio_rt::Tokio::current_thread_with(config);
            rt.block_on(classic_demo(rt.clone()))
        }
        RuntimeKind::TokioMt => {
            let rt = aio_rt::Tokio::multi_thread_with(config);
            rt.block_on(classic_demo(rt.clone()))
        }
        RuntimeKind::AsyncStd => {
            let rt = aio_rt::AsyncStd::with_config(config);
            rt.block_on(classic_demo(rt.clone()))
        }
        RuntimeKind::Smol => {
            let rt = aio_rt::Smol::with_config(config);
            rt.block_on(classic_demo(rt.clone()))
        }
        RuntimeKind::AioLoop => {
            let rt = aio_loop::EventLoop::with_config(config);
            rt.block_on(classic_demo(rt.clone()))
        }
    };
    (readings, started.elapsed())
}

fn lines(readings: [f64; 3]) -> String {
    format!(
        "three tasks in time.sleep(0.2): {:.1}\nthree tasks in asyncio.sleep(0.2): {:.1}\nto_thread(time.sleep, 0.2): {:.1}\n",
        readings[0], readings[1], readings[2]
    )
}

#[apply(runtimes)]
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
