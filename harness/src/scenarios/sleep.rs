//! Scenarios for `sleep`: timers complete in deadline order, `sleep(0)` is one yield,
//! blocking sleep stalls the others, blocking work goes to a thread.

use std::sync::Arc;
use std::time::Duration;

use aio_rt::Runtime;
use aio_sleep::{run_in_executor, sleep, sleep_with, to_thread};

use crate::{Cx, Scenario, exc};

const CONCEPT: &str = "sleep";
const SOURCE: &str = include_str!("sleep.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[
    parity!(
        sleep_order,
        "three tasks sleep 3, 1 and 2 ticks; they wake in deadline order, not in spawn order"
    ),
    parity!(
        sleep_zero_alternates,
        "sleep(0) is exactly one trip through the ready queue: two looping tasks alternate"
    ),
    parity!(
        sleep_with_result,
        "sleep(delay, result) gives the result; a cancelled sleep ends at once"
    ),
    parity!(
        blocking_sleep_stalls_others,
        "a blocking sleep inside a task holds the loop and pushes the other task's steps behind it"
    ),
    parity!(
        to_thread_off_the_loop,
        "to_thread runs blocking work on a thread while the other tasks run"
    ),
    parity!(
        thread_waits_for_a_sleeping_task,
        "a blocking job that waits (run_coroutine_threadsafe(...).result()) for a task that sleeps: the clock moves, the job gets the answer at t=1"
    ),
    parity!(
        loop_fed_by_another_thread,
        "another thread hands work in with call_soon_threadsafe and run_coroutine_threadsafe; the loop waits for it instead of stalling"
    ),
];

/// Three tasks are created in the order 3, 1, 2 and each sleeps that many ticks. They
/// start in creation order (at t=0) and wake in deadline order: the timer heap, not the
/// spawn order, decides.
pub(crate) async fn sleep_order<R: Runtime>(cx: Cx<R>) {
    let mut tasks = Vec::new();
    for delay in [3, 1, 2] {
        let name = format!("worker-{delay}");
        let cx2 = cx.clone();
        tasks.push(cx.spawn(name.clone(), async move {
            cx2.log(&name, format!("sleep {delay}"));
            cx2.sleep(delay).await;
            cx2.log(&name, "woke up");
        }));
    }
    for task in tasks {
        task.await.expect("a worker finished");
    }
    cx.log("main", "all done");
}

/// Two tasks loop three times, each step ending with `sleep(0)`: every `sleep(0)` puts
/// the task at the back of the ready queue once, with no timer, so the two alternate
/// strictly and no time passes.
pub(crate) async fn sleep_zero_alternates<R: Runtime>(cx: Cx<R>) {
    let mut tasks = Vec::new();
    for name in ["a", "b"] {
        let cx2 = cx.clone();
        tasks.push(cx.spawn(name, async move {
            for i in 0..3 {
                cx2.log(name, format!("step {i}"));
                sleep(cx2.rt(), Duration::ZERO).await;
            }
        }));
    }
    for task in tasks {
        task.await.expect("a looper finished");
    }
    cx.log("main", "both done, no time passed");
}

/// `sleep_with` is asyncio's `sleep(delay, result)`. A task sleeping 100 ticks is
/// cancelled after 1: it ends at once, and its timer is gone with it.
pub(crate) async fn sleep_with_result<R: Runtime>(cx: Cx<R>) {
    cx.log("main", "sleep 2 with a result");
    let value = sleep_with(cx.rt(), cx.ticks(2), "the result").await;
    cx.log("main", format!("got '{value}'"));
    let sleeper = cx.spawn("sleeper", sleep(cx.rt(), cx.ticks(100)));
    cx.sleep(1).await;
    sleeper.cancel();
    if sleeper.await.is_err() {
        cx.log("main", "a sleep of 100 cancelled after 1");
    }
}

async fn ticker<R: Runtime>(cx: Cx<R>) {
    for i in 0..3 {
        cx.log("ticker", format!("tick {i}"));
        sleep(cx.rt(), Duration::ZERO).await;
    }
}

/// Round 1: a ticker and a polite task both suspend with `sleep(0)`, so their steps
/// interleave. Round 2: the other task calls `std::thread::sleep` (Python's
/// `time.sleep`) instead. It never suspends, so it holds the loop: both its steps run
/// back to back and the ticker's steps are pushed behind them. (On the virtual clock the
/// blocking sleep takes no virtual time, in CPython's virtual loop as here; on the real
/// clock it would also delay every timer.)
pub(crate) async fn blocking_sleep_stalls_others<R: Runtime>(cx: Cx<R>) {
    cx.log("main", "round 1: asyncio.sleep");
    let t = cx.spawn("ticker", ticker(cx.clone()));
    let cx2 = cx.clone();
    let p = cx.spawn("polite", async move {
        for i in 0..2 {
            cx2.log("polite", format!("asyncio.sleep step {i}"));
            sleep(cx2.rt(), Duration::ZERO).await;
        }
    });
    t.await.expect("the ticker finished");
    p.await.expect("the polite task finished");
    cx.log("main", "round 2: time.sleep");
    let t = cx.spawn("ticker", ticker(cx.clone()));
    let cx3 = cx.clone();
    let b = cx.spawn("blocker", async move {
        for i in 0..2 {
            cx3.log("blocker", format!("time.sleep step {i}"));
            // Never do this in a task: it blocks the thread the other tasks need.
            std::thread::sleep(Duration::from_millis(2));
        }
    });
    t.await.expect("the ticker finished");
    b.await.expect("the blocker finished");
}

fn blocking_work() -> u32 {
    std::thread::sleep(Duration::from_millis(2));
    42
}

/// `main` hands blocking work to a thread with `to_thread` and awaits it; meanwhile the
/// other task runs. `run_in_executor` is the same under the loop method's name.
pub(crate) async fn to_thread_off_the_loop<R: Runtime>(cx: Cx<R>) {
    let cx2 = cx.clone();
    let task = cx.spawn("other", async move {
        cx2.log("other", "runs while the thread works")
    });
    cx.log("main", "to_thread(blocking_work)");
    match to_thread(cx.rt(), blocking_work).await {
        Ok(value) => cx.log("main", format!("got {value}")),
        Err(e) => cx.log("main", format!("failed: {}", exc(&e))),
    }
    task.await.expect("the other task finished");
    match run_in_executor(cx.rt(), blocking_work).await {
        Ok(value) => cx.log("main", format!("run_in_executor got {value}")),
        Err(e) => cx.log("main", format!("failed: {}", exc(&e))),
    }
}

/// A blocking job (`to_thread`) asks the loop, through `run_coroutine_threadsafe`, for a
/// coroutine that sleeps 1 tick, and blocks on the answer. In virtual time the clock must
/// move while the job waits (the job can do nothing until the loop delivers): the answer
/// comes at t=1, as on CPython's virtual-time loop. (It used to hang: the clock stood still
/// for as long as any job ran.)
pub(crate) async fn thread_waits_for_a_sleeping_task<R: Runtime>(cx: Cx<R>) {
    let feeder = aio_rt::Feeder::new(cx.rt());
    let c = cx.clone();
    let job = move || {
        let slow = c.clone();
        let answer = feeder.run_coroutine_threadsafe(async move {
            slow.log("coro", "sleeps 1");
            slow.sleep(1).await;
            slow.log("coro", "answers");
            42
        });
        answer.result()
    };
    cx.log("main", "to_thread(job)");
    match to_thread(cx.rt(), job).await {
        Ok(Ok(value)) => cx.log("main", format!("the job got {value}")),
        Ok(Err(e)) | Err(e) => cx.log("main", format!("failed: {}", exc(&e))),
    }
}

/// Another thread, holding the loop (a `Feeder`), waits a little in real time, then hands
/// the loop a callback (`call_soon_threadsafe`) and a coroutine
/// (`run_coroutine_threadsafe`) that sets an event, and waits for the coroutine's answer.
/// `main` waits on the event: with nothing scheduled, the loop waits for the thread
/// instead of declaring the run stalled, and the trace is the same in every run.
pub(crate) async fn loop_fed_by_another_thread<R: Runtime>(cx: Cx<R>) {
    let feeder = aio_rt::Feeder::new(cx.rt());
    let event = Arc::new(aio_sync::Event::new());
    let (c, e) = (cx.clone(), event.clone());
    let thread = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(5));
        let c1 = c.clone();
        feeder.call_soon_threadsafe(move || c1.log("callback", "runs"));
        let answer = feeder.run_coroutine_threadsafe(async move {
            c.log("coro", "sets the event");
            e.set();
            "done"
        });
        answer.result()
    });
    cx.log("main", "waits for the other thread");
    event.wait().await;
    cx.log("main", "event set");
    match to_thread(cx.rt(), move || thread.join()).await {
        Ok(Ok(Ok(answer))) => cx.log("main", format!("the thread got {answer}")),
        Ok(Ok(Err(e))) | Err(e) => cx.log("main", format!("failed: {}", exc(&e))),
        Ok(Err(_)) => cx.log("main", "the thread panicked"),
    }
}
