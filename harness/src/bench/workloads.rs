//! The workloads. Each `run` builds its runtime, then times only the work inside `block_on`.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aio_rt::Runtime;

use super::{Sample, Variant, Workload, per_op};
use crate::RuntimeKind;

/// Every workload, in report order.
pub static WORKLOADS: &[Workload] = &[
    Workload {
        name: "spawn_await",
        family: "tasks",
        description: "spawn a trivial task and await it; n tasks spawned, then awaited in order",
        native: "the runtime's own spawn and JoinHandle/Task",
        size: (100_000, 20_000),
        run: spawn_await,
        python: Some("spawn_await"),
        runtimes: None,
        unit: "ns/task",
    },
    Workload {
        name: "create_task",
        family: "tasks",
        description: "aio_tasks::create_task of a trivial task and await it; n tasks created in a main task, then awaited in order",
        native: "the runtime's own spawn and JoinHandle/Task",
        size: (100_000, 20_000),
        run: create_task,
        python: Some("spawn_await"),
        runtimes: None,
        unit: "ns/task",
    },
    Workload {
        name: "create_task_floor",
        family: "tasks",
        description: "the create_task workload beside its floor: a runtime-agnostic task costs at least the runtime's spawn plus one shared allocation (its outcome, awaiters, name and cancel request cannot live in the runtime's task cell through the Runtime trait)",
        native: "the runtime's own spawn and JoinHandle/Task, plus one Arc of 72 bytes per task (the size of aio-tasks' shared state for Task<(), _>) made with the task and dropped after its await",
        size: (100_000, 20_000),
        run: create_task_floor,
        python: Some("spawn_await"),
        runtimes: None,
        unit: "ns/task",
    },
    Workload {
        name: "task_memory",
        family: "tasks",
        description: "resident memory per spawned task (Runtime::spawn) blocked on a gate (a fresh process, RSS delta)",
        native: "the runtime's own spawn",
        size: (100_000, 50_000),
        run: task_memory,
        python: Some("task_memory"),
        runtimes: None,
        unit: "bytes/task",
    },
    Workload {
        name: "create_task_memory",
        family: "tasks",
        description: "resident memory per aio_tasks::create_task task blocked on a gate, created in a main task (a fresh process, RSS delta)",
        native: "the runtime's own spawn",
        size: (100_000, 50_000),
        run: create_task_memory,
        python: Some("task_memory"),
        runtimes: None,
        unit: "bytes/task",
    },
    Workload {
        name: "gather_10k",
        family: "gather",
        description: "gather(tasks) over n create_task tasks, results in order (n = 10k; --quick: 10000)",
        native: "tokio: JoinSet; async-std, smol: spawn and await in order",
        size: (10000, 10000),
        run: super::gather::gather_n,
        python: None,
        runtimes: None,
        unit: "ns/task",
    },
    Workload {
        name: "gather_100k",
        family: "gather",
        description: "gather(tasks) over n create_task tasks, results in order (n = 100k; --quick: 20000)",
        native: "tokio: JoinSet; async-std, smol: spawn and await in order",
        size: (100000, 20000),
        run: super::gather::gather_n,
        python: Some("gather_tasks"),
        runtimes: None,
        unit: "ns/task",
    },
    Workload {
        name: "gather_1m",
        family: "gather",
        description: "gather(tasks) over n create_task tasks, results in order (n = 1m; --quick: 50000)",
        native: "tokio: JoinSet; async-std, smol: spawn and await in order",
        size: (1000000, 50000),
        run: super::gather::gather_n,
        python: None,
        runtimes: None,
        unit: "ns/task",
    },
    Workload {
        name: "wait_10k",
        family: "gather",
        description: "wait(tasks, ALL_COMPLETED) over n create_task tasks (n = 10k; --quick: 10000)",
        native: "tokio: JoinSet; async-std, smol: spawn and await in order",
        size: (10000, 10000),
        run: super::gather::wait_n,
        python: None,
        runtimes: None,
        unit: "ns/task",
    },
    Workload {
        name: "wait_100k",
        family: "gather",
        description: "wait(tasks, ALL_COMPLETED) over n create_task tasks (n = 100k; --quick: 20000)",
        native: "tokio: JoinSet; async-std, smol: spawn and await in order",
        size: (100000, 20000),
        run: super::gather::wait_n,
        python: None,
        runtimes: None,
        unit: "ns/task",
    },
    Workload {
        name: "wait_1m",
        family: "gather",
        description: "wait(tasks, ALL_COMPLETED) over n create_task tasks (n = 1m; --quick: 50000)",
        native: "tokio: JoinSet; async-std, smol: spawn and await in order",
        size: (1000000, 50000),
        run: super::gather::wait_n,
        python: None,
        runtimes: None,
        unit: "ns/task",
    },
    Workload {
        name: "as_completed_10k",
        family: "gather",
        description: "as_completed(tasks) over n create_task tasks, consumed as a stream (n = 10k; --quick: 10000)",
        native: "tokio: JoinSet; async-std, smol: spawn and await in order",
        size: (10000, 10000),
        run: super::gather::as_completed_n,
        python: None,
        runtimes: None,
        unit: "ns/task",
    },
    Workload {
        name: "as_completed_100k",
        family: "gather",
        description: "as_completed(tasks) over n create_task tasks, consumed as a stream (n = 100k; --quick: 20000)",
        native: "tokio: JoinSet; async-std, smol: spawn and await in order",
        size: (100000, 20000),
        run: super::gather::as_completed_n,
        python: None,
        runtimes: None,
        unit: "ns/task",
    },
    Workload {
        name: "as_completed_1m",
        family: "gather",
        description: "as_completed(tasks) over n create_task tasks, consumed as a stream (n = 1m; --quick: 50000)",
        native: "tokio: JoinSet; async-std, smol: spawn and await in order",
        size: (1000000, 50000),
        run: super::gather::as_completed_n,
        python: None,
        runtimes: None,
        unit: "ns/task",
    },
    Workload {
        name: "taskgroup_100k",
        family: "gather",
        description: "a TaskGroup whose body creates n trivial children, then waits for them (n = 100k; --quick: 20000)",
        native: "tokio: JoinSet; async-std, smol: spawn and await in order",
        size: (100_000, 20_000),
        run: super::gather::taskgroup_n,
        python: Some("taskgroup_tasks"),
        runtimes: None,
        unit: "ns/task",
    },
    Workload {
        name: "queue_spsc",
        family: "queues",
        description: "an item through a queue bounded to 1024, one producer and one consumer (ours with task_done per item and join)",
        native: "async_channel::bounded",
        size: (1_000_000, 200_000),
        run: super::prims::queue_spsc,
        python: Some("queues_spsc"),
        runtimes: None,
        unit: "ns/item",
    },
    Workload {
        name: "queue_mpmc",
        family: "queues",
        description: "an item through a queue bounded to 1024, four producers and four consumers",
        native: "async_channel::bounded",
        size: (1_000_000, 200_000),
        run: super::prims::queue_mpmc,
        python: Some("queues_mpmc"),
        runtimes: None,
        unit: "ns/item",
    },
    Workload {
        name: "lock",
        family: "sync",
        description: "lock + unlock, 100 tasks contending; both are strict FIFO (asyncio's rule), so once a task waits every unlock hands the lock over (a task switch)",
        native: "tokio::sync::Mutex (FIFO-fair, the headline comparator)",
        size: (1_000_000, 200_000),
        run: super::prims::lock,
        python: Some("sync_lock"),
        runtimes: None,
        unit: "ns/lock",
    },
    Workload {
        name: "lock_uncontended",
        family: "sync",
        description: "lock + unlock by one task, nobody waiting: the fast path alone",
        native: "tokio::sync::Mutex",
        size: (10_000_000, 1_000_000),
        run: super::prims::lock_uncontended,
        python: Some("sync_lock_uncontended"),
        runtimes: None,
        unit: "ns/lock",
    },
    Workload {
        name: "lock_barging",
        family: "sync",
        description: "the lock workload beside a barging lock, as context: async_lock::Mutex lets the unlocking task take the lock straight back, skipping the hand-over asyncio's FIFO rule makes",
        native: "async_lock::Mutex (barging, not FIFO: context only)",
        size: (1_000_000, 200_000),
        run: super::prims::lock_barging,
        python: Some("sync_lock"),
        runtimes: None,
        unit: "ns/lock",
    },
    Workload {
        name: "semaphore",
        family: "sync",
        description: "Semaphore(10), 1000 tasks: acquire, yield, release; both strict FIFO (asyncio's rule since gh-90155): every release hands its permit to the longest waiter",
        native: "tokio::sync::Semaphore (FIFO, the headline comparator)",
        size: (100_000, 50_000),
        run: super::prims::semaphore,
        python: Some("sync_semaphore"),
        runtimes: None,
        unit: "ns/acquire",
    },
    Workload {
        name: "semaphore_barging",
        family: "sync",
        description: "the semaphore workload beside a barging semaphore, as context: a releasing task may take its permit straight back",
        native: "async_lock::Semaphore (barging, not FIFO: context only)",
        size: (100_000, 50_000),
        run: super::prims::semaphore_barging,
        python: Some("sync_semaphore"),
        runtimes: None,
        unit: "ns/acquire",
    },
    Workload {
        name: "event",
        family: "sync",
        description: "Event.set waking n waiting tasks, until all have finished",
        native: "tokio::sync::Notify::notify_waiters",
        size: (10_000, 10_000),
        run: super::prims::event,
        python: Some("sync_event"),
        runtimes: None,
        unit: "ns/waiter",
    },
    Workload {
        name: "call_soon",
        family: "loop",
        description: "aio-loop: a callback scheduled with call_soon before the loop runs, then run",
        native: "none: compared with CPython's asyncio loop",
        size: (1_000_000, 200_000),
        run: super::more::call_soon,
        python: Some("loop_call_soon"),
        runtimes: Some(&[RuntimeKind::AioLoop]),
        unit: "ns/callback",
    },
    Workload {
        name: "call_later",
        family: "loop",
        description: "aio-loop: a timer made with call_later (all due at once: the heap, not the clock)",
        native: "none: compared with CPython's asyncio loop",
        size: (10_000, 10_000),
        run: super::more::call_later,
        python: Some("loop_timers"),
        runtimes: Some(&[RuntimeKind::AioLoop]),
        unit: "ns/timer",
    },
    Workload {
        name: "async_generator",
        family: "generators",
        description: "an integer through an async generator (co.yield_), consumed with while-let next().await",
        native: "a hand-written Stream",
        size: (1_000_000, 200_000),
        run: super::more::async_generator,
        python: Some("generators_items"),
        runtimes: None,
        unit: "ns/item",
    },
    Workload {
        name: "async_generator_unfold",
        family: "generators",
        description: "the same items and generator as async_generator, beside the other native way to write a stream without a state machine",
        native: "futures_lite::stream::unfold (an async block per item)",
        size: (1_000_000, 200_000),
        run: super::more::async_generator_unfold,
        python: Some("generators_items"),
        runtimes: None,
        unit: "ns/item",
    },
    Workload {
        name: "async_generator_async_stream",
        family: "generators",
        description: "the same items and generator as async_generator, beside the async-stream crate's generator",
        native: "async_stream::stream! { for i in 0..n { yield i; } }",
        size: (1_000_000, 200_000),
        run: super::more::async_generator_async_stream,
        python: Some("generators_items"),
        runtimes: None,
        unit: "ns/item",
    },
    Workload {
        name: "sleep_oversleep",
        family: "timers",
        description: "mean oversleep of 10 ms sleeps on the real clock, n sleeps in a row",
        native: "the runtime's own sleep (tokio::time::sleep, async_io::Timer)",
        size: (30, 10),
        run: sleep_oversleep,
        python: Some("sleep_oversleep"),
        runtimes: None,
        unit: "ns oversleep/sleep",
    },
    Workload {
        name: "sleep_max_oversleep",
        family: "timers",
        description: "the largest oversleep of n 10 ms sleeps in a row on the real clock",
        native: "the runtime's own sleep (tokio::time::sleep, async_io::Timer)",
        size: (30, 10),
        run: sleep_max_oversleep,
        python: Some("sleep_max_oversleep"),
        runtimes: None,
        unit: "ns max oversleep",
    },
];

/// Runs `f` on a fresh runtime of `kind` (real clock), timing only the future itself.
fn timed<F, Fut>(kind: RuntimeKind, f: F) -> Duration
where
    F: FnOnce(AnyRt) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let rt = AnyRt::new(kind);
    let rt2 = rt.clone();
    rt.block_on_timed(f(rt2))
}

/// One of the runtimes, for workloads that need both our trait and the raw API.
#[derive(Clone)]
pub(crate) enum AnyRt {
    Tokio(aio_rt::Tokio),
    AsyncStd(aio_rt::AsyncStd),
    Smol(aio_rt::Smol),
}

impl AnyRt {
    pub(crate) fn new(kind: RuntimeKind) -> AnyRt {
        match kind {
            RuntimeKind::Tokio => AnyRt::Tokio(aio_rt::Tokio::current_thread()),
            RuntimeKind::TokioMt => AnyRt::Tokio(aio_rt::Tokio::multi_thread()),
            RuntimeKind::AsyncStd => AnyRt::AsyncStd(aio_rt::AsyncStd::new()),
            RuntimeKind::Smol => AnyRt::Smol(aio_rt::Smol::new()),
            RuntimeKind::AioLoop => {
                unreachable!("workloads with a native side run on the third-party runtimes")
            }
        }
    }

    pub(crate) fn block_on_timed<Fut: std::future::Future<Output = ()>>(
        &self,
        fut: Fut,
    ) -> Duration {
        let timed = async {
            let start = Instant::now();
            fut.await;
            start.elapsed()
        };
        match self {
            AnyRt::Tokio(rt) => rt.block_on(timed),
            AnyRt::AsyncStd(rt) => rt.block_on(timed),
            AnyRt::Smol(rt) => rt.block_on(timed),
        }
    }

    /// Spawns `n` copies of `make()` with our `Runtime::spawn` and awaits them in order.
    async fn ours_spawn_all<F, Fut>(&self, n: usize, make: F)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        async fn go<R: Runtime, Fut: std::future::Future<Output = ()> + Send + 'static>(
            rt: &R,
            n: usize,
            make: impl Fn() -> Fut,
        ) {
            let handles: Vec<_> = (0..n).map(|_| rt.spawn(make())).collect();
            for h in handles {
                h.await.expect("a benchmark task completes");
            }
        }
        match self {
            AnyRt::Tokio(rt) => go(rt, n, make).await,
            AnyRt::AsyncStd(rt) => go(rt, n, make).await,
            AnyRt::Smol(rt) => go(rt, n, make).await,
        }
    }

    /// Creates `n` trivial tasks with `aio_tasks::create_task` inside a main task (as
    /// `asyncio.run(main())` does), and awaits them in order.
    async fn ours_create_task_all(&self, n: usize) {
        self.ours_create_task_blocked(n, || async { Ok(()) }, || {})
            .await;
    }

    /// Creates `n` tasks running `make()` with `aio_tasks::create_task` inside a main task,
    /// calls `created` once they all exist, and awaits them in order.
    async fn ours_create_task_blocked<F, Fut>(
        &self,
        n: usize,
        make: F,
        created: impl FnOnce() + Send + 'static,
    ) where
        F: Fn() -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<(), Infallible>> + Send + 'static,
    {
        async fn go<R: Runtime, F, Fut>(
            rt: &R,
            n: usize,
            make: F,
            created: impl FnOnce() + Send + 'static,
        ) where
            F: Fn() -> Fut + Send + 'static,
            Fut: std::future::Future<Output = Result<(), Infallible>> + Send + 'static,
        {
            let rt2 = rt.clone();
            let main = aio_tasks::create_task(rt, async move {
                let tasks: Vec<_> = (0..n)
                    .map(|_| aio_tasks::create_task(&rt2, make()))
                    .collect();
                created();
                for t in tasks {
                    t.await.expect("a benchmark task completes");
                }
                Ok::<_, Infallible>(())
            });
            main.await.expect("the benchmark's main task completes");
        }
        match self {
            AnyRt::Tokio(rt) => go(rt, n, make, created).await,
            AnyRt::AsyncStd(rt) => go(rt, n, make, created).await,
            AnyRt::Smol(rt) => go(rt, n, make, created).await,
        }
    }

    /// Spawns `n` copies of `make()` with the runtime's own spawn and awaits them in order.
    async fn native_spawn_all<F, Fut>(&self, n: usize, make: F)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        match self {
            AnyRt::Tokio(rt) => {
                let handles: Vec<_> = (0..n).map(|_| rt.handle().spawn(make())).collect();
                for h in handles {
                    h.await.expect("a benchmark task completes");
                }
            }
            AnyRt::AsyncStd(_) => {
                let handles: Vec<_> = (0..n).map(|_| async_std::task::spawn(make())).collect();
                for h in handles {
                    h.await;
                }
            }
            AnyRt::Smol(rt) => {
                let handles: Vec<_> = (0..n).map(|_| rt.executor().spawn(make())).collect();
                for h in handles {
                    h.await;
                }
            }
        }
    }

    /// Spawns each future with the runtime's own spawn; the returned future awaits them all.
    pub(crate) fn native_spawn_each<I, Fut>(
        &self,
        futs: I,
    ) -> impl Future<Output = ()> + use<I, Fut>
    where
        I: IntoIterator<Item = Fut>,
        Fut: Future<Output = ()> + Send + 'static,
    {
        enum H {
            Tokio(tokio::task::JoinHandle<()>),
            AsyncStd(async_std::task::JoinHandle<()>),
            Smol(smol::Task<()>),
        }
        let handles: Vec<H> = futs
            .into_iter()
            .map(|f| match self {
                AnyRt::Tokio(rt) => H::Tokio(rt.handle().spawn(f)),
                AnyRt::AsyncStd(_) => H::AsyncStd(async_std::task::spawn(f)),
                AnyRt::Smol(rt) => H::Smol(rt.executor().spawn(f)),
            })
            .collect();
        async move {
            for h in handles {
                match h {
                    H::Tokio(h) => h.await.expect("a benchmark task completes"),
                    H::AsyncStd(h) => h.await,
                    H::Smol(h) => h.await,
                }
            }
        }
    }

    /// Spawns each future with the runtime's own spawn and awaits them all.
    pub(crate) async fn native_join_all<Fut>(&self, futs: impl IntoIterator<Item = Fut>)
    where
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.native_spawn_each(futs).await;
    }

    async fn sleep(&self, variant: Variant, d: Duration) {
        match (self, variant) {
            (AnyRt::Tokio(rt), Variant::Ours) => rt.sleep(d).await,
            (AnyRt::AsyncStd(rt), Variant::Ours) => rt.sleep(d).await,
            (AnyRt::Smol(rt), Variant::Ours) => rt.sleep(d).await,
            (AnyRt::Tokio(_), Variant::Native) => tokio::time::sleep(d).await,
            (AnyRt::AsyncStd(_), Variant::Native) => async_std::task::sleep(d).await,
            (AnyRt::Smol(_), Variant::Native) => {
                smol::Timer::after(d).await;
            }
        }
    }
}

fn spawn_await(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    let elapsed = timed(kind, |rt| async move {
        match variant {
            Variant::Ours => rt.ours_spawn_all(n, || async {}).await,
            Variant::Native => rt.native_spawn_all(n, || async {}).await,
        }
    });
    per_op(elapsed, n)
}

fn create_task(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    let elapsed = timed(kind, |rt| async move {
        match variant {
            Variant::Ours => rt.ours_create_task_all(n).await,
            Variant::Native => rt.native_spawn_all(n, || async {}).await,
        }
    });
    per_op(elapsed, n)
}

fn create_task_floor(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    /// The stand-in for aio-tasks' shared state: as big as `Inner<(), Infallible>`.
    type Floor = Arc<[u64; 9]>;
    let elapsed = timed(kind, |rt| async move {
        match variant {
            Variant::Ours => rt.ours_create_task_all(n).await,
            Variant::Native => {
                // One allocation per task, shared by the task and its awaiter (two
                // references, as a task's state is), freed once both are done with it.
                let states: Vec<Floor> = (0..n)
                    .map(|_| Arc::new(std::hint::black_box([0; 9])))
                    .collect();
                let tasks = states.iter().map(|state| {
                    let state = state.clone();
                    async move { drop(state) }
                });
                rt.native_spawn_each(tasks).await;
                drop(states);
            }
        }
    });
    per_op(elapsed, n)
}

fn task_memory(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    memory_in_child(kind, variant, n, TaskKind::Spawn)
}

fn create_task_memory(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    memory_in_child(kind, variant, n, TaskKind::CreateTask)
}

/// What "ours" spawns in the memory workloads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskKind {
    /// `Runtime::spawn`, awaited through its `JoinHandle`.
    Spawn,
    /// `aio_tasks::create_task`, from inside a main task (as `asyncio.run` creates them).
    CreateTask,
}

fn memory_in_child(kind: RuntimeKind, variant: Variant, n: usize, tasks: TaskKind) -> Sample {
    // A fresh process, so that memory freed by an earlier run cannot be reused unseen.
    let variant_name = match (variant, tasks) {
        (Variant::Ours, TaskKind::Spawn) => "ours",
        (Variant::Ours, TaskKind::CreateTask) => "ours-create-task",
        (Variant::Native, _) => "native",
    };
    let out = std::env::current_exe().ok().and_then(|exe| {
        std::process::Command::new(exe)
            .args(["__bench-memory", kind.name(), variant_name, &n.to_string()])
            .output()
            .ok()
    });
    let bytes = out
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<f64>()
                .ok()
        })
        .unwrap_or(f64::NAN);
    Sample { ns_per_op: bytes }
}

/// The child side of `task_memory`: bytes of resident memory per task, `n` tasks spawned
/// and blocked on a gate. Prints the figure.
pub fn task_memory_child(kind: RuntimeKind, variant: Variant, tasks: TaskKind, n: usize) -> f64 {
    let rt = AnyRt::new(kind);
    let rt2 = rt.clone();
    let per_task = Arc::new(std::sync::Mutex::new(0.0));
    let result = per_task.clone();
    // Set once every task exists (the create_task ones are made by a main task, which
    // the runtime runs when it gets to it).
    let created = Arc::new(std::sync::atomic::AtomicBool::new(false));
    rt.block_on_timed(async move {
        let (tx, rx) = tokio::sync::watch::channel(false);
        let rx2 = rx.clone();
        let make = move || {
            let mut rx = rx.clone();
            async move {
                let _ = rx.changed().await;
            }
        };
        let before = super::rss_bytes();
        let measured = {
            let created = created.clone();
            async move {
                // Yield until the tasks exist and the workers parked them, then read the
                // memory, then open the gate.
                futures_lite::future::yield_now().await;
                while !created.load(std::sync::atomic::Ordering::Acquire) {
                    futures_lite::future::yield_now().await;
                }
                futures_lite::future::yield_now().await;
                let after = super::rss_bytes();
                *result.lock().unwrap() = after.saturating_sub(before) as f64 / n as f64;
                let _ = tx.send(true);
            }
        };
        let all_created = move || created.store(true, std::sync::atomic::Ordering::Release);
        match (variant, tasks) {
            (Variant::Ours, TaskKind::Spawn) => {
                all_created();
                futures_lite::future::zip(rt2.ours_spawn_all(n, make), measured).await;
            }
            (Variant::Ours, TaskKind::CreateTask) => {
                // The same body as `make`'s, written as a task body (giving a Result):
                // wrapping `make()` in another async block would store it twice (the
                // captured future and the one being awaited are not overlapped by rustc).
                let make = move || {
                    let mut rx = rx2.clone();
                    async move {
                        let _ = rx.changed().await;
                        Ok::<_, Infallible>(())
                    }
                };
                let all = rt2.ours_create_task_blocked(n, make, all_created);
                futures_lite::future::zip(all, measured).await;
            }
            (Variant::Native, _) => {
                all_created();
                futures_lite::future::zip(rt2.native_spawn_all(n, make), measured).await;
            }
        }
    });
    *per_task.lock().unwrap()
}

/// The oversleep of each of `n` 10 ms sleeps in a row, on the real clock.
fn oversleeps(kind: RuntimeKind, variant: Variant, n: usize) -> Vec<Duration> {
    let target = Duration::from_millis(10);
    let all = Arc::new(std::sync::Mutex::new(Vec::with_capacity(n)));
    let record = all.clone();
    timed(kind, |rt| async move {
        for _ in 0..n {
            let start = Instant::now();
            rt.sleep(variant, target).await;
            let over = start.elapsed().saturating_sub(target);
            record.lock().unwrap().push(over);
        }
    });
    all.lock().unwrap().clone()
}

fn sleep_oversleep(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    per_op(oversleeps(kind, variant, n).iter().sum(), n)
}

fn sleep_max_oversleep(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    let max = oversleeps(kind, variant, n)
        .into_iter()
        .max()
        .unwrap_or_default();
    per_op(max, 1)
}
