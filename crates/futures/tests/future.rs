//! asyncio.Future's rules and error cases, on aio-loop (virtual clock) and on smol.

use std::future::Future as _;
use std::pin::{Pin, pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};

use aio_futures::{
    CancelledError, DoneCallback, Exception, Future, FutureError, InvalidStateError, Wait,
};
use aio_loop::EventLoop;
use aio_rt::{Clock, Config, Runtime};

fn virtual_loop() -> EventLoop {
    EventLoop::with_config(Config::default().clock(Clock::Virtual))
}

fn assert_send<T: Send>(_: &T) {}

/// A waker that counts its wake-ups.
#[derive(Default)]
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn smoke() {
    let rt = virtual_loop();
    let future: Future<u32> = Future::new(&rt);
    assert_send(&future);
    assert_send(&future.wait());
    assert!(!future.done() && !future.cancelled());
    future.set_result(3).unwrap();
    assert!(future.done());
    assert_eq!(future.result().unwrap(), 3);
    assert_eq!(rt.block_on(future.wait()).unwrap(), 3);
    assert_eq!(
        format!("{future:?}"),
        "Future { state: \"finished\", listeners: 0 }"
    );
}

#[test]
fn setting_a_done_future_is_an_invalid_state_error() {
    let future: Future<u32> = Future::new(&virtual_loop());
    future.set_result(1).unwrap();
    let error: InvalidStateError = future.set_result(2).unwrap_err();
    assert_eq!(error.to_string(), "invalid state");
    assert_eq!(
        future.set_exception("late").unwrap_err().to_string(),
        "invalid state"
    );
    assert!(!future.cancel(), "cancel on a done future returns false");
    assert_eq!(future.result().unwrap(), 1, "the first result stands");
}

#[test]
fn reading_a_pending_future_is_an_invalid_state_error() {
    let future: Future<u32> = Future::new(&virtual_loop());
    match future.result() {
        Err(FutureError::InvalidState(error)) => assert_eq!(error.message(), "result is not set"),
        other => panic!("expected InvalidStateError, got {other:?}"),
    }
    match future.exception() {
        Err(FutureError::InvalidState(error)) => {
            assert_eq!(error.to_string(), "exception is not set")
        }
        other => panic!("expected InvalidStateError, got {other:?}"),
    }
}

#[test]
fn a_cancelled_future_raises_cancelled_error_with_the_message() {
    let rt = virtual_loop();
    let future: Future<u32> = Future::new(&rt);
    assert!(future.cancel_with("shutting down"));
    assert!(!future.cancel_with("again"));
    assert!(future.cancelled() && future.done());
    let expected = CancelledError::clone(match &future.result() {
        Err(FutureError::Cancelled(error)) => error,
        other => panic!("expected CancelledError, got {other:?}"),
    });
    assert_eq!(expected.message(), Some("shutting down"));
    assert_eq!(expected.to_string(), "cancelled: shutting down");
    assert!(matches!(future.exception(), Err(FutureError::Cancelled(e)) if e == expected));
    assert!(matches!(rt.block_on(future.wait()), Err(FutureError::Cancelled(e)) if e == expected));
    // Without a message.
    let plain: Future<u32> = Future::new(&rt);
    assert!(plain.cancel());
    match plain.result() {
        Err(FutureError::Cancelled(error)) => {
            assert_eq!(error.message(), None);
            assert_eq!(error.to_string(), "cancelled");
        }
        other => panic!("expected CancelledError, got {other:?}"),
    }
}

#[test]
fn an_exception_reaches_result_exception_and_awaiters() {
    let rt = virtual_loop();
    let future: Future<u32> = Future::new(&rt);
    future
        .set_exception(Exception::new(std::io::Error::other("disk full")))
        .unwrap();
    let exception = future.exception().unwrap().unwrap();
    assert!(exception.downcast_ref::<std::io::Error>().is_some());
    assert!(
        matches!(future.result(), Err(FutureError::Exception(e)) if e.to_string() == "disk full")
    );
    assert!(
        matches!(rt.block_on(future.wait()), Err(FutureError::Exception(e)) if e.to_string() == "disk full")
    );
    let ok: Future<u32> = Future::new(&rt);
    ok.set_result(1).unwrap();
    assert!(ok.exception().unwrap().is_none());
}

#[test]
fn done_callbacks_are_scheduled_never_called_inline() {
    let rt = virtual_loop();
    let calls = Arc::new(Mutex::new(Vec::new()));
    let callback = |name: &'static str| {
        let calls = calls.clone();
        DoneCallback::new(move |f: &Future<u32>| {
            calls.lock().unwrap().push((name, f.result().unwrap()))
        })
    };
    let future = Future::new(&rt);
    let (first, second) = (callback("first"), callback("second"));
    future.add_done_callback(first);
    future.add_done_callback(second.clone());
    future.add_done_callback(second.clone());
    future.add_done_callback(callback("third"));
    assert_eq!(future.remove_done_callback(&second), 2);
    assert_eq!(future.remove_done_callback(&second), 0);
    future.set_result(5).unwrap();
    assert!(
        calls.lock().unwrap().is_empty(),
        "set_result called a callback inline"
    );
    let f = future.clone();
    let late = callback("late");
    let c = calls.clone();
    rt.block_on(async move {
        rt_yield().await;
        assert_eq!(*c.lock().unwrap(), [("first", 5), ("third", 5)]);
        f.add_done_callback(late);
        assert_eq!(
            c.lock().unwrap().len(),
            2,
            "add_done_callback on a done future called it inline"
        );
        rt_yield().await;
    });
    assert_eq!(calls.lock().unwrap().last(), Some(&("late", 5)));
}

/// One yield to the back of the ready queue, on the loop running this thread.
async fn rt_yield() {
    aio_loop::get_running_loop().unwrap().yield_now().await;
}

#[test]
fn a_panicking_done_callback_is_reported_and_the_others_still_run() {
    let lost = Arc::new(Mutex::new(Vec::new()));
    let sink = lost.clone();
    let rt = EventLoop::with_config(Config::default().clock(Clock::Virtual).exception_handler(
        move |context| {
            let exception = context.exception.as_ref().map(aio_rt::format_exception);
            let handle = context.handle.is_some();
            sink.lock().unwrap().push((exception, handle));
        },
    ));
    let ran = Arc::new(AtomicUsize::new(0));
    let future: Future<u32> = Future::new(&rt);
    future.add_done_callback(DoneCallback::new(|_| panic!("callback failed")));
    let r = ran.clone();
    future.add_done_callback(DoneCallback::new(move |_| {
        r.fetch_add(1, Ordering::SeqCst);
    }));
    future.set_result(1).unwrap();
    let lp = rt.clone();
    rt.block_on(async move {
        lp.yield_now().await;
        lp.yield_now().await;
    });
    assert_eq!(ran.load(Ordering::SeqCst), 1);
    assert_eq!(
        *lost.lock().unwrap(),
        [(Some("Exception: callback failed".to_owned()), true)]
    );
}

#[test]
fn awaiters_resume_in_the_order_they_started_waiting() {
    let rt = virtual_loop();
    let future: Future<u32> = Future::new(&rt);
    let order = Arc::new(Mutex::new(Vec::new()));
    let lp = rt.clone();
    let (f, o) = (future.clone(), order.clone());
    rt.block_on(async move {
        let mut tasks = Vec::new();
        for i in 0..4 {
            let (f, o) = (f.clone(), o.clone());
            tasks.push(lp.spawn(async move {
                let value = (&f).await.unwrap();
                o.lock().unwrap().push((i, value));
            }));
        }
        lp.yield_now().await;
        f.set_result(9).unwrap();
        for task in tasks {
            task.await.unwrap();
        }
    });
    assert_eq!(*order.lock().unwrap(), [(0, 9), (1, 9), (2, 9), (3, 9)]);
}

#[test]
fn awaiting_a_done_future_does_not_suspend() {
    let future: Future<&str> = Future::new(&virtual_loop());
    future.set_result("ready").unwrap();
    let counter = Arc::new(Counter::default());
    let waker = Waker::from(counter.clone());
    let mut wait = pin!(future.wait());
    assert_eq!(
        wait.as_mut()
            .poll(&mut Context::from_waker(&waker))
            .map(Result::unwrap),
        Poll::Ready("ready")
    );
    assert_eq!(counter.0.load(Ordering::SeqCst), 0);
}

#[test]
fn a_dropped_awaiter_leaves_the_list_and_is_not_woken() {
    let future: Future<u32> = Future::new(&virtual_loop());
    let (dropped, kept) = (Arc::new(Counter::default()), Arc::new(Counter::default()));
    let mut first: Wait<u32> = future.wait();
    let mut second = future.wait();
    assert!(
        Pin::new(&mut first)
            .poll(&mut Context::from_waker(&Waker::from(dropped.clone())))
            .is_pending()
    );
    assert!(
        Pin::new(&mut second)
            .poll(&mut Context::from_waker(&Waker::from(kept.clone())))
            .is_pending()
    );
    // Polled again while pending: keeps its one place.
    assert!(
        Pin::new(&mut second)
            .poll(&mut Context::from_waker(&Waker::from(kept.clone())))
            .is_pending()
    );
    assert_eq!(
        format!("{future:?}"),
        "Future { state: \"pending\", listeners: 2 }"
    );
    drop(first);
    assert_eq!(
        format!("{future:?}"),
        "Future { state: \"pending\", listeners: 1 }"
    );
    future.set_result(1).unwrap();
    assert_eq!(dropped.0.load(Ordering::SeqCst), 0);
    assert_eq!(kept.0.load(Ordering::SeqCst), 1);
}

#[test]
fn works_on_another_runtime() {
    let rt = aio_rt::Smol::with_config(Config::default().clock(Clock::Virtual));
    let future: Future<String> = Future::new(&rt);
    let setter = future.clone();
    let value = rt.block_on(async {
        drop(rt.spawn(async move { setter.set_result("from smol".to_owned()).unwrap() }));
        future.clone().await
    });
    assert_eq!(value.unwrap(), "from smol");
}

/// asyncio's "Future exception was never retrieved": a future whose exception nobody read
/// is reported to the runtime's exception handler when its last clone is dropped; one
/// whose exception was read (awaited, `result`, `exception`) or that has a result is not.
#[test]
fn an_exception_nobody_read_is_reported_when_the_future_is_dropped() {
    let rt = virtual_loop();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    rt.set_exception_handler(move |context| sink.lock().unwrap().push(context.to_string()));
    let (lp, seen2) = (rt.clone(), seen.clone());
    rt.block_on(async move {
        let seen = seen2;
        let unread: Future<u32> = Future::new(&lp);
        let clone = unread.clone();
        unread
            .set_exception(aio_futures::Exception::py(aio_rt::PyError::new(
                "ValueError",
                "fut",
            )))
            .unwrap();
        drop(unread);
        assert!(seen_len(&seen) == 0, "a clone is still alive");
        drop(clone);
        assert_eq!(seen_len(&seen), 1);
        for read in 0..3 {
            let future: Future<u32> = Future::new(&lp);
            future.set_exception("read".to_owned()).unwrap();
            match read {
                0 => assert!(future.result().is_err()),
                1 => assert!(future.exception().unwrap().is_some()),
                _ => assert!((&future).await.is_err()),
            }
        }
        let valued: Future<u32> = Future::new(&lp);
        valued.set_result(1).unwrap();
    });
    assert_eq!(
        *seen.lock().unwrap(),
        ["Future exception was never retrieved\n\
          future: <Future finished exception=ValueError('fut')>\n\
          ValueError: fut"]
    );
}

fn seen_len(seen: &Mutex<Vec<String>>) -> usize {
    seen.lock().unwrap().len()
}
