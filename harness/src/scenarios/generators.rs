//! Scenarios for `generators`: async iterators, async generators (`asend`, `athrow`,
//! `aclose` and their errors), the notes' lazy database rows, and the road from generators
//! to `async`/`await`.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use aio_generators::evolution::{async_fn, iterator, state_machine};
use aio_generators::{AsyncGenerator, Co, Counter, Database, Thrown, anext_or};
use aio_rt::{PyException, Runtime};
use futures_lite::StreamExt;

use super::tasks::handled;
use crate::{Cx, Scenario, exc};

const CONCEPT: &str = "generators";
const SOURCE: &str = include_str!("generators.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[
    parity!(
        close_on_drop_failure_reported,
        "the cleanup of a dropped generator, closed in a task, raises: the exception handler gets it"
    ),
    parity!(
        async_for_rows,
        "the notes' example: rows fetched lazily, a page at a time, with `async for`; a ticker runs during each query"
    ),
    parity!(
        blocking_rows_stall,
        "the same rows from a blocking iterator: it holds the loop, and the ticker's t=0 tick comes after every row"
    ),
    parity!(
        request_reused,
        "awaiting an anext/asend request again is a RuntimeError, not another step"
    ),
    parity!(
        lazy_start,
        "creating an async generator runs nothing; its body starts at the first anext"
    ),
    parity!(
        async_iterator_protocol,
        "a hand-written async iterator (__aiter__/__anext__ as a Stream), async for, and anext with a default"
    ),
    parity!(
        async_comprehension,
        "an async comprehension with a filter, as stream combinators"
    ),
    parity!(
        asend_values,
        "asend: the paused yield evaluates to the sent value; asend before the first step is a TypeError"
    ),
    parity!(
        athrow_handled,
        "athrow: the body catches a thrown error and yields the next value; an error it does not catch ends it"
    ),
    parity!(
        aclose_cleanup,
        "aclose runs the cleanup (which awaits) exactly once; closing twice or before starting is fine"
    ),
    parity!(
        already_running,
        "a second anext while another task's anext is in the middle of a step: asynchronous generator is already running"
    ),
    parity!(
        already_running_names_request,
        "asend, athrow and aclose while another task's anext is mid-step: each RuntimeError names its request (anext(), athrow(), aclose())"
    ),
    parity!(
        ignored_generator_exit,
        "a body that yields while being closed: async generator ignored GeneratorExit"
    ),
    parity!(
        drop_suspended,
        "a paused generator is dropped: its cleanup runs later in a task of its own, as asyncio's finalizer hook does"
    ),
    parity!(
        evolution_countdown,
        "the same countdown as a generator, a yield-from coroutine (a hand-written Future) and an async fn"
    ),
];

/// Logs a tick at once, then at t=1, t=3 and t=5: an unrelated task that shows whether the
/// loop is free.
async fn ticker<R: Runtime>(cx: Cx<R>) {
    cx.log("ticker", "tick");
    for delay in [1, 2, 2] {
        cx.sleep(delay).await;
        cx.log("ticker", "tick");
    }
}

/// A database of 5 rows whose queries take 2 ticks, logging each query.
fn database<R: Runtime>(cx: &Cx<R>) -> Database<R> {
    let log = cx.clone();
    Database::new(cx.rt().clone(), 5, cx.ticks(2)).on_query(move |query| log.log("db", query))
}

/// The asyncio notes' example: an async generator fetches rows from a database a page
/// (2 rows) at a time, each query taking 2 ticks, and `main` consumes it with the
/// `async for` equivalent, `while let Some(..) = rows.next().await`. A page is fetched
/// only when the previous one is used up. While a query waits, the loop is free: the
/// ticker's ticks land between the pages.
pub(crate) async fn async_for_rows<R: Runtime>(cx: Cx<R>) {
    let ticker = cx.spawn("ticker", ticker(cx.clone()));
    let mut rows = database(&cx).rows(2);
    cx.log("main", "async for row in rows(2)");
    while let Some(Ok(row)) = rows.next().await {
        cx.log("main", format!("row {row}"));
    }
    cx.log("main", "no more rows");
    ticker.await.expect("the ticker finished");
}

/// The same rows through a blocking iterator, whose queries sleep the thread for 2 ms
/// (`time.sleep` in Python). Nothing awaits, so the loop is held: every row is read
/// before the ticker gets its first turn, although that tick was due at t=0. The blocking
/// sleeps take no virtual time (the clock moves only when every task waits), so the whole
/// iteration happens at t=0; on a real clock, the ticker would be late by all of it.
/// (On the real clock of a multi-threaded runtime, tokio-mt or async-std, another worker
/// runs the ticker meanwhile: blocking stalls one worker and whatever waits on it, not the
/// whole runtime. asyncio has one thread, so it stalls everything.)
pub(crate) async fn blocking_rows_stall<R: Runtime>(cx: Cx<R>) {
    let ticker = cx.spawn("ticker", ticker(cx.clone()));
    cx.log("main", "for row in blocking_rows(2)");
    for row in database(&cx).blocking_rows(2, Duration::from_millis(2)) {
        cx.log("main", format!("row {row}"));
    }
    cx.log("main", "no more rows");
    ticker.await.expect("the ticker finished");
}

/// Calling an async generator function creates the generator and runs nothing: the body
/// starts (and logs) only when the first `anext` asks for a value, a tick later.
pub(crate) async fn lazy_start<R: Runtime>(cx: Cx<R>) {
    let body_cx = cx.clone();
    let greetings = AsyncGenerator::new(move |mut co: Co<&'static str>| async move {
        body_cx.log("gen", "body starts");
        co.yield_("hello").await?;
        Ok(())
    });
    cx.log("main", "created the generator");
    cx.sleep(1).await;
    cx.log("main", "anext");
    let first = greetings.anext().await.expect("a first value");
    cx.log("main", format!("got {first}"));
}

/// A hand-written async iterator (Python: a class with `__aiter__` and `__anext__`; Rust:
/// a struct implementing `Stream`), consumed with `async for`, then `anext` with a default
/// on an exhausted one: the default instead of `StopAsyncIteration`.
pub(crate) async fn async_iterator_protocol<R: Runtime>(cx: Cx<R>) {
    let mut counter = Counter::new(3);
    while let Some(i) = counter.next().await {
        cx.log("main", format!("async for: {i}"));
    }
    let mut exhausted = Counter::new(0).map(Some);
    let value = anext_or(&mut exhausted, None).await;
    cx.log(
        "main",
        format!(
            "anext(exhausted, None) -> {}",
            value.map_or("None".to_string(), |i| i.to_string())
        ),
    );
}

/// An async comprehension, `[i * i async for i in numbers(6) if i % 2 == 0]`, is stream
/// combinators: `filter`, `map`, `collect`. The generator sleeps a tick before each
/// number, so the list is ready at t=6.
pub(crate) async fn async_comprehension<R: Runtime>(cx: Cx<R>) {
    let rt = cx.rt().clone();
    let tick = cx.ticks(1);
    let numbers = AsyncGenerator::new(move |mut co: Co<u32>| async move {
        for i in 0..6 {
            rt.sleep(tick).await;
            co.yield_(i).await?;
        }
        Ok(())
    });
    let squares: Vec<u32> = numbers
        .filter_map(|i| i.ok())
        .filter(|i| i % 2 == 0)
        .map(|i| i * i)
        .collect()
        .await;
    cx.log("main", format!("{squares:?}"));
}

/// A running total: each `asend(x)` resumes the paused yield with `x`, the body awaits a
/// tick and yields the new total; `anext` resumes it with `None`. Sending a value to a
/// generator that has not started is a `TypeError`: no yield is paused to receive it.
pub(crate) async fn asend_values<R: Runtime>(cx: Cx<R>) {
    let make = |cx: Cx<R>| {
        AsyncGenerator::new(move |mut co: Co<u32, u32>| async move {
            let mut total = 0;
            loop {
                let received = co.yield_(total).await?;
                cx.log(
                    "gen",
                    format!(
                        "received {}",
                        received.map_or("None".to_string(), |x| x.to_string())
                    ),
                );
                if let Some(x) = received {
                    cx.sleep(1).await;
                    total += x;
                }
            }
        })
    };
    let fresh = make(cx.clone());
    if let Err(error) = fresh.asend(1).await {
        cx.log("main", format!("asend(1): {}", exc(&error)));
    }
    let totals = make(cx.clone());
    cx.log(
        "main",
        format!("anext -> {}", totals.anext().await.expect("a total")),
    );
    cx.log(
        "main",
        format!("asend(5) -> {}", totals.asend(5).await.expect("a total")),
    );
    cx.log(
        "main",
        format!("asend(2) -> {}", totals.asend(2).await.expect("a total")),
    );
    cx.log(
        "main",
        format!("anext -> {}", totals.anext().await.expect("a total")),
    );
    totals.aclose().await.expect("closed");
}

/// What `athrow` can throw in `athrow_handled`: the program's own `class Retry(Exception)`,
/// or a `ValueError`.
#[derive(Debug)]
enum Failure {
    Retry(&'static str),
    Fatal(&'static str),
}

/// Python: `Retry(why)` / `ValueError(why)`
impl PyException for Failure {
    fn py_type(&self) -> &str {
        match self {
            Failure::Retry(_) => "Retry",
            Failure::Fatal(_) => "ValueError",
        }
    }

    fn py_str(&self) -> String {
        match self {
            Failure::Retry(why) | Failure::Fatal(why) => (*why).to_owned(),
        }
    }
}

/// `athrow` raises an error at the paused yield. The body catches a `Retry`, waits a tick
/// and yields its next attempt, which is what `athrow` returns. A `ValueError` it does not
/// catch propagates out of `athrow`, and the generator is finished.
pub(crate) async fn athrow_handled<R: Runtime>(cx: Cx<R>) {
    let body_cx = cx.clone();
    let attempts = AsyncGenerator::new(move |mut co: Co<String, (), Failure>| async move {
        let cx = body_cx;
        let mut attempt = 0;
        loop {
            match co.yield_(format!("attempt {attempt}")).await {
                Ok(_) => {}
                Err(Thrown::Error(retry @ Failure::Retry(_))) => {
                    cx.log("gen", format!("caught {}", exc(&retry)));
                    cx.sleep(1).await;
                }
                Err(other) => return Err(other),
            }
            attempt += 1;
        }
    });
    cx.log(
        "main",
        format!("anext -> {}", attempts.anext().await.expect("an attempt")),
    );
    let next = attempts
        .athrow(Failure::Retry("timeout"))
        .await
        .expect("an attempt");
    cx.log("main", format!("athrow(Retry) -> {next}"));
    if let Err(error) = attempts.athrow(Failure::Fatal("bad row")).await {
        cx.log("main", format!("athrow(ValueError): {}", exc(&error)));
    }
    if let Err(error) = attempts.anext().await {
        cx.log("main", format!("anext: {}", exc(&error)));
    }
}

/// `aclose` raises `GeneratorExit` at the paused yield; the body's cleanup (which awaits a
/// tick, like closing a connection) runs, once. Closing again does nothing, `anext` then
/// raises `StopAsyncIteration`, and closing a generator that never started runs no body.
pub(crate) async fn aclose_cleanup<R: Runtime>(cx: Cx<R>) {
    let make = |cx: Cx<R>| {
        AsyncGenerator::new(move |mut co: Co<u32>| async move {
            // Python's try: ... finally: the loop's result, then the cleanup, then the result.
            let result: Result<(), Thrown<Infallible>> = async {
                let mut n = 0;
                loop {
                    co.yield_(n).await?;
                    n += 1;
                }
            }
            .await;
            cx.log("gen", "cleanup: closing the connection");
            cx.sleep(1).await;
            cx.log("gen", "cleanup: closed");
            result
        })
    };
    let numbers = make(cx.clone());
    cx.log(
        "main",
        format!("anext -> {}", numbers.anext().await.expect("a number")),
    );
    cx.log(
        "main",
        format!("anext -> {}", numbers.anext().await.expect("a number")),
    );
    numbers.aclose().await.expect("closed");
    cx.log("main", "aclose done");
    numbers.aclose().await.expect("closed");
    cx.log("main", "aclose again: nothing to do");
    if let Err(error) = numbers.anext().await {
        cx.log("main", format!("anext: {}", exc(&error)));
    }
    let fresh = make(cx.clone());
    fresh.aclose().await.expect("closed");
    cx.log("main", "aclose of a fresh generator: no body ran");
}

/// Two tasks share one generator. `task-a`'s `anext` starts a step that sleeps 2 ticks;
/// at t=1 `task-b` asks for a value while that step is in progress and gets
/// `RuntimeError: anext(): asynchronous generator is already running`. `task-a` gets its
/// value at t=2, and the generator is fine afterwards. (Through `Stream::next`, which
/// takes `&mut`, Rust rejects this at compile time; `anext` takes `&` so that a generator
/// can be shared, as here.)
pub(crate) async fn already_running<R: Runtime>(cx: Cx<R>) {
    let body_cx = cx.clone();
    let slow = Arc::new(AsyncGenerator::new(move |mut co: Co<u32>| async move {
        for i in 0..2 {
            body_cx.sleep(2).await;
            co.yield_(i).await?;
        }
        Ok(())
    }));
    let (a_cx, a_gen) = (cx.clone(), slow.clone());
    let a = cx.spawn("task-a", async move {
        a_cx.log("task-a", "anext");
        let value = a_gen.anext().await.expect("a value");
        a_cx.log("task-a", format!("got {value}"));
    });
    let (b_cx, b_gen) = (cx.clone(), slow.clone());
    let b = cx.spawn("task-b", async move {
        b_cx.sleep(1).await;
        b_cx.log("task-b", "anext");
        if let Err(error) = b_gen.anext().await {
            b_cx.log("task-b", exc(&error));
        }
    });
    a.await.expect("task-a finished");
    b.await.expect("task-b finished");
    cx.log(
        "main",
        format!("anext -> {}", slow.anext().await.expect("a value")),
    );
}

/// As [`already_running`], with the three other requests: CPython names the request in its
/// refusal, `anext()` for an `asend` too, then `athrow()` and `aclose()`
/// (`GeneratorError::AlreadyRunning { request }`). The step in progress is not disturbed.
pub(crate) async fn already_running_names_request<R: Runtime>(cx: Cx<R>) {
    let body_cx = cx.clone();
    let slow = Arc::new(AsyncGenerator::new(
        move |mut co: Co<u32, u32, String>| async move {
            body_cx.sleep(2).await;
            co.yield_(0).await?;
            Ok(())
        },
    ));
    let (a_cx, a_gen) = (cx.clone(), slow.clone());
    let a = cx.spawn("task-a", async move {
        a_cx.log("task-a", "anext");
        let value = a_gen.anext().await.expect("a value");
        a_cx.log("task-a", format!("got {value}"));
    });
    cx.sleep(1).await;
    for (what, outcome) in [
        ("asend", slow.asend(7).await),
        ("athrow", slow.athrow("x".to_owned()).await),
    ] {
        if let Err(error) = outcome {
            cx.log("main", format!("{what}: {}", exc(&error)));
        }
    }
    if let Err(error) = slow.aclose().await {
        cx.log("main", format!("aclose: {}", exc(&error)));
    }
    a.await.expect("task-a finished");
    slow.aclose().await.expect("closed");
    cx.log("main", "closed");
}

/// A body that catches `GeneratorExit` and yields anyway: `aclose` fails with
/// `RuntimeError: async generator ignored GeneratorExit`, and the generator stays paused
/// at that second yield: the next `anext` resumes it there, and the body ends.
/// (CPython then also refuses a second `aclose` with `StopAsyncIteration`, leaving the body
/// paused; here a second `aclose` would raise `GeneratorExit` at the second yield.)
pub(crate) async fn ignored_generator_exit<R: Runtime>(cx: Cx<R>) {
    let body_cx = cx.clone();
    let stubborn = AsyncGenerator::new(move |mut co: Co<u32>| async move {
        if let Err(exit @ Thrown::GeneratorExit) = co.yield_(1).await {
            body_cx.log("gen", format!("caught {}, yielding anyway", exc(&exit)));
            co.yield_(2).await?;
        }
        body_cx.log("gen", "body ends");
        Ok(())
    });
    cx.log(
        "main",
        format!("anext -> {}", stubborn.anext().await.expect("a value")),
    );
    if let Err(error) = stubborn.aclose().await {
        cx.log("main", format!("aclose: {}", exc(&error)));
    }
    if let Err(error) = stubborn.anext().await {
        cx.log("main", format!("anext: {}", exc(&error)));
    }
}

/// A generator paused at a yield is dropped (Python: its last reference goes away). asyncio's
/// finalizer hook schedules `aclose()` as a task, so the cleanup, which awaits, runs after
/// `main` moves on: at t=0 and t=1. In Rust, `close_on_drop(rt)` does the same; without
/// it, dropping runs only the destructors of the body's locals, synchronously, and no
/// async cleanup (Rust has no async drop).
/// (On the real clock of a multi-threaded runtime the cleanup task may start before
/// `main` logs, on another worker.)
pub(crate) async fn drop_suspended<R: Runtime>(cx: Cx<R>) {
    let body_cx = cx.clone();
    let rows = AsyncGenerator::new(move |mut co: Co<&'static str>| async move {
        let cx = body_cx;
        cx.log("gen", "open the cursor");
        let result: Result<(), Thrown<Infallible>> = async {
            co.yield_("row 0").await?;
            co.yield_("row 1").await?;
            Ok(())
        }
        .await;
        cx.log("gen", "cleanup starts");
        cx.sleep(1).await;
        cx.log("gen", "cleanup done");
        result
    })
    .close_on_drop(cx.rt().clone());
    cx.log(
        "main",
        format!("anext -> {}", rows.anext().await.expect("a row")),
    );
    drop(rows);
    cx.log("main", "dropped the generator");
    cx.sleep(2).await;
    cx.log("main", "end");
}

/// The evolution from generators to `async`/`await`, one countdown three times: a
/// generator (an `Iterator`), a generator-based coroutine that sleeps with `yield from`
/// (a hand-written `Future` state machine), and an `async def` (an `async fn`). The two
/// coroutines take 3 ticks each.
pub(crate) async fn evolution_countdown<R: Runtime>(cx: Cx<R>) {
    let numbers: Vec<u32> = iterator::Countdown::new(3).collect();
    cx.log("step-1", format!("generator: {numbers:?}"));
    let numbers = state_machine::CountdownFuture::new(cx.rt().clone(), 3, cx.ticks(1)).await;
    cx.log("step-2", format!("yield from coroutine: {numbers:?}"));
    let numbers = async_fn::countdown(cx.rt(), 3, cx.ticks(1)).await;
    cx.log("step-3", format!("async def: {numbers:?}"));
}

/// An `anext` request awaited once gives 1; awaited again (through `&mut`) it is an
/// error, and the body does not run. Same for `asend`. The next fresh request goes on
/// from where the generator is.
pub(crate) async fn request_reused<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    let numbers = AsyncGenerator::new(move |mut co: Co<u32, u32>| async move {
        for n in 1..=3 {
            c.log("gen", format!("yields {n}"));
            co.yield_(n).await?;
        }
        Ok(())
    });
    let mut request = numbers.anext();
    match (&mut request).await {
        Ok(n) => cx.log("main", format!("await anext -> {n}")),
        Err(e) => cx.log("main", format!("never: {}", exc(&e))),
    }
    if let Err(e) = (&mut request).await {
        cx.log("main", format!("await it again: {}", exc(&e)));
    }
    let mut request = numbers.asend(0);
    match (&mut request).await {
        Ok(n) => cx.log("main", format!("await asend -> {n}")),
        Err(e) => cx.log("main", format!("never: {}", exc(&e))),
    }
    if let Err(e) = (&mut request).await {
        cx.log("main", format!("await it again: {}", exc(&e)));
    }
    match numbers.anext().await {
        Ok(n) => cx.log("main", format!("next anext -> {n}")),
        Err(e) => cx.log("main", format!("never: {}", exc(&e))),
    }
    let _ = numbers.aclose().await;
}

/// As `drop_suspended`, but the cleanup raises after its sleep: the close runs in a task
/// nobody awaits (asyncio's finalizer hook), so its failure goes to the exception
/// handler, at t=1: "Task exception was never retrieved".
pub(crate) async fn close_on_drop_failure_reported<R: Runtime>(cx: Cx<R>) {
    let c = cx.clone();
    cx.rt()
        .set_exception_handler(move |context| c.log("handler", handled(context, false)));
    let body_cx = cx.clone();
    let rows = AsyncGenerator::new(
        move |mut co: Co<&'static str, (), aio_rt::PyError>| async move {
            let cx = body_cx;
            let result: Result<(), Thrown<aio_rt::PyError>> = async {
                co.yield_("row 0").await?;
                co.yield_("row 1").await?;
                Ok(())
            }
            .await;
            cx.log("gen", "cleanup starts");
            cx.sleep(1).await;
            drop(result);
            Err(Thrown::Error(aio_rt::PyError::new(
                "ValueError",
                "cleanup failed",
            )))
        },
    )
    .close_on_drop(cx.rt().clone());
    cx.log(
        "main",
        format!("anext -> {}", rows.anext().await.expect("a row")),
    );
    drop(rows);
    cx.log("main", "dropped the generator");
    cx.sleep(2).await;
    cx.log("main", "end");
}
