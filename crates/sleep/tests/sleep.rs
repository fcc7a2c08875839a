//! aio-sleep without the harness: `sleep(0)` is exactly one yield and sets no timer.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use aio_rt::{Clock, Config, Runtime, Smol};

struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn virtual_smol() -> Smol {
    Smol::with_config(Config::default().clock(Clock::Virtual))
}

#[test]
fn sleep_zero_is_one_yield() {
    let rt = virtual_smol();
    let counter = Arc::new(Counter(AtomicUsize::new(0)));
    let waker = Waker::from(counter.clone());
    let mut cx = Context::from_waker(&waker);
    let mut zero = pin!(aio_sleep::sleep(&rt, Duration::ZERO));
    assert!(
        zero.as_mut().poll(&mut cx).is_pending(),
        "the first poll yields"
    );
    assert_eq!(
        counter.0.load(Ordering::SeqCst),
        1,
        "and wakes itself once, to the back of the queue"
    );
    assert_eq!(
        zero.as_mut().poll(&mut cx),
        Poll::Ready(()),
        "the second poll completes"
    );
}

#[test]
fn sleep_zero_takes_no_time_and_sleep_with_gives_its_value() {
    let rt = virtual_smol();
    rt.block_on(async {
        aio_sleep::sleep(&rt, Duration::ZERO).await;
        assert_eq!(rt.now().since_start(), Duration::ZERO);
        let value = aio_sleep::sleep_with(&rt, Duration::from_secs(2), 7).await;
        assert_eq!(value, 7);
        assert_eq!(rt.now().since_start(), Duration::from_secs(2));
    });
}

#[test]
fn a_cancelled_sleep_does_not_hold_the_clock() {
    let rt = virtual_smol();
    rt.block_on(async {
        let long = aio_sleep::sleep(&rt, Duration::from_secs(100));
        let short = aio_sleep::sleep_with(&rt, Duration::from_secs(1), ());
        futures_lite::future::or(long, short).await;
        // The 100 s timer was dropped with its future: the next sleep is the next deadline.
        aio_sleep::sleep(&rt, Duration::from_secs(1)).await;
        assert_eq!(rt.now().since_start(), Duration::from_secs(2));
    });
}

#[test]
fn to_thread_panics_are_errors() {
    let rt = virtual_smol();
    let result = rt.block_on(aio_sleep::to_thread(&rt, || -> u8 {
        panic!("in a thread")
    }));
    assert_eq!(result.unwrap_err().panic_message(), Some("in a thread"));
}

/// Every sleeping task holds its sleep's future: `sleep` must cost no more than the
/// runtime's own timer. (Written as `async move` blocks awaiting a captured timer, these
/// futures were twice and four times that size: rustc kept room for the captured timer
/// and for the one being awaited.)
#[test]
fn sleep_futures_are_no_bigger_than_the_runtime_timer() {
    fn check<R: Runtime>(rt: &R) {
        let delay = Duration::from_millis(1);
        let timer = std::mem::size_of_val(&rt.sleep(delay));
        let sleep = std::mem::size_of_val(&aio_sleep::sleep(rt, delay));
        let with = std::mem::size_of_val(&aio_sleep::sleep_with(rt, delay, 0u64));
        let name = rt.name();
        // A tag, at most, beside the bigger of the timer and the yield.
        assert!(
            sleep <= timer + 8,
            "{name}: sleep {sleep} B, timer {timer} B"
        );
        // And the value it gives.
        assert!(
            with <= sleep + 16,
            "{name}: sleep_with {with} B, sleep {sleep} B"
        );
    }
    check(&virtual_smol());
    check(&aio_rt::Tokio::current_thread());
    check(&aio_rt::AsyncStd::new());
}
