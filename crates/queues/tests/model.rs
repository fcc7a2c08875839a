//! Model-based property tests: random sequences of put / get / nowait / cancel /
//! task_done / shutdown, checked against a plain model queue after every step. Futures
//! are driven by hand with counting wakers, so every run is deterministic.
//!
//! Checked: no item is lost or duplicated; items leave in the queue's order (FIFO, LIFO,
//! smallest first); qsize and the unfinished count agree with the model; task_done
//! fails exactly when the model says so; the queue never holds more than maxsize; and
//! no wake-up is lost (while items wait and getters wait, enough getters are woken;
//! likewise for free slots and putters).

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use aio_queues::{BaseQueue, Fifo, Lifo, Priority, PutNowaitError, QueueShutDown, Store};
use proptest::prelude::*;

#[derive(Default)]
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A pending future with its waker, and the wake count seen at its last poll.
struct Pending<F> {
    fut: F,
    counter: Arc<Counter>,
    waker: Waker,
    seen: usize,
}

impl<F: Future + Unpin> Pending<F> {
    fn new(fut: F) -> Self {
        let counter = Arc::new(Counter::default());
        let waker = Waker::from(counter.clone());
        Pending {
            fut,
            counter,
            waker,
            seen: 0,
        }
    }

    fn poll(&mut self) -> Poll<F::Output> {
        self.seen = self.counter.0.load(Ordering::SeqCst);
        Pin::new(&mut self.fut).poll(&mut Context::from_waker(&self.waker))
    }

    fn woken(&self) -> bool {
        self.counter.0.load(Ordering::SeqCst) > self.seen
    }
}

#[derive(Debug, Clone)]
enum Op {
    PutNowait(u8),
    GetNowait,
    Put(u8),
    Get,
    PollPut(usize),
    PollGet(usize),
    CancelPut(usize),
    CancelGet(usize),
    TaskDone,
    Shutdown(bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => any::<u8>().prop_map(Op::PutNowait),
        2 => Just(Op::GetNowait),
        3 => any::<u8>().prop_map(Op::Put),
        3 => Just(Op::Get),
        3 => (0..4usize).prop_map(Op::PollPut),
        3 => (0..4usize).prop_map(Op::PollGet),
        1 => (0..4usize).prop_map(Op::CancelPut),
        1 => (0..4usize).prop_map(Op::CancelGet),
        2 => Just(Op::TaskDone),
        1 => any::<bool>().prop_map(Op::Shutdown),
    ]
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Fifo,
    Lifo,
    Priority,
}

/// The model: a plain list, and which item `get` must return for each kind.
struct Model {
    kind: Kind,
    items: VecDeque<u32>,
    unfinished: usize,
    shutdown: bool,
}

impl Model {
    fn expect_next(&mut self) -> Option<u32> {
        match self.kind {
            Kind::Fifo => self.items.pop_front(),
            Kind::Lifo => self.items.pop_back(),
            Kind::Priority => {
                let (i, _) = self
                    .items
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, item)| **item)?;
                self.items.remove(i)
            }
        }
    }
}

fn run<S: Store<u32>>(kind: Kind, maxsize: usize, ops: Vec<Op>) -> Result<(), TestCaseError> {
    let queue: BaseQueue<u32, S> = BaseQueue::new(maxsize);
    let mut model = Model {
        kind,
        items: VecDeque::new(),
        unfinished: 0,
        shutdown: false,
    };
    let mut puts = Vec::new();
    let mut gets = Vec::new();
    let mut next = 0u32;
    // Unique items; the high bits make the priority order differ from the put order.
    let mut item = |key: u8| {
        next += 1;
        (u32::from(key) << 16) | next
    };
    let got = |model: &mut Model, value: u32| -> Result<(), TestCaseError> {
        prop_assert_eq!(
            Some(value),
            model.expect_next(),
            "an item left out of order, or one never put"
        );
        Ok(())
    };

    for op in ops {
        match op {
            Op::PutNowait(key) => {
                let value = item(key);
                match queue.put_nowait(value) {
                    Ok(()) => {
                        model.items.push_back(value);
                        model.unfinished += 1;
                    }
                    Err(PutNowaitError::Full(e)) => {
                        prop_assert!(
                            maxsize > 0 && model.items.len() >= maxsize && !model.shutdown
                        );
                        prop_assert_eq!(e.into_inner(), value);
                    }
                    Err(PutNowaitError::ShutDown(e)) => {
                        prop_assert!(model.shutdown);
                        prop_assert_eq!(e.into_inner(), value);
                    }
                }
            }
            Op::GetNowait => match queue.get_nowait() {
                Ok(value) => got(&mut model, value)?,
                Err(_) => prop_assert!(model.items.is_empty()),
            },
            Op::Put(key) => {
                let value = item(key);
                let mut pending = Pending::new(queue.put(value));
                match pending.poll() {
                    Poll::Ready(Ok(())) => {
                        model.items.push_back(value);
                        model.unfinished += 1;
                    }
                    Poll::Ready(Err(QueueShutDown(back))) => {
                        prop_assert!(model.shutdown);
                        prop_assert_eq!(back, value);
                    }
                    Poll::Pending => puts.push((value, pending)),
                }
            }
            Op::Get => {
                let mut pending = Pending::new(queue.get());
                match pending.poll() {
                    Poll::Ready(Ok(value)) => got(&mut model, value)?,
                    Poll::Ready(Err(_)) => prop_assert!(model.shutdown && model.items.is_empty()),
                    Poll::Pending => gets.push(pending),
                }
            }
            Op::PollPut(i) if i < puts.len() => {
                let (value, pending) = &mut puts[i];
                let value = *value;
                match pending.poll() {
                    Poll::Ready(Ok(())) => {
                        model.items.push_back(value);
                        model.unfinished += 1;
                        puts.remove(i);
                    }
                    Poll::Ready(Err(QueueShutDown(back))) => {
                        prop_assert!(model.shutdown);
                        prop_assert_eq!(back, value);
                        puts.remove(i);
                    }
                    Poll::Pending => {}
                }
            }
            Op::PollGet(i) if i < gets.len() => match gets[i].poll() {
                Poll::Ready(Ok(value)) => {
                    got(&mut model, value)?;
                    gets.remove(i);
                }
                Poll::Ready(Err(_)) => {
                    prop_assert!(model.shutdown && model.items.is_empty());
                    gets.remove(i);
                }
                Poll::Pending => {}
            },
            Op::CancelPut(i) if i < puts.len() => drop(puts.remove(i)),
            Op::CancelGet(i) if i < gets.len() => drop(gets.remove(i)),
            Op::TaskDone => {
                let result = queue.task_done();
                prop_assert_eq!(result.is_ok(), model.unfinished > 0);
                model.unfinished = model.unfinished.saturating_sub(1);
            }
            Op::Shutdown(immediate) => {
                queue.shutdown(immediate);
                model.shutdown = true;
                if immediate {
                    model.unfinished = model.unfinished.saturating_sub(model.items.len());
                    model.items.clear();
                }
            }
            Op::PollPut(_) | Op::PollGet(_) | Op::CancelPut(_) | Op::CancelGet(_) => {}
        }

        // The counts agree with the model.
        prop_assert_eq!(queue.qsize(), model.items.len());
        prop_assert_eq!(queue.unfinished_tasks(), model.unfinished);
        if maxsize > 0 {
            prop_assert!(queue.qsize() <= maxsize);
        }
        // No lost wake-up: enough waiters are woken to use what is there.
        let woken_gets = gets.iter().filter(|g| g.woken()).count();
        let owed = if model.shutdown {
            gets.len()
        } else {
            model.items.len().min(gets.len())
        };
        prop_assert!(
            woken_gets >= owed,
            "{} getters woken for {} owed",
            woken_gets,
            owed
        );
        let woken_puts = puts.iter().filter(|(_, p)| p.woken()).count();
        let free = if model.shutdown {
            puts.len()
        } else {
            maxsize.saturating_sub(model.items.len())
        };
        prop_assert!(
            woken_puts >= free.min(puts.len()),
            "{} putters woken for {} free slots",
            woken_puts,
            free
        );
    }

    // Cancel everything still pending, then drain: exactly the model's items are left.
    drop(puts);
    drop(gets);
    while let Ok(value) = queue.get_nowait() {
        got(&mut model, value)?;
    }
    prop_assert!(model.items.is_empty(), "items lost: {:?}", model.items);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn fifo_matches_the_model(maxsize in 0..4usize, ops in prop::collection::vec(op(), 0..60)) {
        run::<Fifo<u32>>(Kind::Fifo, maxsize, ops)?;
    }

    #[test]
    fn lifo_matches_the_model(maxsize in 0..4usize, ops in prop::collection::vec(op(), 0..60)) {
        run::<Lifo<u32>>(Kind::Lifo, maxsize, ops)?;
    }

    #[test]
    fn priority_matches_the_model(maxsize in 0..4usize, ops in prop::collection::vec(op(), 0..60)) {
        run::<Priority<u32>>(Kind::Priority, maxsize, ops)?;
    }
}
