//! Scenarios for `queues`: asyncio.Queue, LifoQueue and PriorityQueue through aio-queues.

use std::sync::Arc;

use aio_queues::{LifoQueue, PriorityQueue, Queue};
use aio_rt::Runtime;
use futures_lite::future;

use crate::{Cx, Scenario, exc};

const CONCEPT: &str = "queues";
const SOURCE: &str = include_str!("queues.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[
    parity!(
        queue_orders,
        "the same puts come out first-in-first-out, last-in-first-out, or smallest first"
    ),
    parity!(
        queue_put_blocks_when_full,
        "put waits while a bounded queue is full and resumes as soon as a get frees a slot"
    ),
    parity!(
        queue_getters_in_arrival_order,
        "getters blocked on an empty queue are served in the order they arrived"
    ),
    parity!(
        queue_nowait_errors,
        "put_nowait on a full queue, get_nowait on an empty one and one task_done too many fail"
    ),
    parity!(
        queue_join,
        "join returns at once on a fresh queue, and wakes every joiner when the last task_done comes"
    ),
    parity!(
        queue_robbed_getter,
        "a woken getter can be robbed by get_nowait before it runs; it then waits again at the back"
    ),
    parity!(
        queue_get_timeout,
        "a get cancelled by a timeout loses nothing: the next item goes to the next getter"
    ),
    parity!(
        queue_get_woken_then_cancelled,
        "a getter woken for an item and cancelled before it runs passes the item on"
    ),
    parity!(
        queue_put_timeout,
        "a put cancelled by a timeout inserts nothing and leaves no putter behind"
    ),
    parity!(
        queue_shutdown,
        "after shutdown puts fail and blocked putters wake up to fail; gets drain the rest, then fail"
    ),
    parity!(
        queue_shutdown_immediate,
        "shutdown(immediate) drops the items, finishes join, and fails blocked getters"
    ),
    parity!(
        queue_repr,
        "a queue prints as asyncio's repr: maxsize, items, getters and putters waiting, unfinished tasks, shutdown (3.13)"
    ),
];

/// Gets `n` items at once from any of the three queues.
macro_rules! drain {
    ($queue:expr, $n:expr) => {
        (0..$n)
            .map(|_| $queue.get_nowait().expect("an item"))
            .collect::<Vec<_>>()
    };
}

/// The three queues get the same puts, 3, 1, 2. `Queue` gives them back in the order
/// they went in, `LifoQueue` last first, `PriorityQueue` smallest first (in Python, items
/// are usually `(priority, data)` tuples; in Rust any `Ord` type, tuples included).
pub(crate) async fn queue_orders<R: Runtime>(cx: Cx<R>) {
    let fifo = Queue::new(0);
    let lifo = LifoQueue::new(0);
    let prio = PriorityQueue::new(0);
    for item in [3, 1, 2] {
        fifo.put_nowait(item).expect("unbounded");
        lifo.put_nowait(item).expect("unbounded");
        prio.put_nowait(item).expect("unbounded");
    }
    cx.log("main", format!("Queue gives {:?}", drain!(fifo, 3)));
    cx.log("main", format!("LifoQueue gives {:?}", drain!(lifo, 3)));
    cx.log("main", format!("PriorityQueue gives {:?}", drain!(prio, 3)));
}

/// A producer puts four items into a queue of `maxsize=2`; the consumer starts at t=2
/// and takes one item per tick. The third put waits until the first get frees a slot,
/// the fourth until the second: a bounded queue is back-pressure.
pub(crate) async fn queue_put_blocks_when_full<R: Runtime>(cx: Cx<R>) {
    let queue = Arc::new(Queue::new(2));
    let (q, c) = (queue.clone(), cx.clone());
    let producer = cx.spawn("producer", async move {
        for i in 0..4 {
            c.log("producer", format!("put {i}..."));
            q.put(i).await.expect("not shut down");
            c.log("producer", format!("put {i} done, qsize={}", q.qsize()));
        }
    });
    let (q, c) = (queue.clone(), cx.clone());
    let consumer = cx.spawn("consumer", async move {
        c.sleep(2).await;
        for _ in 0..4 {
            let item = q.get().await.expect("not shut down");
            c.log("consumer", format!("got {item}"));
            c.sleep(1).await;
        }
    });
    producer.await.expect("producer finished");
    consumer.await.expect("consumer finished");
}

/// Three getters start waiting on an empty queue at t=0, 1 and 2. At t=3 three items go
/// in at once: the getters get them in the order they arrived.
pub(crate) async fn queue_getters_in_arrival_order<R: Runtime>(cx: Cx<R>) {
    let queue = Arc::new(Queue::new(0));
    let mut getters = Vec::new();
    for i in 0..3 {
        let (q, c) = (queue.clone(), cx.clone());
        let name = format!("getter-{i}");
        getters.push(cx.spawn(name.clone(), async move {
            c.sleep(i).await;
            c.log(&name, "waiting");
            let item = q.get().await.expect("not shut down");
            c.log(&name, format!("got {item}"));
        }));
    }
    cx.sleep(3).await;
    for item in ["a", "b", "c"] {
        queue.put_nowait(item).expect("unbounded");
    }
    cx.log("main", "put a, b, c");
    for getter in getters {
        getter.await.expect("getter finished");
    }
}

/// The errors asyncio raises, as typed errors. `put_nowait` on a full queue fails with
/// `QueueFull`, which in Rust carries the item back; `get_nowait` on an empty queue fails
/// with `QueueEmpty`; one `task_done` more than there were puts is asyncio's ValueError.
pub(crate) async fn queue_nowait_errors<R: Runtime>(cx: Cx<R>) {
    let queue = Queue::new(1);
    queue.put_nowait(1).expect("room for one");
    if let Err(e) = queue.put_nowait(2) {
        cx.log("main", format!("put_nowait(2): {}", exc(&e)));
    }
    cx.log(
        "main",
        format!("get_nowait() -> {}", queue.get_nowait().expect("one item")),
    );
    if let Err(e) = queue.get_nowait() {
        cx.log("main", format!("get_nowait(): {}", exc(&e)));
    }
    queue.task_done().expect("one item was put");
    if let Err(e) = queue.task_done() {
        cx.log("main", format!("task_done(): {}", exc(&e)));
    }
}

/// `join` on a fresh queue returns at once. Then three items go in; a worker takes
/// each, works on it for as many ticks as its value, and calls `task_done`. Both `main`
/// and a watcher wait in `join`; the last `task_done` (t=4) wakes them both, in the
/// order they started waiting.
pub(crate) async fn queue_join<R: Runtime>(cx: Cx<R>) {
    let queue = Arc::new(Queue::new(0));
    queue.join().await;
    cx.log("main", "join on a fresh queue returned at once");
    for item in [1, 2, 1] {
        queue.put_nowait(item).expect("unbounded");
    }
    let (q, c) = (queue.clone(), cx.clone());
    let worker = cx.spawn("worker", async move {
        for _ in 0..3 {
            let item = q.get().await.expect("not shut down");
            c.sleep(item).await;
            c.log("worker", format!("done {item}"));
            q.task_done().expect("one per get");
        }
    });
    let (q, c) = (queue.clone(), cx.clone());
    let watcher = cx.spawn("watcher", async move {
        q.join().await;
        c.log("watcher", "joined");
    });
    queue.join().await;
    cx.log("main", "joined");
    worker.await.expect("worker finished");
    watcher.await.expect("watcher finished");
}

/// Whether a woken getter can be robbed: yes, as in asyncio. Getter A waits from t=0, B
/// from t=1. At t=2 `main` puts x, which wakes A, and takes x back with `get_nowait`
/// before A runs. A finds the queue empty and waits again, now behind B: the put at t=3
/// goes to B, the one at t=4 to A. (A strict hand-off would give x to A; this crate
/// follows asyncio, see `aio_queues::BaseQueue`.)
pub(crate) async fn queue_robbed_getter<R: Runtime>(cx: Cx<R>) {
    let queue = Arc::new(Queue::new(0));
    let mut getters = Vec::new();
    for (i, name) in ["a", "b"].into_iter().enumerate() {
        let (q, c) = (queue.clone(), cx.clone());
        getters.push(cx.spawn(name, async move {
            c.sleep(i as u64).await;
            c.log(name, "waiting");
            let item = q.get().await.expect("not shut down");
            c.log(name, format!("got {item}"));
        }));
    }
    cx.sleep(2).await;
    queue.put_nowait("x").expect("unbounded");
    let robbed = queue.get_nowait().expect("x is there");
    cx.log("main", format!("put x, then get_nowait() -> {robbed}"));
    cx.sleep(1).await;
    queue.put_nowait("y").expect("unbounded");
    cx.log("main", "put y");
    cx.sleep(1).await;
    queue.put_nowait("z").expect("unbounded");
    cx.log("main", "put z");
    for getter in getters {
        getter.await.expect("getter finished");
    }
}

/// Getter A waits at most 2 ticks (Python: `asyncio.wait_for(q.get(), 2)`; Rust: a race
/// between the get and a sleep, which drops the get when the sleep wins). B waits from
/// t=1 with no limit. A gives up at t=2; the item put at t=3 goes to B, and nothing was
/// lost or taken by the cancelled get.
pub(crate) async fn queue_get_timeout<R: Runtime>(cx: Cx<R>) {
    let queue = Arc::new(Queue::new(0));
    let (q, c) = (queue.clone(), cx.clone());
    let a = cx.spawn("a", async move {
        c.log("a", "waiting, at most 2 ticks");
        let got = future::or(async { Some(q.get().await) }, async {
            c.sleep(2).await;
            None
        })
        .await;
        match got {
            Some(item) => c.log("a", format!("got {}", item.expect("not shut down"))),
            None => c.log("a", "timed out"),
        }
    });
    let (q, c) = (queue.clone(), cx.clone());
    let b = cx.spawn("b", async move {
        c.sleep(1).await;
        c.log("b", "waiting");
        let item = q.get().await.expect("not shut down");
        c.log("b", format!("got {item}"));
    });
    cx.sleep(3).await;
    queue.put_nowait("x").expect("unbounded");
    cx.log("main", "put x");
    a.await.expect("a finished");
    b.await.expect("b finished");
    cx.log("main", format!("qsize={}", queue.qsize()));
}

/// A waits from t=0, B from t=1. At t=2 `main` puts x, which wakes A, and cancels A
/// before it runs. A's cancelled get takes nothing and passes its wake-up to B, which
/// gets x (asyncio's `except:` branch in `Queue.get`; in Rust, the drop of the `Get`
/// future).
pub(crate) async fn queue_get_woken_then_cancelled<R: Runtime>(cx: Cx<R>) {
    let queue = Arc::new(Queue::new(0));
    let mut getters = Vec::new();
    for (i, name) in ["a", "b"].into_iter().enumerate() {
        let (q, c) = (queue.clone(), cx.clone());
        getters.push(cx.spawn(name, async move {
            c.sleep(i as u64).await;
            c.log(name, "waiting");
            let item = q.get().await.expect("not shut down");
            c.log(name, format!("got {item}"));
        }));
    }
    cx.sleep(2).await;
    queue.put_nowait("x").expect("unbounded");
    getters[0].cancel();
    cx.log("main", "put x, cancel a");
    cx.sleep(1).await;
    let mut getters = getters.into_iter();
    let a = getters.next().expect("a").await;
    cx.log(
        "main",
        format!("a cancelled: {}, qsize={}", a.is_err(), queue.qsize()),
    );
    getters.next().expect("b").await.expect("b finished");
}

/// A queue of `maxsize=1` holds `old`. A put of `new` waits at most 1 tick and gives up:
/// nothing was inserted (qsize stays 1, the next get gives `old`, the one after finds
/// the queue empty), and no putter is left behind.
pub(crate) async fn queue_put_timeout<R: Runtime>(cx: Cx<R>) {
    let queue = Arc::new(Queue::new(1));
    queue.put_nowait("old").expect("room for one");
    let (q, c) = (queue.clone(), cx.clone());
    let putter = cx.spawn("putter", async move {
        c.log("putter", "put new, at most 1 tick");
        let put = future::or(async { Some(q.put("new").await) }, async {
            c.sleep(1).await;
            None
        })
        .await;
        c.log(
            "putter",
            if put.is_some() {
                "put new done"
            } else {
                "timed out"
            },
        );
    });
    putter.await.expect("putter finished");
    cx.log("main", format!("qsize={}", queue.qsize()));
    cx.log(
        "main",
        format!(
            "get_nowait() -> {}",
            queue.get_nowait().expect("old is there")
        ),
    );
    if let Err(e) = queue.get_nowait() {
        cx.log("main", format!("get_nowait(): {}", exc(&e)));
    }
}

/// `shutdown()` (3.13) at t=1 on a full queue of `maxsize=2` holding a and b: the
/// putter blocked on c wakes up and fails (Rust gives c back in the error), and
/// `put_nowait` fails too. The consumer, starting at t=2, still gets a and b, then its
/// next get fails.
pub(crate) async fn queue_shutdown<R: Runtime>(cx: Cx<R>) {
    let queue = Arc::new(Queue::new(2));
    queue.put_nowait("a").expect("room");
    queue.put_nowait("b").expect("room");
    let (q, c) = (queue.clone(), cx.clone());
    let putter = cx.spawn("putter", async move {
        c.log("putter", "put c...");
        match q.put("c").await {
            Ok(()) => c.log("putter", "put c done"),
            Err(e) => c.log("putter", format!("put c: {}", exc(&e))),
        }
    });
    let (q, c) = (queue.clone(), cx.clone());
    let consumer = cx.spawn("consumer", async move {
        c.sleep(2).await;
        loop {
            match q.get().await {
                Ok(item) => c.log("consumer", format!("got {item}")),
                Err(e) => {
                    c.log("consumer", format!("get: {}", exc(&e)));
                    break;
                }
            }
        }
    });
    cx.sleep(1).await;
    queue.shutdown(false);
    cx.log("main", "shutdown()");
    if let Err(e) = queue.put_nowait("d") {
        cx.log("main", format!("put_nowait(d): {}", exc(&e)));
    }
    putter.await.expect("putter finished");
    consumer.await.expect("consumer finished");
}

/// `shutdown(immediate=True)` (3.13) at t=1: the three items still in the queue are
/// dropped and the unfinished count goes down by three, so the watcher in `join` wakes
/// up; on a second, empty queue, the getter blocked since t=0 wakes up and fails.
pub(crate) async fn queue_shutdown_immediate<R: Runtime>(cx: Cx<R>) {
    let queue = Arc::new(Queue::new(0));
    let empty: Arc<Queue<&str>> = Arc::new(Queue::new(0));
    for item in ["a", "b", "c"] {
        queue.put_nowait(item).expect("unbounded");
    }
    let (q, c) = (queue.clone(), cx.clone());
    let watcher = cx.spawn("watcher", async move {
        q.join().await;
        c.log("watcher", "joined");
    });
    let (q, c) = (empty.clone(), cx.clone());
    let getter = cx.spawn("getter", async move {
        c.log("getter", "waiting on the empty queue");
        match q.get().await {
            Ok(item) => c.log("getter", format!("got {item}")),
            Err(e) => c.log("getter", format!("get: {}", exc(&e))),
        }
    });
    cx.sleep(1).await;
    queue.shutdown(true);
    empty.shutdown(true);
    cx.log(
        "main",
        format!("shutdown(immediate=True): qsize={}", queue.qsize()),
    );
    watcher.await.expect("watcher finished");
    getter.await.expect("getter finished");
}

/// Each part of a queue's repr. A Queue(maxsize=1): empty, with a getter waiting, with
/// one unfinished task, done, shut down. A LifoQueue(maxsize=2) holding two items, then
/// with a putter waiting. A PriorityQueue after five puts (the heap's own order, as
/// `heapq` keeps it) and after one get. Items are shown on the LIFO and priority queues
/// only: a FIFO Queue shows a count (see the Display docs of `aio_queues::BaseQueue`).
pub(crate) async fn queue_repr<R: Runtime>(cx: Cx<R>) {
    let q = Arc::new(Queue::new(1));
    cx.log("main", &q);
    let (qq, c) = (q.clone(), cx.clone());
    let task = cx.spawn("getter", async move {
        c.sleep(1).await;
        let item: u32 = qq.get().await.expect("not shut down");
        c.log("getter", format!("got {item}"));
    });
    cx.sleep(2).await;
    cx.log("main", &q);
    q.put_nowait(5).expect("a getter waits");
    task.await.expect("getter finished");
    cx.log("main", &q);
    q.task_done().expect("one unfinished task");
    cx.log("main", &q);
    q.shutdown(false);
    cx.log("main", &q);

    let lifo = Arc::new(LifoQueue::new(2));
    lifo.put_nowait(1).expect("room");
    lifo.put_nowait(2).expect("room");
    cx.log("main", &lifo);
    let (l, c) = (lifo.clone(), cx.clone());
    let task = cx.spawn("putter", async move {
        c.sleep(1).await;
        l.put(3).await.expect("not shut down");
        c.log("putter", "put 3");
    });
    cx.sleep(2).await;
    cx.log("main", &lifo);
    let item: u32 = lifo.get_nowait().expect("two items");
    cx.log("main", format!("get_nowait: {item}"));
    task.await.expect("putter finished");
    cx.log("main", &lifo);

    let pq = PriorityQueue::new(0);
    for item in [5, 1, 4, 2, 3] {
        pq.put_nowait(item).expect("unbounded");
    }
    cx.log("main", &pq);
    let item: u32 = pq.get_nowait().expect("five items");
    cx.log("main", format!("get_nowait: {item}"));
    pq.task_done().expect("unfinished tasks");
    cx.log("main", &pq);
}
