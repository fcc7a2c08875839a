//! Stress under cancellation, on every runtime of the matrix, on the REAL clock: many
//! tasks times many seeded rounds, with random cancellation and random timeouts, each
//! round asserting the primitive's invariants (nothing lost, nothing left running).
//!
//! Shape, to add a primitive: a unit struct implementing [`Stress`] (one round for one
//! seed, returning `Err(why)` when an invariant breaks) and a `#[test]` calling
//! [`stress::<YourStress>()`](stress). The driver runs the rounds of every runtime on a
//! thread of their own and fails (naming the runtime and the seed) when a round fails,
//! panics, or does not finish within [`BOUND`]: a deadlock fails the test instead of
//! hanging it.
//!
//! Replay: `STRESS_SEED=<seed> cargo test -p aio-harness --test suite stress::<name>` runs that one
//! seed on every runtime; `STRESS_ROUNDS=<n>` changes the number of rounds (default
//! [`ROUNDS`]).
//!
//! Real clock, so the interleavings differ from run to run (that is the point); the
//! invariants checked hold for every interleaving, so a failure is a bug, never noise.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use aio_harness::RuntimeKind;
use aio_rt::{AsyncStd, Config, Runtime, Smol, Tokio};
use aio_tasks::{GroupError, Task, TaskError, TaskGroup, create_task};

/// Rounds per runtime, unless `STRESS_ROUNDS` says otherwise.
const ROUNDS: u64 = 200;

/// Wall-clock bound for all the rounds on one runtime; beyond it the test fails as a
/// deadlock.
const BOUND: Duration = Duration::from_secs(30);

/// A tiny seeded PRNG (xorshift64*), so that a seed replays the same random choices.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        // Spread small seeds; xorshift must not start at 0.
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// `true` with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// A short real-clock delay: mostly nothing, up to 2 ms.
    fn delay(&mut self) -> Duration {
        match self.below(4) {
            0 | 1 => Duration::ZERO,
            2 => Duration::from_micros(self.below(200)),
            _ => Duration::from_micros(self.below(2_000)),
        }
    }
}

/// One round of a stress test.
trait Stress {
    /// The test's name, for messages.
    const NAME: &'static str;
    /// Rounds per runtime, unless `STRESS_ROUNDS` says otherwise (a round of a heavier
    /// test costs more: fewer rounds keep the file well inside CI's time).
    const ROUNDS: u64 = ROUNDS;
    /// One round with this seed on `rt`; `Err(why)` when an invariant broke.
    fn round<R: Runtime>(rt: &R, seed: u64) -> impl Future<Output = Result<(), String>>;
}

/// Waits `delay` on `rt`, or just yields when it is zero.
async fn pause<R: Runtime>(rt: &R, delay: Duration) {
    if delay.is_zero() {
        rt.yield_now().await;
    } else {
        rt.sleep(delay).await;
    }
}

/// `fut`, or `None` when `limit` passes first (the future is then dropped: a cancellation).
async fn timeout<R: Runtime, T>(
    rt: &R,
    limit: Duration,
    fut: impl Future<Output = T>,
) -> Option<T> {
    futures_lite::future::or(async { Some(fut.await) }, async {
        rt.sleep(limit).await;
        None
    })
    .await
}

/// Polls `done` (yielding, then sleeping) until it holds, failing after about five seconds.
async fn eventually<R: Runtime>(rt: &R, what: &str, done: impl Fn() -> bool) -> Result<(), String> {
    for i in 0..10_000 {
        if done() {
            return Ok(());
        }
        if i < 100 {
            rt.yield_now().await;
        } else {
            rt.sleep(Duration::from_micros(500)).await;
        }
    }
    Err(format!("never happened: {what}"))
}

fn seeds(default_rounds: u64) -> Vec<u64> {
    if let Some(seed) = std::env::var("STRESS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return vec![seed];
    }
    let rounds = std::env::var("STRESS_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default_rounds);
    (1..=rounds).collect()
}

fn rounds_on<S: Stress, R: Runtime>(
    rt: R,
    seeds: &[u64],
    current: &AtomicU64,
) -> Result<(), String> {
    for &seed in seeds {
        current.store(seed, Ordering::SeqCst);
        rt.block_on(S::round(&rt, seed))
            .map_err(|why| format!("seed {seed}: {why}"))?;
    }
    Ok(())
}

fn on_kind<S: Stress>(kind: RuntimeKind, seeds: &[u64], current: &AtomicU64) -> Result<(), String> {
    let config = Config::default();
    match kind {
        RuntimeKind::Tokio => rounds_on::<S, _>(Tokio::current_thread_with(config), seeds, current),
        RuntimeKind::TokioMt => rounds_on::<S, _>(Tokio::multi_thread_with(config), seeds, current),
        RuntimeKind::AsyncStd => rounds_on::<S, _>(AsyncStd::with_config(config), seeds, current),
        RuntimeKind::Smol => rounds_on::<S, _>(Smol::with_config(config), seeds, current),
        RuntimeKind::AioLoop => {
            rounds_on::<S, _>(aio_loop::EventLoop::with_config(config), seeds, current)
        }
    }
}

/// Runs `S` for every seed on every runtime, each runtime on a thread of its own within
/// [`BOUND`]; fails naming the runtime and the seed to replay.
fn stress<S: Stress + 'static>() {
    let seeds = seeds(S::ROUNDS);
    let mut failures = Vec::new();
    for &kind in RuntimeKind::ALL {
        let current = Arc::new(AtomicU64::new(0));
        let (tx, rx) = mpsc::channel();
        let (seeds, at) = (seeds.clone(), Arc::clone(&current));
        std::thread::spawn(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                on_kind::<S>(kind, &seeds, &at)
            }));
            let outcome = outcome.unwrap_or_else(|panic| {
                let message = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                Err(format!(
                    "seed {}: panicked: {message}",
                    at.load(Ordering::SeqCst)
                ))
            });
            let _ = tx.send(outcome);
        });
        match rx.recv_timeout(BOUND) {
            Ok(Ok(())) => {}
            Ok(Err(why)) => failures.push(format!("{} on {kind}: {why}", S::NAME)),
            // The stuck thread is left behind; the test fails instead of hanging.
            Err(_) => failures.push(format!(
                "{} on {kind}: seed {} did not finish within {BOUND:?} (deadlock?)",
                S::NAME,
                current.load(Ordering::SeqCst)
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{}\nreplay with STRESS_SEED=<seed> cargo test -p aio-harness --test suite stress::",
        failures.join("\n")
    );
}

/// Counts a child body's life: started, then ended with `Ok`, ended with `Err`, or dropped
/// unfinished (cancelled).
#[derive(Debug, Default)]
struct Lives {
    started: AtomicUsize,
    ok: AtomicUsize,
    failed: AtomicUsize,
    dropped: AtomicUsize,
}

impl Lives {
    fn ended(&self) -> usize {
        self.ok.load(Ordering::SeqCst)
            + self.failed.load(Ordering::SeqCst)
            + self.dropped.load(Ordering::SeqCst)
    }

    fn all_ended(&self) -> bool {
        self.ended() == self.started.load(Ordering::SeqCst)
    }
}

/// Held by a running body: counts it started, and dropped if it never said how it ended.
struct Life {
    lives: Arc<Lives>,
    ended: AtomicBool,
}

impl Life {
    fn start(lives: &Arc<Lives>) -> Life {
        lives.started.fetch_add(1, Ordering::SeqCst);
        Life {
            lives: Arc::clone(lives),
            ended: AtomicBool::new(false),
        }
    }

    fn end(&self, ok: bool) {
        self.ended.store(true, Ordering::SeqCst);
        let counter = if ok {
            &self.lives.ok
        } else {
            &self.lives.failed
        };
        counter.fetch_add(1, Ordering::SeqCst);
    }
}

impl Drop for Life {
    fn drop(&mut self) {
        if !self.ended.load(Ordering::SeqCst) {
            self.lives.dropped.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// A child's work: a few random pauses, then `Ok(id)`, or `Err` with probability `fail`%.
fn work<R: Runtime>(
    rt: &R,
    lives: &Arc<Lives>,
    rng: &mut Rng,
    id: usize,
    fail: u64,
) -> impl Future<Output = Result<usize, String>> + Send + 'static {
    let (rt, lives) = (rt.clone(), Arc::clone(lives));
    let pauses: Vec<Duration> = (0..rng.below(4)).map(|_| rng.delay()).collect();
    let fails = rng.chance(fail);
    async move {
        let life = Life::start(&lives);
        for delay in pauses {
            pause(&rt, delay).await;
        }
        life.end(!fails);
        if fails {
            Err(format!("child {id} failed"))
        } else {
            Ok(id)
        }
    }
}

/// How often each kind of outcome happened, over every round of a test: a stress test
/// whose random choices never reach a case would pass without testing it.
#[derive(Debug, Default)]
struct Seen([AtomicUsize; 3]);

impl Seen {
    const fn new() -> Seen {
        Seen([
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
        ])
    }

    fn note(&self, kind: usize) {
        self.0[kind].fetch_add(1, Ordering::Relaxed);
    }

    /// Fails unless every kind happened (skipped for short runs: a replayed seed, or
    /// fewer than 50 rounds).
    fn assert_all(&self, names: [&str; 3]) {
        if seeds(ROUNDS).len() < 50 {
            return;
        }
        for (count, name) in self.0.iter().zip(names) {
            assert!(
                count.load(Ordering::Relaxed) > 0,
                "no round reached: {name}"
            );
        }
    }
}

/// TaskGroup outcomes: timed out, ended Ok, ended with an ExceptionGroup.
static GROUPS: Seen = Seen::new();

/// TaskGroup: children that finish, fail or are cancelled at random (by the body, by a
/// random timeout around the whole group); no child is left running, the group's error
/// holds exactly the failures, and every task's state agrees with what its body did.
struct TaskGroupStress;

impl Stress for TaskGroupStress {
    const NAME: &'static str = "taskgroup";

    async fn round<R: Runtime>(rt: &R, seed: u64) -> Result<(), String> {
        let mut rng = Rng::new(seed);
        let lives = Arc::new(Lives::default());
        let children = 1 + rng.below(12) as usize;
        let fail = if rng.chance(50) { 0 } else { 10 };
        let limit = rng.chance(30).then(|| rng.delay());
        let mut plan = rng.clone();
        let handles: Arc<std::sync::Mutex<Vec<Task<usize, String>>>> = Arc::default();
        let spawned = Arc::clone(&handles);
        let (body_rt, body_lives) = (rt.clone(), Arc::clone(&lives));
        let group = TaskGroup::run(rt, move |tg| async move {
            for id in 0..children {
                let Ok(task) = tg.create_task(work(&body_rt, &body_lives, &mut plan, id, fail))
                else {
                    break; // shutting down after a failure: refused, as asyncio does
                };
                spawned.lock().unwrap().push(task.clone());
                if plan.chance(20) {
                    pause(&body_rt, plan.delay()).await;
                    task.cancel(Some("stress"));
                }
            }
            Ok::<usize, String>(children)
        });
        // The group runs in a task of its own, as it must (its owner).
        let owner_rt = rt.clone();
        let owner = create_task(rt, async move {
            Ok::<_, String>(match limit {
                Some(limit) => timeout(&owner_rt, limit, group).await,
                None => Some(group.await),
            })
        });
        let outcome = owner
            .await
            .map_err(|e| format!("the group's owner ended with {e:?}"))?;
        // Whatever happened, every child ends (a dropped group cancels its children).
        eventually(rt, "every child body ended", || lives.all_ended()).await?;
        let handles = handles.lock().unwrap().clone();
        eventually(rt, "every child task done", || {
            handles.iter().all(Task::done)
        })
        .await?;

        let (mut ok, mut failed, mut cancelled) = (0, 0, 0);
        for task in &handles {
            match task.result() {
                Ok(_) => ok += 1,
                Err(TaskError::Failed(_)) => failed += 1,
                Err(TaskError::Cancelled(_)) => cancelled += 1,
                Err(other) => return Err(format!("unexpected task outcome {other:?}")),
            }
        }
        let load = |counter: &AtomicUsize| counter.load(Ordering::SeqCst);
        let (lives_ok, lives_failed) = (load(&lives.ok), load(&lives.failed));
        let (started, dropped) = (load(&lives.started), load(&lives.dropped));
        // Every failure is a task's failure. A body that returned its value while its
        // task was being cancelled (from another thread, during that last step) leaves
        // the task cancelled, as asyncio's `_must_cancel` does: so `ok <= lives_ok`, and
        // each cancelled task is a body never started, a body dropped, or such a body.
        let never_started = handles.len().saturating_sub(started);
        if failed != lives_failed
            || ok > lives_ok
            || ok + cancelled != never_started + dropped + lives_ok
        {
            return Err(format!(
                "tasks say {ok} ok / {failed} failed / {cancelled} cancelled; bodies say \
                 {lives_ok} ok / {lives_failed} failed / {dropped} dropped, {never_started} \
                 never started"
            ));
        }
        match outcome {
            None => GROUPS.note(0), // timed out: the group was cancelled from outside
            Some(Ok(n)) if failed == 0 && n == children => GROUPS.note(1),
            Some(Err(GroupError::Failed(group))) if failed > 0 && group.errors.len() == failed => {
                GROUPS.note(2);
                if !group
                    .errors
                    .iter()
                    .all(|e| matches!(e, TaskError::Failed(_)))
                {
                    return Err(format!(
                        "the group error holds more than failures: {group:?}"
                    ));
                }
            }
            Some(other) => {
                return Err(format!(
                    "group gave {other:?} with {failed} failed children of {children}"
                ));
            }
        }
        Ok(())
    }
}

/// shield: waiters of shielded tasks time out or are cancelled at random; the shielded
/// task is never cancelled by that, runs its body to the end exactly once, and every shield
/// that completes gives the task's own outcome. Some inner tasks are cancelled directly:
/// their shields say cancelled.
struct ShieldStress;

/// Waiter outcomes: timed out or cancelled, got the task's outcome, inner task cancelled.
static SHIELDS: Seen = Seen::new();

impl Stress for ShieldStress {
    const NAME: &'static str = "shield";

    async fn round<R: Runtime>(rt: &R, seed: u64) -> Result<(), String> {
        let mut rng = Rng::new(seed);
        let lives = Arc::new(Lives::default());
        let inner: Vec<Task<usize, String>> = (0..1 + rng.below(8) as usize)
            .map(|id| create_task(rt, work(rt, &lives, &mut rng, id, 10)))
            .collect();
        let cancelled_inner: Vec<bool> = inner.iter().map(|_| rng.chance(10)).collect();
        // Several waiters per inner task, each its own task, some timing out, some cancelled.
        let mut waiters = Vec::new();
        for (i, task) in inner.iter().enumerate() {
            for _ in 0..1 + rng.below(3) {
                let (rt2, task) = (rt.clone(), task.clone());
                let limit = rng.chance(40).then(|| rng.delay());
                let waiter = create_task(rt, async move {
                    let shield = aio_shield::shield(&task);
                    Ok::<_, String>(match limit {
                        Some(limit) => timeout(&rt2, limit, shield).await,
                        None => Some(shield.await),
                    })
                });
                waiters.push((i, waiter, rng.chance(20)));
            }
        }
        for ((task, cancel), delay) in inner
            .iter()
            .zip(&cancelled_inner)
            .zip((0..inner.len()).map(|_| rng.delay()))
        {
            if *cancel {
                pause(rt, delay).await;
                task.cancel(None);
            }
        }
        for (_, waiter, cancel) in &waiters {
            if *cancel {
                waiter.cancel(Some("stress"));
            }
        }
        for (i, waiter, _) in &waiters {
            match waiter.await {
                // Cancelled or timed out: the inner task must not mind (checked below).
                Err(TaskError::Cancelled(_)) | Ok(None) => SHIELDS.note(0),
                Ok(Some(seen)) => {
                    SHIELDS.note(if seen.as_ref().is_err_and(TaskError::is_cancelled) {
                        2
                    } else {
                        1
                    });
                    let own = (&inner[*i]).await;
                    if seen != own {
                        return Err(format!("shield gave {seen:?}, its task {own:?}"));
                    }
                }
                Err(other) => return Err(format!("waiter failed: {other:?}")),
            }
        }
        eventually(rt, "every inner body ended", || lives.all_ended()).await?;
        let mut dropped = 0;
        for (task, cancelled) in inner.iter().zip(&cancelled_inner) {
            match task.await {
                Err(TaskError::Cancelled(_)) if *cancelled => dropped += 1,
                Err(TaskError::Cancelled(_)) => {
                    return Err("a task was cancelled through its shield".into());
                }
                Ok(_) | Err(TaskError::Failed(_)) => {}
                Err(other) => return Err(format!("inner task gave {other:?}")),
            }
        }
        // Only the directly cancelled tasks can have lost their body (those cancelled
        // before their first step never started it).
        if lives.dropped.load(Ordering::SeqCst) > dropped {
            return Err(format!(
                "{} bodies dropped but only {dropped} tasks were cancelled",
                lives.dropped.load(Ordering::SeqCst)
            ));
        }
        Ok(())
    }
}

#[test]
fn taskgroup_under_random_cancellation() {
    stress::<TaskGroupStress>();
    GROUPS.assert_all(["timed out", "ok", "exception group"]);
}

#[test]
fn shield_under_random_cancellation() {
    stress::<ShieldStress>();
    SHIELDS.assert_all(["waiter gave up", "task outcome", "inner cancelled"]);
}

// ---------------------------------------------------------------------------------------
// The asyncio primitives: Queue, Lock, Semaphore, Condition, Barrier, and gather.
//
// Each round spawns a handful of tasks (aio_tasks::create_task) hammering one primitive,
// puts random timeouts (aio_wait::wait_for) around their awaits, cancels some of the tasks
// (Task::cancel) at random moments, and then checks the primitive's books: what went in
// came out exactly once, the permits and the lock are back, nobody is left waiting.
// ---------------------------------------------------------------------------------------

use aio_gather::gather;
use aio_queues::Queue;
use aio_sync::{Barrier, BoundedSemaphore, Condition, Lock, PermitFuture, Semaphore};

impl Rng {
    /// A random timeout with probability `percent` / 100 (zero included: asyncio's
    /// `wait_for(x, 0)` gives up before `x` even starts), otherwise none.
    fn limit(&mut self, percent: u64) -> Option<Duration> {
        self.chance(percent).then(|| self.delay())
    }

    /// A new generator for a task of this round, so that each task draws its own choices.
    fn fork(&mut self) -> Rng {
        Rng::new(self.next())
    }
}

/// `fut` under `limit` with [`aio_wait::wait_for`]; `None` when it timed out (and `fut`
/// was dropped: cancelled).
async fn limited<R: Runtime, F: Future>(
    rt: &R,
    limit: Option<Duration>,
    fut: F,
) -> Option<F::Output> {
    aio_wait::wait_for(rt, fut, limit).await.ok()
}

/// Cancels each task with probability `percent` / 100, after a random pause; returns how
/// many it asked to cancel.
async fn cancel_some<R: Runtime, T, E>(
    rt: &R,
    rng: &mut Rng,
    tasks: &[Task<T, E>],
    percent: u64,
) -> usize
where
    T: Clone + Send + 'static,
    E: Clone + Send + 'static,
{
    let mut asked = 0;
    for task in tasks {
        if rng.chance(percent) {
            pause(rt, rng.delay()).await;
            task.cancel(Some("stress"));
            asked += 1;
        }
    }
    asked
}

/// Awaits every task: `Ok(number cancelled)`, or `Err` naming the first task that failed
/// (a task body returns `Err(why)` when it saw an invariant break) or panicked.
async fn join_all<T, E>(tasks: &[Task<T, E>]) -> Result<usize, String>
where
    T: Clone + Send + 'static,
    E: Clone + Send + fmt::Debug + 'static,
{
    let mut cancelled = 0;
    for task in tasks {
        match task.await {
            Ok(_) => {}
            Err(TaskError::Cancelled(_)) => cancelled += 1,
            Err(other) => return Err(format!("a task ended with {other:?}")),
        }
    }
    Ok(cancelled)
}

/// Counts the tasks inside a critical section, failing when there are more than allowed.
#[derive(Debug, Default)]
struct Inside {
    now: AtomicUsize,
    most: AtomicUsize,
}

/// One task inside: leaves when dropped (also when the task is cancelled inside).
#[derive(Debug)]
struct Held<'a>(&'a Inside);

impl Inside {
    /// Enters; `Err` if that makes more than `max` tasks inside at once.
    fn enter(&self, max: usize) -> Result<Held<'_>, String> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        let held = Held(self);
        if now > max {
            return Err(format!("{now} tasks inside at once, at most {max} allowed"));
        }
        Ok(held)
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Lock outcomes: acquired, acquire timed out, a task cancelled.
static LOCKS: Seen = Seen::new();

/// Lock: tasks take it (`async with lock:`) under random timeouts, hold it across random
/// pauses, and are cancelled at random, also while holding it or while handed it. Never
/// two holders; at the end the lock is free and nobody is left in line.
struct LockStress;

impl Stress for LockStress {
    const NAME: &'static str = "lock";
    const ROUNDS: u64 = 100;

    async fn round<R: Runtime>(rt: &R, seed: u64) -> Result<(), String> {
        let mut rng = Rng::new(seed);
        let lock = Arc::new(Lock::new());
        let inside = Arc::new(Inside::default());
        let tasks: Vec<Task<(), String>> = (0..2 + rng.below(7))
            .map(|_| {
                let (rt2, lock, inside, mut rng) = (
                    rt.clone(),
                    Arc::clone(&lock),
                    Arc::clone(&inside),
                    rng.fork(),
                );
                create_task(rt, async move {
                    for _ in 0..1 + rng.below(6) {
                        let limit = rng.limit(30);
                        match limited(&rt2, limit, lock.lock()).await {
                            Some(guard) => {
                                LOCKS.note(0);
                                let held = inside.enter(1)?;
                                pause(&rt2, rng.delay()).await;
                                drop(held);
                                drop(guard);
                            }
                            None => LOCKS.note(1),
                        }
                        pause(&rt2, rng.delay()).await;
                    }
                    Ok(())
                })
            })
            .collect();
        cancel_some(rt, &mut rng, &tasks, 20).await;
        if join_all(&tasks).await? > 0 {
            LOCKS.note(2);
        }
        if lock.locked() {
            return Err(format!("the lock is left held: {lock:?}"));
        }
        if !lock.try_acquire() {
            return Err(format!("someone is left in line: {lock:?}"));
        }
        lock.release().map_err(|e| e.to_string())
    }
}

/// A Semaphore or a BoundedSemaphore: the same acquire path, two release paths.
#[derive(Debug)]
enum AnySemaphore {
    Plain(Semaphore),
    Bounded(BoundedSemaphore),
}

impl AnySemaphore {
    fn permit(&self) -> PermitFuture<'_> {
        match self {
            AnySemaphore::Plain(sem) => sem.permit(),
            AnySemaphore::Bounded(sem) => sem.permit(),
        }
    }

    fn value(&self) -> usize {
        match self {
            AnySemaphore::Plain(sem) => sem.value(),
            AnySemaphore::Bounded(sem) => sem.value(),
        }
    }

    fn locked(&self) -> bool {
        match self {
            AnySemaphore::Plain(sem) => sem.locked(),
            AnySemaphore::Bounded(sem) => sem.locked(),
        }
    }
}

/// Semaphore outcomes: acquired, acquire timed out, a task cancelled.
static SEMAPHORES: Seen = Seen::new();

/// Semaphore (and BoundedSemaphore, every other seed) of 1 to 4 permits: tasks take a
/// permit under random timeouts, hold it across random pauses, are cancelled at random.
/// Never more holders than permits; at the end every permit is back (no leak, no extra).
struct SemaphoreStress;

impl Stress for SemaphoreStress {
    const NAME: &'static str = "semaphore";
    const ROUNDS: u64 = 100;

    async fn round<R: Runtime>(rt: &R, seed: u64) -> Result<(), String> {
        let mut rng = Rng::new(seed);
        let permits = 1 + rng.below(4) as usize;
        let sem = Arc::new(if seed % 2 == 0 {
            AnySemaphore::Plain(Semaphore::new(permits))
        } else {
            AnySemaphore::Bounded(BoundedSemaphore::new(permits))
        });
        let inside = Arc::new(Inside::default());
        let tasks: Vec<Task<(), String>> = (0..2 + rng.below(8))
            .map(|_| {
                let (rt2, sem, inside, mut rng) = (
                    rt.clone(),
                    Arc::clone(&sem),
                    Arc::clone(&inside),
                    rng.fork(),
                );
                create_task(rt, async move {
                    for _ in 0..1 + rng.below(6) {
                        let limit = rng.limit(30);
                        match limited(&rt2, limit, sem.permit()).await {
                            Some(permit) => {
                                SEMAPHORES.note(0);
                                let held = inside.enter(permits)?;
                                pause(&rt2, rng.delay()).await;
                                drop(held);
                                drop(permit);
                            }
                            None => SEMAPHORES.note(1),
                        }
                        pause(&rt2, rng.delay()).await;
                    }
                    Ok(())
                })
            })
            .collect();
        cancel_some(rt, &mut rng, &tasks, 20).await;
        if join_all(&tasks).await? > 0 {
            SEMAPHORES.note(2);
        }
        if sem.value() != permits || sem.locked() {
            return Err(format!("{permits} permits at the start, now {sem:?}"));
        }
        if let AnySemaphore::Bounded(sem) = &*sem {
            if sem.release().is_ok() {
                return Err("a full BoundedSemaphore accepted a release".into());
            }
        }
        Ok(())
    }
}

/// Queue outcomes: an item got, a put or get timed out, a task cancelled.
static QUEUES: Seen = Seen::new();

/// Queue (bounded or not): producers put numbered items under random timeouts, consumers
/// get them under random timeouts, and both are cancelled at random (consumer 0 never, so
/// that producers blocked on a full queue always end). Every item whose put succeeded is
/// got exactly once (by a consumer, or drained at the end); an item whose put was
/// cancelled is never seen; `task_done` for each item brings `unfinished_tasks` to 0.
/// Joiners wait meanwhile, under random timeouts, then once without one: that last
/// `join` must return once every item is done (a lost wake-up fails as a deadlock).
struct QueueStress;

impl Stress for QueueStress {
    const NAME: &'static str = "queue";
    const ROUNDS: u64 = 100;

    async fn round<R: Runtime>(rt: &R, seed: u64) -> Result<(), String> {
        let mut rng = Rng::new(seed);
        let queue = Arc::new(Queue::<u64>::new(rng.below(4) as usize));
        let put: Arc<std::sync::Mutex<Vec<u64>>> = Arc::default();
        let got: Arc<std::sync::Mutex<Vec<u64>>> = Arc::default();
        let producers: Vec<Task<(), String>> = (0..1 + rng.below(4))
            .map(|p| {
                let (rt2, queue, put, mut rng) =
                    (rt.clone(), Arc::clone(&queue), Arc::clone(&put), rng.fork());
                create_task(rt, async move {
                    for i in 0..1 + rng.below(20) {
                        let item = p * 1_000 + i;
                        let limit = rng.limit(30);
                        match limited(&rt2, limit, queue.put(item)).await {
                            Some(Ok(())) => put.lock().unwrap().push(item),
                            Some(Err(e)) => return Err(format!("put {item}: {e}")),
                            None => QUEUES.note(1),
                        }
                        pause(&rt2, rng.delay()).await;
                    }
                    Ok(())
                })
            })
            .collect();
        let consumers: Vec<Task<(), String>> = (0..1 + rng.below(4))
            .map(|_| {
                let (rt2, queue, got, mut rng) =
                    (rt.clone(), Arc::clone(&queue), Arc::clone(&got), rng.fork());
                create_task(rt, async move {
                    loop {
                        let limit = rng.limit(40);
                        match limited(&rt2, limit, queue.get()).await {
                            Some(Ok(item)) => {
                                got.lock().unwrap().push(item);
                                queue.task_done().map_err(|e| e.to_string())?;
                                QUEUES.note(0);
                            }
                            Some(Err(_shut_down)) => return Ok(()),
                            None => QUEUES.note(1),
                        }
                        pause(&rt2, rng.delay()).await;
                    }
                })
            })
            .collect();
        let joiners: Vec<Task<(), String>> = (0..rng.below(3))
            .map(|_| {
                let (rt2, queue, mut rng) = (rt.clone(), Arc::clone(&queue), rng.fork());
                create_task(rt, async move {
                    for _ in 0..1 + rng.below(4) {
                        let _ = limited(&rt2, rng.limit(40), queue.join()).await;
                        pause(&rt2, rng.delay()).await;
                    }
                    queue.join().await;
                    Ok(())
                })
            })
            .collect();
        let cancelled = cancel_some(rt, &mut rng, &producers, 20).await
            + cancel_some(rt, &mut rng, &consumers[1..], 20).await;
        if cancelled > 0 {
            QUEUES.note(2);
        }
        join_all(&producers).await?;
        // Every producer has ended: let the consumers run the queue dry, then end.
        queue.shutdown(false);
        join_all(&consumers).await?;
        let mut got = std::mem::take(&mut *got.lock().unwrap());
        while let Ok(item) = queue.get_nowait() {
            got.push(item);
            queue.task_done().map_err(|e| e.to_string())?;
        }
        let mut put = std::mem::take(&mut *put.lock().unwrap());
        put.sort_unstable();
        got.sort_unstable();
        if put != got {
            return Err(format!("put {put:?} but got {got:?}"));
        }
        if queue.unfinished_tasks() != 0 {
            return Err(format!("{} unfinished tasks", queue.unfinished_tasks()));
        }
        join_all(&joiners).await?;
        Ok(())
    }
}

/// The state a Condition guards in [`ConditionStress`].
#[derive(Debug, Default)]
struct Guarded {
    cond: Condition,
    /// Items made and not yet taken. Read and written with plain loads and stores, never
    /// an atomic read-modify-write: two tasks inside at once would lose an update.
    available: AtomicUsize,
    made: AtomicUsize,
    taken: AtomicUsize,
    stop: AtomicBool,
    inside: Inside,
}

impl Guarded {
    /// Takes an item if there is one; `Some(false)` once stopped and empty; called with
    /// the lock held (checked).
    fn take(&self) -> Result<Option<bool>, String> {
        if !self.cond.locked() {
            return Err("a wait_for predicate ran without the lock".into());
        }
        let _held = self.inside.enter(1)?;
        let available = self.available.load(Ordering::SeqCst);
        if available > 0 {
            self.available.store(available - 1, Ordering::SeqCst);
            self.taken.fetch_add(1, Ordering::SeqCst);
            Ok(Some(true))
        } else if self.stop.load(Ordering::SeqCst) {
            Ok(Some(false))
        } else {
            Ok(None)
        }
    }
}

/// Condition outcomes: an item taken after waiting, a wait timed out, a task cancelled.
static CONDITIONS: Seen = Seen::new();

/// Condition: producers make items under the lock (pausing while they hold it) and
/// `notify(1)`; consumers `wait_for` an item under random timeouts; tasks are cancelled
/// at random, also while waiting or while notified. The predicate always runs with the
/// lock held and alone; every item made is taken or still there at the end; consumers
/// end once told to stop (nobody stuck); the lock is free at the end.
struct ConditionStress;

impl Stress for ConditionStress {
    const NAME: &'static str = "condition";
    const ROUNDS: u64 = 100;

    async fn round<R: Runtime>(rt: &R, seed: u64) -> Result<(), String> {
        let mut rng = Rng::new(seed);
        let shared = Arc::new(Guarded::default());
        let producers: Vec<Task<(), String>> = (0..1 + rng.below(3))
            .map(|_| {
                let (rt2, shared, mut rng) = (rt.clone(), Arc::clone(&shared), rng.fork());
                create_task(rt, async move {
                    for _ in 0..1 + rng.below(8) {
                        let limit = rng.limit(20);
                        let Some(_guard) = limited(&rt2, limit, shared.cond.lock()).await else {
                            continue;
                        };
                        let held = shared.inside.enter(1)?;
                        let available = shared.available.load(Ordering::SeqCst);
                        pause(&rt2, rng.delay()).await;
                        shared.available.store(available + 1, Ordering::SeqCst);
                        shared.made.fetch_add(1, Ordering::SeqCst);
                        drop(held);
                        shared.cond.notify(1).map_err(|e| e.to_string())?;
                    }
                    Ok(())
                })
            })
            .collect();
        let consumers: Vec<Task<(), String>> = (0..1 + rng.below(4))
            .map(|_| {
                let (rt2, shared, mut rng) = (rt.clone(), Arc::clone(&shared), rng.fork());
                create_task(rt, async move {
                    loop {
                        let limit = rng.limit(40);
                        let step = async {
                            let _guard = shared.cond.lock().await;
                            let mut broken = None;
                            let took = shared
                                .cond
                                .wait_for(|| match shared.take() {
                                    Ok(took) => took,
                                    Err(why) => {
                                        broken = Some(why);
                                        Some(false)
                                    }
                                })
                                .await;
                            match (broken, took) {
                                (Some(why), _) => Err(why),
                                (None, Err(e)) => Err(e.to_string()),
                                (None, Ok(took)) => Ok(took),
                            }
                        };
                        match limited(&rt2, limit, step).await {
                            Some(Ok(true)) => CONDITIONS.note(0),
                            Some(Ok(false)) => return Ok(()),
                            Some(Err(why)) => return Err(why),
                            None => CONDITIONS.note(1),
                        }
                        pause(&rt2, rng.delay()).await;
                    }
                })
            })
            .collect();
        let cancelled = cancel_some(rt, &mut rng, &producers, 15).await
            + cancel_some(rt, &mut rng, &consumers, 15).await;
        if cancelled > 0 {
            CONDITIONS.note(2);
        }
        let finish = async {
            join_all(&producers).await?;
            {
                let _guard = shared.cond.lock().await;
                shared.stop.store(true, Ordering::SeqCst);
                shared.cond.notify_all().map_err(|e| e.to_string())?;
            }
            join_all(&consumers).await
        };
        let Some(finished) = timeout(rt, Duration::from_secs(5), finish).await else {
            let done =
                |tasks: &[Task<(), String>]| tasks.iter().map(Task::done).collect::<Vec<_>>();
            return Err(format!(
                "stuck: {:?}, producers done {:?}, consumers done {:?}, {shared:?}",
                shared.cond,
                done(&producers),
                done(&consumers)
            ));
        };
        finished?;
        let (made, taken, left) = (
            shared.made.load(Ordering::SeqCst),
            shared.taken.load(Ordering::SeqCst),
            shared.available.load(Ordering::SeqCst),
        );
        if made != taken + left {
            return Err(format!("{made} made but {taken} taken and {left} left"));
        }
        if shared.cond.locked() {
            return Err(format!("the lock is left held: {:?}", shared.cond));
        }
        if futures_lite::future::poll_once(shared.cond.acquire())
            .await
            .is_none()
        {
            return Err(format!("someone is left in line: {:?}", shared.cond));
        }
        shared.cond.release().map_err(|e| e.to_string())
    }
}

/// Leaves the barrier broken when dropped armed: a party that gives up (times out, is
/// cancelled, even before it starts) aborts, as `except CancelledError: barrier.abort()`
/// does in asyncio, so that the other parties are not left waiting for it.
#[derive(Debug)]
struct Party {
    barrier: Arc<Barrier>,
    armed: bool,
}

impl Party {
    /// Done waiting without giving up: the drop leaves the barrier alone.
    fn disarm(&mut self) {
        self.armed = false;
    }
}

impl Drop for Party {
    fn drop(&mut self) {
        if self.armed {
            self.barrier.abort();
        }
    }
}

/// Barrier outcomes: a party passed a round, a party saw the barrier broken, a party
/// gave up (timed out or cancelled).
static BARRIERS: Seen = Seen::new();

/// Barrier of 1 to 6 parties, each party waiting for several rounds in a row under random
/// timeouts, some cancelled. A party that gives up aborts the barrier. Every round either
/// passes (the indices of the parties that saw it are distinct and below the number of
/// parties) or breaks; nobody hangs.
struct BarrierStress;

impl Stress for BarrierStress {
    const NAME: &'static str = "barrier";
    const ROUNDS: u64 = 100;

    async fn round<R: Runtime>(rt: &R, seed: u64) -> Result<(), String> {
        let mut rng = Rng::new(seed);
        let parties = 1 + rng.below(6) as usize;
        let cycles = 1 + rng.below(5) as usize;
        let barrier = Arc::new(Barrier::new(
            std::num::NonZeroUsize::new(parties).expect("at least one party"),
        ));
        // (cycle, index) for every wait that passed.
        let passed: Arc<std::sync::Mutex<Vec<(usize, usize)>>> = Arc::default();
        let tasks: Vec<Task<(), String>> = (0..parties)
            .map(|_| {
                let (rt2, passed, mut rng) = (rt.clone(), Arc::clone(&passed), rng.fork());
                let mut party = Party {
                    barrier: Arc::clone(&barrier),
                    armed: true,
                };
                create_task(rt, async move {
                    for cycle in 0..cycles {
                        pause(&rt2, rng.delay()).await;
                        let limit = rng.limit(10);
                        match limited(&rt2, limit, party.barrier.wait()).await {
                            Some(Ok(index)) => {
                                BARRIERS.note(0);
                                passed.lock().unwrap().push((cycle, index));
                            }
                            Some(Err(_broken)) => {
                                BARRIERS.note(1);
                                break;
                            }
                            None => {
                                BARRIERS.note(2);
                                return Ok(()); // gives up: the drop of `party` aborts
                            }
                        }
                    }
                    party.disarm();
                    Ok(())
                })
            })
            .collect();
        if cancel_some(rt, &mut rng, &tasks, 10).await > 0 {
            BARRIERS.note(2);
        }
        join_all(&tasks).await?;
        let mut passed = std::mem::take(&mut *passed.lock().unwrap());
        passed.sort_unstable();
        for pair in passed.windows(2) {
            if pair[0] == pair[1] {
                return Err(format!(
                    "index {} given twice in round {}",
                    pair[0].1, pair[0].0
                ));
            }
        }
        if let Some((cycle, index)) = passed.iter().find(|(_, index)| *index >= parties) {
            return Err(format!(
                "index {index} in round {cycle} with {parties} parties"
            ));
        }
        if !barrier.broken() && passed.len() != parties * cycles {
            return Err(format!(
                "not broken, yet only {} of {} waits passed",
                passed.len(),
                parties * cycles
            ));
        }
        if barrier.n_waiting() != 0 {
            return Err(format!("parties left waiting: {barrier:?}"));
        }
        Ok(())
    }
}

/// A gather child: like [`work`], or, when `forever`, a body that only a cancellation
/// ends.
fn child<R: Runtime>(
    rt: &R,
    lives: &Arc<Lives>,
    rng: &mut Rng,
    id: usize,
    forever: bool,
) -> impl Future<Output = Result<usize, String>> + Send + 'static {
    let (rt2, lives2) = (rt.clone(), Arc::clone(lives));
    let body = work(rt, lives, rng, id, 15);
    async move {
        if forever {
            let _life = Life::start(&lives2);
            rt2.sleep(Duration::from_secs(3_600)).await;
            return Err(format!("child {id} slept an hour"));
        }
        body.await
    }
}

/// What a gather gave, for [`GatherStress`].
#[derive(Clone, Debug)]
enum Gathered {
    Plain(Result<Vec<usize>, TaskError<String>>),
    All(Vec<Result<usize, TaskError<String>>>),
    /// Timed out (the gather was dropped).
    GaveUp,
}

/// gather outcomes: completed (values or a failure), gave up (timed out or cancelled),
/// a child cancelled directly.
static GATHERS: Seen = Seen::new();

/// gather (plain, or return_exceptions) of children that finish, fail, are cancelled
/// directly, or would run forever; the gather itself runs in a task that is cancelled or
/// times out at random. A gather that gave up leaves no child running (even the ones
/// that would run forever end, cancelled); one that completed gives the values in
/// argument order, or a failure one of the children really had, or (return_exceptions)
/// each child's own outcome in its slot.
struct GatherStress;

impl Stress for GatherStress {
    const NAME: &'static str = "gather";
    const ROUNDS: u64 = 100;

    async fn round<R: Runtime>(rt: &R, seed: u64) -> Result<(), String> {
        let mut rng = Rng::new(seed);
        let lives = Arc::new(Lives::default());
        let n = 1 + rng.below(8) as usize;
        let forever: Vec<bool> = (0..n).map(|_| rng.chance(10)).collect();
        let children: Vec<Task<usize, String>> = (0..n)
            .map(|id| create_task(rt, child(rt, &lives, &mut rng, id, forever[id])))
            .collect();
        let all = rng.chance(50);
        // A child that runs forever needs a limit, or the gather would wait for it.
        let limit = if forever.iter().any(|f| *f) || rng.chance(30) {
            Some(rng.delay())
        } else {
            None
        };
        // Made here, as `asyncio.gather(...)` makes its future at once: a waiter cancelled
        // before its first step drops it, which cancels the children.
        let gathering = gather(rt, children.clone());
        let rt2 = rt.clone();
        // What the gather gave, kept beside the task's value: see the `Cancelled` arm below.
        let given = Arc::new(std::sync::Mutex::new(None));
        let given2 = Arc::clone(&given);
        let waiter: Task<Gathered, String> = create_task(rt, async move {
            let gathered = if all {
                limited(&rt2, limit, gathering.return_exceptions())
                    .await
                    .map(Gathered::All)
            } else {
                limited(&rt2, limit, gathering).await.map(Gathered::Plain)
            };
            let gathered = gathered.unwrap_or(Gathered::GaveUp);
            *given2.lock().unwrap() = Some(gathered.clone());
            Ok(gathered)
        });
        if cancel_some(rt, &mut rng, &children, 10).await > 0 {
            GATHERS.note(2);
        }
        if rng.chance(15) {
            pause(rt, rng.delay()).await;
            waiter.cancel(Some("stress"));
        }
        let gathered = match (&waiter).await {
            Ok(gathered) => gathered,
            // Cancelled: the gather was dropped unfinished (it gave up), unless the cancel
            // came in the very step in which the body returned. The cancel wins then (as
            // asyncio's `_must_cancel`: `cancel()` had said true) and the value is dropped,
            // but the gather did complete: a plain gather that returned a failure leaves
            // its other children running, so "gave up" would expect too much.
            Err(TaskError::Cancelled(_)) => {
                given.lock().unwrap().take().unwrap_or(Gathered::GaveUp)
            }
            Err(other) => return Err(format!("the gathering task ended with {other:?}")),
        };
        if !matches!(gathered, Gathered::GaveUp) {
            GATHERS.note(0);
        }
        match &gathered {
            Gathered::GaveUp => {
                GATHERS.note(1);
                // No child left running: the forever ones too end (cancelled), soon.
                let states = || {
                    let done: Vec<bool> = children.iter().map(Task::done).collect();
                    format!("forever {forever:?}, done {done:?}, {lives:?}")
                };
                eventually(
                    rt,
                    "every child body ended after the gather gave up",
                    || lives.all_ended(),
                )
                .await
                .map_err(|why| format!("{why}: {}", states()))?;
                eventually(rt, "every child task done after the gather gave up", || {
                    children.iter().all(Task::done)
                })
                .await
                .map_err(|why| format!("{why}: {}", states()))?;
            }
            Gathered::Plain(Ok(values)) => {
                if *values != (0..n).collect::<Vec<_>>() {
                    return Err(format!("values {values:?} out of order"));
                }
            }
            Gathered::Plain(Err(error)) => {
                // Some child really ended that way (the others run on, as in asyncio).
                // A cancellation's message goes to its first reader only, as asyncio's
                // Task gives it: here the gather; a child read again is a bare cancel.
                let same = |e: &TaskError<_>| match (e, error) {
                    (TaskError::Cancelled(_), TaskError::Cancelled(_)) => true,
                    (e, error) => e == error,
                };
                let seen = children
                    .iter()
                    .any(|c| c.done() && c.result().as_ref().err().is_some_and(same));
                if !seen {
                    return Err(format!("gather failed with {error:?}, no child did"));
                }
            }
            Gathered::All(outcomes) => {
                if outcomes.len() != n {
                    return Err(format!("{} outcomes for {n} children", outcomes.len()));
                }
                for (i, (outcome, task)) in outcomes.iter().zip(&children).enumerate() {
                    // The gather read the slot first, so a cancellation's message is
                    // the gather's; the task read again gives a bare cancel (asyncio's).
                    let own = task.result();
                    let same = match (outcome, &own) {
                        (Err(TaskError::Cancelled(_)), Err(TaskError::Cancelled(_))) => true,
                        (outcome, own) => outcome == own,
                    };
                    if !same {
                        return Err(format!("slot {i} says {outcome:?}, its task {own:?}"));
                    }
                }
            }
        }
        // Whatever happened, no child is left behind by the test itself.
        for task in &children {
            task.cancel(None);
        }
        let states = || {
            let done: Vec<bool> = children.iter().map(Task::done).collect();
            format!("{gathered:?}, forever {forever:?}, done {done:?}, {lives:?}")
        };
        eventually(rt, "every child body ended once all were cancelled", || {
            lives.all_ended()
        })
        .await
        .map_err(|why| format!("{why}: {}", states()))?;
        Ok(())
    }
}

#[test]
fn lock_under_random_cancellation() {
    stress::<LockStress>();
    LOCKS.assert_all(["acquired", "timed out", "task cancelled"]);
}

#[test]
fn semaphore_under_random_cancellation() {
    stress::<SemaphoreStress>();
    SEMAPHORES.assert_all(["acquired", "timed out", "task cancelled"]);
}

#[test]
fn queue_under_random_cancellation() {
    stress::<QueueStress>();
    QUEUES.assert_all(["item got", "put or get timed out", "task cancelled"]);
}

#[test]
fn condition_under_random_cancellation() {
    stress::<ConditionStress>();
    CONDITIONS.assert_all(["item taken", "wait timed out", "task cancelled"]);
}

#[test]
fn barrier_under_random_cancellation() {
    stress::<BarrierStress>();
    BARRIERS.assert_all(["round passed", "barrier broken", "party gave up"]);
}

#[test]
fn gather_under_random_cancellation() {
    stress::<GatherStress>();
    GATHERS.assert_all(["completed", "gave up", "child cancelled"]);
}
