//! Unit tests of the queues, driving futures by hand with counting wakers: no runtime.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use aio_queues::{
    GetNowaitError, LifoQueue, PriorityQueue, PutNowaitError, Queue, QueueShutDown, TaskDoneError,
};

#[derive(Default)]
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn waker() -> (Arc<Counter>, Waker) {
    let counter = Arc::new(Counter::default());
    (counter.clone(), Waker::from(counter))
}

fn poll<F: Future + Unpin>(fut: &mut F, waker: &Waker) -> Poll<F::Output> {
    Pin::new(fut).poll(&mut Context::from_waker(waker))
}

fn woken(counter: &Counter) -> usize {
    counter.0.load(Ordering::SeqCst)
}

#[test]
fn smoke() {
    let q = Queue::new(0);
    assert_eq!(q.maxsize(), 0);
    q.put_nowait(1).unwrap();
    q.put_nowait(2).unwrap();
    assert!(!q.full(), "unbounded is never full");
    assert_eq!(q.qsize(), 2);
    assert_eq!(q.get_nowait(), Ok(1));
    assert_eq!(q.get_nowait(), Ok(2));
    assert!(q.empty());
    assert_eq!(
        q.get_nowait(),
        Err(GetNowaitError::Empty(aio_queues::QueueEmpty))
    );
}

#[test]
fn orders() {
    let lifo = LifoQueue::new(0);
    let prio = PriorityQueue::new(0);
    for i in [2, 3, 1] {
        lifo.put_nowait(i).unwrap();
        prio.put_nowait((i, format!("job {i}"))).unwrap();
    }
    assert_eq!(
        [lifo.get_nowait(), lifo.get_nowait(), lifo.get_nowait()],
        [Ok(1), Ok(3), Ok(2)]
    );
    assert_eq!(prio.get_nowait().unwrap().0, 1);
    assert_eq!(prio.get_nowait().unwrap().0, 2);
}

#[test]
fn errors_carry_the_item_and_say_what_was_wrong() {
    let q = Queue::new(1);
    q.put_nowait("a").unwrap();
    let err = q.put_nowait("b").unwrap_err();
    assert_eq!(format!("{err:?}"), "Full(QueueFull(..))");
    assert_eq!(err.to_string(), "queue is full");
    assert_eq!(err.into_inner(), "b");
    assert_eq!(q.get_nowait().unwrap(), "a");
    assert_eq!(q.task_done(), Ok(()));
    assert_eq!(q.task_done(), Err(TaskDoneError));
    assert_eq!(
        TaskDoneError.to_string(),
        "task_done() called too many times"
    );
    q.shutdown(false);
    assert!(matches!(
        q.put_nowait("c"),
        Err(PutNowaitError::ShutDown(QueueShutDown("c")))
    ));
    assert_eq!(
        q.get_nowait(),
        Err(GetNowaitError::ShutDown(QueueShutDown(())))
    );
    assert_eq!(QueueShutDown(()).to_string(), "queue is shut down");
}

#[test]
fn getters_are_served_in_arrival_order() {
    let q = Queue::new(0);
    let (ca, wa) = waker();
    let (cb, wb) = waker();
    let mut a = q.get();
    let mut b = q.get();
    assert!(poll(&mut a, &wa).is_pending());
    assert!(poll(&mut b, &wb).is_pending());
    q.put_nowait(1).unwrap();
    assert_eq!((woken(&ca), woken(&cb)), (1, 0));
    q.put_nowait(2).unwrap();
    assert_eq!(
        poll(&mut b, &wb),
        Poll::Ready(Ok(1)),
        "items are not reserved: b, polled first, takes 1"
    );
    assert_eq!(poll(&mut a, &wa), Poll::Ready(Ok(2)));
}

#[test]
fn a_woken_getter_can_be_robbed_and_goes_to_the_back() {
    let q = Queue::new(0);
    let (ca, wa) = waker();
    let (cb, wb) = waker();
    let mut a = q.get();
    let mut b = q.get();
    assert!(poll(&mut a, &wa).is_pending());
    assert!(poll(&mut b, &wb).is_pending());
    q.put_nowait(1).unwrap();
    assert_eq!(q.get_nowait(), Ok(1), "get_nowait robs the woken getter");
    assert!(
        poll(&mut a, &wa).is_pending(),
        "a finds the queue empty and waits again, behind b"
    );
    q.put_nowait(2).unwrap();
    assert_eq!(
        (woken(&ca), woken(&cb)),
        (1, 1),
        "the next put wakes b, not a"
    );
    assert_eq!(poll(&mut b, &wb), Poll::Ready(Ok(2)));
}

#[test]
fn cancelled_get_loses_nothing_and_passes_its_wake_up_on() {
    let q = Queue::new(0);
    let (_, wa) = waker();
    let (cb, wb) = waker();
    let mut a = q.get();
    let mut b = q.get();
    assert!(poll(&mut a, &wa).is_pending());
    assert!(poll(&mut b, &wb).is_pending());
    q.put_nowait(7).unwrap();
    drop(a);
    assert_eq!(woken(&cb), 1, "a's wake-up went to b");
    assert_eq!(q.qsize(), 1, "the item is still in the queue");
    assert_eq!(poll(&mut b, &wb), Poll::Ready(Ok(7)));
}

#[test]
fn cancelled_put_inserts_nothing_and_leaves_no_putter() {
    let q = Queue::new(1);
    q.put_nowait(1).unwrap();
    let (ca, wa) = waker();
    let (cb, wb) = waker();
    let mut a = q.put(2);
    let mut b = q.put(3);
    assert!(poll(&mut a, &wa).is_pending());
    assert!(poll(&mut b, &wb).is_pending());
    assert_eq!(q.get_nowait(), Ok(1));
    assert_eq!((woken(&ca), woken(&cb)), (1, 0));
    drop(a);
    assert_eq!(woken(&cb), 1, "a's free slot went to b");
    assert_eq!(poll(&mut b, &wb), Poll::Ready(Ok(())));
    assert_eq!(q.get_nowait(), Ok(3));
    assert_eq!(
        q.unfinished_tasks(),
        2,
        "two puts went in, the cancelled one did not"
    );
    assert!(format!("{q:?}").contains("putters: 0"));
}

#[test]
fn join_waits_for_every_task_done() {
    let q = Queue::new(0);
    let (_, w) = waker();
    assert!(
        poll(&mut q.join(), &w).is_ready(),
        "a fresh queue joins at once"
    );
    q.put_nowait(1).unwrap();
    q.put_nowait(2).unwrap();
    let (c1, w1) = waker();
    let (c2, w2) = waker();
    let mut j1 = q.join();
    let mut j2 = q.join();
    assert!(poll(&mut j1, &w1).is_pending());
    assert!(poll(&mut j2, &w2).is_pending());
    q.get_nowait().unwrap();
    q.task_done().unwrap();
    assert_eq!((woken(&c1), woken(&c2)), (0, 0));
    q.task_done().unwrap();
    assert_eq!((woken(&c1), woken(&c2)), (1, 1), "every joiner wakes");
    q.put_nowait(3).unwrap();
    assert!(
        poll(&mut j1, &w1).is_ready(),
        "a put after the count reached zero does not stop them"
    );
    assert!(poll(&mut j2, &w2).is_ready());
}

#[test]
fn shutdown_drains_then_fails() {
    let q = Queue::new(1);
    q.put_nowait(1).unwrap();
    let (cp, wp) = waker();
    let mut p = q.put(2);
    assert!(poll(&mut p, &wp).is_pending());
    q.shutdown(false);
    assert_eq!(woken(&cp), 1);
    assert_eq!(
        poll(&mut p, &wp),
        Poll::Ready(Err(QueueShutDown(2))),
        "the blocked put fails with its item"
    );
    assert_eq!(
        poll(&mut q.get(), &wp),
        Poll::Ready(Ok(1)),
        "gets drain what is left"
    );
    assert_eq!(poll(&mut q.get(), &wp), Poll::Ready(Err(QueueShutDown(()))));
}

#[test]
fn immediate_shutdown_drops_items_and_finishes_join() {
    let q = Queue::new(0);
    q.put_nowait(1).unwrap();
    q.put_nowait(2).unwrap();
    let (cj, wj) = waker();
    let mut j = q.join();
    assert!(poll(&mut j, &wj).is_pending());
    q.shutdown(true);
    assert_eq!(q.qsize(), 0);
    assert_eq!(q.unfinished_tasks(), 0);
    assert_eq!(woken(&cj), 1);
    assert!(poll(&mut j, &wj).is_ready());
}

#[test]
fn futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let q: Queue<String> = Queue::new(0);
    assert_send(&q.put(String::new()));
    assert_send(&q.get());
    assert_send(&q.join());
}

/// A `maxsize` above `Fifo::PREALLOCATED` allocates no slots up front (a huge one
/// would not fit in memory), yet still bounds the queue, wakes a blocked putter when a
/// slot frees, and fails puts after shutdown.
#[test]
fn a_large_maxsize_is_bounded_without_allocating_it() {
    let huge = Queue::new(usize::MAX);
    huge.put_nowait(1).unwrap();
    assert!(!huge.full());
    assert_eq!(huge.get_nowait(), Ok(1));

    let maxsize = aio_queues::Fifo::<usize>::PREALLOCATED + 2;
    let q = Queue::new(maxsize);
    for i in 0..maxsize {
        q.put_nowait(i).unwrap();
    }
    assert!(q.full());
    assert!(matches!(q.put_nowait(7), Err(PutNowaitError::Full(_))));
    let (counter, waker) = waker();
    let mut put = q.put(maxsize);
    assert!(poll(&mut put, &waker).is_pending());
    assert_eq!(q.get_nowait(), Ok(0));
    assert_eq!(woken(&counter), 1, "the freed slot wakes the putter");
    assert_eq!(poll(&mut put, &waker), Poll::Ready(Ok(())));
    assert!(q.full());
    q.shutdown(false);
    assert_eq!(q.get_nowait(), Ok(1));
    assert!(matches!(q.put_nowait(9), Err(PutNowaitError::ShutDown(_))));
    assert_eq!(q.qsize(), maxsize - 1);
}

#[test]
fn display_is_asyncio_repr() {
    let q: Queue<&str> = Queue::new(0);
    assert_eq!(q.to_string(), "<Queue maxsize=0>");
    q.put_nowait("a").unwrap();
    q.put_nowait("b").unwrap();
    // The lock-free ring cannot be listed: a count where asyncio lists the items.
    assert_eq!(q.to_string(), "<Queue maxsize=0 _queue=<2 items> tasks=2>");
    let lifo = LifoQueue::new(3);
    lifo.put_nowait("a").unwrap();
    lifo.put_nowait("b").unwrap();
    assert_eq!(
        lifo.to_string(),
        r#"<LifoQueue maxsize=3 _queue=["a", "b"] tasks=2>"#
    );
    let pq = PriorityQueue::new(0);
    for item in [3, 1, 2] {
        pq.put_nowait(item).unwrap();
    }
    pq.get_nowait().unwrap();
    pq.task_done().unwrap();
    pq.shutdown(false);
    assert_eq!(
        pq.to_string(),
        "<PriorityQueue maxsize=0 _queue=[2, 3] tasks=2 shutdown>"
    );
}
