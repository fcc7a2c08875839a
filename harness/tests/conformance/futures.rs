//! CPython's `Lib/test/test_asyncio/test_futures.py`, ported: one module per CPython
//! class, one test per ported method, each on all five runtimes in virtual time. The
//! table `harness/conformance/futures.txt` classifies every method (`aio conformance`).
//!
//! CPython runs `BaseFutureTests` and `BaseFutureDoneCallbackTests` on the C and the
//! Python Future; there is one `aio_futures::Future`. `test_utils.run_briefly(loop)` (let
//! the scheduled callbacks run) is one tick, `cx.sleep(1)`.

use crate::common;

use aio_futures::{DoneCallback, Future, FutureError};
use aio_harness::{Cx, RuntimeKind};
use aio_rt::{PyException, Runtime};
use common::{Log, port, runtimes};
use rstest::rstest;
use rstest_reuse::apply;

fn is_invalid_state<T>(r: Result<T, FutureError>) -> bool {
    matches!(r, Err(FutureError::InvalidState(_)))
}

fn is_cancelled<T>(r: Result<T, FutureError>) -> bool {
    matches!(r, Err(FutureError::Cancelled(_)))
}

mod base_future_tests {
    use super::*;

    // CPython: test_futures.BaseFutureTests.test_initial_state
    async fn initial_state<R: Runtime>(cx: Cx<R>) {
        let f = Future::<i32>::new(cx.rt());
        assert!(!f.cancelled());
        assert!(!f.done());
        f.cancel();
        assert!(f.cancelled());
    }

    #[apply(runtimes)]
    fn test_initial_state(kind: RuntimeKind) {
        port!(kind, initial_state);
    }

    // CPython: test_futures.BaseFutureTests.test_future_cancel_message_getter
    async fn future_cancel_message_getter<R: Runtime>(cx: Cx<R>) {
        // `f._cancel_message` is private; the message is what awaiting raises.
        let f = Future::<i32>::new(cx.rt());
        f.cancel_with("my message");
        match f.wait().await {
            Err(FutureError::Cancelled(e)) => assert_eq!(e.py_str(), "my message"),
            other => panic!("expected CancelledError('my message'), got {other:?}"),
        }
    }

    #[apply(runtimes)]
    fn test_future_cancel_message_getter(kind: RuntimeKind) {
        port!(kind, future_cancel_message_getter);
    }

    // CPython: test_futures.BaseFutureTests.test_cancel
    async fn cancel<R: Runtime>(cx: Cx<R>) {
        let f = Future::<i32>::new(cx.rt());
        assert!(f.cancel());
        assert!(f.cancelled());
        assert!(f.done());
        assert!(is_cancelled(f.result()));
        assert!(is_cancelled(f.exception()));
        assert!(f.set_result(0).is_err());
        assert!(f.set_exception("None").is_err());
        assert!(!f.cancel());
    }

    #[apply(runtimes)]
    fn test_cancel(kind: RuntimeKind) {
        port!(kind, cancel);
    }

    // CPython: test_futures.BaseFutureTests.test_result
    async fn result<R: Runtime>(cx: Cx<R>) {
        let f = Future::<i32>::new(cx.rt());
        assert!(is_invalid_state(f.result()));
        f.set_result(42).unwrap();
        assert!(!f.cancelled());
        assert!(f.done());
        assert_eq!(f.result().unwrap(), 42);
        assert!(f.exception().unwrap().is_none());
        assert!(f.set_result(0).is_err());
        assert!(f.set_exception("None").is_err());
        assert!(!f.cancel());
    }

    #[apply(runtimes)]
    fn test_result(kind: RuntimeKind) {
        port!(kind, result);
    }

    // CPython: test_futures.BaseFutureTests.test_exception
    async fn exception<R: Runtime>(cx: Cx<R>) {
        let f = Future::<i32>::new(cx.rt());
        assert!(is_invalid_state(f.exception()));
        f.set_exception(aio_futures::Exception::py(aio_rt::PyError::new(
            "RuntimeError",
            "",
        )))
        .unwrap();
        assert!(!f.cancelled());
        assert!(f.done());
        match f.result() {
            Err(FutureError::Exception(e)) => assert_eq!(e.py_type(), "RuntimeError"),
            other => panic!("result() raises the RuntimeError, got {other:?}"),
        }
        assert_eq!(f.exception().unwrap().unwrap().py_type(), "RuntimeError");
        assert!(f.set_result(0).is_err());
        assert!(f.set_exception("None").is_err());
        assert!(!f.cancel());
    }

    #[apply(runtimes)]
    fn test_exception(kind: RuntimeKind) {
        port!(kind, exception);
    }

    // `@mock.patch('asyncio.base_events.logger')` and `m_log.error.called`: the runtime's
    // exception handler, replaced by one that counts its calls (asyncio's default handler
    // is what logs at ERROR level). `del fut` is dropping the last clone.

    /// Runs `body` with a handler counting the reports, and gives the count; the
    /// harness's handler is set back afterwards.
    async fn reports<R: Runtime, F: std::future::Future<Output = ()>>(
        cx: &Cx<R>,
        body: impl FnOnce() -> F,
    ) -> usize {
        let previous = cx.rt().reporter().handler();
        let count = std::sync::Arc::new(std::sync::Mutex::new(0usize));
        let sink = count.clone();
        cx.rt()
            .set_exception_handler(move |_| *sink.lock().unwrap() += 1);
        body().await;
        cx.rt().reporter().set_handler(previous);
        *count.lock().unwrap()
    }

    fn boom() -> aio_futures::Exception {
        aio_futures::Exception::py(aio_rt::PyError::new("RuntimeError", "boom"))
    }

    // CPython: test_futures.BaseFutureTests.test_tb_logger_abandoned
    async fn tb_logger_abandoned<R: Runtime>(cx: Cx<R>) {
        let n = reports(&cx, || async {
            let fut = Future::<i32>::new(cx.rt());
            drop(fut);
        })
        .await;
        assert_eq!(n, 0);
    }

    #[apply(runtimes)]
    fn test_tb_logger_abandoned(kind: RuntimeKind) {
        port!(kind, tb_logger_abandoned);
    }

    // CPython: test_futures.BaseFutureTests.test_tb_logger_result_unretrieved
    async fn tb_logger_result_unretrieved<R: Runtime>(cx: Cx<R>) {
        let n = reports(&cx, || async {
            let fut = Future::<i32>::new(cx.rt());
            fut.set_result(42).unwrap();
            drop(fut);
        })
        .await;
        assert_eq!(n, 0);
    }

    #[apply(runtimes)]
    fn test_tb_logger_result_unretrieved(kind: RuntimeKind) {
        port!(kind, tb_logger_result_unretrieved);
    }

    // CPython: test_futures.BaseFutureTests.test_tb_logger_result_retrieved
    async fn tb_logger_result_retrieved<R: Runtime>(cx: Cx<R>) {
        let n = reports(&cx, || async {
            let fut = Future::<i32>::new(cx.rt());
            fut.set_result(42).unwrap();
            assert_eq!(fut.result().unwrap(), 42);
            drop(fut);
        })
        .await;
        assert_eq!(n, 0);
    }

    #[apply(runtimes)]
    fn test_tb_logger_result_retrieved(kind: RuntimeKind) {
        port!(kind, tb_logger_result_retrieved);
    }

    // CPython: test_futures.BaseFutureTests.test_tb_logger_exception_unretrieved
    async fn tb_logger_exception_unretrieved<R: Runtime>(cx: Cx<R>) {
        let n = reports(&cx, || async {
            let fut = Future::<i32>::new(cx.rt());
            fut.set_exception(boom()).unwrap();
            drop(fut);
            cx.sleep(1).await;
        })
        .await;
        assert_eq!(n, 1);
    }

    #[apply(runtimes)]
    fn test_tb_logger_exception_unretrieved(kind: RuntimeKind) {
        port!(kind, tb_logger_exception_unretrieved);
    }

    // CPython: test_futures.BaseFutureTests.test_tb_logger_not_called_after_cancel
    async fn tb_logger_not_called_after_cancel<R: Runtime>(cx: Cx<R>) {
        let n = reports(&cx, || async {
            let fut = Future::<i32>::new(cx.rt());
            fut.set_exception(boom()).unwrap();
            assert!(!fut.cancel());
            drop(fut);
        })
        .await;
        assert_eq!(n, 0);
    }

    #[apply(runtimes)]
    fn test_tb_logger_not_called_after_cancel(kind: RuntimeKind) {
        port!(kind, tb_logger_not_called_after_cancel);
    }

    // CPython: test_futures.BaseFutureTests.test_tb_logger_exception_retrieved
    async fn tb_logger_exception_retrieved<R: Runtime>(cx: Cx<R>) {
        let n = reports(&cx, || async {
            let fut = Future::<i32>::new(cx.rt());
            fut.set_exception(boom()).unwrap();
            assert!(fut.exception().unwrap().is_some());
            drop(fut);
        })
        .await;
        assert_eq!(n, 0);
    }

    #[apply(runtimes)]
    fn test_tb_logger_exception_retrieved(kind: RuntimeKind) {
        port!(kind, tb_logger_exception_retrieved);
    }

    // CPython: test_futures.BaseFutureTests.test_tb_logger_exception_result_retrieved
    async fn tb_logger_exception_result_retrieved<R: Runtime>(cx: Cx<R>) {
        let n = reports(&cx, || async {
            let fut = Future::<i32>::new(cx.rt());
            fut.set_exception(boom()).unwrap();
            assert!(matches!(fut.result(), Err(FutureError::Exception(_))));
            drop(fut);
        })
        .await;
        assert_eq!(n, 0);
    }

    #[apply(runtimes)]
    fn test_tb_logger_exception_result_retrieved(kind: RuntimeKind) {
        port!(kind, tb_logger_exception_result_retrieved);
    }

    // CPython: test_futures.BaseFutureTests.test_future_exception_never_retrieved
    async fn future_exception_never_retrieved<R: Runtime>(cx: Cx<R>) {
        // `m_log.error`: the exception handler, recording each report.
        let previous = cx.rt().reporter().handler();
        let calls: std::sync::Arc<std::sync::Mutex<Vec<aio_rt::ExceptionContext>>> =
            Default::default();
        let sink = calls.clone();
        cx.rt()
            .set_exception_handler(move |context| sink.lock().unwrap().push(context.clone()));
        let exc = aio_rt::PyError::new("MemoryError", "");
        let future = Future::<i32>::new(cx.rt());
        future
            .set_exception(aio_futures::Exception::py(exc.clone()))
            .unwrap();
        drop(future); // future = None
        cx.sleep(1).await; // test_utils.run_briefly(self.loop)
        cx.rt().reporter().set_handler(previous);

        // m_log.error.assert_called_once_with(mock.ANY, exc_info=exc_info)
        let calls = calls.lock().unwrap();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].exception.as_ref(), Some(&exc));
        // assertRegex(message, '^Future exception was never retrieved\n')
        let message = calls[0].to_string();
        assert!(
            message.starts_with("Future exception was never retrieved\n"),
            "{message}"
        );
    }

    #[apply(runtimes)]
    fn test_future_exception_never_retrieved(kind: RuntimeKind) {
        port!(kind, future_exception_never_retrieved);
    }
}

mod base_future_done_callback_tests {
    use super::*;

    fn appender(bag: &Log, thing: i32) -> DoneCallback<&'static str> {
        let bag = bag.clone();
        DoneCallback::new(move |_| bag.push(thing))
    }

    // CPython: test_futures.BaseFutureDoneCallbackTests.test_callbacks_remove_first_callback
    async fn callbacks_remove_first_callback<R: Runtime>(cx: Cx<R>) {
        let bag = Log::default();
        let f = Future::new(cx.rt());
        let (cb1, cb2, cb3) = (appender(&bag, 42), appender(&bag, 17), appender(&bag, 100));
        f.add_done_callback(cb1.clone());
        f.add_done_callback(cb2.clone());
        f.add_done_callback(cb3.clone());
        f.remove_done_callback(&cb1);
        f.remove_done_callback(&cb1);
        assert_eq!(bag.get(), Vec::<i32>::new());
        f.set_result("foo").unwrap();
        cx.sleep(1).await;
        assert_eq!(bag.get(), [17, 100]);
        assert_eq!(f.result().unwrap(), "foo");
    }

    #[apply(runtimes)]
    fn test_callbacks_remove_first_callback(kind: RuntimeKind) {
        port!(kind, callbacks_remove_first_callback);
    }

    // CPython: test_futures.BaseFutureDoneCallbackTests.test_callbacks_remove_first_and_second_callback
    async fn callbacks_remove_first_and_second_callback<R: Runtime>(cx: Cx<R>) {
        let bag = Log::default();
        let f = Future::new(cx.rt());
        let (cb1, cb2, cb3) = (appender(&bag, 42), appender(&bag, 17), appender(&bag, 100));
        f.add_done_callback(cb1.clone());
        f.add_done_callback(cb2.clone());
        f.add_done_callback(cb3.clone());
        f.remove_done_callback(&cb1);
        f.remove_done_callback(&cb2);
        f.remove_done_callback(&cb1);
        assert_eq!(bag.get(), Vec::<i32>::new());
        f.set_result("foo").unwrap();
        cx.sleep(1).await;
        assert_eq!(bag.get(), [100]);
        assert_eq!(f.result().unwrap(), "foo");
    }

    #[apply(runtimes)]
    fn test_callbacks_remove_first_and_second_callback(kind: RuntimeKind) {
        port!(kind, callbacks_remove_first_and_second_callback);
    }

    // CPython: test_futures.BaseFutureDoneCallbackTests.test_callbacks_remove_third_callback
    async fn callbacks_remove_third_callback<R: Runtime>(cx: Cx<R>) {
        let bag = Log::default();
        let f = Future::new(cx.rt());
        let (cb1, cb2, cb3) = (appender(&bag, 42), appender(&bag, 17), appender(&bag, 100));
        f.add_done_callback(cb1.clone());
        f.add_done_callback(cb2.clone());
        f.add_done_callback(cb3.clone());
        f.remove_done_callback(&cb3);
        f.remove_done_callback(&cb3);
        assert_eq!(bag.get(), Vec::<i32>::new());
        f.set_result("foo").unwrap();
        cx.sleep(1).await;
        assert_eq!(bag.get(), [42, 17]);
        assert_eq!(f.result().unwrap(), "foo");
    }

    #[apply(runtimes)]
    fn test_callbacks_remove_third_callback(kind: RuntimeKind) {
        port!(kind, callbacks_remove_third_callback);
    }

    // CPython: test_futures.BaseFutureDoneCallbackTests.test_callbacks_invoked_on_set_result
    async fn callbacks_invoked_on_set_result<R: Runtime>(cx: Cx<R>) {
        let bag = Log::default();
        let f = Future::new(cx.rt());
        f.add_done_callback(appender(&bag, 42));
        f.add_done_callback(appender(&bag, 17));
        assert_eq!(bag.get(), Vec::<i32>::new());
        f.set_result("foo").unwrap();
        cx.sleep(1).await;
        assert_eq!(bag.get(), [42, 17]);
        assert_eq!(f.result().unwrap(), "foo");
    }

    #[apply(runtimes)]
    fn test_callbacks_invoked_on_set_result(kind: RuntimeKind) {
        port!(kind, callbacks_invoked_on_set_result);
    }

    // CPython: test_futures.BaseFutureDoneCallbackTests.test_callbacks_invoked_on_set_exception
    async fn callbacks_invoked_on_set_exception<R: Runtime>(cx: Cx<R>) {
        let bag = Log::default();
        let f = Future::<&'static str>::new(cx.rt());
        f.add_done_callback(appender(&bag, 100));
        assert_eq!(bag.get(), Vec::<i32>::new());
        f.set_exception(aio_futures::Exception::py(aio_rt::PyError::new(
            "RuntimeError",
            "",
        )))
        .unwrap();
        cx.sleep(1).await;
        assert_eq!(bag.get(), [100]);
        assert_eq!(f.exception().unwrap().unwrap().py_type(), "RuntimeError");
    }

    #[apply(runtimes)]
    fn test_callbacks_invoked_on_set_exception(kind: RuntimeKind) {
        port!(kind, callbacks_invoked_on_set_exception);
    }

    // CPython: test_futures.BaseFutureDoneCallbackTests.test_remove_done_callback
    async fn remove_done_callback<R: Runtime>(cx: Cx<R>) {
        let bag = Log::default();
        let f = Future::new(cx.rt());
        let (cb1, cb2, cb3) = (appender(&bag, 1), appender(&bag, 2), appender(&bag, 3));
        f.add_done_callback(cb1.clone());
        f.add_done_callback(cb2.clone());
        assert_eq!(f.remove_done_callback(&cb2), 1);
        assert_eq!(f.remove_done_callback(&cb3), 0);
        f.add_done_callback(cb2.clone());
        for _ in 0..5 {
            f.add_done_callback(cb1.clone());
        }
        assert_eq!(f.remove_done_callback(&cb1), 6);
        assert_eq!(bag.get(), Vec::<i32>::new());
        f.set_result("foo").unwrap();
        cx.sleep(1).await;
        assert_eq!(bag.get(), [2]);
        assert_eq!(f.result().unwrap(), "foo");
    }

    #[apply(runtimes)]
    fn test_remove_done_callback(kind: RuntimeKind) {
        port!(kind, remove_done_callback);
    }

    // CPython: test_futures.BaseFutureDoneCallbackTests.test_schedule_callbacks_list_mutation_1
    async fn schedule_callbacks_list_mutation_1<R: Runtime>(cx: Cx<R>) {
        let bag = Log::default();
        let fut = Future::new(cx.rt());
        let s = appender(&bag, 1);
        let removed = s.clone();
        // A callback that removes the others while the callbacks run: no deadlock, no
        // panic; the callbacks already scheduled by set_result still run.
        fut.add_done_callback(DoneCallback::new(move |f: &Future<&'static str>| {
            f.remove_done_callback(&removed);
        }));
        fut.add_done_callback(s.clone());
        fut.add_done_callback(s);
        fut.set_result("1").unwrap();
        cx.sleep(1).await;
        assert_eq!(bag.get(), [1, 1]);
    }

    #[apply(runtimes)]
    fn test_schedule_callbacks_list_mutation_1(kind: RuntimeKind) {
        port!(kind, schedule_callbacks_list_mutation_1);
    }
}
