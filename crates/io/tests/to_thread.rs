//! File I/O the asyncio way: a blocking read on the loop stalls every other task; the same
//! read off-loaded with `spawn_blocking` (asyncio's `to_thread`) lets them run. Shown by
//! the order of events, not by timing.
//!
//! ```python
//! async def ticker(events):
//!     for i in (1, 2, 3):
//!         events.append(f"tick {i}")
//!         await asyncio.sleep(0)
//!
//! events.append("read start")
//! data = open(path, "rb").read()                         # on the loop: nobody else runs
//! data = await asyncio.to_thread(open(path).read)        # off the loop: ticks go on
//! events.append("read done")
//! ```

mod common;

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use aio_rt::Runtime;

const CONTENT: &[u8] = b"the file's content\n";

type Events = Arc<Mutex<Vec<String>>>;

fn log(events: &Events, event: impl Into<String>) {
    events.lock().unwrap().push(event.into());
}

fn test_file(tag: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("aio-io-{}-{tag}.txt", std::process::id()));
    std::fs::write(&path, CONTENT).unwrap();
    path
}

/// Three ticks, each followed by a yield; after the third, tells `done` (if any).
async fn ticker<R: Runtime>(rt: R, events: Events, done: Option<mpsc::Sender<()>>) {
    for i in 1..=3 {
        log(&events, format!("tick {i}"));
        rt.yield_now().await;
    }
    if let Some(done) = done {
        let _ = done.send(());
    }
}

/// On a single-threaded runtime, a blocking read on the loop runs start to finish before
/// any other task gets a turn: every tick comes after "read done".
fn blocking_read_on_the_loop<R: Runtime>(rt: R) {
    let path = test_file(rt.name());
    let events: Events = Events::default();
    rt.block_on(async {
        let ticks = rt.spawn(ticker(rt.clone(), Arc::clone(&events), None));
        log(&events, "read start");
        let data = std::fs::read(&path).unwrap(); // blocks the loop
        log(&events, "read done");
        assert_eq!(data, CONTENT);
        ticks.await.unwrap();
    });
    std::fs::remove_file(&path).unwrap();
    assert_eq!(
        *events.lock().unwrap(),
        ["read start", "read done", "tick 1", "tick 2", "tick 3"]
    );
}

#[test]
fn blocking_read_on_the_loop_stalls_tokio() {
    blocking_read_on_the_loop(aio_rt::Tokio::current_thread());
}

#[test]
fn blocking_read_on_the_loop_stalls_smol() {
    blocking_read_on_the_loop(aio_rt::Smol::new());
}

#[test]
fn blocking_read_on_the_loop_stalls_aio_loop() {
    blocking_read_on_the_loop(aio_loop::EventLoop::new());
}

/// Off the loop, the read cannot even finish before the ticker has ticked three times
/// (the job waits for it): the ticks land between "read start" and "read done".
fn off_loaded_read<R: Runtime>(rt: R) {
    let path = test_file(&format!("{}-off", rt.name()));
    let events: Events = Events::default();
    let (ticked, three_ticks) = mpsc::channel();
    let job_path = path.clone();
    let data = rt.block_on(async {
        log(&events, "read start");
        let read = rt.spawn_blocking(move || {
            // A bound, so that a broken runtime fails the test instead of hanging it.
            three_ticks
                .recv_timeout(common::TEST_DEADLINE)
                .expect("the other tasks ran while the read was off the loop");
            std::fs::read(job_path).unwrap()
        });
        let ticks = rt.spawn(ticker(rt.clone(), Arc::clone(&events), Some(ticked)));
        let data = read.await.unwrap();
        log(&events, "read done");
        ticks.await.unwrap();
        data
    });
    std::fs::remove_file(&path).unwrap();
    assert_eq!(data, CONTENT);
    assert_eq!(
        *events.lock().unwrap(),
        ["read start", "tick 1", "tick 2", "tick 3", "read done"]
    );
}

#[test]
fn off_loaded_read_lets_others_run_tokio() {
    off_loaded_read(aio_rt::Tokio::current_thread());
}

#[test]
fn off_loaded_read_lets_others_run_tokio_mt() {
    off_loaded_read(aio_rt::Tokio::multi_thread());
}

#[test]
fn off_loaded_read_lets_others_run_async_std() {
    off_loaded_read(aio_rt::AsyncStd::new());
}

#[test]
fn off_loaded_read_lets_others_run_smol() {
    off_loaded_read(aio_rt::Smol::new());
}

#[test]
fn off_loaded_read_lets_others_run_aio_loop() {
    off_loaded_read(aio_loop::EventLoop::new());
}
