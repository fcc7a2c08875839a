//! Definition of `Executor`: the small thread pool behind `run_in_executor`.
//!
//! asyncio's default executor is a `concurrent.futures.ThreadPoolExecutor` with
//! `min(32, os.cpu_count() + 4)` workers, started as jobs arrive. This one is the same
//! idea in a few lines. Simplifications, named: no work stealing, one queue under one
//! mutex; a worker idle for a while exits; a thread the OS refuses to start is not retried.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

type Job = Box<dyn FnOnce() + Send>;

/// How long a worker waits for a job before it exits.
const IDLE_EXIT: Duration = Duration::from_secs(10);

/// A thread pool, started lazily.
#[derive(Debug)]
pub(crate) struct Executor {
    pool: Arc<Pool>,
}

#[derive(Debug)]
struct Pool {
    state: Mutex<PoolState>,
    work: Condvar,
    max_workers: usize,
}

#[derive(Default)]
struct PoolState {
    jobs: VecDeque<Job>,
    /// Workers waiting for a job.
    idle: usize,
    workers: usize,
    shutdown: bool,
}

impl std::fmt::Debug for PoolState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoolState")
            .field("jobs", &self.jobs.len())
            .field("idle", &self.idle)
            .field("workers", &self.workers)
            .finish()
    }
}

impl Pool {
    fn lock(&self) -> MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Executor {
    pub(crate) fn new() -> Executor {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        Executor {
            pool: Arc::new(Pool {
                state: Mutex::default(),
                work: Condvar::new(),
                max_workers: (cpus + 4).min(32),
            }),
        }
    }

    /// Queues `job`; starts a worker if every worker is busy and the pool is not full.
    pub(crate) fn submit(&self, job: Job) {
        let mut state = self.pool.lock();
        state.jobs.push_back(job);
        let start = state.jobs.len() > state.idle && state.workers < self.pool.max_workers;
        if start {
            state.workers += 1;
        }
        drop(state);
        self.pool.work.notify_one();
        if start {
            let pool = Arc::clone(&self.pool);
            let spawned = std::thread::Builder::new()
                .name("aio-loop-executor".to_owned())
                .spawn(move || worker(&pool));
            if spawned.is_err() {
                self.pool.lock().workers -= 1;
            }
        }
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        self.pool.lock().shutdown = true;
        self.pool.work.notify_all();
    }
}

/// A worker: runs jobs until the pool shuts down or it has been idle for [`IDLE_EXIT`].
fn worker(pool: &Pool) {
    let mut state = pool.lock();
    loop {
        if let Some(job) = state.jobs.pop_front() {
            drop(state);
            job();
            state = pool.lock();
            continue;
        }
        if state.shutdown {
            break;
        }
        state.idle += 1;
        let (next, wait) = pool
            .work
            .wait_timeout(state, IDLE_EXIT)
            .unwrap_or_else(PoisonError::into_inner);
        state = next;
        state.idle -= 1;
        if wait.timed_out() && state.jobs.is_empty() {
            break;
        }
    }
    state.workers -= 1;
}
