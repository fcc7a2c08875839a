//! The async generator protocol without a runtime: laziness, asend, athrow, aclose, the
//! protocol errors, and what dropping does.

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Waker};

use aio_generators::{AsyncGenerator, Co, GeneratorError, RequestKind, Thrown};
use futures_lite::StreamExt;
use futures_lite::future::{block_on, yield_now};

type Log = Arc<Mutex<Vec<String>>>;

fn note(log: &Log, message: impl Into<String>) {
    log.lock().unwrap().push(message.into());
}

fn taken(log: &Log) -> Vec<String> {
    std::mem::take(&mut *log.lock().unwrap())
}

/// Python: async def agen(): try: yield 1; yield 2 finally: cleanup (awaiting once)
fn two_with_cleanup(
    log: Log,
) -> AsyncGenerator<u32, (), String, impl Future<Output = Result<(), Thrown<String>>> + Send> {
    AsyncGenerator::new(move |mut co: Co<u32, (), String>| async move {
        note(&log, "start");
        let result = async {
            co.yield_(1).await?;
            yield_now().await;
            co.yield_(2).await?;
            Ok(())
        }
        .await;
        yield_now().await;
        note(&log, format!("cleanup after {result:?}"));
        result
    })
}

#[test]
fn smoke() {
    let log = Log::default();
    let mut agen = two_with_cleanup(log.clone());
    let all: Vec<_> = block_on((&mut agen).collect());
    assert_eq!(all, [Ok(1), Ok(2)]);
    assert!(agen.is_finished());
    assert_eq!(taken(&log), ["start", "cleanup after Ok(())"]);
}

#[test]
fn nothing_runs_before_the_first_request() {
    let log = Log::default();
    let agen = two_with_cleanup(log.clone());
    assert!(taken(&log).is_empty());
    assert_eq!(block_on(agen.anext()), Ok(1));
    assert_eq!(taken(&log), ["start"]);
}

#[test]
fn asend_is_what_the_paused_yield_evaluates_to() {
    let received = Arc::new(Mutex::new(Vec::new()));
    let seen = received.clone();
    let agen = AsyncGenerator::new(move |mut co: Co<u32, &'static str>| async move {
        for i in 0.. {
            let got = co.yield_(i).await?;
            seen.lock().unwrap().push(got);
        }
        Ok(())
    });
    assert_eq!(
        block_on(agen.asend("too early")),
        Err(GeneratorError::JustStarted)
    );
    assert_eq!(
        block_on(agen.anext()),
        Ok(0),
        "a failed early asend leaves the generator fresh"
    );
    assert_eq!(block_on(agen.asend("a")), Ok(1));
    assert_eq!(block_on(agen.anext()), Ok(2));
    assert_eq!(*received.lock().unwrap(), [Some("a"), None]);
}

#[test]
fn athrow_raises_at_the_yield_and_returns_the_next_value() {
    let agen = AsyncGenerator::new(|mut co: Co<String, (), String>| async move {
        let mut value = String::from("first");
        loop {
            match co.yield_(value.clone()).await {
                Ok(_) => value = String::from("again"),
                Err(Thrown::Error(error)) if error == "retry" => value = format!("handled {error}"),
                Err(other) => return Err(other),
            }
        }
    });
    assert_eq!(block_on(agen.anext()), Ok("first".to_string()));
    assert_eq!(
        block_on(agen.athrow("retry".to_string())),
        Ok("handled retry".to_string())
    );
    assert_eq!(
        block_on(agen.athrow("fatal".to_string())),
        Err(GeneratorError::Raised("fatal".to_string()))
    );
    assert!(agen.is_finished());
    assert_eq!(
        block_on(agen.anext()),
        Err(GeneratorError::StopAsyncIteration)
    );
}

#[test]
fn athrow_before_the_first_step_runs_no_body() {
    let log = Log::default();
    let agen = two_with_cleanup(log.clone());
    assert_eq!(
        block_on(agen.athrow("early".into())),
        Err(GeneratorError::Raised("early".into()))
    );
    assert_eq!(
        block_on(agen.anext()),
        Err(GeneratorError::StopAsyncIteration)
    );
    assert!(taken(&log).is_empty());
}

#[test]
fn aclose_runs_the_cleanup_exactly_once() {
    let log = Log::default();
    let agen = two_with_cleanup(log.clone());
    assert_eq!(block_on(agen.anext()), Ok(1));
    assert_eq!(block_on(agen.aclose()), Ok(()));
    assert_eq!(block_on(agen.aclose()), Ok(()));
    assert_eq!(taken(&log), ["start", "cleanup after Err(GeneratorExit)"]);
    assert_eq!(
        block_on(agen.anext()),
        Err(GeneratorError::StopAsyncIteration)
    );
}

#[test]
fn aclose_before_the_first_step_or_after_the_end_runs_no_body() {
    let log = Log::default();
    let fresh = two_with_cleanup(log.clone());
    assert_eq!(block_on(fresh.aclose()), Ok(()));
    assert_eq!(
        block_on(fresh.anext()),
        Err(GeneratorError::StopAsyncIteration)
    );
    assert!(taken(&log).is_empty());

    let mut exhausted = two_with_cleanup(log.clone());
    assert_eq!(block_on((&mut exhausted).count()), 2);
    taken(&log);
    assert_eq!(block_on(exhausted.aclose()), Ok(()));
    assert!(taken(&log).is_empty());
}

#[test]
fn yielding_during_close_is_ignored_generator_exit() {
    let agen = AsyncGenerator::new(|mut co: Co<u32>| async move {
        if co.yield_(1).await.is_err() {
            // Python: except GeneratorExit: yield 2
            co.yield_(2).await?;
        }
        Ok(())
    });
    assert_eq!(block_on(agen.anext()), Ok(1));
    let error = block_on(agen.aclose()).unwrap_err();
    assert_eq!(error, GeneratorError::IgnoredGeneratorExit);
    assert_eq!(error.to_string(), "async generator ignored GeneratorExit");
    // Paused at the second yield: a second close gets through.
    assert_eq!(block_on(agen.aclose()), Ok(()));
}

#[test]
fn a_second_request_during_a_step_is_already_running() {
    let agen = AsyncGenerator::new(|mut co: Co<u32, u32, String>| async move {
        co.yield_(1).await?;
        yield_now().await; // the step is in progress here
        co.yield_(2).await?;
        Ok(())
    });
    assert_eq!(block_on(agen.anext()), Ok(1));
    let mut first = pin!(agen.anext());
    let mut cx = Context::from_waker(Waker::noop());
    assert!(first.as_mut().poll(&mut cx).is_pending());
    // CPython names the request: `anext()` for anext and asend, `athrow()`, `aclose()`.
    for (name, error, request, python) in [
        (
            "anext",
            block_on(agen.anext()).unwrap_err(),
            RequestKind::Anext,
            "anext(): asynchronous generator is already running",
        ),
        (
            "asend",
            block_on(agen.asend(7)).unwrap_err(),
            RequestKind::Anext,
            "anext(): asynchronous generator is already running",
        ),
        (
            "athrow",
            block_on(agen.athrow("x".to_owned())).unwrap_err(),
            RequestKind::Athrow,
            "athrow(): asynchronous generator is already running",
        ),
        (
            "aclose",
            block_on(agen.aclose()).unwrap_err(),
            RequestKind::Aclose,
            "aclose(): asynchronous generator is already running",
        ),
    ] {
        assert_eq!(error, GeneratorError::AlreadyRunning { request }, "{name}");
        assert_eq!(
            error.to_string(),
            "asynchronous generator is already running"
        );
        assert_eq!(aio_rt::PyException::py_str(&error), python, "{name}");
    }
    assert_eq!(
        block_on(first),
        Ok(2),
        "the first request finishes its step"
    );
}

#[test]
fn a_dropped_request_leaves_its_step_for_the_next_anext() {
    let mut agen = AsyncGenerator::new(|mut co: Co<u32>| async move {
        yield_now().await;
        co.yield_(1).await?;
        Ok(())
    });
    let mut cx = Context::from_waker(Waker::noop());
    {
        let mut request = pin!(agen.anext());
        assert!(request.as_mut().poll(&mut cx).is_pending());
    }
    assert_eq!(
        block_on(agen.asend(())),
        Err(GeneratorError::AlreadyRunning {
            request: RequestKind::Anext
        })
    );
    assert_eq!(
        block_on(agen.next()),
        Some(Ok(1)),
        "the step continues, no item is lost"
    );
    assert_eq!(block_on(agen.next()), None);
}

#[test]
fn the_body_error_is_the_last_item_of_the_stream() {
    let mut agen = AsyncGenerator::new(|mut co: Co<u32, (), &'static str>| async move {
        co.yield_(1).await?;
        Err(Thrown::Error("connection lost"))
    });
    assert_eq!(block_on(agen.next()), Some(Ok(1)));
    assert_eq!(block_on(agen.next()), Some(Err("connection lost")));
    assert_eq!(block_on(agen.next()), None);
}

/// Counts drops of the guard the body holds.
struct Guard(Log);

impl Drop for Guard {
    fn drop(&mut self) {
        note(&self.0, "guard dropped");
    }
}

#[test]
fn dropping_a_paused_generator_runs_destructors_but_no_async_cleanup() {
    let log = Log::default();
    let body_log = log.clone();
    let mut agen = AsyncGenerator::new(move |mut co: Co<u32>| async move {
        let _guard = Guard(body_log.clone());
        let result = co.yield_(1).await;
        note(&body_log, "async cleanup");
        result.map(drop)
    });
    assert_eq!(block_on(agen.next()), Some(Ok(1)));
    drop(agen);
    assert_eq!(taken(&log), ["guard dropped"]);
}

fn assert_send_sync<T: Send + Sync>(_: &T) {}

#[test]
fn generators_and_requests_are_send_when_the_items_are() {
    let agen = two_with_cleanup(Log::default());
    assert_send_sync(&agen);
    assert_send_sync(&agen.anext());
    assert_send_sync(&agen.aclose());
}

#[test]
#[cfg_attr(
    miri,
    ignore = "needs a real runtime (smol's reactor calls timerfd_create, which Miri does not support)"
)]
fn close_on_drop_runs_the_async_cleanup_in_a_task_once() {
    use aio_rt::{Clock, Config, Runtime};

    let rt = aio_rt::Smol::with_config(Config::default().clock(Clock::Virtual));
    let log = Log::default();
    let make = |log: Log| {
        let body_rt = rt.clone();
        AsyncGenerator::new(move |mut co: Co<u32>| async move {
            let result = co.yield_(1).await;
            body_rt.sleep(std::time::Duration::from_secs(1)).await;
            note(&log, format!("async cleanup after {result:?}"));
            result.map(drop)
        })
        .close_on_drop(rt.clone())
    };
    let paused = make(log.clone());
    let fresh = make(log.clone());
    rt.block_on(async {
        assert_eq!(paused.anext().await, Ok(1));
        drop(paused);
        drop(fresh);
        assert!(
            taken(&log).is_empty(),
            "the cleanup runs later, in its own task"
        );
        rt.sleep(std::time::Duration::from_secs(2)).await;
    });
    assert_eq!(
        taken(&log),
        ["async cleanup after Err(GeneratorExit)"],
        "only the paused generator had cleanup to run"
    );
}

#[test]
fn a_body_can_drive_another_generator_of_the_same_type() {
    // Python: async def doubled(inner): async for x in inner: yield x; yield x
    let inner = AsyncGenerator::new(|mut co: Co<u32>| async move {
        for i in 1..=2 {
            co.yield_(i).await?;
        }
        Ok(())
    });
    let outer = AsyncGenerator::new(move |mut co: Co<u32>| async move {
        let mut inner = inner;
        while let Some(Ok(x)) = inner.next().await {
            co.yield_(x).await?;
            co.yield_(x * 10).await?;
        }
        Ok(())
    });
    let all: Vec<_> = block_on(outer.collect());
    assert_eq!(all, [Ok(1), Ok(10), Ok(2), Ok(20)]);
}

#[test]
fn a_generator_can_move_between_threads_between_steps() {
    let mut agen = two_with_cleanup(Log::default());
    assert_eq!(block_on(agen.next()), Some(Ok(1)));
    let mut agen = std::thread::spawn(move || {
        assert_eq!(block_on(agen.next()), Some(Ok(2)));
        agen
    })
    .join()
    .unwrap();
    assert_eq!(block_on(agen.next()), None);
}

#[test]
fn a_dropped_stream_next_leaves_its_step_for_anext() {
    let mut agen = AsyncGenerator::new(|mut co: Co<u32>| async move {
        yield_now().await;
        co.yield_(1).await?;
        Ok(())
    });
    let mut cx = Context::from_waker(Waker::noop());
    {
        let mut next = pin!(agen.next());
        assert!(next.as_mut().poll(&mut cx).is_pending());
    }
    assert_eq!(block_on(agen.anext()), Ok(1), "anext continues the step");
    assert_eq!(
        block_on(agen.anext()),
        Err(GeneratorError::StopAsyncIteration)
    );
}
