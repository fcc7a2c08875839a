//! What a run leaves behind, on every runtime, in virtual time: a task still suspended
//! when `block_on` returns is dropped with its runtime (and tokio-mt's worker threads
//! exit); it does not run between two `block_on` calls; a second `block_on` on the same
//! runtime runs as the first; no task awaiting itself, or an await cycle, can crash
//! the process; and the end of main (`aio_tasks::run`) prints the same in every run.
//!
//! The tests of this file run one at a time ([`serial`]): the thread count of the tokio-mt
//! case must see no other test's runtime. For the same reason this file is a test binary
//! of its own, not a module of `suite`, whose other tests would share the process.

#[path = "suite/common/mod.rs"]
mod common;

use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use aio_harness::RuntimeKind;
use aio_rt::{Clock, Config, Runtime};
use aio_tasks::{SelfAwaitError, Task, TaskError, create_task};
use common::runtimes;
use rstest::rstest;
use rstest_reuse::apply;

/// Runs `$check(make)`, `make` building the runtime `$kind` from a `Config`.
macro_rules! on_runtime {
    ($kind:expr, $check:ident) => {
        match $kind {
            RuntimeKind::Tokio => $check(aio_rt::Tokio::current_thread_with),
            RuntimeKind::TokioMt => $check(aio_rt::Tokio::multi_thread_with),
            RuntimeKind::AsyncStd => $check(aio_rt::AsyncStd::with_config),
            RuntimeKind::Smol => $check(aio_rt::Smol::with_config),
            RuntimeKind::AioLoop => $check(aio_loop::EventLoop::with_config),
        }
    };
}

static SERIAL: Mutex<()> = Mutex::new(());

/// One test at a time (a failed test poisons the lock; the next ones still run).
fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

fn virtual_clock() -> Config {
    Config::default().clock(Clock::Virtual)
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// tokio's worker threads alive in this process (`/proc/self/task/*/comm` holds the
/// thread name, tokio's default: `tokio-rt-worker`), not counting a thread already on its
/// way out.
///
/// Dropping a runtime joins its workers, but a joined thread stays listed in `/proc` for a
/// moment: the kernel wakes the joiner as the thread releases its memory, and unlists the
/// thread a little later, which a loaded machine makes long enough to see. From its
/// first step out, the kernel marks the thread `PF_EXITING` (0x4, in the flags word that
/// is field 9 of `/proc/self/task/*/stat`); a worker still working has no such mark, and
/// is counted.
fn tokio_workers() -> usize {
    const PF_EXITING: u64 = 0x4;
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(|task| {
            let path = task.ok()?.path();
            let name = std::fs::read_to_string(path.join("comm")).ok()?;
            let stat = std::fs::read_to_string(path.join("stat")).ok()?;
            // After the name in parentheses: state ppid pgrp session tty_nr tpgid flags.
            let flags: u64 = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(6)?
                .parse()
                .ok()?;
            Some(name.trim_end() == "tokio-rt-worker" && flags & PF_EXITING == 0)
        })
        .filter(|&worker| worker)
        .count()
}

/// Tells `tx` when dropped: the task's `finally`.
struct Guard(mpsc::Sender<&'static str>);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.send("dropped");
    }
}

/// Tasks left suspended when `block_on` returns (forever, and in an hour-long sleep),
/// each holding a guard: the guard
/// runs once the runtime is dropped (on async-std, whose executor is global, on one of
/// its threads, soon after), nothing keeps the runtime alive, and tokio-mt's workers
/// have exited.
fn leftover_is_dropped_with_its_runtime<R: Runtime>(make: fn(Config) -> R) {
    let workers_before = tokio_workers();
    let rt = make(virtual_clock());
    let (tx, rx) = mpsc::channel();
    rt.block_on(async {
        let guard = Guard(tx.clone());
        let _ = create_task(&rt, async move {
            let _guard = guard;
            std::future::pending::<()>().await;
            Ok::<(), String>(())
        });
        // And one sleeping for an hour. (Its sleep is made here: a body holding a clone of
        // the runtime would keep the runtime alive, as it would with `Runtime::spawn`.)
        let (guard, sleep) = (Guard(tx), aio_sleep::sleep(&rt, secs(3600.0)));
        let _ = create_task(&rt, async move {
            let _guard = guard;
            sleep.await;
            Ok::<(), String>(())
        });
        aio_sleep::sleep(&rt, Duration::ZERO).await;
    });
    assert!(
        rx.try_recv().is_err(),
        "the leftovers live with their runtime"
    );
    let weak = rt.downgrade();
    drop(rt);
    for _ in 0..2 {
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(10)),
            Ok("dropped"),
            "each leftover's guard ran when the runtime was dropped"
        );
    }
    assert!(weak.upgrade().is_none(), "nothing keeps the runtime alive");
    assert_eq!(
        tokio_workers(),
        workers_before,
        "every worker thread of the runtime has exited"
    );
}

#[apply(runtimes)]
fn leftover_task_is_dropped_with_its_runtime(kind: RuntimeKind) {
    let _serial = serial();
    on_runtime!(kind, leftover_is_dropped_with_its_runtime);
}

/// The leftover raw-spawned on tokio-mt: the workers exist while the runtime does.
#[test]
fn tokio_mt_workers_exit_with_the_runtime() {
    let _serial = serial();
    let before = tokio_workers();
    let rt = aio_rt::Tokio::multi_thread_with(virtual_clock());
    rt.block_on(async {
        rt.spawn_detached(std::future::pending());
        aio_sleep::sleep(&rt, Duration::ZERO).await;
    });
    // A worker names itself once started: wait for both (on another thread, soon).
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while tokio_workers() < before + 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(tokio_workers(), before + 2, "two workers while it lives");
    drop(rt);
    assert_eq!(tokio_workers(), before, "none once it is dropped");
}

/// A main that ends at 0.5 leaves a task sleeping until 1.0: the clock stops with
/// `block_on`, and the leftover does not run until the next `block_on` (where it wakes at
/// 1.0, as it would have).
fn clock_stops_with_block_on<R: Runtime>(make: fn(Config) -> R) {
    let rt = make(virtual_clock());
    let woke = Arc::new(Mutex::new(None));
    let seen = Arc::clone(&woke);
    let sleeper = rt.clone();
    rt.block_on(async {
        let _ = create_task(&rt, async move {
            aio_sleep::sleep(&sleeper, secs(1.0)).await;
            *seen.lock().unwrap() = Some(sleeper.now().since_start());
            Ok::<(), String>(())
        });
        aio_sleep::sleep(&rt, secs(0.5)).await;
    });
    assert_eq!(rt.now().since_start(), secs(0.5));
    // Time enough for a leftover on another thread to run, if it could.
    std::thread::sleep(Duration::from_millis(20));
    assert_eq!(rt.now().since_start(), secs(0.5), "the clock stopped");
    assert_eq!(*woke.lock().unwrap(), None, "the leftover did not run");
    rt.block_on(aio_sleep::sleep(&rt, secs(1.0)));
    assert_eq!(*woke.lock().unwrap(), Some(secs(1.0)));
    assert_eq!(rt.now().since_start(), secs(1.5));
}

#[apply(runtimes)]
fn clock_stops_when_block_on_returns(kind: RuntimeKind) {
    let _serial = serial();
    for _ in 0..20 {
        on_runtime!(kind, clock_stops_with_block_on);
    }
}

/// Two `block_on` calls on one runtime, each spawning tasks and sleeping 0.
fn second_block_on_runs_as_the_first<R: Runtime>(make: fn(Config) -> R) {
    let rt = make(virtual_clock());
    for run in 0..2 {
        let done = rt.block_on(async {
            let task = create_task(&rt, async move { Ok::<_, String>(run) });
            let raw = rt.spawn(async move { run });
            aio_sleep::sleep(&rt, Duration::ZERO).await;
            (task.done(), raw.await)
        });
        assert_eq!(done, (true, Ok(run)));
    }
}

#[apply(runtimes)]
fn second_block_on_on_one_runtime(kind: RuntimeKind) {
    let _serial = serial();
    for _ in 0..200 {
        on_runtime!(kind, second_block_on_runs_as_the_first);
    }
}

type Slot = Arc<Mutex<Option<Task<(), String>>>>;
/// The outcomes of the awaits made by [`awaiting`] tasks.
type Seen = Arc<Mutex<Vec<Result<(), TaskError<String>>>>>;

/// A task whose body awaits the task in `slot` (filled once every task exists) and
/// reports the outcome of that await.
fn awaiting<R: Runtime>(rt: &R, slot: &Slot, seen: &Seen) -> Task<(), String> {
    let (sleeper, slot, seen) = (rt.clone(), Arc::clone(slot), Arc::clone(seen));
    create_task(rt, async move {
        aio_sleep::sleep(&sleeper, Duration::ZERO).await;
        let target = slot.lock().unwrap().clone().expect("the slot is filled");
        let outcome = target.await;
        seen.lock().unwrap().push(outcome);
        Ok(())
    })
}

/// A task awaiting itself gets the error at once (Python's `RuntimeError: Task cannot
/// await on itself`) and goes on; cancelling it, or dropping an await of it, is harmless.
fn self_await<R: Runtime>(make: fn(Config) -> R) {
    let rt = make(virtual_clock());
    rt.block_on(async {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let slot = Slot::default();
        let task = awaiting(&rt, &slot, &seen);
        *slot.lock().unwrap() = Some(task.clone());
        assert_eq!(task.clone().await, Ok(()));
        assert_eq!(
            *seen.lock().unwrap(),
            [Err(TaskError::SelfAwait(SelfAwaitError))]
        );

        // Once more, the task kept suspended after its self-await, then cancelled
        // through a task awaiting it.
        let slot = Slot::default();
        let (sleeper, inner_slot) = (rt.clone(), Arc::clone(&slot));
        let task = create_task(&rt, async move {
            aio_sleep::sleep(&sleeper, Duration::ZERO).await;
            let me = inner_slot.lock().unwrap().clone().expect("filled");
            let outcome = (&me).await;
            assert!(matches!(outcome, Err(TaskError::SelfAwait(_))));
            std::future::pending::<()>().await;
            Ok::<(), String>(())
        });
        *slot.lock().unwrap() = Some(task.clone());
        let awaited = task.clone();
        let waiter = create_task(&rt, async move { awaited.await.map_err(|e| e.to_string()) });
        aio_sleep::sleep(&rt, secs(1.0)).await;
        assert!(!task.done() && !waiter.done());
        assert!(waiter.cancel(None));
        assert!(waiter.await.unwrap_err().is_cancelled());
        assert!(task.await.unwrap_err().is_cancelled());
    });
}

#[apply(runtimes)]
fn a_task_awaiting_itself_gets_an_error(kind: RuntimeKind) {
    let _serial = serial();
    on_runtime!(kind, self_await);
}

/// `n` tasks awaiting each other in a ring hang until one is cancelled; that cancels
/// every one of them, and nothing recurses without bound. Cancelled first directly, then
/// through a dropped await (a task awaiting the ring, cancelled).
fn await_cycle<R: Runtime>(make: fn(Config) -> R, n: usize) {
    let rt = make(virtual_clock());
    for through_a_waiter in [false, true] {
        rt.block_on(async {
            let seen = Arc::new(Mutex::new(Vec::new()));
            let slots: Vec<Slot> = (0..n).map(|_| Slot::default()).collect();
            let tasks: Vec<_> = (0..n)
                .map(|i| awaiting(&rt, &slots[(i + 1) % n], &seen))
                .collect();
            for (slot, task) in slots.iter().zip(&tasks) {
                *slot.lock().unwrap() = Some(task.clone());
            }
            aio_sleep::sleep(&rt, secs(1.0)).await;
            assert!(tasks.iter().all(|t| !t.done()), "a cycle hangs");
            if through_a_waiter {
                let awaited = tasks[0].clone();
                let waiter =
                    create_task(&rt, async move { awaited.await.map_err(|e| e.to_string()) });
                aio_sleep::sleep(&rt, secs(1.0)).await;
                assert!(waiter.cancel(None));
            } else {
                assert!(tasks[1 % n].cancel(Some("stop")));
            }
            for task in &tasks {
                let outcome = task.clone().await;
                assert!(outcome.unwrap_err().is_cancelled());
            }
            assert!(seen.lock().unwrap().is_empty(), "cancelled while awaiting");
        });
    }
}

fn await_cycle_of_2<R: Runtime>(make: fn(Config) -> R) {
    await_cycle(make, 2);
}

fn await_cycle_of_3<R: Runtime>(make: fn(Config) -> R) {
    await_cycle(make, 3);
}

#[apply(runtimes)]
fn await_cycles_are_cancelled_whole(kind: RuntimeKind) {
    let _serial = serial();
    on_runtime!(kind, await_cycle_of_2);
    on_runtime!(kind, await_cycle_of_3);
}

/// The end of main, 200 times on each runtime: the `run_shutdown` scenario (a task created
/// in main's last step takes its first step, then the shutdown cancels it) prints
/// CPython's trace in every run, as the flake check demands of it.
#[apply(runtimes)]
fn end_of_main_is_the_same_in_every_run(kind: RuntimeKind) {
    let _serial = serial();
    let scenario = aio_harness::find("run_shutdown").expect("registered");
    let cpython = aio_harness::oracle::committed(scenario).expect("a committed trace");
    for run in 0..200 {
        let outcome = (scenario.run)(kind, aio_harness::Mode::Virtual);
        assert!(outcome.is_ok(), "run {run}: {:?}", outcome.failures);
        assert_eq!(outcome.trace, cpython, "run {run} on {kind}");
    }
}
