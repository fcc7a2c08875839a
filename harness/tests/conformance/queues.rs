//! CPython's `Lib/test/test_asyncio/test_queues.py`, ported: one module per CPython class,
//! one test per ported method, each on all five runtimes in virtual time. The table
//! `harness/conformance/queues.txt` classifies every method (`aio conformance`).
//!
//! The translation rules are those of `conformance_locks.rs`: `asyncio.sleep(0)` is one
//! tick (`cx.sleep(1)`), tasks CPython creates together start a millisecond apart
//! ([`start`]), and a private attribute becomes its observable consequence. The mixins
//! (`_QueueJoinTestMixin`, `_QueueShutdownTestMixin`), which CPython runs on `Queue`,
//! `LifoQueue` and `PriorityQueue`, are ported once, generic over the store, and run on
//! all three.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aio_harness::{Cx, RuntimeKind};
use aio_queues::{
    BaseQueue, Fifo, GetNowaitError, Lifo, LifoQueue, Priority, PriorityQueue, PutNowaitError,
    Queue, Store,
};
use aio_rt::Runtime;
use common::{Log, port, runtimes, start, task};
use rstest::rstest;
use rstest_reuse::apply;

mod queue_basic_tests {
    use super::*;

    // CPython: test_queues.QueueBasicTests.test_empty
    async fn empty<R: Runtime>(_cx: Cx<R>) {
        let q = Queue::new(0);
        assert!(q.empty());
        q.put(1).await.unwrap();
        assert!(!q.empty());
        assert_eq!(q.get().await, Ok(1));
        assert!(q.empty());
    }

    #[apply(runtimes)]
    fn test_empty(kind: RuntimeKind) {
        port!(kind, empty);
    }

    // CPython: test_queues.QueueBasicTests.test_full
    async fn full<R: Runtime>(_cx: Cx<R>) {
        let q = Queue::<i32>::new(0);
        assert!(!q.full());
        let q = Queue::new(1);
        q.put(1).await.unwrap();
        assert!(q.full());
    }

    #[apply(runtimes)]
    fn test_full(kind: RuntimeKind) {
        port!(kind, full);
    }

    // CPython: test_queues.QueueBasicTests.test_order
    async fn order<R: Runtime>(_cx: Cx<R>) {
        let q = Queue::new(0);
        for i in [1, 3, 2] {
            q.put(i).await.unwrap();
        }
        let mut items = Vec::new();
        for _ in 0..3 {
            items.push(q.get().await.unwrap());
        }
        assert_eq!(items, [1, 3, 2]);
    }

    #[apply(runtimes)]
    fn test_order(kind: RuntimeKind) {
        port!(kind, order);
    }

    // CPython: test_queues.QueueBasicTests.test_maxsize
    async fn maxsize<R: Runtime>(cx: Cx<R>) {
        let q = Arc::new(Queue::new(2));
        assert_eq!(q.maxsize(), 2);
        let have_been_put = Log::default();
        let (qq, put) = (q.clone(), have_been_put.clone());
        let t = task(cx.rt(), async move {
            for i in 0..3 {
                qq.put(i).await.unwrap();
                put.push(i);
            }
            true
        });
        cx.sleep(1).await;
        // The putter is blocked after putting two items.
        assert_eq!(have_been_put.get(), [0, 1]);
        assert_eq!(q.get().await, Ok(0));
        cx.sleep(1).await;
        assert_eq!(have_been_put.get(), [0, 1, 2]);
        assert_eq!(q.get().await, Ok(1));
        assert_eq!(q.get().await, Ok(2));
        assert!(t.done());
        assert_eq!(t.result(), Ok(true));
    }

    #[apply(runtimes)]
    fn test_maxsize(kind: RuntimeKind) {
        port!(kind, maxsize);
    }
}

mod queue_get_tests {
    use super::*;

    // CPython: test_queues.QueueGetTests.test_blocking_get
    async fn blocking_get<R: Runtime>(_cx: Cx<R>) {
        let q = Queue::new(0);
        q.put_nowait(1).unwrap();
        assert_eq!(q.get().await, Ok(1));
    }

    #[apply(runtimes)]
    fn test_blocking_get(kind: RuntimeKind) {
        port!(kind, blocking_get);
    }

    // CPython: test_queues.QueueGetTests.test_blocking_get_wait
    async fn blocking_get_wait<R: Runtime>(cx: Cx<R>) {
        let q = Arc::new(Queue::new(0));
        let started = Arc::new(aio_sync::Event::new());
        let finished = Arc::new(Mutex::new(false));
        let (qq, s, f) = (q.clone(), started.clone(), finished.clone());
        let getter = task(cx.rt(), async move {
            s.set();
            let res = qq.get().await.unwrap();
            *f.lock().unwrap() = true;
            res
        });
        started.wait().await;
        assert!(!*finished.lock().unwrap());
        // loop.call_later(0.01, q.put_nowait, 1)
        let (qq, rt) = (q.clone(), cx.rt().clone());
        task(cx.rt(), async move {
            rt.sleep(Duration::from_millis(10)).await;
            qq.put_nowait(1).unwrap();
        });
        assert_eq!(getter.await, Ok(1));
        assert!(*finished.lock().unwrap());
    }

    #[apply(runtimes)]
    fn test_blocking_get_wait(kind: RuntimeKind) {
        port!(kind, blocking_get_wait);
    }

    // CPython: test_queues.QueueGetTests.test_nonblocking_get
    async fn nonblocking_get<R: Runtime>(_cx: Cx<R>) {
        let q = Queue::new(0);
        q.put_nowait(1).unwrap();
        assert_eq!(q.get_nowait(), Ok(1));
    }

    #[apply(runtimes)]
    fn test_nonblocking_get(kind: RuntimeKind) {
        port!(kind, nonblocking_get);
    }

    // CPython: test_queues.QueueGetTests.test_nonblocking_get_exception
    async fn nonblocking_get_exception<R: Runtime>(_cx: Cx<R>) {
        let q = Queue::<i32>::new(0);
        assert!(matches!(q.get_nowait(), Err(GetNowaitError::Empty(_))));
    }

    #[apply(runtimes)]
    fn test_nonblocking_get_exception(kind: RuntimeKind) {
        port!(kind, nonblocking_get_exception);
    }

    // CPython: test_queues.QueueGetTests.test_get_cancelled_race
    async fn get_cancelled_race<R: Runtime>(cx: Cx<R>) {
        let q = Arc::new(Queue::new(0));
        let qq = q.clone();
        let t1 = start(&cx, async move { qq.get().await }).await;
        let qq = q.clone();
        let t2 = start(&cx, async move { qq.get().await }).await;
        t1.cancel(None);
        cx.sleep(1).await;
        assert!(t1.done());
        q.put("a").await.unwrap();
        cx.sleep(1).await;
        assert_eq!(t2.await, Ok(Ok("a")));
    }

    #[apply(runtimes)]
    fn test_get_cancelled_race(kind: RuntimeKind) {
        port!(kind, get_cancelled_race);
    }

    // CPython: test_queues.QueueGetTests.test_get_with_waiting_putters
    async fn get_with_waiting_putters<R: Runtime>(cx: Cx<R>) {
        let q = Arc::new(Queue::new(1));
        let qq = q.clone();
        start(&cx, async move { qq.put("a").await.unwrap() }).await;
        let qq = q.clone();
        start(&cx, async move { qq.put("b").await.unwrap() }).await;
        assert_eq!(q.get().await, Ok("a"));
        assert_eq!(q.get().await, Ok("b"));
    }

    #[apply(runtimes)]
    fn test_get_with_waiting_putters(kind: RuntimeKind) {
        port!(kind, get_with_waiting_putters);
    }

    // CPython: test_queues.QueueGetTests.test_why_are_getters_waiting
    async fn why_are_getters_waiting<R: Runtime>(cx: Cx<R>) {
        let n = 5;
        let q = Arc::new(Queue::new(1));
        let qq = q.clone();
        let producer = task(cx.rt(), async move {
            for i in 0..n {
                qq.put(i).await.unwrap();
            }
        });
        let qq = q.clone();
        let consumer = task(cx.rt(), async move {
            for _ in 0..n {
                qq.get().await.unwrap();
            }
        });
        // Both end: no getter waits forever with items in the queue.
        assert_eq!(producer.await, Ok(()));
        assert_eq!(consumer.await, Ok(()));
    }

    #[apply(runtimes)]
    fn test_why_are_getters_waiting(kind: RuntimeKind) {
        port!(kind, why_are_getters_waiting);
    }

    // CPython: test_queues.QueueGetTests.test_cancelled_getters_not_being_held_in_self_getters
    async fn cancelled_getters_not_being_held_in_self_getters<R: Runtime>(cx: Cx<R>) {
        let q = Queue::new(5);
        let timed_out = aio_wait::wait_for(cx.rt(), q.get(), Some(Duration::from_millis(100)));
        assert!(timed_out.await.is_err(), "TimeoutError");
        // `queue._getters` is empty: an item put now stays in the queue.
        q.put_nowait(1).unwrap();
        cx.sleep(1).await;
        assert_eq!(q.qsize(), 1);
    }

    #[apply(runtimes)]
    fn test_cancelled_getters_not_being_held_in_self_getters(kind: RuntimeKind) {
        port!(kind, cancelled_getters_not_being_held_in_self_getters);
    }
}

mod queue_put_tests {
    use super::*;

    // CPython: test_queues.QueuePutTests.test_blocking_put
    async fn blocking_put<R: Runtime>(_cx: Cx<R>) {
        let q = Queue::new(0);
        q.put(1).await.unwrap();
        assert_eq!(q.get().await, Ok(1));
    }

    #[apply(runtimes)]
    fn test_blocking_put(kind: RuntimeKind) {
        port!(kind, blocking_put);
    }

    // CPython: test_queues.QueuePutTests.test_blocking_put_wait
    async fn blocking_put_wait<R: Runtime>(cx: Cx<R>) {
        let q = Arc::new(Queue::new(1));
        let started = Arc::new(aio_sync::Event::new());
        let finished = Arc::new(Mutex::new(false));
        // loop.call_later(0.01, q.get_nowait)
        let (qq, rt) = (q.clone(), cx.rt().clone());
        task(cx.rt(), async move {
            rt.sleep(Duration::from_millis(10)).await;
            qq.get_nowait().unwrap();
        });
        let (qq, s, f) = (q.clone(), started.clone(), finished.clone());
        let putter = task(cx.rt(), async move {
            s.set();
            qq.put(1).await.unwrap();
            qq.put(2).await.unwrap();
            *f.lock().unwrap() = true;
        });
        started.wait().await;
        assert!(!*finished.lock().unwrap());
        assert_eq!(putter.await, Ok(()));
        assert!(*finished.lock().unwrap());
    }

    #[apply(runtimes)]
    fn test_blocking_put_wait(kind: RuntimeKind) {
        port!(kind, blocking_put_wait);
    }

    // CPython: test_queues.QueuePutTests.test_nonblocking_put
    async fn nonblocking_put<R: Runtime>(_cx: Cx<R>) {
        let q = Queue::new(0);
        q.put_nowait(1).unwrap();
        assert_eq!(q.get_nowait(), Ok(1));
    }

    #[apply(runtimes)]
    fn test_nonblocking_put(kind: RuntimeKind) {
        port!(kind, nonblocking_put);
    }

    // CPython: test_queues.QueuePutTests.test_get_cancel_drop_one_pending_reader
    async fn get_cancel_drop_one_pending_reader<R: Runtime>(cx: Cx<R>) {
        let q = Arc::new(Queue::new(0));
        let qq = q.clone();
        let mut reader = start(&cx, async move { qq.get().await }).await;
        q.put_nowait(1).unwrap();
        q.put_nowait(2).unwrap();
        reader.cancel(None);
        if reader.clone().await.is_err() {
            let qq = q.clone();
            reader = task(cx.rt(), async move { qq.get().await });
            let _ = reader.clone().await;
        }
        // Getting 2 would mean 1 was dropped.
        assert_eq!(reader.result(), Ok(Ok(1)));
    }

    #[apply(runtimes)]
    fn test_get_cancel_drop_one_pending_reader(kind: RuntimeKind) {
        port!(kind, get_cancel_drop_one_pending_reader);
    }

    // CPython: test_queues.QueuePutTests.test_get_cancel_drop_many_pending_readers
    async fn get_cancel_drop_many_pending_readers<R: Runtime>(cx: Cx<R>) {
        let q = Arc::new(Queue::new(0));
        let reader = |q: &Arc<Queue<i32>>| {
            let q = q.clone();
            async move { q.get().await.unwrap() }
        };
        let reader1 = start(&cx, reader(&q)).await;
        let reader2 = start(&cx, reader(&q)).await;
        let reader3 = start(&cx, reader(&q)).await;
        q.put_nowait(1).unwrap();
        q.put_nowait(2).unwrap();
        reader1.cancel(None);
        assert!(reader1.await.unwrap_err().is_cancelled());
        let r3 = reader3.await.unwrap();
        let r2 = reader2.await.unwrap();
        let mut got = [r2, r3];
        got.sort();
        assert_eq!(got, [1, 2]);
    }

    #[apply(runtimes)]
    fn test_get_cancel_drop_many_pending_readers(kind: RuntimeKind) {
        port!(kind, get_cancel_drop_many_pending_readers);
    }

    // CPython: test_queues.QueuePutTests.test_put_cancel_drop
    async fn put_cancel_drop<R: Runtime>(cx: Cx<R>) {
        let q = Arc::new(Queue::new(1));
        q.put_nowait(1).unwrap();
        let qq = q.clone();
        let writer = start(&cx, async move { qq.put(2).await }).await;
        assert_eq!(q.get_nowait(), Ok(1));
        writer.cancel(None);
        if writer.await.is_err() {
            let qq = q.clone();
            let writer = task(cx.rt(), async move { qq.put(2).await });
            writer.await.unwrap().unwrap();
        }
        assert_eq!(q.get_nowait(), Ok(2));
        assert_eq!(q.qsize(), 0);
    }

    #[apply(runtimes)]
    fn test_put_cancel_drop(kind: RuntimeKind) {
        port!(kind, put_cancel_drop);
    }

    // CPython: test_queues.QueuePutTests.test_nonblocking_put_exception
    async fn nonblocking_put_exception<R: Runtime>(_cx: Cx<R>) {
        let q = Queue::new(1);
        q.put_nowait(1).unwrap();
        assert!(matches!(q.put_nowait(2), Err(PutNowaitError::Full(_))));
    }

    #[apply(runtimes)]
    fn test_nonblocking_put_exception(kind: RuntimeKind) {
        port!(kind, nonblocking_put_exception);
    }

    // CPython: test_queues.QueuePutTests.test_put_cancelled
    async fn put_cancelled<R: Runtime>(cx: Cx<R>) {
        let q = Arc::new(Queue::new(0));
        let qq = q.clone();
        let t = task(cx.rt(), async move {
            qq.put(1).await.unwrap();
            true
        });
        assert_eq!(q.get().await, Ok(1));
        cx.sleep(1).await;
        assert!(t.done());
        assert_eq!(t.result(), Ok(true));
    }

    #[apply(runtimes)]
    fn test_put_cancelled(kind: RuntimeKind) {
        port!(kind, put_cancelled);
    }

    // CPython: test_queues.QueuePutTests.test_put_cancelled_race
    async fn put_cancelled_race<R: Runtime>(cx: Cx<R>) {
        let q = Arc::new(Queue::new(1));
        let put = |item| {
            let q = q.clone();
            async move { q.put(item).await.unwrap() }
        };
        let put_a = start(&cx, put("a")).await;
        let put_b = start(&cx, put("b")).await;
        let put_c = start(&cx, put("X")).await;
        assert!(put_a.done());
        assert!(!put_b.done());
        put_c.cancel(None);
        cx.sleep(1).await;
        assert!(put_c.done());
        assert_eq!(q.get_nowait(), Ok("a"));
        cx.sleep(1).await;
        assert_eq!(q.get_nowait(), Ok("b"));
        assert_eq!(put_b.await, Ok(()));
    }

    #[apply(runtimes)]
    fn test_put_cancelled_race(kind: RuntimeKind) {
        port!(kind, put_cancelled_race);
    }

    // CPython: test_queues.QueuePutTests.test_put_with_waiting_getters
    async fn put_with_waiting_getters<R: Runtime>(cx: Cx<R>) {
        let q = Arc::new(Queue::new(0));
        let qq = q.clone();
        let t = start(&cx, async move { qq.get().await }).await;
        q.put("a").await.unwrap();
        assert_eq!(t.await, Ok(Ok("a")));
    }

    #[apply(runtimes)]
    fn test_put_with_waiting_getters(kind: RuntimeKind) {
        port!(kind, put_with_waiting_getters);
    }

    // CPython: test_queues.QueuePutTests.test_why_are_putters_waiting
    async fn why_are_putters_waiting<R: Runtime>(cx: Cx<R>) {
        let q = Arc::new(Queue::new(2));
        let qq = q.clone();
        let mut tasks = vec![task(cx.rt(), {
            let cx = cx.clone();
            async move {
                cx.sleep(1).await;
                for _ in 0..qq.qsize() {
                    qq.get_nowait().unwrap();
                }
            }
        })];
        for item in 0..4 {
            let qq = q.clone();
            tasks.push(task(cx.rt(), async move { qq.put(item).await.unwrap() }));
        }
        // Every task ends: the getter's room reaches the waiting putters.
        for t in tasks {
            assert_eq!(t.await, Ok(()));
        }
    }

    #[apply(runtimes)]
    fn test_why_are_putters_waiting(kind: RuntimeKind) {
        port!(kind, why_are_putters_waiting);
    }

    // CPython: test_queues.QueuePutTests.test_cancelled_puts_not_being_held_in_self_putters
    async fn cancelled_puts_not_being_held_in_self_putters<R: Runtime>(cx: Cx<R>) {
        let q = Arc::new(Queue::new(1));
        q.put_nowait(1).unwrap();
        let qq = q.clone();
        let put_task = start(&cx, async move { qq.put(2).await }).await;
        put_task.cancel(None);
        assert!(put_task.await.unwrap_err().is_cancelled());
        // `queue._putters` is empty: making room lets no cancelled put in.
        assert_eq!(q.get_nowait(), Ok(1));
        cx.sleep(1).await;
        assert!(q.empty());
    }

    #[apply(runtimes)]
    fn test_cancelled_puts_not_being_held_in_self_putters(kind: RuntimeKind) {
        port!(kind, cancelled_puts_not_being_held_in_self_putters);
    }

    // CPython: test_queues.QueuePutTests.test_cancelled_put_silence_value_error_exception
    async fn cancelled_put_silence_value_error_exception<R: Runtime>(cx: Cx<R>) {
        let q = Arc::new(Queue::new(1));
        q.put_nowait(1).unwrap();
        let qq = q.clone();
        let put_task = start(&cx, async move { qq.put(1).await }).await;
        // The get wakes the putter; cancelling it then ends in CancelledError, nothing else.
        q.get_nowait().unwrap();
        put_task.cancel(None);
        assert!(put_task.await.unwrap_err().is_cancelled());
    }

    #[apply(runtimes)]
    fn test_cancelled_put_silence_value_error_exception(kind: RuntimeKind) {
        port!(kind, cancelled_put_silence_value_error_exception);
    }
}

mod lifo_queue_tests {
    use super::*;

    // CPython: test_queues.LifoQueueTests.test_order
    async fn order<R: Runtime>(_cx: Cx<R>) {
        let q = LifoQueue::new(0);
        for i in [1, 3, 2] {
            q.put(i).await.unwrap();
        }
        let mut items = Vec::new();
        for _ in 0..3 {
            items.push(q.get().await.unwrap());
        }
        assert_eq!(items, [2, 3, 1]);
    }

    #[apply(runtimes)]
    fn test_order(kind: RuntimeKind) {
        port!(kind, order);
    }
}

mod priority_queue_tests {
    use super::*;

    // CPython: test_queues.PriorityQueueTests.test_order
    async fn order<R: Runtime>(_cx: Cx<R>) {
        let q = PriorityQueue::new(0);
        for i in [1, 3, 2] {
            q.put(i).await.unwrap();
        }
        let mut items = Vec::new();
        for _ in 0..3 {
            items.push(q.get().await.unwrap());
        }
        assert_eq!(items, [1, 2, 3]);
    }

    #[apply(runtimes)]
    fn test_order(kind: RuntimeKind) {
        port!(kind, order);
    }
}

/// Runs a mixin's port on the three queue classes, as CPython's `QueueJoinTests`,
/// `LifoQueueJoinTests` and `PriorityQueueJoinTests` (and the shutdown ones) do.
macro_rules! on_each_queue {
    ($cx:expr, $port:ident) => {{
        $port::<_, Fifo<_>>(&$cx).await;
        $port::<_, Lifo<_>>(&$cx).await;
        $port::<_, Priority<_>>(&$cx).await;
    }};
}

mod queue_join_test_mixin {
    use super::*;

    async fn task_done_underflow_on<R: Runtime, S: Store<i32>>(_cx: &Cx<R>) {
        let q = BaseQueue::<i32, S>::new(0);
        assert!(q.task_done().is_err());
    }

    // CPython: test_queues._QueueJoinTestMixin.test_task_done_underflow
    async fn task_done_underflow<R: Runtime>(cx: Cx<R>) {
        on_each_queue!(cx, task_done_underflow_on);
    }

    #[apply(runtimes)]
    fn test_task_done_underflow(kind: RuntimeKind) {
        port!(kind, task_done_underflow);
    }

    async fn task_done_on<R: Runtime, S: Store<i32> + Send + Sync + 'static>(cx: &Cx<R>) {
        let q = Arc::new(BaseQueue::<i32, S>::new(0));
        for i in 0..100 {
            q.put_nowait(i).unwrap();
        }
        let accumulator = Arc::new(Mutex::new(0));
        let running = Arc::new(Mutex::new(true));
        let mut workers = Vec::new();
        for _ in 0..2 {
            let (q, acc, running) = (q.clone(), accumulator.clone(), running.clone());
            workers.push(task(cx.rt(), async move {
                while *running.lock().unwrap() {
                    let item = q.get().await.unwrap();
                    *acc.lock().unwrap() += item;
                    q.task_done().unwrap();
                }
            }));
        }
        q.join().await;
        assert_eq!(*accumulator.lock().unwrap(), (0..100).sum::<i32>());
        *running.lock().unwrap() = false;
        for _ in 0..workers.len() {
            q.put_nowait(0).unwrap();
        }
        for w in workers {
            assert_eq!(w.await, Ok(()));
        }
    }

    // CPython: test_queues._QueueJoinTestMixin.test_task_done
    async fn task_done<R: Runtime>(cx: Cx<R>) {
        on_each_queue!(cx, task_done_on);
    }

    #[apply(runtimes)]
    fn test_task_done(kind: RuntimeKind) {
        port!(kind, task_done);
    }

    async fn join_empty_queue_on<R: Runtime, S: Store<i32>>(_cx: &Cx<R>) {
        let q = BaseQueue::<i32, S>::new(0);
        q.join().await;
        q.join().await;
    }

    // CPython: test_queues._QueueJoinTestMixin.test_join_empty_queue
    async fn join_empty_queue<R: Runtime>(cx: Cx<R>) {
        on_each_queue!(cx, join_empty_queue_on);
    }

    #[apply(runtimes)]
    fn test_join_empty_queue(kind: RuntimeKind) {
        port!(kind, join_empty_queue);
    }
}

mod queue_shutdown_test_mixin {
    use super::*;

    /// Every put and get of a shut-down, empty queue raises QueueShutDown.
    async fn all_shut_down<S: Store<&'static str>>(q: &BaseQueue<&'static str, S>) {
        assert!(q.put("data").await.is_err());
        assert!(matches!(
            q.put_nowait("data"),
            Err(PutNowaitError::ShutDown(_))
        ));
        assert!(q.get().await.is_err());
        assert!(matches!(q.get_nowait(), Err(GetNowaitError::ShutDown(_))));
    }

    async fn shutdown_empty_on<R: Runtime, S: Store<&'static str> + Send + Sync + 'static>(
        cx: &Cx<R>,
    ) {
        let q = Arc::new(BaseQueue::<&'static str, S>::new(0));
        let qq = q.clone();
        let get_task = start(cx, async move { qq.get().await }).await;
        q.shutdown(false);
        assert_eq!(q.qsize(), 0);
        q.join().await;
        cx.sleep(1).await;
        assert!(get_task.done());
        assert!(get_task.await.unwrap().is_err(), "QueueShutDown");
        all_shut_down(&q).await;
    }

    // CPython: test_queues._QueueShutdownTestMixin.test_shutdown_empty
    async fn shutdown_empty<R: Runtime>(cx: Cx<R>) {
        on_each_queue!(cx, shutdown_empty_on);
    }

    #[apply(runtimes)]
    fn test_shutdown_empty(kind: RuntimeKind) {
        port!(kind, shutdown_empty);
    }

    async fn shutdown_nonempty_on<R: Runtime, S: Store<&'static str> + Send + Sync + 'static>(
        cx: &Cx<R>,
    ) {
        let q = Arc::new(BaseQueue::<&'static str, S>::new(1));
        q.put_nowait("data").unwrap();
        let qq = q.clone();
        let join_task = task(cx.rt(), async move { qq.join().await });
        let qq = q.clone();
        let put_task = task(cx.rt(), async move { qq.put("data2").await });
        cx.sleep(1).await;
        assert!(!put_task.done());
        q.shutdown(false);
        assert_eq!(q.qsize(), 1);
        cx.sleep(1).await;
        assert!(put_task.done());
        assert!(put_task.await.unwrap().is_err(), "QueueShutDown");
        assert_eq!(q.get().await, Ok("data"));
        cx.sleep(1).await;
        assert!(!join_task.done());
        all_shut_down(&q).await;
        q.task_done().unwrap();
        cx.sleep(1).await;
        assert!(join_task.done());
        assert_eq!(join_task.await, Ok(()));
        assert!(q.task_done().is_err());
    }

    // CPython: test_queues._QueueShutdownTestMixin.test_shutdown_nonempty
    async fn shutdown_nonempty<R: Runtime>(cx: Cx<R>) {
        on_each_queue!(cx, shutdown_nonempty_on);
    }

    #[apply(runtimes)]
    fn test_shutdown_nonempty(kind: RuntimeKind) {
        port!(kind, shutdown_nonempty);
    }

    async fn shutdown_immediate_on<R: Runtime, S: Store<&'static str> + Send + Sync + 'static>(
        cx: &Cx<R>,
    ) {
        let q = Arc::new(BaseQueue::<&'static str, S>::new(0));
        q.put_nowait("data").unwrap();
        let qq = q.clone();
        let join_task = task(cx.rt(), async move { qq.join().await });
        q.shutdown(true);
        assert_eq!(q.qsize(), 0);
        cx.sleep(1).await;
        assert!(join_task.done());
        assert_eq!(join_task.await, Ok(()));
        all_shut_down(&q).await;
        assert!(q.task_done().is_err());
    }

    // CPython: test_queues._QueueShutdownTestMixin.test_shutdown_immediate
    async fn shutdown_immediate<R: Runtime>(cx: Cx<R>) {
        on_each_queue!(cx, shutdown_immediate_on);
    }

    #[apply(runtimes)]
    fn test_shutdown_immediate(kind: RuntimeKind) {
        port!(kind, shutdown_immediate);
    }

    async fn shutdown_immediate_with_unfinished_on<
        R: Runtime,
        S: Store<&'static str> + Send + Sync + 'static,
    >(
        cx: &Cx<R>,
    ) {
        let q = Arc::new(BaseQueue::<&'static str, S>::new(0));
        q.put_nowait("data").unwrap();
        q.put_nowait("data").unwrap();
        let qq = q.clone();
        let join_task = task(cx.rt(), async move { qq.join().await });
        assert_eq!(q.get().await, Ok("data"));
        q.shutdown(true);
        assert_eq!(q.qsize(), 0);
        cx.sleep(1).await;
        assert!(!join_task.done());
        all_shut_down(&q).await;
        q.task_done().unwrap();
        assert!(q.task_done().is_err());
        cx.sleep(1).await;
        assert!(join_task.done());
        assert_eq!(join_task.await, Ok(()));
    }

    // CPython: test_queues._QueueShutdownTestMixin.test_shutdown_immediate_with_unfinished
    async fn shutdown_immediate_with_unfinished<R: Runtime>(cx: Cx<R>) {
        on_each_queue!(cx, shutdown_immediate_with_unfinished_on);
    }

    #[apply(runtimes)]
    fn test_shutdown_immediate_with_unfinished(kind: RuntimeKind) {
        port!(kind, shutdown_immediate_with_unfinished);
    }
}
