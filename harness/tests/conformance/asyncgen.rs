//! CPython's `Lib/test/test_asyncgen.py` (its asyncio class, `AsyncGenAsyncioTest`),
//! ported: one test per ported method, each on all five runtimes in virtual time. The
//! table `harness/conformance/asyncgen.txt` classifies every method (`aio conformance`).
//!
//! `async def gen(): ... yield v` is `AsyncGenerator::new(|mut co| async move { ...
//! co.yield_(v).await?; ... })`; CPython's `to_list` is collecting the stream.

use crate::common;

use std::time::Duration;

use aio_generators::{AsyncGenerator, Co, GeneratorError, Thrown};
use aio_harness::{Cx, RuntimeKind, exc};
use aio_rt::{PyError, PyException, Runtime};
use common::{port, runtimes};
use futures_lite::StreamExt;
use rstest::rstest;
use rstest_reuse::apply;

const MS: Duration = Duration::from_millis(1);

mod async_gen_asyncio_test {
    use super::*;

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_01
    async fn async_gen_asyncio_01<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let agen = AsyncGenerator::new(|mut co: Co<i32>| async move {
            co.yield_(1).await?;
            rt.sleep(10 * MS).await;
            co.yield_(2).await?;
            rt.sleep(10 * MS).await;
            return Ok(());
            #[allow(unreachable_code)]
            {
                co.yield_(3).await?;
                Ok(())
            }
        });
        let res: Vec<i32> = agen.map(|r| r.unwrap()).collect().await;
        assert_eq!(res, [1, 2]);
    }

    #[apply(runtimes)]
    fn test_async_gen_asyncio_01(kind: RuntimeKind) {
        port!(kind, async_gen_asyncio_01);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_02
    async fn async_gen_asyncio_02<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let agen = AsyncGenerator::new(|mut co: Co<i32, (), PyError>| async move {
            co.yield_(1).await?;
            rt.sleep(10 * MS).await;
            co.yield_(2).await?;
            Err(Thrown::Error(PyError::new(
                "ZeroDivisionError",
                "division by zero",
            )))
        });
        // to_list stops at the first exception, which propagates.
        let mut agen = std::pin::pin!(agen);
        let mut res = Vec::new();
        let mut raised = None;
        while let Some(item) = agen.next().await {
            match item {
                Ok(v) => res.push(v),
                Err(e) => {
                    raised = Some(e);
                    break;
                }
            }
        }
        assert_eq!(res, [1, 2]);
        assert_eq!(
            raised.map(|e| e.py_type().to_owned()).as_deref(),
            Some("ZeroDivisionError")
        );
    }

    #[apply(runtimes)]
    fn test_async_gen_asyncio_02(kind: RuntimeKind) {
        port!(kind, async_gen_asyncio_02);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_asend_01
    async fn async_gen_asyncio_asend_01<R: Runtime>(cx: Cx<R>) {
        let done = common::flag();
        let (rt, d) = (cx.rt().clone(), done.clone());
        let g = AsyncGenerator::new(|mut co: Co<i32, i32>| async move {
            rt.sleep(10 * MS).await;
            let v = co.yield_(1).await?.unwrap_or_default();
            rt.sleep(10 * MS).await;
            co.yield_(v * 2).await?;
            rt.sleep(10 * MS).await;
            // finally: (the body ends normally here)
            rt.sleep(10 * MS).await;
            rt.sleep(10 * MS).await;
            d.store(true, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        });
        assert_eq!(g.anext().await, Ok(1), "asend(None) is anext()");
        assert_eq!(g.asend(100).await, Ok(200));
        assert!(matches!(
            g.anext().await,
            Err(GeneratorError::StopAsyncIteration)
        ));
        assert!(common::raised(&done));
    }

    #[apply(runtimes)]
    fn test_async_gen_asyncio_asend_01(kind: RuntimeKind) {
        port!(kind, async_gen_asyncio_asend_01);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_await_same_anext_coro_twice
    async fn async_gen_await_same_anext_coro_twice<R: Runtime>(_cx: Cx<R>) {
        let it = AsyncGenerator::new(|mut co: Co<i32>| async move {
            co.yield_(1).await?;
            co.yield_(2).await?;
            Ok(())
        });
        let mut nxt = it.anext();
        assert_eq!((&mut nxt).await, Ok(1));
        let again = (&mut nxt).await.unwrap_err();
        assert_eq!(
            exc(&again),
            "RuntimeError: cannot reuse already awaited __anext__()/asend()"
        );
        assert_eq!(it.aclose().await, Ok(()));
    }

    #[apply(runtimes)]
    fn test_async_gen_await_same_anext_coro_twice(kind: RuntimeKind) {
        port!(kind, async_gen_await_same_anext_coro_twice);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_aclose_after_exhaustion
    async fn async_gen_aclose_after_exhaustion<R: Runtime>(_cx: Cx<R>) {
        let mut it = AsyncGenerator::new(|mut co: Co<i32>| async move {
            co.yield_(1).await?;
            co.yield_(2).await?;
            Ok(())
        });
        while let Some(item) = it.next().await {
            item.unwrap();
        }
        assert_eq!(it.aclose().await, Ok(()));
    }

    #[apply(runtimes)]
    fn test_async_gen_aclose_after_exhaustion(kind: RuntimeKind) {
        port!(kind, async_gen_aclose_after_exhaustion);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_expression_01
    async fn async_gen_expression_01<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let arange = move |n: u32| {
            AsyncGenerator::new(move |mut co: Co<u32>| async move {
                for i in 0..n {
                    rt.sleep(10 * MS).await;
                    co.yield_(i).await?;
                }
                Ok(())
            })
        };
        // (i * 2 async for i in arange(10)), collected by [i async for i in ...]
        let doubled = arange(10).map(|i| i.unwrap() * 2);
        let res: Vec<u32> = doubled.collect().await;
        assert_eq!(res, (0..10).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[apply(runtimes)]
    fn test_async_gen_expression_01(kind: RuntimeKind) {
        port!(kind, async_gen_expression_01);
    }

    /// `try: yield 1; 1 / 0 finally: <cleanup>`: the body's result before its cleanup.
    type Step = Result<(), Thrown<PyError>>;

    fn zero_division() -> Thrown<PyError> {
        Thrown::Error(PyError::new("ZeroDivisionError", "division by zero"))
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_aclose_06
    async fn async_gen_asyncio_aclose_06<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        let agen = AsyncGenerator::new(|mut co: Co<i32, (), PyError>| async move {
            let result: Step = async {
                co.yield_(1).await?;
                Err(zero_division())
            }
            .await;
            // finally: await asyncio.sleep(0.01); yield 12
            rt.sleep(10 * MS).await;
            co.yield_(12).await?;
            result
        });
        assert_eq!(agen.anext().await, Ok(1));
        let error = agen.aclose().await.unwrap_err();
        assert_eq!(
            exc(&error),
            "RuntimeError: async generator ignored GeneratorExit"
        );
    }

    #[apply(runtimes)]
    fn test_async_gen_asyncio_aclose_06(kind: RuntimeKind) {
        port!(kind, async_gen_asyncio_aclose_06);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_aclose_07
    async fn async_gen_asyncio_aclose_07<R: Runtime>(cx: Cx<R>) {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (rt, d) = (cx.rt().clone(), done.clone());
        let agen = AsyncGenerator::new(|mut co: Co<i32, (), PyError>| async move {
            let result: Step = async {
                co.yield_(1).await?;
                Err(zero_division())
            }
            .await;
            rt.sleep(10 * MS).await;
            rt.sleep(10 * MS).await;
            d.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            result?;
            d.fetch_add(1000, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        });
        assert_eq!(agen.anext().await, Ok(1));
        assert_eq!(agen.aclose().await, Ok(()));
        assert_eq!(done.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[apply(runtimes)]
    fn test_async_gen_asyncio_aclose_07(kind: RuntimeKind) {
        port!(kind, async_gen_asyncio_aclose_07);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_aclose_08
    async fn async_gen_asyncio_aclose_08<R: Runtime>(cx: Cx<R>) {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let fut = aio_futures::Future::<()>::new(cx.rt());
        let (rt, d, f) = (cx.rt().clone(), done.clone(), fut.clone());
        let agen = AsyncGenerator::new(|mut co: Co<i32, (), PyError>| async move {
            let result: Step = async {
                co.yield_(1).await?;
                let _ = f.wait().await;
                d.fetch_add(1000, std::sync::atomic::Ordering::SeqCst);
                co.yield_(2).await?;
                Ok(())
            }
            .await;
            rt.sleep(10 * MS).await;
            rt.sleep(10 * MS).await;
            d.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            result?;
            d.fetch_add(1000, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        });
        assert_eq!(agen.anext().await, Ok(1));
        assert_eq!(agen.aclose().await, Ok(()));
        assert_eq!(done.load(std::sync::atomic::Ordering::SeqCst), 1);
        fut.cancel();
    }

    #[apply(runtimes)]
    fn test_async_gen_asyncio_aclose_08(kind: RuntimeKind) {
        port!(kind, async_gen_asyncio_aclose_08);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_anext_06
    async fn async_gen_asyncio_anext_06<R: Runtime>(_cx: Cx<R>) {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let d = done.clone();
        let g = AsyncGenerator::new(|mut co: Co<(), ()>| async move {
            // try: yield / except: pass
            let _ = co.yield_(()).await;
            d.store(1, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        });
        assert_eq!(g.anext().await, Ok(()), "asend(None) is anext()");
        assert!(matches!(
            g.anext().await,
            Err(GeneratorError::StopAsyncIteration)
        ));
        done.fetch_add(10, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(done.load(std::sync::atomic::Ordering::SeqCst), 11);
    }

    #[apply(runtimes)]
    fn test_async_gen_asyncio_anext_06(kind: RuntimeKind) {
        port!(kind, async_gen_asyncio_anext_06);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_asend_02
    async fn async_gen_asyncio_asend_02<R: Runtime>(cx: Cx<R>) {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (rt, d) = (cx.rt().clone(), done.clone());
        let g = AsyncGenerator::new(|mut co: Co<i32, i32, PyError>| async move {
            let result: Step = async {
                rt.sleep(10 * MS).await;
                let v = co.yield_(1).await?.unwrap_or_default();
                // sleep_n_crash(0.01)
                rt.sleep(10 * MS).await;
                Err::<(), _>(zero_division())?;
                d.fetch_add(1000, std::sync::atomic::Ordering::SeqCst);
                co.yield_(v * 2).await?;
                Ok(())
            }
            .await;
            rt.sleep(10 * MS).await;
            rt.sleep(10 * MS).await;
            d.store(1, std::sync::atomic::Ordering::SeqCst);
            result
        });
        assert_eq!(g.anext().await, Ok(1));
        let error = g.asend(100).await.unwrap_err();
        assert_eq!(exc(&error), "ZeroDivisionError: division by zero");
        assert_eq!(done.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[apply(runtimes)]
    fn test_async_gen_asyncio_asend_02(kind: RuntimeKind) {
        port!(kind, async_gen_asyncio_asend_02);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_athrow_01
    async fn async_gen_asyncio_athrow_01<R: Runtime>(cx: Cx<R>) {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (rt, d) = (cx.rt().clone(), done.clone());
        let g = AsyncGenerator::new(|mut co: Co<i32, i32, PyError>| async move {
            let result: Step = async {
                rt.sleep(10 * MS).await;
                let v = match co.yield_(1).await {
                    Ok(v) => v.unwrap_or_default(),
                    Err(Thrown::Error(e)) if e.py_type() == "FooEr" => {
                        rt.sleep(10 * MS).await;
                        1000
                    }
                    Err(other) => return Err(other),
                };
                co.yield_(v * 2).await?;
                rt.sleep(10 * MS).await;
                Ok(())
            }
            .await;
            rt.sleep(10 * MS).await;
            rt.sleep(10 * MS).await;
            d.store(1, std::sync::atomic::Ordering::SeqCst);
            result
        });
        assert_eq!(g.anext().await, Ok(1));
        assert_eq!(g.athrow(PyError::new("FooEr", "")).await, Ok(2000));
        assert!(matches!(
            g.anext().await,
            Err(GeneratorError::StopAsyncIteration)
        ));
        assert_eq!(done.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[apply(runtimes)]
    fn test_async_gen_asyncio_athrow_01(kind: RuntimeKind) {
        port!(kind, async_gen_asyncio_athrow_01);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_await_same_aclose_coro_twice
    async fn async_gen_await_same_aclose_coro_twice<R: Runtime>(_cx: Cx<R>) {
        let it = AsyncGenerator::new(|mut co: Co<i32>| async move {
            co.yield_(1).await?;
            co.yield_(2).await?;
            Ok(())
        });
        let mut nxt = it.aclose();
        assert_eq!((&mut nxt).await, Ok(()));
        let again = (&mut nxt).await.unwrap_err();
        assert_eq!(
            exc(&again),
            "RuntimeError: cannot reuse already awaited aclose()/athrow()"
        );
    }

    #[apply(runtimes)]
    fn test_async_gen_await_same_aclose_coro_twice(kind: RuntimeKind) {
        port!(kind, async_gen_await_same_aclose_coro_twice);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_aclose_twice_with_different_coros
    async fn async_gen_aclose_twice_with_different_coros<R: Runtime>(_cx: Cx<R>) {
        let it = AsyncGenerator::new(|mut co: Co<i32>| async move {
            co.yield_(1).await?;
            co.yield_(2).await?;
            Ok(())
        });
        assert_eq!(it.aclose().await, Ok(()));
        assert_eq!(it.aclose().await, Ok(()));
    }

    #[apply(runtimes)]
    fn test_async_gen_aclose_twice_with_different_coros(kind: RuntimeKind) {
        port!(kind, async_gen_aclose_twice_with_different_coros);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_aclose_10
    async fn async_gen_asyncio_aclose_10<R: Runtime>(_cx: Cx<R>) {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let d = done.clone();
        let g = AsyncGenerator::new(|mut co: Co<(), ()>| async move {
            // try: yield / except: pass (GeneratorExit swallowed), then the body ends.
            let _ = co.yield_(()).await;
            d.store(1, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        });
        assert_eq!(g.anext().await, Ok(()));
        assert_eq!(g.aclose().await, Ok(()));
        done.fetch_add(10, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(done.load(std::sync::atomic::Ordering::SeqCst), 11);
    }

    #[apply(runtimes)]
    fn test_async_gen_asyncio_aclose_10(kind: RuntimeKind) {
        port!(kind, async_gen_asyncio_aclose_10);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_aclose_11
    async fn async_gen_asyncio_aclose_11<R: Runtime>(_cx: Cx<R>) {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let d = done.clone();
        let g = AsyncGenerator::new(|mut co: Co<(), ()>| async move {
            // try: yield / except: pass, then yield again: GeneratorExit ignored.
            let _ = co.yield_(()).await;
            co.yield_(()).await?;
            d.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        });
        assert_eq!(g.anext().await, Ok(()));
        let error = g.aclose().await.unwrap_err();
        assert!(
            exc(&error).contains("ignored GeneratorExit"),
            "{}",
            exc(&error)
        );
        done.fetch_add(10, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(done.load(std::sync::atomic::Ordering::SeqCst), 10);
    }

    #[apply(runtimes)]
    fn test_async_gen_asyncio_aclose_11(kind: RuntimeKind) {
        port!(kind, async_gen_asyncio_aclose_11);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_aclose_12
    async fn async_gen_asyncio_aclose_12<R: Runtime>(cx: Cx<R>) {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (rt, d) = (cx.rt().clone(), done.clone());
        let agen = AsyncGenerator::new(|mut co: Co<i32>| async move {
            let r = rt.clone();
            let target = aio_tasks::create_task(&rt, async move {
                r.sleep(10 * MS).await;
                Err::<(), _>(PyError::new("ZeroDivisionError", "division by zero"))
            });
            let result = co.yield_(1).await.map(|_| ());
            // finally: await task, catching its ZeroDivisionError
            if let Err(aio_tasks::TaskError::Failed(e)) = target.await {
                if e.py_type() == "ZeroDivisionError" {
                    d.store(1, std::sync::atomic::Ordering::SeqCst);
                }
            }
            result
        });
        assert_eq!(agen.anext().await, Ok(1));
        assert_eq!(agen.aclose().await, Ok(()));
        assert_eq!(done.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[apply(runtimes)]
    fn test_async_gen_asyncio_aclose_12(kind: RuntimeKind) {
        port!(kind, async_gen_asyncio_aclose_12);
    }

    /// CPython's `sleep_n_crash(delay)`: a sleep cancelled halfway, awaited: CancelledError.
    async fn sleep_n_crash<R: Runtime>(
        rt: &R,
        delay: Duration,
    ) -> Result<(), aio_futures::FutureError> {
        let fut = aio_futures::Future::<()>::new(rt);
        let (r, f) = (rt.clone(), fut.clone());
        let _ = aio_tasks::create_task(rt, async move {
            r.sleep(delay / 2).await;
            f.cancel();
            Ok::<_, std::convert::Infallible>(())
        });
        fut.wait().await
    }

    /// test_async_gen_asyncio_asend_03 and athrow_02: a CancelledError raised in the body
    /// runs its `finally` and comes out of the request.
    async fn cancelled_in_body<R: Runtime>(cx: &Cx<R>, throw: bool) {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let (rt, d) = (cx.rt().clone(), done.clone());
        let g = AsyncGenerator::new(|mut co: Co<i32, i32, PyError>| async move {
            let result: Step = async {
                rt.sleep(10 * MS).await;
                let v = match co.yield_(1).await {
                    Ok(v) => v.unwrap_or_default(),
                    // except FooEr: await sleep_n_crash(0.01)
                    Err(Thrown::Error(_)) => 0,
                    Err(exit) => return Err(exit),
                };
                // The CancelledError raised in the body, as the exception it is.
                sleep_n_crash(&rt, 10 * MS)
                    .await
                    .map_err(|e| Thrown::Error(PyError::new(e.py_type().to_owned(), e.py_str())))?;
                d.fetch_add(1000, std::sync::atomic::Ordering::SeqCst);
                co.yield_(v * 2).await?;
                Ok(())
            }
            .await;
            rt.sleep(10 * MS).await;
            rt.sleep(10 * MS).await;
            d.store(1, std::sync::atomic::Ordering::SeqCst);
            result
        });
        assert_eq!(g.anext().await, Ok(1));
        let error = if throw {
            // g.athrow(FooEr): the body catches it, then crashes.
            g.athrow(PyError::new("FooEr", "")).await.unwrap_err()
        } else {
            g.asend(100).await.unwrap_err()
        };
        assert_eq!(error.py_type(), "CancelledError");
        assert_eq!(done.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_asend_03
    async fn async_gen_asyncio_asend_03<R: Runtime>(cx: Cx<R>) {
        cancelled_in_body(&cx, false).await;
    }

    #[apply(runtimes)]
    fn test_async_gen_asyncio_asend_03(kind: RuntimeKind) {
        port!(kind, async_gen_asyncio_asend_03);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_athrow_02
    async fn async_gen_asyncio_athrow_02<R: Runtime>(cx: Cx<R>) {
        cancelled_in_body(&cx, true).await;
    }

    #[apply(runtimes)]
    fn test_async_gen_asyncio_athrow_02(kind: RuntimeKind) {
        port!(kind, async_gen_asyncio_athrow_02);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_athrow_03
    async fn async_gen_asyncio_athrow_03<R: Runtime>(_cx: Cx<R>) {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let d = done.clone();
        let g = AsyncGenerator::new(|mut co: Co<(), (), PyError>| async move {
            // try: yield / except: pass
            let _ = co.yield_(()).await;
            d.store(1, std::sync::atomic::Ordering::SeqCst);
            Ok(())
        });
        assert_eq!(g.anext().await, Ok(()));
        assert!(matches!(
            g.athrow(PyError::new("ValueError", "")).await,
            Err(GeneratorError::StopAsyncIteration)
        ));
        done.fetch_add(10, std::sync::atomic::Ordering::SeqCst);
        assert_eq!(done.load(std::sync::atomic::Ordering::SeqCst), 11);
    }

    #[apply(runtimes)]
    fn test_async_gen_asyncio_athrow_03(kind: RuntimeKind) {
        port!(kind, async_gen_asyncio_athrow_03);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_expression_02
    async fn async_gen_expression_02<R: Runtime>(cx: Cx<R>) {
        let rt = cx.rt().clone();
        // (i * 2 for i in range(n) if await wrap(i))
        let make_arange = move |n: u32| {
            AsyncGenerator::new(move |mut co: Co<u32>| async move {
                for i in 0..n {
                    rt.sleep(10 * MS).await; // wrap(i)
                    if i != 0 {
                        co.yield_(i * 2).await?;
                    }
                }
                Ok(())
            })
        };
        let res: Vec<u32> = make_arange(10).map(|r| r.unwrap()).collect().await;
        assert_eq!(res, (1..10).map(|i| i * 2).collect::<Vec<_>>());
    }

    #[apply(runtimes)]
    fn test_async_gen_expression_02(kind: RuntimeKind) {
        port!(kind, async_gen_expression_02);
    }

    // CPython: test_asyncgen.AsyncGenAsyncioTest.test_async_gen_asyncio_03
    async fn async_gen_asyncio_03<R: Runtime>(cx: Cx<R>) {
        /// CPython's `class Gen` whose `__aiter__` is an async generator method.
        struct Gen<R>(R);
        impl<R: Runtime> Gen<R> {
            fn aiter(
                &self,
            ) -> AsyncGenerator<
                i32,
                (),
                std::convert::Infallible,
                impl Future<Output = Result<(), Thrown<std::convert::Infallible>>> + use<R>,
            > {
                let rt = self.0.clone();
                AsyncGenerator::new(move |mut co: Co<i32>| async move {
                    co.yield_(1).await?;
                    rt.sleep(10 * MS).await;
                    co.yield_(2).await?;
                    Ok(())
                })
            }
        }
        let res: Vec<i32> = Gen(cx.rt().clone())
            .aiter()
            .map(|r| r.unwrap())
            .collect()
            .await;
        assert_eq!(res, [1, 2]);
    }

    #[apply(runtimes)]
    fn test_async_gen_asyncio_03(kind: RuntimeKind) {
        port!(kind, async_gen_asyncio_03);
    }
}
