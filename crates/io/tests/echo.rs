//! The echo demo in one process: N clients and the server on one runtime, every runtime,
//! and the same with one OS thread per connection. Asserts what was sent and received
//! and that all N connections were open at once; never timing.

mod common;

use aio_io::Net;
use aio_io::echo::{self, threads};

const ROUNDS: usize = 3;

fn echo_n<R: Net>(rt: R, clients: usize) {
    let stats = common::run(rt, |rt| async move {
        echo::echo_in_one_process(&rt, clients, ROUNDS)
            .await
            .unwrap_or_else(|e| panic!("echo on {} with {clients} clients: {e}", rt.name()))
    });
    // Every client came and went; every line went round; the gate held them all open.
    assert_eq!(stats.served(), clients);
    assert_eq!(stats.lines(), (clients * ROUNDS) as u64);
    assert_eq!(stats.peak(), clients, "all connections open at once");
}

fn echo_10<R: Net>(rt: R) {
    echo_n(rt, 10);
}

fn echo_1000<R: Net>(rt: R) {
    echo_n(rt, 1000);
}

every_runtime!(ten_clients, super::echo_10);
every_runtime!(thousand_clients, super::echo_1000);

fn threads_n(clients: usize) {
    let (addr, server) =
        threads::start_echo_server("127.0.0.1:0".parse().unwrap(), clients).unwrap();
    let lines = threads::run_clients(addr, clients, ROUNDS, Some(common::TEST_DEADLINE))
        .unwrap_or_else(|e| panic!("thread-per-connection clients: {e}"));
    let stats = server.join().unwrap().unwrap();
    assert_eq!(lines, clients * ROUNDS);
    assert_eq!(stats.served(), clients);
    assert_eq!(stats.lines(), (clients * ROUNDS) as u64);
    assert_eq!(stats.peak(), clients, "all connections open at once");
}

#[test]
fn threads_ten_clients() {
    threads_n(10);
}

#[test]
fn threads_two_hundred_clients() {
    threads_n(200);
}

#[test]
fn message_format() {
    assert_eq!(echo::message(7, 2), b"client 7 round 2\n");
}
