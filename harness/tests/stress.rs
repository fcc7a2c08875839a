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
//! Replay: `STRESS_SEED=<seed> cargo test -p aio-harness --test stress <name>` runs that one
//! seed on every runtime; `STRESS_ROUNDS=<n>` changes the number of rounds (default
//! [`ROUNDS`]).
//!
//! Real clock, so the interleavings differ from run to run (that is the point); the
//! invariants checked hold for every interleaving, so a failure is a bug, never noise.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use aio_harness::RuntimeKind;
use aio_rt::{AsyncStd, Config, Runtime, Smol, Tokio};
use aio_tasks::{Task, TaskError, TaskGroup, create_task};

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

fn seeds() -> Vec<u64> {
    if let Some(seed) = std::env::var("STRESS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return vec![seed];
    }
    let rounds = std::env::var("STRESS_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(ROUNDS);
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
    let seeds = seeds();
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
        "{}\nreplay with STRESS_SEED=<seed> cargo test -p aio-harness --test stress",
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
        if seeds().len() < 50 {
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
        let outcome = match limit {
            Some(limit) => timeout(rt, limit, group).await,
            None => Some(group.await),
        };
        // Whatever happened, every child ends (a dropped group cancels its children).
        eventually(rt, "every child body ended", || lives.all_ended()).await?;
        let handles = handles.lock().unwrap().clone();
        eventually(rt, "every child task done", || {
            handles.iter().all(Task::done)
        })
        .await?;

        let (mut ok, mut failed) = (0, 0);
        for task in &handles {
            match task.result() {
                Ok(_) => ok += 1,
                Err(TaskError::Failed(_)) => failed += 1,
                Err(TaskError::Cancelled(_)) => {}
                Err(other) => return Err(format!("unexpected task outcome {other:?}")),
            }
        }
        let (lives_ok, lives_failed) = (
            lives.ok.load(Ordering::SeqCst),
            lives.failed.load(Ordering::SeqCst),
        );
        if (ok, failed) != (lives_ok, lives_failed) {
            return Err(format!(
                "tasks say {ok} ok / {failed} failed, bodies say {lives_ok} / {lives_failed}"
            ));
        }
        match outcome {
            None => GROUPS.note(0), // timed out: the group was cancelled from outside
            Some(Ok(n)) if failed == 0 && n == children => GROUPS.note(1),
            Some(Err(group)) if failed > 0 && group.errors.len() == failed => {
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
