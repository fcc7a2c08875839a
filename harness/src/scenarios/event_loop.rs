//! Scenarios for `loop`: aio-loop's own API (call_soon, call_later, handles, the exception
//! handler, get_running_loop, run_in_executor) against CPython's loop.
//!
//! Each scenario makes its own `aio_loop::EventLoop` on the virtual clock and runs it on a
//! blocking thread of the runtime under test: a thread runs one loop at a time, and the
//! runtime's own thread may already run one (on `aio-loop` it does). So these traces are
//! the same on every runtime by construction; what they check is aio-loop against
//! CPython. `log` records at the running loop's clock, as the oracle's `log` does.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, mpsc};

use aio_loop::{EventLoop, Handle, TimerHandle, get_running_loop};
use aio_rt::{Clock, Config, PyError, Runtime};

use crate::{Cx, Scenario, Trace, exc};

const CONCEPT: &str = "loop";
const SOURCE: &str = include_str!("event_loop.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[
    parity!(
        ready_queue_order,
        "callbacks run in the order scheduled; one scheduled by a callback runs in the next iteration"
    ),
    parity!(
        call_later_by_deadline,
        "timers run by deadline, not by creation; negative and zero delays are due at once, after call_soon"
    ),
    parity!(
        cancelled_handle_never_runs,
        "a cancelled call_soon handle and a cancelled timer never run, even when already in the ready queue"
    ),
    parity!(
        panicking_callback,
        "a callback that panics goes to the exception handler and the loop carries on"
    ),
    parity!(
        stop_finishes_the_iteration,
        "stop() lets the current iteration finish; what it scheduled waits for the next run"
    ),
    parity!(
        get_running_loop_outside,
        "get_running_loop() fails outside a loop and gives the running loop inside one"
    ),
    parity!(
        get_event_loop_pitfall,
        "a loop taken early (what get_event_loop() gave) is not the loop that runs: its callbacks wait"
    ),
    parity!(
        one_loop_per_thread,
        "running a second loop on a thread that runs one is an error; another thread may run it"
    ),
    parity!(
        run_in_executor,
        "a blocking job in the executor does not stall the loop; call_soon_threadsafe wakes it"
    ),
];

/// Records at the clock of the loop running on this thread, as `rosetta.log` does.
#[derive(Clone)]
struct Log(Trace);

impl Log {
    fn log(&self, task: &str, message: impl std::fmt::Display) {
        let event_loop = get_running_loop().expect("log is called inside a running loop");
        self.0
            .record(event_loop.time().round() as u64, task, message);
    }
}

/// A fresh loop on the virtual clock, as the oracle's `asyncio.new_event_loop()`.
fn new_event_loop() -> EventLoop {
    EventLoop::with_config(Config::default().clock(Clock::Virtual))
}

/// Runs `body` on a blocking thread of the runtime under test.
async fn on_own_thread<R: Runtime>(cx: &Cx<R>, body: impl FnOnce(Log) + Send + 'static) {
    let log = Log(cx.trace().clone());
    cx.rt()
        .spawn_blocking(move || body(log))
        .await
        .expect("the loop's thread finished");
}

/// Three callbacks are scheduled with `call_soon` before the loop runs; they run in that
/// order. The first schedules a fourth: it is appended to the ready queue while the first
/// iteration runs, so it runs in the *next* iteration, after the other two. This is the
/// rule that keeps a callback that reschedules itself from starving the others.
pub(crate) async fn ready_queue_order<R: Runtime>(cx: Cx<R>) {
    on_own_thread(&cx, |log| {
        let event_loop = new_event_loop();
        let (l, lp) = (log.clone(), event_loop.clone());
        event_loop.call_soon(move || {
            l.log("loop", "callback a: schedules a2");
            let (l2, lp2) = (l.clone(), lp.clone());
            lp.call_soon(move || {
                l2.log(
                    "loop",
                    "callback a2: scheduled during the first iteration, runs in the second",
                );
                lp2.stop();
            });
        });
        for name in ["b", "c"] {
            let l = log.clone();
            event_loop.call_soon(move || l.log("loop", format!("callback {name}")));
        }
        event_loop.run_forever().expect("the loop ran");
    })
    .await;
}

/// Timers made in the order 3, 1, -1, 0 seconds (and one with `call_at(now + 2)`), plus a
/// `call_soon`. The `call_soon` runs first: due timers join the *end* of the ready queue.
/// Then the timers run by deadline: the negative delay before the zero one (both are due
/// at once), then t=1, t=2, t=3, whatever the order they were made in.
pub(crate) async fn call_later_by_deadline<R: Runtime>(cx: Cx<R>) {
    on_own_thread(&cx, |log| {
        let event_loop = new_event_loop();
        let say = |what: &'static str| {
            let l = log.clone();
            move || l.log("loop", what)
        };
        event_loop.call_later(3.0, say("call_later(3)"));
        event_loop.call_later(1.0, say("call_later(1)"));
        event_loop.call_later(-1.0, say("call_later(-1)"));
        event_loop.call_later(0.0, say("call_later(0)"));
        event_loop.call_at(event_loop.time() + 2.0, say("call_at(time() + 2)"));
        event_loop.call_soon(say("call_soon"));
        let lp = event_loop.clone();
        event_loop.call_later(3.5, move || lp.stop());
        event_loop.run_forever().expect("the loop ran");
    })
    .await;
}

/// The first callback cancels a `call_soon` handle that is already in the same ready
/// batch, and a timer due at t=1. Neither ever runs; the timer at t=2 does.
pub(crate) async fn cancelled_handle_never_runs<R: Runtime>(cx: Cx<R>) {
    on_own_thread(&cx, |log| {
        let event_loop = new_event_loop();
        let handles: Arc<OnceLock<(Handle, TimerHandle)>> = Arc::default();
        let (l, slot) = (log.clone(), handles.clone());
        event_loop.call_soon(move || {
            let (soon, timer) = slot
                .get()
                .expect("the handles are set before the loop runs");
            soon.cancel();
            timer.cancel();
            l.log(
                "loop",
                format!(
                    "cancelled both handles: {} {}",
                    soon.cancelled(),
                    timer.cancelled()
                ),
            );
        });
        let l = log.clone();
        let soon = event_loop.call_soon(move || l.log("loop", "call_soon handle: never runs"));
        let l = log.clone();
        let timer = event_loop.call_later(1.0, move || l.log("loop", "timer at t=1: never runs"));
        handles.set((soon, timer)).expect("set once");
        let (l, lp) = (log.clone(), event_loop.clone());
        event_loop.call_later(2.0, move || {
            l.log("loop", "timer at t=2 runs; the cancelled ones did not");
            lp.stop();
        });
        event_loop.run_forever().expect("the loop ran");
    })
    .await;
}

/// A callback raises `ValueError("boom")`: it panics with that `PyError` (a callback has no
/// error to return). The loop catches it, calls its exception handler with the exception,
/// class kept, and runs the next callback as if nothing happened.
pub(crate) async fn panicking_callback<R: Runtime>(cx: Cx<R>) {
    on_own_thread(&cx, |log| {
        let event_loop = new_event_loop();
        let l = log.clone();
        event_loop.set_exception_handler(move |context| {
            l.log(
                "handler",
                format!(
                    "exception handler got: {}",
                    context
                        .exception
                        .as_ref()
                        .map_or_else(|| "None".to_owned(), exc)
                ),
            );
        });
        let l = log.clone();
        event_loop.call_soon(move || {
            l.log("loop", "callback raises");
            std::panic::panic_any(PyError::new("ValueError", "boom"));
        });
        let (l, lp) = (log.clone(), event_loop.clone());
        event_loop.call_soon(move || {
            l.log("loop", "the next callback still runs");
            lp.stop();
        });
        event_loop.run_forever().expect("the loop ran");
    })
    .await;
}

/// `stop()` does not stop at once: the iteration it is called in runs to its end (callback
/// b still runs). What that iteration scheduled (callback c) stays queued, and runs when
/// the loop is run again.
pub(crate) async fn stop_finishes_the_iteration<R: Runtime>(cx: Cx<R>) {
    on_own_thread(&cx, |log| {
        let event_loop = new_event_loop();
        let runs = Arc::new(AtomicUsize::new(1));
        let (l, lp, r) = (log.clone(), event_loop.clone(), runs.clone());
        event_loop.call_soon(move || {
            l.log("loop", "callback a: calls stop() and schedules c");
            lp.stop();
            let (l, lp2) = (l.clone(), lp.clone());
            lp.call_soon(move || {
                let run = r.load(Ordering::SeqCst);
                l.log(
                    "loop",
                    format!("callback c: runs in run_forever call {run}"),
                );
                lp2.stop();
            });
        });
        let l = log.clone();
        event_loop.call_soon(move || l.log("loop", "callback b: same iteration as the stop, runs"));
        event_loop.run_forever().expect("the first run");
        runs.store(2, Ordering::SeqCst);
        event_loop.run_forever().expect("the second run");
    })
    .await;
}

/// Outside a running loop, `get_running_loop()` is an error (asyncio's RuntimeError).
/// Inside a task or a callback of a running loop, it is that loop.
pub(crate) async fn get_running_loop_outside<R: Runtime>(cx: Cx<R>) {
    on_own_thread(&cx, |log| {
        let before = match get_running_loop() {
            Ok(_) => "got a loop".to_owned(),
            Err(error) => exc(&error),
        };
        let event_loop = new_event_loop();
        let lp = event_loop.clone();
        event_loop
            .run_until_complete(async move {
                log.log("main", format!("outside a loop: {before}"));
                let same = get_running_loop() == Ok(lp.clone());
                log.log(
                    "main",
                    format!("inside: get_running_loop() is the loop running main: {same}"),
                );
                let (l, lp2) = (log.clone(), lp.clone());
                let callback = lp.call_soon(move || {
                    let same = get_running_loop() == Ok(lp2);
                    l.log("callback", format!("in a callback too: {same}"));
                });
                lp.yield_now().await;
                drop(callback);
            })
            .expect("the loop ran");
    })
    .await;
}

/// Why `get_event_loop()` gave way to `get_running_loop()`. Old code took "the event loop"
/// early, at import time: `get_event_loop()` then created a loop and made it the thread's
/// current one. But `asyncio.run(main())` makes a *new* loop. The early loop is not
/// running, is not the loop main runs on, and the callback scheduled on it waits until
/// somebody runs that loop, if anybody ever does.
pub(crate) async fn get_event_loop_pitfall<R: Runtime>(cx: Cx<R>) {
    on_own_thread(&cx, |log| {
        // What `get_event_loop()` at import time gave: a loop that nobody runs yet.
        let early = new_event_loop();
        let l = log.clone();
        early.call_soon(move || {
            l.log(
                "early",
                "the early loop's callback runs only now, when that loop is run",
            )
        });
        let event_loop = new_event_loop();
        let lp = event_loop.clone();
        let early2 = early.clone();
        event_loop
            .run_until_complete(async move {
                log.log(
                    "main",
                    format!("the early loop is running: {}", early2.is_running()),
                );
                let same = get_running_loop() == Ok(early2.clone());
                log.log(
                    "main",
                    format!("the running loop is the early loop: {same}"),
                );
                lp.yield_now().await;
                log.log(
                    "main",
                    "an iteration later, the early loop's callback has not run",
                );
            })
            .expect("the main loop ran");
        let lp = early.clone();
        early
            .run_until_complete(lp.yield_now())
            .expect("the early loop ran");
    })
    .await;
}

/// One loop per thread: inside a running loop, running another loop on the same thread
/// is an error, and so is running the same loop again. A new thread may run the other
/// loop.
pub(crate) async fn one_loop_per_thread<R: Runtime>(cx: Cx<R>) {
    on_own_thread(&cx, |log| {
        let event_loop = new_event_loop();
        let lp = event_loop.clone();
        event_loop
            .run_until_complete(async move {
                let other = new_event_loop();
                if let Err(error) = other.run_until_complete(async {}) {
                    log.log(
                        "main",
                        format!("running a second loop on this thread: {}", exc(&error)),
                    );
                }
                if let Err(error) = lp.run_forever() {
                    log.log("main", format!("running this loop again: {}", exc(&error)));
                }
                let l = log.clone();
                std::thread::spawn(move || {
                    other
                        .run_until_complete(async move {
                            l.log("thread", "a new thread runs the other loop")
                        })
                        .expect("the other loop ran on its own thread");
                })
                .join()
                .expect("the thread finished");
            })
            .expect("the loop ran");
    })
    .await;
}

/// A blocking job goes to the executor (a thread pool) and waits there for a release;
/// meanwhile the loop keeps running callbacks (three ticks, the last releasing the job).
/// The job then wakes the loop with `call_soon_threadsafe` and returns 42.
pub(crate) async fn run_in_executor<R: Runtime>(cx: Cx<R>) {
    on_own_thread(&cx, |log| {
        let event_loop = new_event_loop();
        let lp = event_loop.clone();
        event_loop
            .run_until_complete(async move {
                let (release, released) = mpsc::channel::<()>();
                let (l, lp2) = (log.clone(), lp.clone());
                let job = lp.run_in_executor(move || {
                    released.recv().expect("the loop releases the job");
                    lp2.call_soon_threadsafe(move || {
                        l.log("executor", "call_soon_threadsafe from the executor thread")
                    });
                    42
                });
                tick(log.clone(), lp.clone(), 1, release);
                let value = job.await.expect("the job returned");
                log.log("main", format!("job returned {value}"));
            })
            .expect("the loop ran");
    })
    .await;
}

/// A callback that logs and schedules the next tick; the third releases the job.
fn tick(log: Log, event_loop: EventLoop, n: u32, release: mpsc::Sender<()>) {
    let lp = event_loop.clone();
    event_loop.call_soon(move || {
        log.log(
            "loop",
            format!("tick {n}: the loop runs while the job blocks"),
        );
        if n < 3 {
            tick(log, lp, n + 1, release);
        } else {
            release.send(()).expect("the job waits");
        }
    });
}
