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
