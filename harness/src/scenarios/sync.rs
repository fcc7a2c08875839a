//! Scenarios for `sync`: asyncio's Lock, Semaphore, BoundedSemaphore, Event, Condition
//! and Barrier through aio-sync.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use aio_rt::Runtime;
use aio_sync::{Barrier, BoundedSemaphore, Condition, Event, Lock, Semaphore};
use futures_lite::future;

use crate::{Cx, Scenario, exc};

const CONCEPT: &str = "sync";
const SOURCE: &str = include_str!("sync.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[
    parity!(
        lock_fifo,
        "tasks waiting for a Lock get it in the order they arrived"
    ),
    parity!(
        lock_no_barging,
        "a task that releases and re-acquires at once queues behind the waiter it woke"
    ),
    parity!(
        lock_release_errors,
        "releasing an unlocked Lock fails; any task may release a held one"
    ),
    parity!(
        lock_acquire_timeout,
        "an acquire cancelled by a timeout leaves the lock as it was and does not stall the line"
    ),
    parity!(
        lock_woken_then_cancelled,
        "a waiter handed the lock and cancelled before it runs passes the lock on"
    ),
    parity!(
        bounded_semaphore_block_over_release,
        "a BoundedSemaphore released by someone else while a block holds it: the block's exit raises, the value stays at the bound (found by aio fuzz)"
    ),
    parity!(
        semaphore_limits_concurrency,
        "Semaphore(2) lets two tasks in at a time; the others wait in arrival order"
    ),
    parity!(
        semaphore_no_barging,
        "a released permit goes to the first waiter, not to a task that asks again at once"
    ),
    parity!(
        semaphore_release_errors,
        "extra releases raise a Semaphore's value; a BoundedSemaphore refuses them"
    ),
    parity!(
        semaphore_woken_then_cancelled,
        "a waiter handed a permit and cancelled before it runs passes the permit on"
    ),
    parity!(
        event_set_wakes_all,
        "set wakes every waiter in order, even if cleared at once; wait on a set event returns at once"
    ),
    parity!(
        condition_notify,
        "notify(n) wakes the n longest waiters; each returns holding the lock"
    ),
    parity!(
        condition_wait_for,
        "wait_for re-checks its predicate after every notification and returns its value"
    ),
    parity!(
        condition_errors,
        "wait and notify without holding the lock fail"
    ),
    parity!(
        condition_wait_timeout,
        "a wait cancelled by a timeout holds the lock again afterwards"
    ),
    parity!(
        condition_notified_then_cancelled,
        "a notification given to a waiter that is then cancelled passes to the next (3.13)"
    ),
    parity!(
        barrier_wait,
        "the last of three arrivals returns first; each gets its arrival index"
    ),
    parity!(
        barrier_abort_reset,
        "abort breaks the barrier for everyone; reset breaks only the waiting round"
    ),
    parity!(
        barrier_cancelled_waiter,
        "a waiter cancelled by a timeout leaves without breaking the barrier"
    ),
    parity!(
        lock_repr,
        "a Lock prints as asyncio's repr: held or not, and how many tasks wait"
    ),
    parity!(
        event_repr,
        "an Event prints as asyncio's repr: set or not, and how many tasks wait"
    ),
    parity!(
        semaphore_repr,
        "a Semaphore and a BoundedSemaphore print as asyncio's reprs: the value while free, the waiters once not"
    ),
    parity!(
        condition_repr,
        "a Condition prints as asyncio's repr: its lock held or not, and how many tasks wait"
    ),
    parity!(
        barrier_repr,
        "a Barrier prints as asyncio's repr in each round: filling, draining, resetting, broken"
    ),
    parity!(
        condition_wait_cancel_relocks,
        "a Condition.wait cancelled inside catch_cancel takes the lock back (waiting for its holder) before the CancelledError reaches the handler"
    ),
];

/// A holder takes the lock at t=0 and keeps it until t=4; three tasks start waiting at
/// t=1, 2 and 3. Each gets the lock in arrival order and keeps it one tick.
pub(crate) async fn lock_fifo<R: Runtime>(cx: Cx<R>) {
    let lock = Arc::new(Lock::new());
    let guard = lock.lock().await;
    cx.log("holder", "acquired");
    let mut tasks = Vec::new();
    for i in 1..=3 {
        let (l, c) = (lock.clone(), cx.clone());
        let name = format!("task-{i}");
        tasks.push(cx.spawn(name.clone(), async move {
            c.sleep(i).await;
            c.log(&name, "waiting");
            let _guard = l.lock().await;
            c.log(&name, "acquired");
            c.sleep(1).await;
            c.log(&name, "releasing");
        }));
    }
    cx.sleep(4).await;
    cx.log("holder", "releasing");
    drop(guard);
    for task in tasks {
        task.await.expect("task finished");
    }
}

/// `main` holds the lock; A waits from t=1. At t=2 `main` releases it (which wakes A;
/// `locked()` reads false until A runs, as in asyncio) and asks for it again at once:
/// it queues behind A instead of barging in. A gets the lock first.
pub(crate) async fn lock_no_barging<R: Runtime>(cx: Cx<R>) {
    let lock = Arc::new(Lock::new());
    lock.acquire().await;
    cx.log("main", "acquired");
    let (l, c) = (lock.clone(), cx.clone());
    let a = cx.spawn("a", async move {
        c.sleep(1).await;
        c.log("a", "waiting");
        l.acquire().await;
        c.log("a", "acquired");
        c.sleep(1).await;
        c.log("a", "releasing");
        l.release().expect("a holds it");
    });
    cx.sleep(2).await;
    lock.release().expect("main holds it");
    cx.log(
        "main",
        format!("released, locked()={}; acquiring again", lock.locked()),
    );
    lock.acquire().await;
    cx.log("main", "acquired again");
    lock.release().expect("main holds it");
    a.await.expect("a finished");
}

/// Releasing a lock nobody holds is an error (asyncio's RuntimeError). The lock has no owner: a task other than the one that acquired it may
/// release it.
pub(crate) async fn lock_release_errors<R: Runtime>(cx: Cx<R>) {
    let lock = Arc::new(Lock::new());
    if let Err(e) = lock.release() {
        cx.log("main", format!("release(): {}", exc(&e)));
    }
    let (l, c) = (lock.clone(), cx.clone());
    cx.spawn("a", async move {
        l.acquire().await;
        c.log("a", "acquired");
    })
    .await
    .expect("a finished");
    lock.release().expect("held by a, released by main");
    cx.log(
        "main",
        format!("released the lock a acquired, locked()={}", lock.locked()),
    );
}

/// The holder keeps the lock until t=3. A asks for it at t=0 and waits at most 2 ticks
/// (Python: `asyncio.wait_for(lock.acquire(), 2)`; Rust: a race with a sleep, which
/// drops the acquire). B waits from t=1. A gives up at t=2; at t=3 the lock goes to B,
/// and once B releases it nobody holds it: the cancelled acquire left nothing behind.
pub(crate) async fn lock_acquire_timeout<R: Runtime>(cx: Cx<R>) {
    let lock = Arc::new(Lock::new());
    lock.acquire().await;
    let (l, c) = (lock.clone(), cx.clone());
    let a = cx.spawn("a", async move {
        c.log("a", "waiting, at most 2 ticks");
        let got = future::or(
            async {
                l.acquire().await;
                true
            },
            async {
                c.sleep(2).await;
                false
            },
        )
        .await;
        c.log("a", if got { "acquired" } else { "timed out" });
    });
    let (l, c) = (lock.clone(), cx.clone());
    let b = cx.spawn("b", async move {
        c.sleep(1).await;
        c.log("b", "waiting");
        l.acquire().await;
        c.log("b", "acquired");
        l.release().expect("b holds it");
    });
    cx.sleep(3).await;
    cx.log("main", "releasing");
    lock.release().expect("main holds it");
    a.await.expect("a finished");
    b.await.expect("b finished");
    cx.log("main", format!("locked()={}", lock.locked()));
}

/// `main` holds the lock; A waits from t=0, B from t=1. At t=2 `main` releases it, which
/// hands it to A, and cancels A before A runs. A's cancelled acquire passes the lock to
/// B (asyncio's `except CancelledError:` in `Lock.acquire`; in Rust, the drop of the
/// `Acquire` future).
pub(crate) async fn lock_woken_then_cancelled<R: Runtime>(cx: Cx<R>) {
    let lock = Arc::new(Lock::new());
    lock.acquire().await;
    let mut tasks = Vec::new();
    for (i, name) in ["a", "b"].into_iter().enumerate() {
        let (l, c) = (lock.clone(), cx.clone());
        tasks.push(cx.spawn(name, async move {
            c.sleep(i as u64).await;
            c.log(name, "waiting");
            l.acquire().await;
            c.log(name, "acquired");
            l.release().expect("holds it");
        }));
    }
    cx.sleep(2).await;
    lock.release().expect("main holds it");
    tasks[0].cancel();
    cx.log("main", "released, cancelled a");
    cx.sleep(1).await;
    let mut tasks = tasks.into_iter();
    let a = tasks.next().expect("a").await;
    tasks.next().expect("b").await.expect("b finished");
    cx.log(
        "main",
        format!("a cancelled: {}, locked()={}", a.is_err(), lock.locked()),
    );
}

/// Four workers arrive at t=0, 2, 4 and 6 at a `Semaphore(2)` and each keeps its permit
/// five ticks. The first two go straight in; the third waits until t=5, the fourth
/// until t=7: never more than two inside, and waiters in arrival order.
pub(crate) async fn semaphore_limits_concurrency<R: Runtime>(cx: Cx<R>) {
    let sem = Arc::new(Semaphore::new(2));
    let mut tasks = Vec::new();
    for i in 0..4 {
        let (s, c) = (sem.clone(), cx.clone());
        let name = format!("worker-{i}");
        tasks.push(cx.spawn(name.clone(), async move {
            c.sleep(2 * i).await;
            c.log(&name, "arrives");
            let _permit = s.permit().await;
            c.log(&name, "inside");
            c.sleep(5).await;
            c.log(&name, "leaves");
        }));
    }
    for task in tasks {
        task.await.expect("worker finished");
    }
}

/// The gh-90155 case. `Semaphore(1)`: `main` holds the permit, A waits from t=1. At t=2
/// `main` releases (the permit goes to A at once: the value stays 0) and asks again at
/// once: it waits behind A instead of taking the permit back.
pub(crate) async fn semaphore_no_barging<R: Runtime>(cx: Cx<R>) {
    let sem = Arc::new(Semaphore::new(1));
    sem.acquire().await;
    cx.log("main", "acquired");
    let (s, c) = (sem.clone(), cx.clone());
    let a = cx.spawn("a", async move {
        c.sleep(1).await;
        c.log("a", "waiting");
        s.acquire().await;
        c.log("a", "acquired");
        c.sleep(1).await;
        c.log("a", "releasing");
        s.release();
    });
    cx.sleep(2).await;
    sem.release();
    cx.log(
        "main",
        format!("released, value={}; acquiring again", sem.value()),
    );
    sem.acquire().await;
    cx.log("main", "acquired again");
    sem.release();
    a.await.expect("a finished");
}

/// A `Semaphore` released more often than acquired simply grows (1 becomes 3). A
/// `BoundedSemaphore` refuses to go above its initial value (asyncio's ValueError).
pub(crate) async fn semaphore_release_errors<R: Runtime>(cx: Cx<R>) {
    let sem = Semaphore::new(1);
    sem.release();
    sem.release();
    cx.log(
        "main",
        format!("Semaphore(1) released twice: value={}", sem.value()),
    );
    let bounded = BoundedSemaphore::new(1);
    if let Err(e) = bounded.release() {
        cx.log(
            "main",
            format!("BoundedSemaphore(1).release(): {}", exc(&e)),
        );
    }
    bounded.acquire().await;
    bounded.release().expect("one was acquired");
    cx.log(
        "main",
        format!("acquire then release: value={}", bounded.value()),
    );
}

/// `main` holds the only permit of a `BoundedSemaphore(1)` in an `async with` block;
/// `helper` releases the semaphore meanwhile, which asyncio allows (the value goes back to
/// 1). When the block ends, its release would take the value to 2: `async with` raises
/// `ValueError` there, and the value stays at 1. In Rust the block's end is
/// `Permit::release`, which returns that error (a dropped permit cannot raise: it leaves
/// the value at the bound and says nothing). Found by `aio fuzz`: the permit used to
/// release without the bound.
pub(crate) async fn bounded_semaphore_block_over_release<R: Runtime>(cx: Cx<R>) {
    let sem = Arc::new(BoundedSemaphore::new(1));
    let permit = sem.permit().await;
    cx.log("main", format!("in the block: value={}", sem.value()));
    let (s, c) = (sem.clone(), cx.clone());
    let helper = cx.spawn("helper", async move {
        match s.release() {
            Ok(()) => c.log("helper", format!("released: value={}", s.value())),
            Err(e) => c.log("helper", format!("release: {}", exc(&e))),
        }
    });
    cx.sleep(1).await;
    match permit.release() {
        Ok(()) => cx.log("main", "block ended"),
        Err(e) => cx.log("main", format!("block ended with {}", exc(&e))),
    }
    cx.log("main", format!("after the block: value={}", sem.value()));
    helper.await.expect("helper finished");
}

/// `Semaphore(0)`: A waits from t=0, B from t=1. At t=2 `main` releases one permit, which
/// goes to A, and cancels A before it runs. The permit is not lost: A's cancelled
/// acquire gives it back and wakes B, which gets it.
pub(crate) async fn semaphore_woken_then_cancelled<R: Runtime>(cx: Cx<R>) {
    let sem = Arc::new(Semaphore::new(0));
    let mut tasks = Vec::new();
    for (i, name) in ["a", "b"].into_iter().enumerate() {
        let (s, c) = (sem.clone(), cx.clone());
        tasks.push(cx.spawn(name, async move {
            c.sleep(i as u64).await;
            c.log(name, "waiting");
            s.acquire().await;
            c.log(name, "acquired");
        }));
    }
    cx.sleep(2).await;
    sem.release();
    tasks[0].cancel();
    cx.log("main", "released one, cancelled a");
    cx.sleep(1).await;
    let mut tasks = tasks.into_iter();
    let a = tasks.next().expect("a").await;
    tasks.next().expect("b").await.expect("b finished");
    cx.log(
        "main",
        format!("a cancelled: {}, value={}", a.is_err(), sem.value()),
    );
}

/// Three waiters start at t=0, 1 and 2. At t=3 `main` sets the event and clears it
/// straight away: all three still wake, in the order they started waiting (being woken
/// is what ends their wait, not the flag they find). At t=4 it sets it again; a waiter
/// arriving at t=5 returns at once.
pub(crate) async fn event_set_wakes_all<R: Runtime>(cx: Cx<R>) {
    let event = Arc::new(Event::new());
    let mut tasks = Vec::new();
    for i in 0..3 {
        let (e, c) = (event.clone(), cx.clone());
        let name = format!("waiter-{i}");
        tasks.push(cx.spawn(name.clone(), async move {
            c.sleep(i).await;
            c.log(&name, "waiting");
            e.wait().await;
            c.log(&name, "woken");
        }));
    }
    cx.sleep(3).await;
    event.set();
    event.clear();
    cx.log(
        "main",
        format!("set then clear, is_set()={}", event.is_set()),
    );
    cx.sleep(1).await;
    event.set();
    cx.log("main", "set");
    let (e, c) = (event.clone(), cx.clone());
    tasks.push(cx.spawn("late", async move {
        c.sleep(1).await;
        e.wait().await;
        c.log("late", "wait returned at once");
    }));
    for task in tasks {
        task.await.expect("waiter finished");
    }
}

/// Three waiters start waiting on a condition at t=0, 1 and 2 (`async with cond: await
/// cond.wait()`). At t=3 `main` calls `notify(1)`, at t=4 `notify(2)`: the longest
/// waiters go first, and each returns from `wait` holding the lock.
pub(crate) async fn condition_notify<R: Runtime>(cx: Cx<R>) {
    let cond = Arc::new(Condition::new());
    let mut tasks = Vec::new();
    for i in 0..3 {
        let (cd, c) = (cond.clone(), cx.clone());
        let name = format!("waiter-{i}");
        tasks.push(cx.spawn(name.clone(), async move {
            c.sleep(i).await;
            let _guard = cd.lock().await;
            c.log(&name, "waiting");
            cd.wait().await.expect("holds the lock");
            c.log(&name, format!("notified, locked()={}", cd.locked()));
        }));
    }
    for n in [1, 2] {
        cx.sleep(if n == 1 { 3 } else { 1 }).await;
        let _guard = cond.lock().await;
        cond.notify(n).expect("holds the lock");
        cx.log("main", format!("notify({n})"));
    }
    for task in tasks {
        task.await.expect("waiter finished");
    }
}

/// A consumer waits for `items` to hold something, with `wait_for`; its predicate logs
/// each check. A notification at t=1 finds the list still empty (the consumer checks and
/// waits again); the one at t=2 comes with an item, and `wait_for` returns the
/// predicate's value (Python: its truthy result; Rust: the `Some` it gives).
pub(crate) async fn condition_wait_for<R: Runtime>(cx: Cx<R>) {
    let cond = Arc::new(Condition::new());
    let items: Arc<Mutex<Vec<&str>>> = Arc::default();
    let (cd, it, c) = (cond.clone(), items.clone(), cx.clone());
    let consumer = cx.spawn("consumer", async move {
        let _guard = cd.lock().await;
        let item = cd
            .wait_for(|| {
                let items = it.lock().expect("not poisoned");
                c.log("consumer", format!("check: {} items", items.len()));
                items.last().copied()
            })
            .await
            .expect("holds the lock");
        c.log("consumer", format!("got {item}"));
    });
    for (tick, item) in [(1, None), (2, Some("x"))] {
        cx.sleep(tick - cx.now()).await;
        let _guard = cond.lock().await;
        if let Some(item) = item {
            items.lock().expect("not poisoned").push(item);
        }
        cond.notify_all().expect("holds the lock");
        cx.log(
            "main",
            format!(
                "notify_all, {} items",
                items.lock().expect("not poisoned").len()
            ),
        );
    }
    consumer.await.expect("consumer finished");
}

/// `wait`, `notify` and `notify_all` need the lock held; without it they fail with
/// asyncio's RuntimeError messages, and nothing changes.
pub(crate) async fn condition_errors<R: Runtime>(cx: Cx<R>) {
    let cond = Condition::new();
    if let Err(e) = cond.wait().await {
        cx.log("main", format!("wait(): {}", exc(&e)));
    }
    if let Err(e) = cond.notify(1) {
        cx.log("main", format!("notify(): {}", exc(&e)));
    }
    if let Err(e) = cond.notify_all() {
        cx.log("main", format!("notify_all(): {}", exc(&e)));
    }
    cx.log("main", format!("locked()={}", cond.locked()));
}

/// A waiter waits for a notification at most 2 ticks (Python: `asyncio.wait_for(cond.
/// wait(), 2)` inside `async with cond`). Nobody notifies; at t=2 the wait is cancelled,
/// and, as in asyncio, the waiter holds the lock again when it sees the timeout. (Rust
/// cannot await in a drop: the dropped wait takes the lock back at once because it is
/// free; see `Condition::wait` for when it is not.)
pub(crate) async fn condition_wait_timeout<R: Runtime>(cx: Cx<R>) {
    let cond = Arc::new(Condition::new());
    let (cd, c) = (cond.clone(), cx.clone());
    let waiter = cx.spawn("waiter", async move {
        let _guard = cd.lock().await;
        c.log("waiter", "waiting, at most 2 ticks");
        let notified = future::or(
            async {
                cd.wait().await.expect("holds the lock");
                true
            },
            async {
                c.sleep(2).await;
                false
            },
        )
        .await;
        c.log(
            "waiter",
            format!("notified={notified}, locked()={}", cd.locked()),
        );
    });
    waiter.await.expect("waiter finished");
    cx.log(
        "main",
        format!("after the waiter's async with: locked()={}", cond.locked()),
    );
}

/// A waits from t=0, B from t=1. At t=2 `main`, holding the lock, notifies one waiter
/// (A) and cancels A before it runs. A's notification is not lost: it passes to B
/// (asyncio 3.13; 3.11 would lose it and B would wait forever).
pub(crate) async fn condition_notified_then_cancelled<R: Runtime>(cx: Cx<R>) {
    let cond = Arc::new(Condition::new());
    let mut tasks = Vec::new();
    for (i, name) in ["a", "b"].into_iter().enumerate() {
        let (cd, c) = (cond.clone(), cx.clone());
        tasks.push(cx.spawn(name, async move {
            c.sleep(i as u64).await;
            let _guard = cd.lock().await;
            c.log(name, "waiting");
            cd.wait().await.expect("holds the lock");
            c.log(name, "notified");
        }));
    }
    cx.sleep(2).await;
    {
        let _guard = cond.lock().await;
        cond.notify(1).expect("holds the lock");
        tasks[0].cancel();
        cx.log("main", "notify(1), cancel a");
    }
    cx.sleep(1).await;
    let mut tasks = tasks.into_iter();
    let a = tasks.next().expect("a").await;
    tasks.next().expect("b").await.expect("b finished");
    cx.log(
        "main",
        format!("a cancelled: {}, locked()={}", a.is_err(), cond.locked()),
    );
}

fn parties(n: usize) -> NonZeroUsize {
    NonZeroUsize::new(n).expect("non-zero")
}

/// Three parties arrive at t=0, 1 and 2. The last arrival does not wait: it returns
/// first, with index 2; the other two follow in arrival order with indexes 0 and 1.
/// Afterwards the barrier is ready for the next round (`n_waiting` is 0).
pub(crate) async fn barrier_wait<R: Runtime>(cx: Cx<R>) {
    let barrier = Arc::new(Barrier::new(parties(3)));
    let mut tasks = Vec::new();
    for i in 0..3 {
        let (b, c) = (barrier.clone(), cx.clone());
        let name = format!("party-{i}");
        tasks.push(cx.spawn(name.clone(), async move {
            c.sleep(i).await;
            c.log(&name, "arrives");
            let index = b.wait().await.expect("not broken");
            c.log(&name, format!("passes with index {index}"));
        }));
    }
    for task in tasks {
        task.await.expect("party finished");
    }
    cx.log(
        "main",
        format!(
            "n_waiting={}, broken={}",
            barrier.n_waiting(),
            barrier.broken()
        ),
    );
}

/// A barrier of three: A waits from t=0. At t=1 `main` resets it: A's wait fails (the
/// round was reset), but the barrier is not broken. B waits from t=2; at t=3 `main`
/// aborts it: B's wait fails the same way, the barrier is broken, and a new wait fails at
/// once, for another reason (the barrier is aborted).
pub(crate) async fn barrier_abort_reset<R: Runtime>(cx: Cx<R>) {
    let barrier = Arc::new(Barrier::new(parties(3)));
    let mut tasks = Vec::new();
    for (tick, name) in [(0, "a"), (2, "b")] {
        let (b, c) = (barrier.clone(), cx.clone());
        tasks.push(cx.spawn(name, async move {
            c.sleep(tick).await;
            c.log(name, "waiting");
            match b.wait().await {
                Ok(index) => c.log(name, format!("passes with index {index}")),
                Err(e) => c.log(name, exc(&e)),
            }
        }));
    }
    cx.sleep(1).await;
    barrier.reset();
    cx.log("main", format!("reset, broken={}", barrier.broken()));
    cx.sleep(2).await;
    barrier.abort();
    cx.log("main", "abort");
    for task in tasks {
        task.await.expect("task finished");
    }
    let late = match barrier.wait().await {
        Ok(_) => "passes".to_owned(),
        Err(e) => exc(&e),
    };
    cx.log(
        "main",
        format!("broken={}, a new wait: {late}", barrier.broken()),
    );
}

/// A barrier of two. A arrives at t=0 and waits at most 1 tick; it gives up at t=1,
/// leaving the barrier as if it had never come (not broken, `n_waiting` 0). B and C
/// arrive at t=2 and 3 and pass together, C (the last) first.
pub(crate) async fn barrier_cancelled_waiter<R: Runtime>(cx: Cx<R>) {
    let barrier = Arc::new(Barrier::new(parties(2)));
    let (b, c) = (barrier.clone(), cx.clone());
    let a = cx.spawn("a", async move {
        c.log("a", "arrives, waits at most 1 tick");
        let passed = future::or(async { b.wait().await.is_ok() }, async {
            c.sleep(1).await;
            false
        })
        .await;
        c.log("a", if passed { "passes" } else { "timed out" });
    });
    a.await.expect("a finished");
    cx.log(
        "main",
        format!(
            "n_waiting={}, broken={}",
            barrier.n_waiting(),
            barrier.broken()
        ),
    );
    let mut tasks = Vec::new();
    for (tick, name) in [(2, "b"), (3, "c")] {
        let (b, c) = (barrier.clone(), cx.clone());
        tasks.push(cx.spawn(name, async move {
            c.sleep(tick - c.now()).await;
            c.log(name, "arrives");
            let index = b.wait().await.expect("not broken");
            c.log(name, format!("passes with index {index}"));
        }));
    }
    for task in tasks {
        task.await.expect("task finished");
    }
}

/// A Lock's repr, free, held, held with a waiter, and released with the waiter woken but
/// not yet run (asyncio keeps it in its deque until then, so does this Lock). Waiter and
/// releaser share one task (`zip`, asyncio's `gather` of two coroutines), so nothing
/// runs between the release and the print on any runtime.
pub(crate) async fn lock_repr<R: Runtime>(cx: Cx<R>) {
    let lock = Lock::new();
    cx.log("main", &lock);
    lock.acquire().await;
    cx.log("main", &lock);
    let waiter = async {
        cx.sleep(1).await;
        let _guard = lock.lock().await;
        cx.log("waiter", "acquired");
    };
    let releaser = async {
        cx.sleep(2).await;
        cx.log("main", &lock);
        lock.release().expect("main holds the lock");
        cx.log("main", format!("released: {lock}"));
    };
    future::zip(waiter, releaser).await;
    cx.log("main", &lock);
}

/// An Event's repr: unset, unset with two waiters, set once they have left, cleared.
pub(crate) async fn event_repr<R: Runtime>(cx: Cx<R>) {
    let event = Arc::new(Event::new());
    cx.log("main", &event);
    let mut tasks = Vec::new();
    for (delay, name) in [(1, "a"), (2, "b")] {
        let (e, c) = (event.clone(), cx.clone());
        tasks.push(cx.spawn(name, async move {
            c.sleep(delay).await;
            e.wait().await;
            c.log(name, "woken");
        }));
    }
    cx.sleep(3).await;
    cx.log("main", &event);
    event.set();
    for task in tasks {
        task.await.expect("waiter finished");
    }
    cx.log("main", &event);
    event.clear();
    cx.log("main", &event);
}

/// A Semaphore(1)'s repr: free with its value, taken (`locked`, no value shown), taken
/// with a waiter; then a BoundedSemaphore(2) taken twice and given back.
pub(crate) async fn semaphore_repr<R: Runtime>(cx: Cx<R>) {
    let sem = Arc::new(Semaphore::new(1));
    cx.log("main", &sem);
    sem.acquire().await;
    cx.log("main", &sem);
    let (s, c) = (sem.clone(), cx.clone());
    let task = cx.spawn("waiter", async move {
        c.sleep(1).await;
        let _permit = s.permit().await;
        c.log("waiter", format!("acquired: {s}"));
    });
    cx.sleep(2).await;
    cx.log("main", &sem);
    sem.release();
    task.await.expect("waiter finished");
    cx.log("main", &sem);
    let bounded = BoundedSemaphore::new(2);
    cx.log("main", &bounded);
    bounded.acquire().await;
    cx.log("main", &bounded);
    bounded.acquire().await;
    cx.log("main", &bounded);
    bounded.release().expect("below the bound");
    bounded.release().expect("below the bound");
    cx.log("main", &bounded);
}

/// A Condition's repr: free, free with a task waiting on it, held by main with the task
/// waiting, held by the task once notified, free again.
pub(crate) async fn condition_repr<R: Runtime>(cx: Cx<R>) {
    let cond = Arc::new(Condition::new());
    cx.log("main", &cond);
    let (cd, c) = (cond.clone(), cx.clone());
    let task = cx.spawn("waiter", async move {
        c.sleep(1).await;
        let _guard = cd.lock().await;
        cd.wait().await.expect("holds the lock");
        c.log("waiter", format!("notified: {cd}"));
    });
    cx.sleep(2).await;
    cx.log("main", &cond);
    {
        let _guard = cond.lock().await;
        cx.log("main", &cond);
        cond.notify(1).expect("holds the lock");
    }
    task.await.expect("waiter finished");
    cx.log("main", &cond);
}

/// A Barrier(3)'s repr in each round. Two parties wait (filling, 2/3) and give up. Then
/// three parties in one task (`zip`, asyncio's `gather`): the last arrival passes first
/// and prints while the other two have not left (draining). Next round, two wait and a
/// third resets (resetting, until they leave with BrokenBarrierError). Then abort
/// (broken, no count shown).
pub(crate) async fn barrier_repr<R: Runtime>(cx: Cx<R>) {
    let barrier = Barrier::new(parties(3));
    let party = |name: &'static str| {
        let (barrier, cx) = (&barrier, &cx);
        async move {
            match barrier.wait().await {
                Ok(_) => cx.log(name, "passes"),
                Err(e) => cx.log(name, exc(&e)),
            }
        }
    };
    cx.log("main", &barrier);
    future::or(
        async {
            future::zip(party("a"), party("b")).await;
        },
        async {
            cx.sleep(1).await;
            cx.log("main", &barrier);
        },
    )
    .await;
    let last = async {
        barrier.wait().await.expect("not broken");
        cx.log("last", format!("passes: {barrier}"));
    };
    future::zip(future::zip(party("a"), party("b")), last).await;
    cx.log("main", &barrier);
    cx.sleep(1).await;
    let resetter = async {
        barrier.reset();
        cx.log("resetter", &barrier);
    };
    future::zip(future::zip(party("a"), party("b")), resetter).await;
    cx.log("main", &barrier);
    cx.sleep(1).await;
    barrier.abort();
    cx.log("main", &barrier);
}

/// `waiter` waits on the condition inside `catch_cancel`; main takes the lock at t=1,
/// cancels the waiter and keeps the lock until t=2. The cancelled `wait` takes the lock
/// back first, so the handler runs at t=2 with the lock held (asyncio's `wait` re-acquires
/// in its `finally`), and the guard of `async with cond:` releases it after.
pub(crate) async fn condition_wait_cancel_relocks<R: Runtime>(cx: Cx<R>) {
    let cond = Arc::new(Condition::new());
    let (cd, c) = (cond.clone(), cx.clone());
    let task = aio_tasks::create_task_named(cx.rt(), "waiter", async move {
        let _guard = cd.lock().await;
        let waited = aio_tasks::catch_cancel(cd.wait()).await;
        let outcome = match waited {
            Ok(_) => {
                c.log("waiter", "never");
                Ok(())
            }
            Err(cancelled) => {
                c.log(
                    "waiter",
                    format!("caught: {}, locked: {}", exc(&cancelled), cd.locked()),
                );
                Err(cancelled)
            }
        };
        c.log("waiter", "releases the lock");
        outcome
    });
    cx.sleep(1).await;
    {
        let _guard = cond.lock().await;
        cx.log("main", format!("cancel: {}", task.cancel(Some("stop"))));
        cx.sleep(1).await;
        cx.log("main", "releases the lock");
    }
    if let Err(e) = (&task).await {
        cx.log("main", format!("await waiter: {}", exc(&e)));
    }
    cx.log("main", format!("locked: {}", cond.locked()));
}
