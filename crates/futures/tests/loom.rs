//! loom models of a Future's state (`just loom`): every interleaving of completing,
//! cancelling and awaiting from several threads, with the state lock replaced by loom's.
//! A lost wake-up shows as a deadlock, which loom reports.
//!
//! Run with `RUSTFLAGS="--cfg aio_loom" cargo test --release --test loom -p aio-futures`.
#![cfg(aio_loom)]

use std::future::Future as _;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use aio_futures::{Future, FutureError};
use aio_loop::EventLoop;
use aio_rt::{Clock, Config};
use loom::thread;

/// The runtime is only where done callbacks would be spawned; these models add none, so
/// it is never used inside a model.
fn runtime() -> EventLoop {
    EventLoop::with_config(Config::default().clock(Clock::Virtual))
}

#[test]
fn set_result_and_cancel_race_and_the_awaiter_sees_the_winner() {
    let rt = runtime();
    loom::model(move || {
        let future = Future::<u8>::new(&rt);
        let (setter, canceller) = (future.clone(), future.clone());
        let set = thread::spawn(move || setter.set_result(1).is_ok());
        let cancel = thread::spawn(move || canceller.cancel());
        let seen = loom::future::block_on(future.wait());
        let (set, cancelled) = (set.join().unwrap(), cancel.join().unwrap());
        assert!(set != cancelled, "exactly one completes the future");
        match seen {
            Ok(1) => assert!(set),
            Err(FutureError::Cancelled(_)) => assert!(cancelled),
            other => panic!("unexpected outcome {other:?}"),
        }
        assert!(future.done());
    });
}

#[test]
fn every_awaiter_is_woken() {
    let rt = runtime();
    loom::model(move || {
        let future = Future::<u8>::new(&rt);
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let future = future.clone();
                thread::spawn(move || loom::future::block_on(future.wait()).ok())
            })
            .collect();
        future.set_result(7).unwrap();
        for waiter in waiters {
            assert_eq!(waiter.join().unwrap(), Some(7));
        }
    });
}

#[test]
fn a_dropped_awaiter_does_not_take_another_awaiters_wake_up() {
    let rt = runtime();
    loom::model(move || {
        let future = Future::<u8>::new(&rt);
        let quitter = future.clone();
        let quits = thread::spawn(move || {
            // Registers as an awaiter, then gives up (a timeout around it).
            let mut wait = pin!(quitter.wait());
            let mut cx = Context::from_waker(Waker::noop());
            let first = wait.as_mut().poll(&mut cx);
            matches!(first, Poll::Ready(Ok(3)))
        });
        let stays = {
            let future = future.clone();
            thread::spawn(move || loom::future::block_on(future.wait()).ok())
        };
        future.set_result(3).unwrap();
        quits.join().unwrap();
        assert_eq!(stays.join().unwrap(), Some(3));
    });
}
