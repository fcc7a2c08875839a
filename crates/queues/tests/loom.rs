//! loom models of the queue's hand-rolled synchronisation (`just loom`): every
//! interleaving of putters, getters and joiners on two or three threads, some giving up,
//! with the queue's state lock replaced by loom's (`crate::sync` under `--cfg aio_loom`).
//! A lost wake-up shows as a deadlock, which loom reports; a lost or doubled item fails an
//! assertion.
//!
//! Run with `RUSTFLAGS="--cfg aio_loom" cargo test --release --test loom -p aio-queues`
//! (bounded by `LOOM_MAX_PREEMPTIONS=3` in `just loom`).
#![cfg(aio_loom)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use aio_queues::Queue;
use loom::future::block_on;
use loom::sync::Arc;
use loom::thread;

/// Polls `fut` once with a waker that does nothing, then drops it: a waiter that joins the
/// line and is cancelled (a timeout around it). Returns its output if it completed.
fn poll_then_cancel<F: Future>(fut: F) -> Option<F::Output> {
    let mut fut = pin!(fut);
    match fut.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

#[test]
fn a_full_queue_hands_items_over_in_order() {
    loom::model(|| {
        let queue = Arc::new(Queue::new(1));
        let producer = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || {
                for item in 1..=2 {
                    block_on(queue.put(item)).unwrap();
                }
            })
        };
        let got: Vec<u8> = (0..2).map(|_| block_on(queue.get()).unwrap()).collect();
        producer.join().unwrap();
        assert_eq!(got, [1, 2]);
        assert!(queue.empty());
    });
}

#[test]
fn a_cancelled_getter_loses_no_item_and_passes_its_wake_up_on() {
    loom::model(|| {
        let queue = Arc::new(Queue::new(0));
        let quitter = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || {
                if let Some(item) = poll_then_cancel(queue.get()) {
                    // It got the item before giving up: as a task would, hand it back.
                    queue.put_nowait(item.unwrap()).unwrap();
                }
            })
        };
        let stayer = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || block_on(queue.get()).unwrap())
        };
        queue.put_nowait(7_u8).unwrap();
        quitter.join().unwrap();
        assert_eq!(stayer.join().unwrap(), 7);
        assert!(queue.empty());
    });
}

#[test]
fn a_cancelled_putter_inserts_nothing_and_passes_the_free_slot_on() {
    loom::model(|| {
        let queue = Arc::new(Queue::new(1));
        queue.put_nowait(0_u8).unwrap();
        let quitter = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || poll_then_cancel(queue.put(1)).is_some())
        };
        let stayer = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || block_on(queue.put(2)).unwrap())
        };
        let mut got = vec![block_on(queue.get()).unwrap()];
        while got.last() != Some(&2) {
            got.push(block_on(queue.get()).unwrap());
        }
        let quitter_put = quitter.join().unwrap();
        stayer.join().unwrap();
        // The quitter's put, if it went in, may have come after the stayer's.
        got.extend(queue.get_nowait());
        got.sort_unstable();
        let expected: &[u8] = if quitter_put { &[0, 1, 2] } else { &[0, 2] };
        assert_eq!(got, expected);
        assert!(queue.empty());
    });
}

#[test]
fn join_wakes_once_every_item_is_done() {
    loom::model(|| {
        let queue = Arc::new(Queue::new(0));
        queue.put_nowait(1_u8).unwrap();
        let worker = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || {
                block_on(queue.get()).unwrap();
                queue.task_done().unwrap();
            })
        };
        block_on(queue.join());
        assert_eq!(queue.unfinished_tasks(), 0);
        worker.join().unwrap();
    });
}

/// Two `task_done`s at once: the last one wakes the joiner, and only after both (the
/// work each did before its `task_done` is visible to the joiner, which loom checks
/// through `done`). A guard for any change that takes `task_done` off the lock.
#[test]
fn join_waits_for_the_last_of_concurrent_task_dones() {
    use loom::sync::atomic::{AtomicUsize, Ordering};
    loom::model(|| {
        let queue = Arc::new(Queue::new(0));
        queue.put_nowait(1_u8).unwrap();
        queue.put_nowait(2).unwrap();
        let done = Arc::new(AtomicUsize::new(0));
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (queue, done) = (Arc::clone(&queue), Arc::clone(&done));
                thread::spawn(move || {
                    queue.get_nowait().unwrap();
                    done.fetch_add(1, Ordering::Relaxed);
                    queue.task_done().unwrap();
                })
            })
            .collect();
        block_on(queue.join());
        assert_eq!(done.load(Ordering::Relaxed), 2, "join returned early");
        for worker in workers {
            worker.join().unwrap();
        }
        assert_eq!(queue.task_done(), Err(aio_queues::TaskDoneError));
    });
}

/// The last `task_done` races a new put and a join that follows it: the join belongs to
/// the new item, so the zero reached just before must not wake it.
#[test]
fn a_join_after_a_new_put_is_not_woken_by_the_old_zero() {
    loom::model(|| {
        let queue = Arc::new(Queue::new(0));
        queue.put_nowait(1_u8).unwrap();
        let worker = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || {
                queue.get_nowait().unwrap();
                queue.task_done().unwrap();
            })
        };
        queue.put_nowait(2).unwrap();
        let mut join = pin!(queue.join());
        let mut cx = Context::from_waker(Waker::noop());
        assert!(
            join.as_mut().poll(&mut cx).is_pending(),
            "item 2 is not done"
        );
        worker.join().unwrap();
        assert!(
            join.as_mut().poll(&mut cx).is_pending(),
            "item 2 is still not done"
        );
        assert_eq!(queue.unfinished_tasks(), 1);
    });
}

/// A join that lines up just after the last `task_done` reached zero and a new put
/// raised the count again may be woken by that zero (the `task_done` saw it waiting);
/// it must line up again, and be woken by the next zero rather than lost.
///
/// A `LifoQueue`: its store's lock is loom's, so loom sees that a worker's get comes
/// after the put of the item it takes. `Queue`'s ring keeps std atomics under the
/// models (see below): loom would not see that order, and would let the worker's
/// `task_done` read a count from before the put, which a real ring forbids.
#[test]
fn a_join_woken_by_an_old_zero_waits_for_the_next() {
    use loom::sync::atomic::{AtomicUsize, Ordering};
    loom::model(|| {
        let queue = Arc::new(aio_queues::LifoQueue::new(0));
        queue.put_nowait(1_u8).unwrap();
        let done = Arc::new(AtomicUsize::new(0));
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let (queue, done) = (Arc::clone(&queue), Arc::clone(&done));
                thread::spawn(move || {
                    block_on(queue.get()).unwrap();
                    done.fetch_add(1, Ordering::Relaxed);
                    queue.task_done().unwrap();
                })
            })
            .collect();
        queue.put_nowait(2).unwrap();
        block_on(queue.join());
        assert_eq!(done.load(Ordering::Relaxed), 2, "join returned early");
        assert_eq!(queue.unfinished_tasks(), 0);
        for worker in workers {
            worker.join().unwrap();
        }
    });
}

// The lock-free paths (items in a ring, the lock only for the waiter lists). Under
// `--cfg aio_loom` the waiter lock, the counts and the fences are loom's; `Fifo`'s ring
// (concurrent-queue, which reacts to cfg(loom), not aio_loom) keeps std atomics, so each
// push or pop is one indivisible step here (loom only switches threads at its own
// operations). The models therefore check our protocol against a linearizable ring; the
// `LifoQueue` models check the same protocol with a store whose lock is loom's.
//
// One trap: loom cannot see that the pop taking an item happens after the push that put
// it (the real ring's Release/Acquire pair is std's here). A model in which one thread
// relies on another's put through the ring alone, say a get and then a `task_done` of an
// item put concurrently, lets loom read a count from before that put and fails where a
// real ring cannot. Write such a model with a `LifoQueue` (as
// `a_join_woken_by_an_old_zero_waits_for_the_next` does).

/// Dekker pair "getters": a getter lining up on an empty queue races a put. Either the
/// getter's second look finds the item, or the put sees `getters_waiting` and wakes it;
/// a lost wake-up would deadlock, which loom reports.
#[test]
fn a_getter_lining_up_is_not_missed_by_a_put() {
    loom::model(|| {
        let queue = Arc::new(Queue::new(0));
        let getter = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || block_on(queue.get()).unwrap())
        };
        queue.put_nowait(5_u8).unwrap();
        assert_eq!(getter.join().unwrap(), 5);
        assert!(queue.empty());
    });
}

/// The same with two getters and two puts, the puts on a thread of their own: both
/// getters are served, whatever the order of lining up and pushing.
#[test]
fn two_getters_and_two_puts_lose_no_wake_up() {
    loom::model(|| {
        let queue = Arc::new(Queue::new(0));
        let getters: Vec<_> = (0..2)
            .map(|_| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || block_on(queue.get()).unwrap())
            })
            .collect();
        for item in 1..=2_u8 {
            queue.put_nowait(item).unwrap();
        }
        let mut got: Vec<u8> = getters.into_iter().map(|g| g.join().unwrap()).collect();
        got.sort_unstable();
        assert_eq!(got, [1, 2]);
    });
}

/// Dekker pair "putters": a putter lining up on a full ring races a get freeing a slot.
#[test]
fn a_putter_on_a_full_queue_is_not_missed_by_a_get() {
    loom::model(|| {
        let queue = Arc::new(Queue::new(1));
        queue.put_nowait(1_u8).unwrap();
        let putter = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || block_on(queue.put(2)).unwrap())
        };
        assert_eq!(queue.get_nowait().ok(), Some(1));
        putter.join().unwrap();
        assert_eq!(queue.get_nowait().ok(), Some(2));
        assert_eq!(queue.unfinished_tasks(), 2);
    });
}

/// Shutdown races a getter that is lining up on an empty queue: the getter either sees
/// the close when it looks, or is lined up in time to be woken by the shutdown; it
/// fails either way, and never sleeps for good.
#[test]
fn shutdown_wakes_or_stops_a_blocked_getter() {
    loom::model(|| {
        let queue = Arc::new(Queue::<u8>::new(0));
        let getter = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || block_on(queue.get()))
        };
        queue.shutdown(false);
        assert_eq!(getter.join().unwrap(), Err(aio_queues::QueueShutDown(())));
    });
}

/// Shutdown races a put and a getter: the getter gets the item if the put went in
/// before the close, and fails only once the queue is closed and empty.
#[test]
fn shutdown_lets_a_getter_drain_an_item_put_just_before() {
    loom::model(|| {
        let queue = Arc::new(Queue::new(0));
        let putter = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || queue.put_nowait(9_u8).is_ok())
        };
        let getter = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || block_on(queue.get()).ok())
        };
        queue.shutdown(false);
        let put = putter.join().unwrap();
        let got = getter.join().unwrap();
        // The item went in before the close (and the getter drained it), or the put
        // failed (and the getter failed on the closed, empty queue).
        assert_eq!(got, put.then_some(9));
        assert!(queue.get_nowait().is_err());
    });
}

/// Immediate shutdown races a worker's task_done and a joiner: the joiner is woken once
/// the count reaches zero, whichever of the two gets it there.
#[test]
fn immediate_shutdown_and_task_done_finish_join() {
    loom::model(|| {
        let queue = Arc::new(Queue::new(0));
        queue.put_nowait(1_u8).unwrap();
        queue.put_nowait(2).unwrap();
        let worker = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || {
                if queue.get_nowait().is_ok() {
                    queue.task_done().unwrap();
                }
            })
        };
        let joiner = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || block_on(queue.join()))
        };
        queue.shutdown(true);
        worker.join().unwrap();
        joiner.join().unwrap();
        assert_eq!(queue.unfinished_tasks(), 0);
    });
}

/// The getter race with `LifoQueue`, whose store is a mutex (loom's here): the same
/// protocol, with every store operation a point where loom may switch threads.
#[test]
fn lifo_a_getter_lining_up_is_not_missed_by_a_put() {
    loom::model(|| {
        let queue = Arc::new(aio_queues::LifoQueue::new(1));
        let getter = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || {
                let first = block_on(queue.get()).unwrap();
                let second = block_on(queue.get()).unwrap();
                (first, second)
            })
        };
        block_on(queue.put(1_u8)).unwrap();
        block_on(queue.put(2)).unwrap();
        assert_eq!(getter.join().unwrap(), (1, 2));
    });
}
