//! The rules of the loop, one test each; error cases assert the error and its message.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use aio_loop::{EventLoop, NoRunningLoop, RunError, get_running_loop};
use aio_rt::{Clock, Config, ExceptionContext, JoinError, Runtime};

fn virtual_loop() -> EventLoop {
    EventLoop::with_config(Config::default().clock(Clock::Virtual))
}

/// A shared list that callbacks push into.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

impl Seen {
    fn push(&self, what: impl Into<String>) {
        self.0.lock().unwrap().push(what.into());
    }
    fn pusher(&self, what: &'static str) -> impl FnOnce() + Send + 'static {
        let seen = self.clone();
        move || seen.push(what)
    }
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

fn stopper(event_loop: &EventLoop) -> impl FnOnce() + Send + 'static {
    let event_loop = event_loop.clone();
    move || event_loop.stop()
}

#[test]
fn smoke() {
    let event_loop = virtual_loop();
    assert_eq!(event_loop.name(), "aio-loop");
    assert_eq!(Runtime::clock(&event_loop), Clock::Virtual);
    assert_eq!(EventLoop::new().clock(), Clock::Real);
    assert_eq!(event_loop.block_on(async { 6 * 7 }), 42);
}

#[test]
fn callbacks_run_in_the_order_scheduled() {
    let (event_loop, seen) = (virtual_loop(), Seen::default());
    for what in ["a", "b", "c", "d"] {
        event_loop.call_soon(seen.pusher(what));
    }
    event_loop.call_soon(stopper(&event_loop));
    event_loop.run_forever().unwrap();
    assert_eq!(seen.take(), ["a", "b", "c", "d"]);
}

#[test]
fn a_callback_scheduled_during_an_iteration_runs_in_the_next() {
    let (event_loop, seen) = (virtual_loop(), Seen::default());
    let (s, lp) = (seen.clone(), event_loop.clone());
    event_loop.call_soon(move || {
        s.push("a");
        lp.call_soon(s.pusher("from a"));
        // Stopping here ends the run after this iteration: "from a" must not run in it.
        lp.stop();
    });
    event_loop.call_soon(seen.pusher("b"));
    event_loop.run_forever().unwrap();
    assert_eq!(seen.take(), ["a", "b"]);
    event_loop.call_soon(stopper(&event_loop));
    event_loop.run_forever().unwrap();
    assert_eq!(seen.take(), ["from a"]);
}

#[test]
fn due_timers_join_the_end_of_the_queue_in_deadline_then_registration_order() {
    let (event_loop, seen) = (virtual_loop(), Seen::default());
    event_loop.call_later(2.0, seen.pusher("2 (first made)"));
    event_loop.call_later(1.0, seen.pusher("1"));
    event_loop.call_later(2.0, seen.pusher("2 (second made)"));
    event_loop.call_later(-5.0, seen.pusher("-5"));
    event_loop.call_soon(seen.pusher("soon"));
    let stop = event_loop.call_later(3.0, stopper(&event_loop));
    assert_eq!(stop.when(), 3.0);
    event_loop.run_forever().unwrap();
    assert_eq!(
        seen.take(),
        ["soon", "-5", "1", "2 (first made)", "2 (second made)"]
    );
    assert_eq!(event_loop.time(), 3.0);
}

#[test]
fn a_cancelled_handle_never_runs() {
    let (event_loop, seen) = (virtual_loop(), Seen::default());
    let soon = event_loop.call_soon(seen.pusher("cancelled soon"));
    let timer = event_loop.call_later(1.0, seen.pusher("cancelled timer"));
    assert!(!soon.cancelled() && !timer.cancelled());
    soon.cancel();
    timer.cancel();
    assert!(soon.cancelled() && timer.cancelled());
    event_loop.call_later(2.0, stopper(&event_loop));
    event_loop.run_forever().unwrap();
    assert!(seen.take().is_empty());
    // A cancelled timer at the top of the heap does not hold the virtual clock back.
    assert_eq!(event_loop.time(), 2.0);
}

#[test]
fn cancelled_timers_are_swept_out_when_they_are_most_of_the_heap() {
    let event_loop = virtual_loop();
    let timers: Vec<_> = (0..1000)
        .map(|i| event_loop.call_later(100.0 + f64::from(i), || {}))
        .collect();
    for timer in &timers[..900] {
        timer.cancel();
        timer.cancel(); // counted once
    }
    assert!(format!("{event_loop:?}").contains("timers: 1000"));
    event_loop.stop();
    event_loop.run_forever().unwrap();
    assert!(
        format!("{event_loop:?}").contains("timers: 100"),
        "{event_loop:?}"
    );
}

#[test]
fn a_panicking_callback_goes_to_the_exception_handler_and_the_loop_carries_on() {
    let (event_loop, seen) = (virtual_loop(), Seen::default());
    let contexts = Arc::new(Mutex::new(Vec::<ExceptionContext>::new()));
    let sink = contexts.clone();
    event_loop.set_exception_handler(move |context| sink.lock().unwrap().push(context.clone()));
    event_loop.call_soon(|| panic!("boom"));
    event_loop.call_soon(seen.pusher("after"));
    event_loop.call_soon(stopper(&event_loop));
    event_loop.run_forever().unwrap();
    assert_eq!(seen.take(), ["after"]);
    let contexts = contexts.lock().unwrap();
    assert_eq!(contexts.len(), 1);
    assert!(
        contexts[0].message.starts_with("Exception in callback "),
        "{}",
        contexts[0].message
    );
    assert_eq!(contexts[0].keys(), ["exception", "handle", "message"]);
    let report = contexts[0].to_string();
    assert!(report.ends_with("()>\nException: boom"), "{report}");
    assert!(
        report
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("handle: <Handle "),
        "{report}"
    );
}

#[test]
fn a_callback_that_panics_with_a_py_error_keeps_its_class() {
    let event_loop = virtual_loop();
    let contexts = Arc::new(Mutex::new(Vec::<ExceptionContext>::new()));
    let sink = contexts.clone();
    event_loop.set_exception_handler(move |context| sink.lock().unwrap().push(context.clone()));
    event_loop.call_soon(|| std::panic::panic_any(aio_rt::PyError::new("ValueError", "boom")));
    event_loop.call_soon(|| panic!("plain"));
    event_loop.call_soon(stopper(&event_loop));
    event_loop.run_forever().unwrap();
    let printed: Vec<String> = contexts
        .lock()
        .unwrap()
        .iter()
        .map(|context| aio_rt::format_exception(context.exception.as_ref().unwrap()))
        .collect();
    assert_eq!(printed, ["ValueError: boom", "Exception: plain"]);
}

#[test]
fn get_running_loop_outside_a_loop_is_an_error() {
    let error = get_running_loop().unwrap_err();
    assert_eq!(error, NoRunningLoop);
    assert_eq!(error.to_string(), "no running event loop");
}

#[test]
fn get_running_loop_inside_gives_the_running_loop() {
    let event_loop = virtual_loop();
    let (inside_task, inside_callback) = event_loop
        .run_until_complete(async {
            let task = get_running_loop();
            let (tx, rx) = mpsc::channel();
            get_running_loop()
                .unwrap()
                .call_soon(move || tx.send(get_running_loop()).unwrap());
            get_running_loop().unwrap().yield_now().await;
            (task, rx.recv().unwrap())
        })
        .unwrap();
    assert_eq!(inside_task, Ok(event_loop.clone()));
    assert_eq!(inside_callback, Ok(event_loop));
    // And none once the run is over.
    assert_eq!(get_running_loop(), Err(NoRunningLoop));
}

#[test]
fn a_second_loop_on_a_thread_that_runs_one_is_an_error() {
    let event_loop = virtual_loop();
    let error = event_loop
        .run_until_complete(async { virtual_loop().run_until_complete(async {}) })
        .unwrap();
    assert_eq!(error, Err(RunError::AnotherLoopRunning));
    assert_eq!(
        RunError::AnotherLoopRunning.to_string(),
        "cannot run the event loop while another loop is running"
    );
}

#[test]
fn running_a_loop_that_is_running_is_an_error() {
    let event_loop = virtual_loop();
    let lp = event_loop.clone();
    let (same_thread, other_thread) = event_loop
        .run_until_complete(async move {
            let same = lp.run_forever();
            let lp2 = lp.clone();
            let other = std::thread::spawn(move || lp2.run_until_complete(async {}))
                .join()
                .unwrap();
            (same, other)
        })
        .unwrap();
    assert_eq!(same_thread, Err(RunError::AlreadyRunning));
    assert_eq!(other_thread, Err(RunError::AlreadyRunning));
    assert_eq!(
        RunError::AlreadyRunning.to_string(),
        "this event loop is already running"
    );
    // After the run, it may run again.
    assert_eq!(event_loop.run_until_complete(async { 1 }), Ok(1));
}

#[test]
#[should_panic(expected = "aio-loop: this event loop is already running")]
fn block_on_inside_the_loop_panics_instead_of_deadlocking() {
    let event_loop = virtual_loop();
    let lp = event_loop.clone();
    event_loop.block_on(async move { lp.block_on(async {}) });
}

#[test]
fn a_run_that_can_never_finish_fails_on_the_virtual_clock() {
    let event_loop = virtual_loop();
    let error = event_loop
        .run_until_complete(std::future::pending::<()>())
        .unwrap_err();
    assert_eq!(error, RunError::Stalled);
    assert!(
        error.to_string().contains("the run can never finish"),
        "{error}"
    );
    // run_forever with nothing scheduled, too.
    assert_eq!(event_loop.run_forever(), Err(RunError::Stalled));
}

#[test]
#[should_panic(expected = "the run can never finish")]
fn block_on_panics_when_the_run_can_never_finish() {
    let event_loop = virtual_loop();
    let lp = event_loop.clone();
    event_loop.block_on(async move {
        // A task that waits forever, and main waiting for it.
        lp.spawn(std::future::pending::<()>()).await.unwrap();
    });
}

#[test]
fn stop_before_the_future_completes_is_an_error() {
    let event_loop = virtual_loop();
    event_loop.call_soon(stopper(&event_loop));
    let lp = event_loop.clone();
    let error = event_loop
        .run_until_complete(async move { lp.sleep(Duration::from_secs(5)).await })
        .unwrap_err();
    assert_eq!(error, RunError::Stopped);
    assert_eq!(
        error.to_string(),
        "event loop stopped before future completed"
    );
}

#[test]
fn stop_before_run_forever_runs_one_iteration() {
    let (event_loop, seen) = (virtual_loop(), Seen::default());
    let (s, lp) = (seen.clone(), event_loop.clone());
    event_loop.call_soon(move || {
        s.push("ready");
        lp.call_soon(s.pusher("next iteration"));
    });
    event_loop.stop();
    event_loop.run_forever().unwrap();
    assert_eq!(seen.take(), ["ready"]);
}

#[test]
fn run_in_executor_does_not_stall_the_loop() {
    let event_loop = virtual_loop();
    let lp = event_loop.clone();
    let (ticks, value) = event_loop
        .run_until_complete(async move {
            let (release, released) = mpsc::channel::<()>();
            let job = lp.run_in_executor(move || {
                released.recv().unwrap();
                std::thread::current().name().map(str::to_owned)
            });
            // The loop keeps running while the job blocks: this task ticks, then releases it.
            let mut ticks = 0;
            for _ in 0..3 {
                lp.yield_now().await;
                ticks += 1;
            }
            release.send(()).unwrap();
            (ticks, job.await.unwrap())
        })
        .unwrap();
    assert_eq!(ticks, 3);
    assert_eq!(value.as_deref(), Some("aio-loop-executor"));
    // Time stood still while the job ran.
    assert_eq!(event_loop.time(), 0.0);
}

#[test]
fn run_in_executor_reports_a_panic_and_cancellation() {
    let event_loop = virtual_loop();
    let lp = event_loop.clone();
    let (panicked, cancelled) = event_loop
        .run_until_complete(async move {
            let panicked = lp.run_in_executor(|| panic!("job failed")).await;
            let (release, released) = mpsc::channel::<()>();
            let job = lp.run_in_executor(move || released.recv().unwrap());
            assert!(job.cancel());
            let cancelled = job.await;
            release.send(()).unwrap();
            (panicked, cancelled)
        })
        .unwrap();
    assert_eq!(panicked, Err(JoinError::Panicked("job failed".into())));
    assert_eq!(cancelled, Err(JoinError::Cancelled));
}

#[test]
fn call_soon_threadsafe_wakes_a_parked_loop() {
    // Real clock, nothing scheduled: the loop parks until another thread wakes it.
    let event_loop = EventLoop::new();
    let lp = event_loop.clone();
    let waker = std::thread::spawn(move || {
        while !lp.is_running() {
            std::thread::yield_now();
        }
        let stop = lp.clone();
        lp.call_soon_threadsafe(move || stop.stop());
    });
    event_loop.run_forever().unwrap();
    waker.join().unwrap();
}

#[test]
fn timers_fire_on_the_real_clock() {
    let (event_loop, seen) = (EventLoop::new(), Seen::default());
    let timer = event_loop.call_later(0.005, seen.pusher("timer"));
    event_loop.call_later(0.01, stopper(&event_loop));
    event_loop.run_forever().unwrap();
    assert_eq!(seen.take(), ["timer"]);
    assert!(event_loop.time() >= timer.when());
}

#[test]
fn tasks_sleep_and_yield_like_asyncio() {
    let event_loop = virtual_loop();
    let lp = event_loop.clone();
    let order = event_loop.block_on(async move {
        let seen = Seen::default();
        let mut tasks = Vec::new();
        for (name, delay) in [("c", 3), ("a", 1), ("b", 2)] {
            let (lp2, s) = (lp.clone(), seen.clone());
            tasks.push(lp.spawn(async move {
                lp2.sleep(Duration::from_secs(delay)).await;
                s.push(format!("{name}@{}", lp2.time()));
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        seen.take()
    });
    assert_eq!(order, ["a@1", "b@2", "c@3"]);
    assert_eq!(event_loop.now().since_start(), Duration::from_secs(3));
}

#[test]
fn a_task_panic_goes_to_its_join_handle() {
    let lost = Arc::new(AtomicUsize::new(0));
    let counter = lost.clone();
    let config = Config::default()
        .clock(Clock::Virtual)
        .exception_handler(move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        });
    let event_loop = EventLoop::with_config(config);
    let lp = event_loop.clone();
    let outcome = event_loop.block_on(async move {
        let kept = lp.spawn(async { panic!("task failed") }).await;
        drop(lp.spawn(async { panic!("nobody awaits this one") }));
        lp.sleep(Duration::from_secs(1)).await;
        kept
    });
    assert_eq!(outcome, Err(JoinError::Panicked("task failed".into())));
    assert_eq!(lost.load(Ordering::SeqCst), 1);
}

/// `Display` is asyncio's repr: the callback by its Rust type name, `cancelled` once
/// cancelled (the callback dropped), a timer's `when` in seconds.
#[test]
fn handles_print_as_asyncio_reprs() {
    fn tick() {}
    let ev =
        aio_loop::EventLoop::with_config(aio_rt::Config::default().clock(aio_rt::Clock::Virtual));
    let handle = ev.call_soon(tick);
    assert_eq!(
        handle.to_string(),
        format!("<Handle {}()>", std::any::type_name_of_val(&tick))
    );
    handle.cancel();
    assert_eq!(handle.to_string(), "<Handle cancelled>");
    let timer = ev.call_at(2.0, tick);
    assert_eq!(
        timer.to_string(),
        format!(
            "<TimerHandle when=2.0 {}()>",
            std::any::type_name_of_val(&tick)
        )
    );
    timer.cancel();
    assert_eq!(timer.to_string(), "<TimerHandle cancelled when=2.0>");
}

/// The panic message of `f`, or `None` if it returned.
fn panic_of(f: impl FnOnce()) -> Option<String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .err()
        .map(|payload| {
            payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default()
        })
}

#[test]
fn block_on_inside_another_runtime_fails_at_once() {
    // The loop's block_on inside a task of smol, and smol's inside the loop: both refuse,
    // naming the fix, where they would block the thread that runs the tasks.
    let smol = aio_rt::Smol::new();
    let outer = smol.clone();
    let in_smol = smol.block_on(async move {
        outer
            .spawn(async { panic_of(|| virtual_loop().block_on(async {})) })
            .await
            .unwrap()
    });
    let in_loop = virtual_loop().block_on(async {
        panic_of(|| {
            aio_rt::Smol::new().block_on(async {});
        })
    });
    for (message, runtime) in [(in_smol, "aio-loop"), (in_loop, "smol")] {
        assert!(
            message.as_deref().is_some_and(|m| m.starts_with(&format!(
                "{runtime}: block_on cannot be called from a running runtime"
            ))),
            "{runtime}: {message:?}"
        );
    }
}

#[test]
fn block_on_inside_the_loop_names_the_fix() {
    let event_loop = virtual_loop();
    let lp = event_loop.clone();
    let message = event_loop.block_on(async move { panic_of(|| lp.block_on(async {})) });
    assert!(
        message.as_deref().is_some_and(|m| m
            .starts_with("aio-loop: this event loop is already running")
            && m.contains(".await the future")),
        "{message:?}"
    );
}
