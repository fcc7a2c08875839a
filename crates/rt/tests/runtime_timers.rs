//! A runtime's own timers beside the virtual clock (issue #27, item 4): on tokio's
//! current_thread runtime they follow it (tokio's clock is paused and the virtual clock
//! moves through it); where a runtime cannot pause its timers (tokio's multi_thread
//! runtime, async-std, smol), a task waiting on one looks idle, and the run stops with the
//! stall message, which names the fix.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aio_rt::{AsyncStd, Clock, Config, Runtime, Smol, Tokio};

fn virtual_clock() -> Config {
    Config::default().clock(Clock::Virtual)
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

type Log = Arc<Mutex<Vec<String>>>;

fn stamp<R: Runtime>(rt: &R, log: &Log, what: &str) {
    let at = rt.now().since_start().as_millis();
    log.lock().unwrap().push(format!("[{at} ms] {what}"));
}

#[test]
fn tokio_timers_follow_the_virtual_clock_on_current_thread() {
    let rt = Tokio::current_thread_with(virtual_clock());
    let log = Log::default();
    let r = rt.clone();
    let l = log.clone();
    let end = rt.block_on(async move {
        let ours = r.spawn({
            let (r, l) = (r.clone(), l.clone());
            async move {
                r.sleep(ms(1000)).await;
                stamp(&r, &l, "Runtime::sleep(1 s) done");
            }
        });
        let raw = r.spawn({
            let (r, l) = (r.clone(), l.clone());
            async move {
                tokio::time::sleep(ms(500)).await;
                stamp(&r, &l, "tokio::time::sleep(0.5 s) done");
                // A raw timeout around one of ours: ours comes first.
                let inner = r.sleep(ms(250));
                let outcome = tokio::time::timeout(ms(300), inner).await;
                stamp(
                    &r,
                    &l,
                    &format!("timeout(0.3 s, sleep 0.25 s): {outcome:?}"),
                );
                // And one of ours that is too long.
                let outcome = tokio::time::timeout(ms(300), r.sleep(ms(5000))).await;
                stamp(
                    &r,
                    &l,
                    &format!("timeout(0.3 s, sleep 5 s): {}", outcome.is_err()),
                );
            }
        });
        let mixed = r.spawn({
            let (r, l) = (r.clone(), l.clone());
            async move {
                tokio::time::sleep(ms(1500)).await;
                stamp(&r, &l, "tokio::time::sleep(1.5 s) done");
                r.sleep(ms(500)).await;
                stamp(&r, &l, "then Runtime::sleep(0.5 s) done");
            }
        });
        ours.await.unwrap();
        raw.await.unwrap();
        mixed.await.unwrap();
        r.now().since_start()
    });
    assert_eq!(
        *log.lock().unwrap(),
        [
            "[500 ms] tokio::time::sleep(0.5 s) done",
            "[750 ms] timeout(0.3 s, sleep 0.25 s): Ok(())",
            "[1000 ms] Runtime::sleep(1 s) done",
            "[1050 ms] timeout(0.3 s, sleep 5 s): true",
            "[1500 ms] tokio::time::sleep(1.5 s) done",
            "[2000 ms] then Runtime::sleep(0.5 s) done",
        ]
    );
    assert_eq!(
        end,
        ms(2000),
        "the virtual clock ends where the last sleep did"
    );
}

#[test]
fn a_run_waiting_only_on_a_raw_tokio_timer_is_not_stalled() {
    // Nothing of ours is pending, only tokio's timer: the virtual clock must not call
    // that a stall.
    let rt = Tokio::current_thread_with(virtual_clock());
    let r = rt.clone();
    let at = rt.block_on(async move {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        r.now().since_start()
    });
    assert_eq!(at, Duration::from_secs(3600));
}

/// Runs the mixed case (a raw timer of the runtime, made by `raw`, beside
/// `Runtime::sleep`) and returns the stall message.
fn stall_message<R: Runtime>(
    rt: R,
    raw: impl Fn() -> futures_lite::future::Boxed<()> + Send + 'static,
) -> String {
    let r = rt.clone();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        rt.block_on(async move {
            let raw_task = r.spawn(raw());
            r.sleep(ms(1000)).await;
            raw_task.await.unwrap();
        })
    }));
    let payload = outcome.expect_err("a raw timer the virtual clock cannot see stalls the run");
    payload
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn a_raw_smol_timer_stalls_the_run_and_the_message_names_runtime_sleep() {
    // async-io's Timer runs on the real clock; a minute is far beyond the stall check.
    let message = stall_message(Smol::with_config(virtual_clock()), || {
        Box::pin(async {
            smol::Timer::after(Duration::from_secs(60)).await;
        })
    });
    assert!(message.contains("the run can never finish"), "{message}");
    assert!(message.contains("Runtime::sleep"), "{message}");
}

#[test]
fn a_raw_async_std_timer_stalls_the_run_too() {
    let message = stall_message(AsyncStd::with_config(virtual_clock()), || {
        Box::pin(async {
            smol::Timer::after(Duration::from_secs(60)).await;
        })
    });
    assert!(message.contains("Runtime::sleep"), "{message}");
}

#[test]
fn a_raw_tokio_timer_stalls_a_multi_thread_run() {
    // tokio pauses its clock only on a current_thread runtime.
    let message = stall_message(Tokio::multi_thread_with(virtual_clock()), || {
        Box::pin(async {
            tokio::time::sleep(Duration::from_secs(60)).await;
        })
    });
    assert!(message.contains("Runtime::sleep"), "{message}");
}
