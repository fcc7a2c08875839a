//! The `differences` group: where the raw runtimes disagree, shown on their own APIs.
//!
//! Each scenario is written against tokio (`tokio::spawn`, `Runtime::block_on`),
//! async-std (`async_std::task::*`) and smol (a `smol::Executor` of its own, driven by
//! `smol::block_on`) on purpose: it shows what `aio_rt::Runtime` smooths over. Signals
//! between tasks use `tokio::sync`, which works on any runtime, and never a sleep: no
//! outcome depends on how fast the machine is. Where a runtime is itself
//! nondeterministic (two worker threads race), the trace states a property of many runs
//! ("the order was the same in every run: no"), never one sample.

use std::cell::Cell;
use std::fmt::Display;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe, catch_unwind};
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex, Once, PoisonError, mpsc};
use std::task::{Context, Wake, Waker};
use std::thread::{self, ThreadId};
use std::time::Duration;

use futures_lite::FutureExt;
use futures_lite::future::{self, Boxed};
use tokio::sync::{Notify, oneshot};

use crate::run::panic_text;
use crate::{Mode, Run, RuntimeKind, Scenario, Trace};

const CONCEPT: &str = "runtime";
const SOURCE: &str = include_str!("runtime.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[
    differences!(
        drop_handle,
        "dropping a task's handle: smol cancels the task, tokio and async-std detach it"
    ),
    differences!(
        panic_in_task,
        "awaiting a task that panicked: tokio returns an error, async-std and smol re-raise it"
    ),
    differences!(
        cancel_finished,
        "cancelling a task that has already finished: what each runtime gives back"
    ),
    differences!(
        spawn_order,
        "whether spawned tasks run before their spawner's next step, and in which order"
    ),
    differences!(
        yield_loop,
        "two tasks looping on yield_now: the order in which yielded tasks run again"
    ),
    differences!(
        zero_sleep,
        "a zero-length sleep: tokio suspends the task, async-std and smol return at once"
    ),
    differences!(
        coop_budget,
        "draining 1000 ready messages: tokio forces a yield every 128, the others never"
    ),
    differences!(
        tasks_after_block_on,
        "whether a spawned task keeps running after block_on returns"
    ),
    differences!(
        nested_block_on,
        "block_on inside block_on: a panic, a result, or a deadlock"
    ),
    differences!(
        raw_timer_virtual,
        "a raw runtime timer beside Runtime::sleep on the virtual clock: followed by tokio current_thread, a stall elsewhere"
    ),
];

/// How many times the scenarios that measure a nondeterministic order repeat it.
const RUNS: usize = 1000;

/// How long a watchdog waits before it calls something stuck. Generous: a task that can
/// run is run within microseconds, even on a loaded machine.
const WATCHDOG: Duration = Duration::from_secs(1);

/// Dropping the handle of a task that is still running.
///
/// A task waits for `go`; main drops its handle, sends `go`, and waits to hear that the
/// task finished. tokio and async-std *detach* the task: it runs to completion with
/// nobody to await it. smol *cancels* it: a `smol::Task` comes from async-task, whose
/// handle owns the task, so dropping the handle drops the future at its `.await` (smol
/// says so in `#[must_use = "tasks get canceled when dropped, use .detach() to run them
/// in the background"]`). asyncio sides with tokio: dropping your reference to a task
/// does not cancel it (though its docs ask you to keep one: the loop holds tasks only
/// weakly). `aio_rt::JoinHandle` does the same on every runtime: dropping it never
/// cancels; call `cancel()` to cancel.
fn drop_handle(kind: RuntimeKind, _mode: Mode) -> Run {
    run(|trace| match kind {
        RuntimeKind::AioLoop => {
            unreachable!("the differences group runs on the third-party runtimes only")
        }
        RuntimeKind::Tokio | RuntimeKind::TokioMt => {
            tokio_runtime(kind).block_on(drop_then_go(trace, tokio::spawn));
        }
        RuntimeKind::AsyncStd => {
            async_std::task::block_on(drop_then_go(trace, async_std::task::spawn))
        }
        RuntimeKind::Smol => {
            let ex = smol::Executor::new();
            smol::block_on(ex.run(drop_then_go(trace, |task| ex.spawn(task))));
        }
    })
}

async fn drop_then_go<H>(trace: &Trace, spawn: impl FnOnce(Boxed<()>) -> H) {
    let (started_tx, started_rx) = oneshot::channel();
    let (go_tx, go_rx) = oneshot::channel::<()>();
    let (done_tx, done_rx) = oneshot::channel();
    let task_trace = trace.clone();
    let handle = spawn(Box::pin(async move {
        log(&task_trace, "task", "started, waiting for 'go'");
        let _ = started_tx.send(());
        let _ = go_rx.await;
        log(&task_trace, "task", "finished");
        let _ = done_tx.send(());
    }));
    started_rx.await.expect("the task started");
    drop(handle);
    log(trace, "main", "dropped the handle; sent 'go'");
    let _ = go_tx.send(()); // fails if the task is gone
    let finished = done_rx.await.is_ok(); // an error: the task was dropped unfinished
    log(
        trace,
        "main",
        format!("the task ran to completion: {}", yes_no(finished)),
    );
}

/// A panic inside a task that somebody awaits.
///
/// tokio catches the panic on the task's thread and `await` returns
/// `Err(JoinError)` with `is_panic() == true`: the awaiter decides what to do, and the
/// runtime carries on. async-std and smol (async-task built with `propagate_panic`)
/// also catch it, but `await` re-raises it in the awaiter with `resume_unwind`, so the
/// panic travels on up to whoever awaits; nobody awaiting means the panic is lost.
/// asyncio raises the task's exception in the awaiter, where `try`/`except` catches it:
/// the Rust counterpart of that is an error to match, not a panic (catching one takes
/// `catch_unwind`). So `aio_rt::JoinHandle` gives `Err(JoinError::Panicked(message))` on
/// every runtime, and reports a panic nobody retrieved to the exception handler, as
/// asyncio logs "Task exception was never retrieved".
fn panic_in_task(kind: RuntimeKind, _mode: Mode) -> Run {
    run(|trace| match kind {
        RuntimeKind::AioLoop => {
            unreachable!("the differences group runs on the third-party runtimes only")
        }
        RuntimeKind::Tokio | RuntimeKind::TokioMt => {
            tokio_runtime(kind).block_on(await_panicking(trace, tokio::spawn, |outcome| {
                match outcome {
                    Ok(()) => "Ok(())".to_owned(),
                    Err(error) => format!(
                        "Err(JoinError), is_panic() = {}, message {:?}",
                        error.is_panic(),
                        panic_text(&*error.into_panic())
                    ),
                }
            }));
        }
        RuntimeKind::AsyncStd => {
            async_std::task::block_on(await_panicking(trace, async_std::task::spawn, |()| {
                "()".to_owned()
            }));
        }
        RuntimeKind::Smol => {
            let ex = smol::Executor::new();
            smol::block_on(ex.run(await_panicking(
                trace,
                |task| ex.spawn(task),
                |()| "()".to_owned(),
            )));
        }
    })
}

async fn await_panicking<H: Future>(
    trace: &Trace,
    spawn: impl FnOnce(Boxed<()>) -> H,
    describe: impl FnOnce(H::Output) -> String,
) {
    let handle = spawn(Box::pin(async { quietly(|| panic!("boom")) }));
    match AssertUnwindSafe(handle).catch_unwind().await {
        Ok(outcome) => log(
            trace,
            "main",
            format!("await returned {}", describe(outcome)),
        ),
        Err(payload) => log(
            trace,
            "main",
            format!("await panicked in main with {:?}", panic_text(&*payload)),
        ),
    }
}

/// Cancelling a task that has already finished with the value 42.
///
/// Main waits until the runtime reports the task finished (its handle's waker fired),
/// then cancels: tokio with `abort()` then `await`, async-std with
/// `JoinHandle::cancel().await`, smol with `Task::cancel().await`. All three keep the
/// value, each in its own shape: tokio's `abort` of a finished task does nothing and
/// `await` gives `Ok(42)`; async-std and smol give `Some(42)` (`None` would mean the
/// task was cancelled before it finished). asyncio's `task.cancel()` on a done task
/// returns `False` and `await task` still gives the result; `aio_rt::JoinHandle::cancel`
/// does the same on every runtime: it returns `false` and the value stays.
fn cancel_finished(kind: RuntimeKind, _mode: Mode) -> Run {
    run(|trace| match kind {
        RuntimeKind::AioLoop => {
            unreachable!("the differences group runs on the third-party runtimes only")
        }
        RuntimeKind::Tokio | RuntimeKind::TokioMt => {
            tokio_runtime(kind).block_on(cancel_after_finish(
                trace,
                tokio::spawn,
                |handle| async move {
                    handle.abort();
                    let outcome = handle
                        .await
                        .map_err(|error| format!("cancelled: {}", error.is_cancelled()));
                    format!("abort(), then await: {outcome:?}")
                },
            ));
        }
        RuntimeKind::AsyncStd => async_std::task::block_on(cancel_after_finish(
            trace,
            async_std::task::spawn,
            |handle| async move { format!("cancel().await: {:?}", handle.cancel().await) },
        )),
        RuntimeKind::Smol => {
            let ex = smol::Executor::new();
            smol::block_on(ex.run(cancel_after_finish(
                trace,
                |task| ex.spawn(task),
                |task| async move { format!("cancel().await: {:?}", task.cancel().await) },
            )));
        }
    })
}

async fn cancel_after_finish<H, C>(
    trace: &Trace,
    spawn: impl FnOnce(Boxed<u32>) -> H,
    cancel: impl FnOnce(H) -> C,
) where
    H: Future + Unpin,
    C: Future<Output = String>,
{
    let (go_tx, go_rx) = oneshot::channel::<()>();
    let mut handle = spawn(Box::pin(async move {
        let _ = go_rx.await;
        42
    }));
    // Poll the handle once with a waker of our own, let the task finish, and wait for that
    // waker: a join handle is woken only once its task is done, and the value stays in it.
    let woken = Arc::new(Woken::default());
    let waker = Waker::from(woken.clone());
    let first = Pin::new(&mut handle).poll(&mut Context::from_waker(&waker));
    assert!(first.is_pending(), "the task waits for 'go'");
    let _ = go_tx.send(());
    woken.0.notified().await;
    log(trace, "main", "the task has finished with 42");
    log(trace, "main", cancel(handle).await);
}

/// Wakes whoever waits on the `Notify`: a waker that only tells us it was called.
#[derive(Debug, Default)]
struct Woken(Notify);

impl Wake for Woken {
    fn wake(self: Arc<Self>) {
        self.0.notify_one();
    }
}

/// Can a freshly spawned task run before its spawner's next step, and which runs first?
///
/// First a task (the spawner) spawns `a`, `b` and `c`, then blocks its thread (as a long
/// computation would) until one of them has run, or the watchdog gives up after 1 s.
/// tokio current_thread and smol run every task on one thread: a spawned task waits in
/// the queue until its spawner yields, so nothing runs meanwhile, like asyncio, where
/// `create_task` only schedules the task's first step. tokio multi_thread and async-std
/// have worker threads: an idle one picks the task up at once, even while the spawner is
/// still running. Then 1000 times the spawner spawns `a`, `b` and `c` and awaits them,
/// and we look at which ran first on the spawner's own thread. tokio multi_thread puts a
/// task spawned from a worker into that worker's one-task LIFO slot (pushing the previous
/// one to the queue) and runs the slot first, because the task just woken is often the
/// one that will read what was just sent: `c`, the last spawned, runs first, every time.
/// The others take tasks in FIFO order, as asyncio's ready queue does. The order among
/// threads is left to chance (measured: tokio multi_thread and async-std show several
/// orders in 1000 runs, and fewer on a loaded machine), so it is not shown. aio_rt cannot
/// change a runtime's scheduling; its virtual clock runs tasks one at a time in wake
/// order, and parity scenarios order events by virtual time, never by "who runs first in
/// the same instant".
fn spawn_order(kind: RuntimeKind, _mode: Mode) -> Run {
    run(|trace| {
        let (beside, runs) = match kind {
            RuntimeKind::AioLoop => {
                unreachable!("the differences group runs on the third-party runtimes only")
            }
            RuntimeKind::Tokio | RuntimeKind::TokioMt => {
                tokio_runtime(kind).block_on(both_parts(tokio::spawn))
            }
            RuntimeKind::AsyncStd => async_std::task::block_on(both_parts(async_std::task::spawn)),
            RuntimeKind::Smol => {
                let ex = Arc::new(smol::Executor::new());
                let spawn = {
                    let ex = ex.clone();
                    move |task| ex.spawn(task)
                };
                smol::block_on(ex.run(both_parts(spawn)))
            }
        };
        log(
            trace,
            "main",
            "a task spawns a, b and c, then blocks its thread until one has run",
        );
        let beside = if beside {
            "yes, on another thread"
        } else {
            "no: none ran before the watchdog gave up"
        };
        log(
            trace,
            "main",
            format!("one of them ran meanwhile: {beside}"),
        );
        log(
            trace,
            "main",
            format!("{RUNS} runs of: a task spawns a, b and c, then awaits them"),
        );
        let lifo = runs.iter().all(|run| run.as_deref() == Some("c"));
        log(
            trace,
            "main",
            format!(
                "on the spawner's thread the last spawned (c) ran first in every run: {}",
                yes_no(lifo)
            ),
        );
    })
}

async fn both_parts<S, H>(spawn: S) -> (bool, Vec<Option<&'static str>>)
where
    S: Fn(Boxed<()>) -> H + Clone + Send + 'static,
    H: Future + Send + 'static,
{
    let beside = run_beside_spawner(spawn.clone()).await;
    (
        beside,
        repeat(|| first_on_spawner_thread(spawn.clone())).await,
    )
}

/// Whether a task ran while its spawner blocked its thread.
async fn run_beside_spawner<S, H>(spawn: S) -> bool
where
    S: Fn(Boxed<()>) -> H + Clone + Send + 'static,
    H: Future + Send + 'static,
{
    let (verdict_tx, verdict_rx) = oneshot::channel();
    let spawn_inner = spawn.clone();
    let spawner = spawn(Box::pin(async move {
        let (ran_tx, ran_rx) = mpsc::channel();
        let mut tasks = Vec::new();
        for _ in ["a", "b", "c"] {
            let ran_tx = ran_tx.clone();
            tasks.push(spawn_inner(Box::pin(async move {
                let _ = ran_tx.send(());
            })));
        }
        let _ = verdict_tx.send(ran_rx.recv_timeout(WATCHDOG).is_ok()); // blocks the thread
        for task in tasks {
            let _ = task.await;
        }
    }));
    let _ = spawner.await;
    verdict_rx.await.expect("the spawner gave a verdict")
}

/// The spawned task that ran first on the spawner's thread, if any did.
async fn first_on_spawner_thread<S, H>(spawn: S) -> Option<&'static str>
where
    S: Fn(Boxed<()>) -> H + Clone + Send + 'static,
    H: Future + Send + 'static,
{
    let steps: Arc<Mutex<Vec<(&'static str, ThreadId)>>> = Arc::default();
    let (spawner_steps, spawn_inner) = (steps.clone(), spawn.clone());
    let spawner = spawn(Box::pin(async move {
        let mut tasks = Vec::new();
        for name in ["a", "b", "c"] {
            let steps = spawner_steps.clone();
            tasks.push(spawn_inner(Box::pin(async move {
                let step = (name, thread::current().id());
                steps
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(step);
            })));
        }
        spawner_steps
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(("spawner", thread::current().id()));
        for task in tasks {
            let _ = task.await;
        }
    }));
    let _ = spawner.await;
    let steps = steps.lock().unwrap_or_else(PoisonError::into_inner);
    let spawner_thread = steps
        .iter()
        .find(|(name, _)| *name == "spawner")
        .map(|(_, thread)| *thread);
    steps
        .iter()
        .find(|(name, thread)| *name != "spawner" && Some(*thread) == spawner_thread)
        .map(|(name, _)| *name)
}

/// Two tasks looping on `yield_now`: in which order do yielded tasks run again?
///
/// Tasks A and B each log a step and yield, three times; repeated 1000 times. smol's
/// `yield_now` wakes the task at once, which puts it at the back of the queue, so A and B
/// alternate (`A0 B0 A1 B1 A2 B2`), as in asyncio, where `await asyncio.sleep(0)` goes to
/// the back of the ready queue. tokio's `yield_now` defers the wake-up until the
/// scheduler has polled its drivers (so that a yielding task cannot starve I/O and
/// timers), and current_thread wakes the deferred tasks from a stack, last deferred
/// first: `A0 B0 B1 A1 A2 B2`, every time. On tokio multi_thread and async-std, A and B
/// run at the same time on two threads (checked first, as in `spawn_order`), so their
/// order changes from run to run and with the machine's load: there is no order to
/// show. Under aio_rt's virtual clock, `Runtime::yield_now` goes to the back of one FIFO
/// ready queue on every runtime, as in asyncio.
fn yield_loop(kind: RuntimeKind, _mode: Mode) -> Run {
    run(|trace| {
        let orders = match kind {
            RuntimeKind::AioLoop => {
                unreachable!("the differences group runs on the third-party runtimes only")
            }
            RuntimeKind::Tokio | RuntimeKind::TokioMt => {
                tokio_runtime(kind).block_on(unless_parallel(tokio::spawn, tokio::task::yield_now))
            }
            RuntimeKind::AsyncStd => async_std::task::block_on(unless_parallel(
                async_std::task::spawn,
                async_std::task::yield_now,
            )),
            RuntimeKind::Smol => {
                let ex = Arc::new(smol::Executor::new());
                let spawn = {
                    let ex = ex.clone();
                    move |task| ex.spawn(task)
                };
                smol::block_on(ex.run(unless_parallel(spawn, smol::future::yield_now)))
            }
        };
        log(
            trace,
            "main",
            "tasks A and B each log a step and yield_now(), three times",
        );
        log(
            trace,
            "main",
            format!(
                "tasks can run at the same time on two threads: {}",
                yes_no(orders.is_none())
            ),
        );
        match orders {
            None => log(
                trace,
                "main",
                "so their steps interleave by chance: no order to show",
            ),
            Some(orders) if orders.iter().all(|order| *order == orders[0]) => log(
                trace,
                "main",
                format!("the order was the same in all {RUNS} runs: {}", orders[0]),
            ),
            Some(_) => log(
                trace,
                "main",
                format!("the order was the same in all {RUNS} runs: no"),
            ),
        }
    })
}

/// The orders of [`RUNS`] runs of [`two_yielders`], unless tasks run in parallel (a task
/// ran while its spawner blocked its thread): then order means nothing.
async fn unless_parallel<S, H, Y>(spawn: S, yield_now: fn() -> Y) -> Option<Vec<String>>
where
    S: Fn(Boxed<()>) -> H + Clone + Send + 'static,
    H: Future + Send + 'static,
    Y: Future<Output = ()> + Send + 'static,
{
    if run_beside_spawner(spawn.clone()).await {
        return None;
    }
    Some(repeat(|| two_yielders(spawn.clone(), yield_now)).await)
}

async fn two_yielders<H, Y>(spawn: impl Fn(Boxed<()>) -> H, yield_now: fn() -> Y) -> String
where
    H: Future,
    Y: Future<Output = ()> + Send + 'static,
{
    let steps: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut tasks = Vec::new();
    for name in ["A", "B"] {
        let steps = steps.clone();
        tasks.push(spawn(Box::pin(async move {
            for i in 0..3 {
                steps
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(format!("{name}{i}"));
                yield_now().await;
            }
        })));
    }
    for task in tasks {
        let _ = task.await;
    }
    steps
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .join(" ")
}

/// A zero-length sleep: does it suspend the task?
///
/// Each runtime's sleep of `Duration::ZERO` is polled once; repeated 100 times. tokio's
/// timer wheel has a resolution of 1 ms and rounds deadlines up, so `sleep(0)` is not
/// ready on its first poll: the task suspends until the timer driver next fires
/// (about 1 ms later), letting other tasks run. (On multi_thread, a worker advancing
/// the wheel at the same moment makes a rare one ready at once, hence "most" runs.)
/// async-io's `Timer` (under async-std's `task::sleep` and smol's `Timer::after`) sees
/// that the deadline has passed and is ready at once: the task does not yield, so
/// `sleep(0)` is not a way to let others run there. asyncio special-cases
/// `asyncio.sleep(0)` as exactly one trip through the ready queue: a yield, no timer.
/// aio_rt's `Runtime::sleep` documents that a zero duration may complete without
/// yielding: to yield, use `Runtime::yield_now`.
fn zero_sleep(kind: RuntimeKind, _mode: Mode) -> Run {
    run(|trace| {
        let suspended = match kind {
            RuntimeKind::AioLoop => {
                unreachable!("the differences group runs on the third-party runtimes only")
            }
            RuntimeKind::Tokio | RuntimeKind::TokioMt => {
                tokio_runtime(kind).block_on(count_suspended(|| tokio::time::sleep(Duration::ZERO)))
            }
            RuntimeKind::AsyncStd => async_std::task::block_on(count_suspended(|| {
                async_std::task::sleep(Duration::ZERO)
            })),
            RuntimeKind::Smol => {
                smol::block_on(count_suspended(|| smol::Timer::after(Duration::ZERO)))
            }
        };
        log(
            trace,
            "main",
            format!(
                "sleep(Duration::ZERO) suspended the task (not ready on its first poll) in most of \
                 {SLEEPS} runs: {}",
                yes_no(suspended > SLEEPS / 2)
            ),
        );
    })
}

/// How many times `zero_sleep` sleeps (each suspension lasts about 1 ms on tokio).
const SLEEPS: usize = 100;

/// How many of [`SLEEPS`] sleeps made by `sleep` were not ready on their first poll.
async fn count_suspended<S: Future>(sleep: impl Fn() -> S) -> usize {
    let mut suspended = 0;
    for _ in 0..SLEEPS {
        let mut sleep = pin!(sleep());
        if future::poll_once(sleep.as_mut()).await.is_none() {
            suspended += 1;
            sleep.await;
        }
    }
    suspended
}

/// tokio's cooperative budget: a task receiving from a channel full of ready messages.
///
/// 1000 messages wait in a `tokio::sync::mpsc` channel; main receives them all and
/// counts how often `recv()` returned `Pending` although a message was there. Inside a
/// tokio runtime every task gets a budget of 128 operations on tokio resources per poll;
/// when it is spent, the next operation returns `Pending` and wakes the task again, so
/// the task yields and others get to run even if it never awaits anything that is not
/// ready. Outside tokio (async-std, smol) the same channel has no budget and the task
/// drains all 1000 without yielding: a busy task there can starve its neighbours. asyncio
/// has no budget either: a coroutine that only awaits ready futures never yields.
/// aio_rt does not add one: yield with `Runtime::yield_now` in long loops.
fn coop_budget(kind: RuntimeKind, _mode: Mode) -> Run {
    run(|trace| {
        let report = match kind {
            RuntimeKind::AioLoop => {
                unreachable!("the differences group runs on the third-party runtimes only")
            }
            RuntimeKind::Tokio | RuntimeKind::TokioMt => tokio_runtime(kind).block_on(drain(1000)),
            RuntimeKind::AsyncStd => async_std::task::block_on(drain(1000)),
            RuntimeKind::Smol => smol::block_on(drain(1000)),
        };
        log(
            trace,
            "main",
            "1000 messages were waiting in a tokio mpsc channel",
        );
        log(trace, "main", report);
    })
}

async fn drain(messages: usize) -> String {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    for i in 0..messages {
        tx.send(i).expect("the receiver is alive");
    }
    drop(tx);
    let (mut received, mut pending) = (0, Vec::new());
    loop {
        let mut polls = 0;
        let message = future::poll_fn(|cx| {
            polls += 1;
            rx.poll_recv(cx)
        })
        .await;
        if polls > 1 {
            pending.push(received);
        }
        match message {
            Some(_) => received += 1,
            None => break,
        }
    }
    match pending.first() {
        None => format!("received {received}; recv() never returned Pending"),
        Some(first) => format!(
            "received {received}; recv() returned Pending {} times, first after {first} messages",
            pending.len()
        ),
    }
}

/// Does a spawned task keep running once `block_on` has returned?
///
/// Inside `block_on`, main spawns a task that waits for `go`, and returns. Then main
/// sends `go` from outside any runtime and waits (a watchdog bound of 1 s) to hear from
/// the task. tokio multi_thread and async-std run tasks on worker threads of their own,
/// which carry on: the task runs. tokio current_thread and a `smol::Executor` run tasks
/// only on the thread inside `block_on` (or `Executor::run`): once it returns, nothing
/// runs them until the next `block_on`, and dropping the runtime drops them unfinished.
/// asyncio behaves like the latter: `loop.run_until_complete` returns and the loop's
/// other tasks wait for the next run (and `asyncio.run` cancels them). aio_rt keeps each
/// runtime's behaviour here; the harness awaits every task inside `block_on`, so no
/// scenario depends on it.
fn tasks_after_block_on(kind: RuntimeKind, _mode: Mode) -> Run {
    run(|trace| {
        let (started_tx, started_rx) = oneshot::channel();
        let (go_tx, go_rx) = oneshot::channel::<()>();
        let (ran_tx, ran_rx) = mpsc::channel();
        let task_trace = trace.clone();
        let task = async move {
            let _ = started_tx.send(());
            let _ = go_rx.await;
            log(&task_trace, "task", "running after block_on returned");
            let _ = ran_tx.send(());
        };
        let started = async { started_rx.await.expect("the task started") };
        let after = || {
            log(trace, "main", "block_on returned; sent 'go' to the task");
            let _ = go_tx.send(());
            let ran = ran_rx.recv_timeout(WATCHDOG).is_ok();
            log(
                trace,
                "main",
                format!("the task ran after block_on returned: {}", yes_no(ran)),
            );
        };
        match kind {
            RuntimeKind::AioLoop => {
                unreachable!("the differences group runs on the third-party runtimes only")
            }
            RuntimeKind::Tokio | RuntimeKind::TokioMt => {
                let rt = tokio_runtime(kind);
                rt.block_on(async {
                    drop(tokio::spawn(task));
                    started.await;
                });
                after();
            }
            RuntimeKind::AsyncStd => {
                async_std::task::block_on(async {
                    drop(async_std::task::spawn(task));
                    started.await;
                });
                after();
            }
            RuntimeKind::Smol => {
                let ex = smol::Executor::new();
                smol::block_on(ex.run(async {
                    ex.spawn(task).detach();
                    started.await;
                }));
                after();
            }
        }
    })
}

/// `block_on` called from inside `block_on`, waiting for a task of the same runtime.
///
/// Main, inside `block_on`, spawns a helper task that sends 7, then blocks in a nested
/// `block_on` until it hears from the helper. A watchdog thread releases the nested
/// `block_on` after 1 s if nothing arrived: only then is the run called a deadlock.
/// tokio refuses at once: a thread that drives a runtime must not block, so a nested
/// `block_on` panics ("Cannot start a runtime from within a runtime"); use `.await`, or
/// `block_in_place` on multi_thread. async-std allows it: the helper runs on a worker
/// thread and the nested `block_on` returns 7. smol's `block_on` allows nesting too, but
/// the helper can only run on the thread inside `Executor::run`, which the nested
/// `block_on` blocks: a deadlock. asyncio refuses as tokio does: `run_until_complete`
/// inside a running loop raises "This event loop is already running". aio_rt documents
/// that `Runtime::block_on` must not be called from inside a task.
fn nested_block_on(kind: RuntimeKind, _mode: Mode) -> Run {
    run(|trace| match kind {
        RuntimeKind::AioLoop => {
            unreachable!("the differences group runs on the third-party runtimes only")
        }
        RuntimeKind::Tokio | RuntimeKind::TokioMt => {
            let rt = tokio_runtime(kind);
            rt.block_on(block_inside(trace, tokio::spawn, |inner| {
                rt.block_on(inner)
            }));
        }
        RuntimeKind::AsyncStd => {
            async_std::task::block_on(block_inside(
                trace,
                async_std::task::spawn,
                async_std::task::block_on,
            ));
        }
        RuntimeKind::Smol => {
            let ex = smol::Executor::new();
            smol::block_on(ex.run(block_inside(
                trace,
                |task| ex.spawn(task).detach(),
                smol::block_on,
            )));
        }
    })
}

async fn block_inside<H>(
    trace: &Trace,
    spawn: impl FnOnce(Boxed<()>) -> H,
    block_on: impl FnOnce(Boxed<Option<u32>>) -> Option<u32>,
) {
    let (seven_tx, seven_rx) = oneshot::channel();
    drop(spawn(Box::pin(async move {
        let _ = seven_tx.send(7);
    })));
    let (release_tx, release_rx) = oneshot::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let watchdog = thread::spawn(move || {
        if done_rx.recv_timeout(WATCHDOG) == Err(mpsc::RecvTimeoutError::Timeout) {
            let _ = release_tx.send(());
        }
    });
    let inner = Box::pin(future::or(async { seven_rx.await.ok() }, async {
        let _ = release_rx.await;
        None
    }));
    log(
        trace,
        "main",
        "spawned a helper that sends 7; calling block_on inside block_on",
    );
    let outcome = catch_unwind(AssertUnwindSafe(|| quietly(|| block_on(inner))));
    drop(done_tx);
    watchdog.join().expect("the watchdog does not panic");
    let verdict = match outcome {
        Ok(Some(n)) => format!("the nested block_on returned {n}"),
        Ok(None) => "deadlocked: the helper never ran (the watchdog released the nested block_on)"
            .to_owned(),
        Err(payload) => {
            let message = panic_text(&*payload);
            format!(
                "the nested block_on panicked: {:?}",
                message.split(". ").next().unwrap_or(&message)
            )
        }
    };
    log(trace, "main", verdict);
}

/// A raw runtime timer beside `Runtime::sleep`, on the virtual clock (aio_rt's runtimes,
/// unlike the other scenarios here, which use the raw runtimes alone).
///
/// One task sleeps 1 s with `Runtime::sleep`, another 0.5 s with its runtime's own timer
/// (`tokio::time::sleep`, `async_std::task::sleep`, `smol::Timer::after`), and main awaits
/// both. On tokio's current_thread runtime aio_rt starts tokio's clock paused (feature
/// `tokio-paused-clock`) and moves the virtual clock through it, so the raw timer follows
/// virtual time: it fires first, at t=0.5. tokio pauses its clock only on a current_thread
/// runtime, and async-std and smol time with async-io's `Timer`, on the real clock, with
/// no way to pause it: there the waiting task looks idle, `Runtime::sleep` finishes at
/// t=1, and the run stops with the stall message, which names `Runtime::sleep` as the
/// fix. (The raw timer would fire 0.5 s later in real time; the stall is declared at
/// once.) asyncio has one clock, the loop's: `asyncio.sleep` is the only sleep there is.
fn raw_timer_virtual(kind: RuntimeKind, _mode: Mode) -> Run {
    let config = || aio_rt::Config::default().clock(aio_rt::Clock::Virtual);
    run(|trace| match kind {
        RuntimeKind::AioLoop => {
            unreachable!("the differences group runs on the third-party runtimes only")
        }
        RuntimeKind::Tokio => mixed_timers(
            trace,
            aio_rt::Tokio::current_thread_with(config()),
            "tokio::time::sleep",
            || Box::pin(tokio::time::sleep(Duration::from_millis(500))),
        ),
        RuntimeKind::TokioMt => mixed_timers(
            trace,
            aio_rt::Tokio::multi_thread_with(config()),
            "tokio::time::sleep",
            || Box::pin(tokio::time::sleep(Duration::from_millis(500))),
        ),
        RuntimeKind::AsyncStd => mixed_timers(
            trace,
            aio_rt::AsyncStd::with_config(config()),
            "async_std::task::sleep",
            || Box::pin(async_std::task::sleep(Duration::from_millis(500))),
        ),
        RuntimeKind::Smol => mixed_timers(
            trace,
            aio_rt::Smol::with_config(config()),
            "smol::Timer::after",
            || {
                Box::pin(async {
                    smol::Timer::after(Duration::from_millis(500)).await;
                })
            },
        ),
    })
}

fn mixed_timers<R: aio_rt::Runtime>(
    trace: &Trace,
    rt: R,
    raw_name: &'static str,
    raw: fn() -> Boxed<()>,
) {
    let r = rt.clone();
    let t = trace.clone();
    let at = move |r: &R| format!("{:.1}", r.now().since_start().as_secs_f64());
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        quietly(|| {
            rt.block_on(async move {
                let ours = r.spawn({
                    let (r, t) = (r.clone(), t.clone());
                    async move {
                        r.sleep(Duration::from_secs(1)).await;
                        log(
                            &t,
                            "ours",
                            format!("Runtime::sleep(1 s) done at t={}", at(&r)),
                        );
                    }
                });
                let theirs = r.spawn({
                    let (r, t) = (r.clone(), t.clone());
                    async move {
                        raw().await;
                        log(&t, "raw", format!("{raw_name}(0.5 s) done at t={}", at(&r)));
                    }
                });
                let _ = ours.await;
                let _ = theirs.await;
            });
        })
    }));
    match outcome {
        Ok(()) => log(trace, "main", "both done"),
        Err(payload) => {
            let message = panic_text(&*payload);
            log(
                trace,
                "main",
                format!(
                    "block_on panicked: {:?}",
                    message.split(" (").next().unwrap_or(&message)
                ),
            );
            log(
                trace,
                "main",
                format!(
                    "the message names Runtime::sleep: {}",
                    yes_no(message.contains("Runtime::sleep"))
                ),
            );
        }
    }
}

/// tokio current_thread, or multi_thread with two workers, with the timer on.
fn tokio_runtime(kind: RuntimeKind) -> tokio::runtime::Runtime {
    let mut builder = match kind {
        RuntimeKind::AioLoop => {
            unreachable!("the differences group runs on the third-party runtimes only")
        }
        RuntimeKind::TokioMt => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            builder.worker_threads(2);
            builder
        }
        _ => tokio::runtime::Builder::new_current_thread(),
    };
    builder.enable_time().build().expect("a tokio runtime")
}

/// Runs a scenario's body with a fresh trace; a panic becomes the run's failure.
fn run(body: impl FnOnce(&Trace)) -> Run {
    let trace = Trace::default();
    let failures = match catch_unwind(AssertUnwindSafe(|| body(&trace))) {
        Ok(()) => Vec::new(),
        Err(payload) => vec![format!("the scenario panicked: {}", panic_text(&*payload))],
    };
    Run {
        trace: trace.render(),
        failures,
    }
}

/// Records an event at tick 0: these scenarios are about order, not time.
fn log(trace: &Trace, task: &str, message: impl Display) {
    trace.record(0, task, message);
}

fn yes_no(yes: bool) -> &'static str {
    if yes { "yes" } else { "no" }
}

/// Runs `once` [`RUNS`] times, one after the other, collecting what each gave.
async fn repeat<T, F: Future<Output = T>>(mut once: impl FnMut() -> F) -> Vec<T> {
    let mut all = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        all.push(once().await);
    }
    all
}

thread_local! {
    /// Set while a panic is expected on this thread: the panic hook then stays silent.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, which is expected to panic, without the panic message on stderr: the
/// scenario reports the panic in its trace. Other panics print as usual.
fn quietly<T>(f: impl FnOnce() -> T) -> T {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    struct Loud;
    impl Drop for Loud {
        fn drop(&mut self) {
            QUIET.with(|quiet| quiet.set(false));
        }
    }
    QUIET.with(|quiet| quiet.set(true));
    let _loud = Loud;
    f()
}
