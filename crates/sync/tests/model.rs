//! Model-based property tests: random acquire / poll / cancel / release sequences on a
//! Semaphore and a Lock, checked after every step against a model that counts permits.
//! Futures are driven by hand with counting wakers: no runtime, deterministic.
//!
//! Checked: no permit is leaked or invented (value + held + handed to woken waiters =
//! initial + extra releases); waiters are woken strictly in arrival order (the woken
//! ones are always a prefix of the line); no wake-up is lost (a free permit with a
//! waiting task always has a woken task that will pass it on); a Lock is never held
//! twice and `release` fails exactly when it is not held.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

use aio_sync::{Lock, LockNotAcquired, Semaphore};
use proptest::prelude::*;

#[derive(Default)]
struct Counter(AtomicUsize);

impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

struct Pending<F> {
    fut: F,
    counter: Arc<Counter>,
    waker: Waker,
}

impl<F: Future + Unpin> Pending<F> {
    fn new(fut: F) -> Self {
        let counter = Arc::new(Counter::default());
        let waker = Waker::from(counter.clone());
        Pending {
            fut,
            counter,
            waker,
        }
    }

    fn poll(&mut self) -> Poll<F::Output> {
        Pin::new(&mut self.fut).poll(&mut Context::from_waker(&self.waker))
    }

    /// Woken since it parked (a parked acquire is only ever woken once: the hand-off).
    fn woken(&self) -> bool {
        self.counter.0.load(Ordering::SeqCst) > 0
    }
}

#[derive(Debug, Clone)]
enum Op {
    Acquire,
    Poll(usize),
    Cancel(usize),
    /// Release a permit some task holds.
    Release,
    /// Release one more than was acquired (Semaphore only: raises the value).
    ExtraRelease,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => Just(Op::Acquire),
        4 => (0..6usize).prop_map(Op::Poll),
        2 => (0..6usize).prop_map(Op::Cancel),
        3 => Just(Op::Release),
        1 => Just(Op::ExtraRelease),
    ]
}

fn check_line<F: Future + Unpin>(line: &[Pending<F>]) -> Result<usize, TestCaseError> {
    let woken = line.iter().filter(|p| p.woken()).count();
    prop_assert!(
        line.iter().take(woken).all(|p| p.woken()),
        "a later waiter was woken before an earlier one"
    );
    Ok(woken)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn semaphore_matches_the_model(initial in 0..4usize, ops in prop::collection::vec(op(), 0..80)) {
        let sem = Semaphore::new(initial);
        let mut total = initial;
        let mut held = 0usize;
        let mut line = Vec::new();
        for op in ops {
            match op {
                Op::Acquire => {
                    let mut pending = Pending::new(sem.acquire());
                    match pending.poll() {
                        Poll::Ready(()) => held += 1,
                        Poll::Pending => line.push(pending),
                    }
                }
                Op::Poll(i) if i < line.len() => {
                    let was_woken = line[i].woken();
                    match line[i].poll() {
                        Poll::Ready(()) => {
                            prop_assert!(was_woken, "an acquire completed without being woken");
                            held += 1;
                            line.remove(i);
                        }
                        Poll::Pending => {}
                    }
                }
                Op::Cancel(i) if i < line.len() => drop(line.remove(i)),
                Op::Release if held > 0 => {
                    held -= 1;
                    sem.release();
                }
                Op::ExtraRelease => {
                    total += 1;
                    sem.release();
                }
                _ => {}
            }
            let woken = check_line(&line)?;
            prop_assert_eq!(sem.value() + held + woken, total, "a permit was leaked or invented");
            prop_assert!(!(sem.value() > 0 && woken < line.len() && woken == 0), "a free permit with nobody woken to take it");
            prop_assert_eq!(sem.locked(), sem.value() == 0 || !line.is_empty());
        }
    }

    #[test]
    fn lock_matches_the_model(ops in prop::collection::vec(op(), 0..80)) {
        let lock = Lock::new();
        let mut held = false;
        let mut line = Vec::new();
        for op in ops {
            match op {
                Op::Acquire => {
                    let mut pending = Pending::new(lock.acquire());
                    match pending.poll() {
                        Poll::Ready(()) => {
                            prop_assert!(!held, "the lock was taken twice");
                            held = true;
                        }
                        Poll::Pending => line.push(pending),
                    }
                }
                Op::Poll(i) if i < line.len() => match line[i].poll() {
                    Poll::Ready(()) => {
                        prop_assert!(!held, "the lock was taken twice");
                        prop_assert_eq!(i, 0, "the lock went to a waiter other than the first");
                        held = true;
                        line.remove(i);
                    }
                    Poll::Pending => {}
                },
                Op::Cancel(i) if i < line.len() => drop(line.remove(i)),
                Op::Release | Op::ExtraRelease => {
                    let result = lock.release();
                    prop_assert_eq!(result, if held { Ok(()) } else { Err(LockNotAcquired) });
                    held = false;
                }
                _ => {}
            }
            let woken = check_line(&line)?;
            prop_assert!(woken <= 1, "more than one waiter handed the lock");
            prop_assert_eq!(lock.locked(), held);
            prop_assert!(held || line.is_empty() || woken == 1, "the lock is free, a task waits, and nobody is woken");
        }
    }
}
