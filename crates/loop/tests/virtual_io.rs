//! On the virtual clock, ready I/O is ready work: the loop looks at its sockets before it
//! moves the clock or declares the run stalled (tokio's paused clock polls I/O first too).

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;

use aio_loop::{Async, EventLoop};
use aio_rt::{Clock, Config};

/// A socket pair, one end registered with `event_loop`, the other written by a
/// `call_soon` callback; the task reading the registered end gets "abc" at the time it
/// returns.
fn read_written_by_a_callback(event_loop: &EventLoop) -> (Vec<u8>, f64) {
    let (reader, mut writer) = UnixStream::pair().unwrap();
    reader.set_nonblocking(true).unwrap();
    let reader = Async::new(event_loop, reader).unwrap();
    event_loop.call_soon(move || writer.write_all(b"abc").unwrap());
    event_loop
        .run_until_complete(async {
            let mut buf = [0; 16];
            let n = reader.read_with(|mut sock| sock.read(&mut buf)).await?;
            std::io::Result::Ok((buf[..n].to_vec(), event_loop.time()))
        })
        .expect("the run finishes: the data is ready")
        .unwrap()
}

fn virtual_loop() -> EventLoop {
    EventLoop::with_config(Config::default().clock(Clock::Virtual))
}

#[test]
fn ready_io_is_seen_before_the_run_is_declared_stalled() {
    let event_loop = virtual_loop();
    assert_eq!(
        read_written_by_a_callback(&event_loop),
        (b"abc".to_vec(), 0.0)
    );
}

#[test]
fn ready_io_is_seen_before_the_clock_moves() {
    let event_loop = virtual_loop();
    // An unrelated timer: the clock must not jump to it while data waits.
    let _timer = event_loop.call_later(10.0, || {});
    assert_eq!(
        read_written_by_a_callback(&event_loop),
        (b"abc".to_vec(), 0.0)
    );
}
