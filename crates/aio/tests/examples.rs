//! Every runnable example of `crates/aio/examples`, run in virtual time, its trace checked.
//!
//! Each example file is included here as a module (its `pub fn main`), so the test runs
//! it in this process: `aio::example::set_clock` puts it on the virtual clock (what
//! `AIO_CLOCK=virtual` does for `cargo run --example`), and `aio::example::take_trace`
//! gives the lines it printed.

use std::sync::Mutex;

use aio::rt::Clock;

// Each example's `pub fn main` is there for this test, not for other crates.
#[allow(unreachable_pub)]
#[path = "../examples/as_completed.rs"]
mod as_completed;
#[allow(unreachable_pub)]
#[path = "../examples/async_generator.rs"]
mod async_generator;
#[allow(unreachable_pub)]
#[path = "../examples/async_iterator.rs"]
mod async_iterator;
#[allow(unreachable_pub)]
#[path = "../examples/blocking_sleep.rs"]
mod blocking_sleep;
#[allow(unreachable_pub)]
#[path = "../examples/callbacks.rs"]
mod callbacks;
#[allow(unreachable_pub)]
#[path = "../examples/create_task.rs"]
mod create_task;
#[allow(unreachable_pub)]
#[path = "../examples/event.rs"]
mod event;
#[allow(unreachable_pub)]
#[path = "../examples/future.rs"]
mod future;
#[allow(unreachable_pub)]
#[path = "../examples/gather.rs"]
mod gather;
#[allow(unreachable_pub)]
#[path = "../examples/get_running_loop.rs"]
mod get_running_loop;
#[allow(unreachable_pub)]
#[path = "../examples/io_bound.rs"]
mod io_bound;
#[allow(unreachable_pub)]
#[path = "../examples/lock.rs"]
mod lock;
#[allow(unreachable_pub)]
#[path = "../examples/queue.rs"]
mod queue;
#[allow(unreachable_pub)]
#[path = "../examples/semaphore.rs"]
mod semaphore;
#[allow(unreachable_pub)]
#[path = "../examples/shield.rs"]
mod shield;
#[allow(unreachable_pub)]
#[path = "../examples/wait.rs"]
mod wait;
#[allow(unreachable_pub)]
#[path = "../examples/wait_for.rs"]
mod wait_for;

/// The examples share the trace buffer: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// The lines `main` printed, run on the virtual clock.
fn trace_of(main: fn()) -> Vec<String> {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    aio::example::set_clock(Some(Clock::Virtual));
    aio::example::take_trace();
    main();
    aio::example::take_trace()
}

#[test]
fn as_completed_trace() {
    assert_eq!(
        trace_of(as_completed::main),
        ["[1.0s] got fast", "[2.0s] got medium", "[3.0s] got slow",]
    );
}

#[test]
fn async_generator_trace() {
    assert_eq!(
        trace_of(async_generator::main),
        [
            "[1.0s] fetched page at offset 0",
            "[1.0s] row 0",
            "[1.0s] row 1",
            "[2.0s] fetched page at offset 2",
            "[2.0s] row 2",
            "[2.0s] row 3",
            "[3.0s] fetched page at offset 4",
            "[3.0s] row 4",
        ]
    );
}

#[test]
fn async_iterator_trace() {
    assert_eq!(
        trace_of(async_iterator::main),
        ["[1.0s] tick 1", "[2.0s] tick 2", "[3.0s] tick 3",]
    );
}

#[test]
fn blocking_sleep_trace() {
    let mut trace = trace_of(blocking_sleep::main);
    // The threads finish in whatever order the OS runs them.
    trace[6..].sort();
    assert_eq!(
        trace,
        [
            // Blocking: one after the other; blocking takes no virtual time.
            "[0.0s] blocking 0 done",
            "[0.0s] blocking 1 done",
            "[0.0s] blocking 2 done",
            "[1.0s] non-blocking 0 done",
            "[1.0s] non-blocking 1 done",
            "[1.0s] non-blocking 2 done",
            "[1.0s] in a thread 0 done",
            "[1.0s] in a thread 1 done",
            "[1.0s] in a thread 2 done",
        ]
    );
}

#[test]
fn callbacks_trace() {
    assert_eq!(
        trace_of(callbacks::main),
        [
            "[0.0s] main: waiting",
            "[0.0s] call_soon: as soon as main yields",
            "[1.0s] call_later: one second later",
            r#"[2.0s] callback: task finished with "data.csv""#,
            "[3.0s] main: done",
        ]
    );
}

#[test]
fn create_task_trace() {
    assert_eq!(
        trace_of(create_task::main),
        [
            "[0.0s] tasks created",
            "[0.0s] tea: start",
            "[0.0s] coffee: start",
            "[1.0s] coffee: done",
            "[2.0s] tea: done",
            "[2.0s] got tea and coffee",
        ]
    );
}

#[test]
fn event_trace() {
    assert_eq!(
        trace_of(event::main),
        [
            "[0.0s] a waits",
            "[0.0s] b waits",
            "[2.0s] set the event",
            "[2.0s] a woke up",
            "[2.0s] b woke up",
            "[2.0s] is_set: true",
        ]
    );
}

#[test]
fn future_trace() {
    assert_eq!(
        trace_of(future::main),
        [
            "[0.0s] <Future pending>, done: false",
            "[1.0s] result: 42",
            "[1.0s] <Future finished result=42>, done: true",
        ]
    );
}

#[test]
fn gather_trace() {
    assert_eq!(
        trace_of(gather::main),
        [
            "[1.0s] job 2 done",
            "[3.0s] job 0 done",
            "[3.0s] 0",
            "[3.0s] ValueError('job 1 failed')",
            "[3.0s] 20",
        ]
    );
}

#[test]
fn get_running_loop_trace() {
    assert_eq!(
        trace_of(get_running_loop::main),
        [
            "[0.0s] outside: RuntimeError: no running event loop",
            "[0.0s] a callback on the running loop",
            "[1.0s] loop.time() moved by 1.0",
        ]
    );
}

#[test]
fn io_bound_trace() {
    assert_eq!(
        trace_of(io_bound::main),
        [
            "[0.0s] fetching a.com",
            "[0.0s] fetching b.com",
            "[0.0s] fetching c.com",
            "[1.0s] got a.com",
            "[1.0s] got b.com",
            "[1.0s] got c.com",
            "[1.0s] 3 pages",
        ]
    );
}

#[test]
fn lock_trace() {
    assert_eq!(
        trace_of(lock::main),
        [
            "[0.0s] a: in the lock",
            "[1.0s] a: balance 10",
            "[1.0s] b: in the lock",
            "[2.0s] b: balance 30",
            "[2.0s] locked by hand: true",
            "[2.0s] final balance 30",
        ]
    );
}

#[test]
fn queue_trace() {
    assert_eq!(
        trace_of(queue::main),
        [
            "[0.0s] put 0",
            "[0.0s] put 1",
            "[0.0s] put 2",
            "[0.0s] put 3",
            "[1.0s] c1 processed 0",
            "[1.0s] c2 processed 1",
            "[2.0s] c1 processed 2",
            "[2.0s] c2 processed 3",
            "[2.0s] all items processed",
        ]
    );
}

#[test]
fn semaphore_trace() {
    assert_eq!(
        trace_of(semaphore::main),
        [
            "[0.0s] request 0 starts",
            "[0.0s] request 1 starts",
            "[1.0s] request 2 starts",
            "[1.0s] request 3 starts",
            "[2.0s] request 4 starts",
            "[3.0s] all done: [0, 1, 2, 3, 4]",
        ]
    );
}

#[test]
fn shield_trace() {
    assert_eq!(
        trace_of(shield::main),
        [
            "[5.0s] Task took longer than 5s, it will finish soon!",
            "[10.0s] 10",
        ]
    );
}

#[test]
fn wait_trace() {
    assert_eq!(
        trace_of(wait::main),
        [
            r#"[1.0s] first: ["file1"], still pending: 2"#,
            r#"[2.5s] then: ["file2"], still pending: 1"#,
            "[2.5s] cancelled the rest",
        ]
    );
}

#[test]
fn wait_for_trace() {
    assert_eq!(
        trace_of(wait_for::main),
        ["[2.0s] timed out", "[12.0s] without a timeout: rows",]
    );
}
