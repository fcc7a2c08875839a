//! CPython's `Lib/test/test_asyncgen.py` (its asyncio class, `AsyncGenAsyncioTest`),
//! ported: one test per ported method, each on all five runtimes in virtual time. The
//! table `harness/conformance/asyncgen.txt` classifies every method (`aio conformance`).
//!
//! `async def gen(): ... yield v` is `AsyncGenerator::new(|mut co| async move { ...
//! co.yield_(v).await?; ... })`; CPython's `to_list` is collecting the stream.

mod common;

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
}
