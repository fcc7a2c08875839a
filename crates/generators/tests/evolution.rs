//! The three steps of the evolution give the same countdown, and the two futures take the
//! same virtual time, suspending at the same points.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use aio_generators::evolution::{async_fn, iterator, state_machine};
use aio_rt::{Clock, Config, Runtime};

fn virtual_rt() -> aio_rt::Smol {
    aio_rt::Smol::with_config(Config::default().clock(Clock::Virtual))
}

#[test]
fn the_generator_counts_down_lazily() {
    let mut countdown = iterator::Countdown::new(2);
    assert_eq!(countdown.next(), Some(2));
    assert_eq!(countdown.next(), Some(1));
    assert_eq!(countdown.next(), None);
    assert_eq!(
        countdown.next(),
        None,
        "a finished generator stays finished"
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "needs a real runtime (smol's reactor calls timerfd_create, which Miri does not support)"
)]
fn the_hand_written_future_and_the_async_fn_agree() {
    let rt = virtual_rt();
    let nap = Duration::from_secs(2);
    let by_hand = rt.block_on(state_machine::CountdownFuture::new(rt.clone(), 3, nap));
    let after_by_hand = rt.now().since_start();
    let by_compiler = rt.block_on(async_fn::countdown(&rt, 3, nap));
    let after_both = rt.now().since_start();
    assert_eq!(by_hand, [3, 2, 1]);
    assert_eq!(by_hand, by_compiler);
    assert_eq!(after_by_hand, Duration::from_secs(6));
    assert_eq!(after_both, Duration::from_secs(12));
}

#[test]
fn a_countdown_from_zero_finishes_on_the_first_poll() {
    let rt = virtual_rt();
    let mut cx = Context::from_waker(Waker::noop());
    let by_hand = pin!(state_machine::CountdownFuture::new(
        rt.clone(),
        0,
        Duration::from_secs(1)
    ));
    assert_eq!(by_hand.poll(&mut cx), Poll::Ready(vec![]));
    let by_compiler = pin!(async_fn::countdown(&rt, 0, Duration::from_secs(1)));
    assert_eq!(by_compiler.poll(&mut cx), Poll::Ready(vec![]));
}

#[test]
#[cfg_attr(
    miri,
    ignore = "needs a real runtime (smol's reactor calls timerfd_create, which Miri does not support)"
)]
fn the_hand_written_future_is_pending_while_it_sleeps() {
    let rt = virtual_rt();
    let mut cx = Context::from_waker(Waker::noop());
    let mut by_hand = pin!(state_machine::CountdownFuture::new(
        rt.clone(),
        1,
        Duration::from_secs(1)
    ));
    // Python: the first send(None) runs to the `yield from asyncio.sleep(1)` and yields.
    assert!(by_hand.as_mut().poll(&mut cx).is_pending());
    assert!(format!("{:?}", by_hand).contains("sleeping: true"));
}
