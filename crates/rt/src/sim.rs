//! The virtual clock: a deterministic scheduling layer laid over any runtime.
//!
//! asyncio's event loop is single-threaded: one callback runs at a time, taken from a FIFO
//! ready queue, and the clock matters only when the ready queue is empty. This module
//! rebuilds exactly that discipline on top of tokio, async-std and smol, so that a test
//! gives the same trace on all of them, multi-threaded ones included:
//!
//! 1. Every spawned task carries a [`SimSlot`]. The inner future never sees the
//!    runtime's waker; it sees ours. Waking a task puts it at the back of our **ready
//!    queue** instead of handing it to the runtime.
//! 2. One task at a time is **released**: its runtime waker is called, the runtime polls it,
//!    and when that poll returns the next task in the queue is released. If the runtime
//!    polls a task that was not released (its first poll after spawn, or a spurious one),
//!    the wrapper answers `Pending` without touching the inner future.
//! 3. When nothing is running and the queue is empty, the sockets tasks wait on are
//!    asked first (`VirtualHooks::io_wait`: a zero-timeout readiness check each, with a
//!    short real-time margin, `IO_SETTLE`, for a loopback segment still in the kernel):
//!    a ready one wakes its task, as a reactor would, and the clock stays where it is.
//!    The clock moves only when nothing is ready, ready I/O included.
//!    Then every task is idle: the clock jumps
//!    to the earliest timer and wakes every sleep with that deadline, in registration
//!    order. While a `spawn_blocking` job runs the clock stands still (other tasks still
//!    run): the job is work in progress. A job that waits on the runtime
//!    (`ConcurrentFuture::result`) does not hold it: it can do nothing until we deliver.
//! 4. When nothing is running, nothing is queued, no job runs and no timer is pending, yet
//!    the `block_on` future is not done, the run can never finish: `block_on` panics,
//!    saying so, instead of hanging. Unless a `Feeder` is alive: another thread may still
//!    hand work in, so the run waits for it (see `crate::threadsafe`).
//! 5. The run's clock stops when the `block_on` future is done: from then on no task is
//!    released and the clock does not move, until the next `block_on` starts. So a task
//!    left over by one run does nothing between runs, on every runtime, multi-threaded
//!    ones included. (Before the first `block_on`, tasks run as they are spawned.)
//! 6. When the runtime is dropped, every task still registered is woken one last time
//!    and drops its future there ([`Sim::shutdown`]): a runtime with a global executor
//!    (async-std) would otherwise keep a task that is never woken again forever, since
//!    we hold its waker.
//!
//! 7. On a runtime whose own clock can be paused (tokio's current_thread runtime, feature
//!    `tokio-paused-clock`), the clock moves *through* the runtime's: instead of jumping
//!    to the earliest deadline at once, the dispatcher arms a runtime timer for it (a
//!    [`RuntimeClock`]) and lets the runtime's paused clock advance on its own to the
//!    earliest of every timer it holds, ours and those a task made with the runtime's API
//!    (`tokio::time::sleep`). A raw timer that comes first wakes its task, which reads the
//!    runtime's clock; our deadline, once reached, is jumped to as in 3. So raw timers and
//!    ours fire in deadline order. The runtime only advances when nothing at all is
//!    runnable, which is rule 3 again, and holds still while a `spawn_blocking` job runs,
//!    which is ours too; when a job blocks on the runtime (which tokio cannot see) the
//!    clock is advanced explicitly instead (raw timers due by then fire at our deadline).
//!
//! Simplifications, named: one mutex guards all of it (virtual time is for tests, not for
//! speed), and only tasks, timers and socket waits created through the `Runtime` (and
//! `aio-io`'s streams) are seen. A socket waiting for a peer outside the process, which
//! is not ready within `IO_SETTLE`, looks idle.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use crate::threadsafe::IoProbe;

/// The scheduler and clock shared by every task of one runtime instance.
#[derive(Debug, Default)]
pub(crate) struct Sim {
    state: Mutex<State>,
    /// Itself, for the warp clock's alarm thread and the runtime clock's alarms (empty
    /// on a plain virtual clock).
    this: Weak<Sim>,
    /// The warp clock, rather than the virtual one.
    warp: bool,
    /// The runtime's own paused clock, which the virtual clock moves through (rule 7).
    runtime_clock: Option<Arc<dyn RuntimeClock>>,
}

/// A runtime's own clock, paused, which the virtual clock moves through (rule 7 of the
/// module docs): tokio's with `start_paused`.
pub(crate) trait RuntimeClock: Send + Sync + std::fmt::Debug {
    /// The runtime's clock, counted from the virtual clock's zero.
    fn now(&self) -> Duration;

    /// Calls [`Sim::alarm`] with `deadline` once the runtime's clock reaches it. With
    /// `force`, moves the runtime's clock there now (a job blocks on the runtime, so the
    /// runtime, which counts it as running, would not advance on its own).
    fn arm(&self, sim: Weak<Sim>, deadline: Duration, force: bool);
}

/// How far past the last deadline the runtime clock is sent when nothing else is pending,
/// to learn whether a raw runtime timer is (it fires first) before declaring a stall.
const STALL_PROBE: Duration = Duration::from_secs(365 * 24 * 3600);

#[derive(Debug, Default)]
struct State {
    /// The virtual clock, from the runtime's creation (unused on the warp clock).
    now: Duration,
    /// The warp clock: when it started, in real time; `None` on the virtual clock.
    warp: Option<std::time::Instant>,
    /// The warp clock: the idle waits skipped so far.
    skipped: Duration,
    /// The warp clock: the deadline an alarm thread will wake the dispatcher at.
    alarm: Option<Duration>,
    /// Tasks woken and waiting for their turn, in the order they were woken.
    ready: VecDeque<u64>,
    tasks: HashMap<u64, Slot>,
    next_task: u64,
    /// Released tasks that have not finished their poll (0 or 1), plus the dispatcher
    /// itself while it wakes a batch of timers.
    busy: usize,
    /// `spawn_blocking` jobs in progress: while any runs (and does not wait on us), the
    /// clock may not move.
    external: usize,
    /// Jobs among `external` that wait on the runtime (`ConcurrentFuture::result`): they
    /// do not hold the clock.
    blocked: usize,
    /// `Feeder`s alive: while any is, a run with nothing to do waits instead of stalling.
    feeders: usize,
    /// Pending sleeps by (deadline, registration number).
    timers: BTreeMap<(Duration, u64), Waker>,
    next_timer: u64,
    /// The `block_on` future, told when the run can never finish.
    main: Option<u64>,
    /// The runtime clock (rule 7): the furthest deadline it has reached, which the
    /// virtual clock may jump to; and its last reading taken into account.
    reached: Duration,
    runtime_seen: Duration,
    /// The runtime clock: the pending alarm (`alarm`) moves the runtime's clock itself.
    alarm_forced: bool,
    /// Set when the run can never finish, for the `block_on` future to panic; cleared
    /// when the next `block_on` starts.
    stalled: bool,
    /// The last `block_on` future is done: release no task, move no clock, until the
    /// next `block_on` starts.
    stopped: bool,
    /// The runtime was dropped: a task polled now drops its future.
    shut_down: bool,
    /// Tasks waiting on a socket, by wait id (see `VirtualHooks::io_wait`).
    io: BTreeMap<u64, IoWait>,
    next_io: u64,
}

/// A task waiting on a socket: how to tell that the socket is ready, and whom to wake.
struct IoWait {
    probe: IoProbe,
    waker: Waker,
}

impl std::fmt::Debug for IoWait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IoWait").finish_non_exhaustive()
    }
}

/// How long the clock waits, in real time, for a socket to become ready before it moves
/// (or declares a stall) while tasks wait on sockets and none is ready yet. A loopback
/// TCP segment reaches its peer within the sender's system call, unless the kernel
/// defers its network processing to a thread (on a loaded machine): this is the margin
/// for that. Only paid when the clock would move while a task waits on a socket.
const IO_SETTLE: Duration = Duration::from_millis(20);

/// Asks every probe until one is ready or [`IO_SETTLE`] has passed; returns the ready ones.
fn settle(probes: &[(u64, IoProbe)]) -> Vec<u64> {
    let start = std::time::Instant::now();
    loop {
        let ready: Vec<u64> = probes
            .iter()
            .filter(|(_, probe)| probe())
            .map(|(id, _)| *id)
            .collect();
        if !ready.is_empty() || start.elapsed() >= IO_SETTLE {
            return ready;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[derive(Debug)]
struct Slot {
    phase: Phase,
    /// The runtime's waker: calling it makes the runtime poll the task.
    runtime_waker: Option<Waker>,
    woken_while_running: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for a wake-up.
    Idle,
    /// Woken; in the ready queue.
    Queued,
    /// Its turn: the runtime has been asked to poll it.
    Released,
    /// Being polled.
    Running,
}

impl State {
    /// The clock: virtual time, or on the warp clock real time plus the waits skipped.
    fn clock(&self) -> Duration {
        match self.warp {
            Some(start) => start.elapsed() + self.skipped,
            None => self.now,
        }
    }

    /// Moves the clock to `deadline` (never backwards).
    fn advance_to(&mut self, deadline: Duration) {
        match self.warp {
            Some(_) => {
                let now = self.clock();
                if deadline > now {
                    self.skipped += deadline - now;
                }
            }
            None => self.now = self.now.max(deadline),
        }
    }

    /// The sleeps due now (deadline reached), in deadline then registration order.
    fn take_due(&mut self, now: Duration) -> Vec<Waker> {
        let mut due = Vec::new();
        while let Some(entry) = self.timers.first_entry() {
            if entry.key().0 > now {
                break;
            }
            due.push(entry.remove());
        }
        due
    }
}

impl Sim {
    /// The scheduler on the warp clock (`Clock::Warp`): real time, idle waits skipped.
    pub(crate) fn warp() -> Arc<Sim> {
        Arc::new_cyclic(|this| Sim {
            state: Mutex::new(State {
                warp: Some(std::time::Instant::now()),
                ..State::default()
            }),
            this: this.clone(),
            warp: true,
            runtime_clock: None,
        })
    }

    /// The scheduler on the virtual clock, moving through `clock` (rule 7).
    pub(crate) fn paced(clock: Arc<dyn RuntimeClock>) -> Arc<Sim> {
        Arc::new_cyclic(|this| Sim {
            this: this.clone(),
            runtime_clock: Some(clock),
            ..Sim::default()
        })
    }

    /// The runtime clock has reached `deadline` (an alarm armed by the dispatcher fired):
    /// the virtual clock may jump there.
    #[cfg_attr(not(feature = "tokio-paused-clock"), allow(dead_code))]
    pub(crate) fn alarm(&self, deadline: Duration) {
        let seen = self.runtime_clock.as_ref().map(|clock| clock.now());
        let mut state = self.lock();
        if state.alarm == Some(deadline) {
            state.alarm = None;
            state.alarm_forced = false;
        }
        state.reached = state.reached.max(deadline);
        if let Some(seen) = seen {
            // The runtime's clock may stand a little past `deadline` (tokio counts whole
            // milliseconds): that reading is this jump's, not a later one.
            state.runtime_seen = state.runtime_seen.max(seen);
        }
        drop(state);
        self.dispatch();
    }

    /// Whether this is the warp clock.
    pub(crate) fn is_warp(&self) -> bool {
        self.warp
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn now(&self) -> Duration {
        self.lock().clock()
    }

    /// The warp clock, with a blocking job running and a sleep pending: the sleep's
    /// deadline comes in real time, so a thread wakes the dispatcher then.
    fn arm_alarm(&self, state: &mut State, deadline: Duration) {
        if state.alarm.is_some_and(|armed| armed <= deadline) {
            return;
        }
        state.alarm = Some(deadline);
        let wait = deadline.saturating_sub(state.clock());
        let this = self.this.clone();
        // Without a thread the sleep waits for the job to end instead: late, not lost.
        let _ = std::thread::Builder::new()
            .name("aio-rt warp alarm".into())
            .spawn(move || {
                std::thread::sleep(wait);
                if let Some(sim) = this.upgrade() {
                    let mut state = sim.lock();
                    if state.alarm == Some(deadline) {
                        state.alarm = None;
                    }
                    drop(state);
                    sim.dispatch();
                }
            });
    }

    /// Registers a new task at the back of the ready queue, as asyncio's `create_task`
    /// schedules the first step with `call_soon`.
    fn register(self: &Arc<Self>, main: bool) -> u64 {
        let mut state = self.lock();
        let id = state.next_task;
        state.next_task += 1;
        state.tasks.insert(
            id,
            Slot {
                phase: Phase::Queued,
                runtime_waker: None,
                woken_while_running: false,
            },
        );
        state.ready.push_back(id);
        if main {
            // A new run: the previous one's verdicts do not apply to it.
            state.main = Some(id);
            state.stalled = false;
            state.stopped = false;
        }
        drop(state);
        self.dispatch();
        id
    }

    fn wake(&self, id: u64) {
        let mut state = self.lock();
        let Some(slot) = state.tasks.get_mut(&id) else {
            return;
        };
        match slot.phase {
            Phase::Idle => {
                slot.phase = Phase::Queued;
                state.ready.push_back(id);
            }
            Phase::Running => slot.woken_while_running = true,
            Phase::Queued | Phase::Released => return,
        }
        drop(state);
        self.dispatch();
    }

    /// If nothing is running, gives the next task its turn, or else moves the clock.
    fn dispatch(&self) {
        // Whether the sockets have been asked since the last task ran.
        let mut probed = false;
        loop {
            let mut state = self.lock();
            if state.busy > 0 || state.stopped {
                return;
            }
            if state.warp.is_some() {
                // Real time moves while tasks run: sleeps that are due join the ready
                // queue, as asyncio's loop moves its due timers before each batch.
                let now = state.clock();
                let due = state.take_due(now);
                if !due.is_empty() {
                    state.busy += 1;
                    drop(state);
                    for waker in due {
                        waker.wake();
                    }
                    self.lock().busy -= 1;
                    continue;
                }
            }
            if let Some(id) = state.ready.pop_front() {
                if let Some(clock) = &self.runtime_clock {
                    // A raw runtime timer may have moved the runtime's clock past ours (it
                    // woke this task, or one before it): the task reads that time.
                    let seen = clock.now();
                    if seen > state.runtime_seen {
                        state.runtime_seen = seen;
                        state.now = state.now.max(seen);
                    }
                }
                state.busy += 1;
                let slot = state
                    .tasks
                    .get_mut(&id)
                    .expect("a queued task is registered");
                slot.phase = Phase::Released;
                // No runtime waker yet: the runtime has not polled the task since it was
                // spawned, and that first poll will find it released.
                let waker = slot.runtime_waker.clone();
                drop(state);
                if let Some(waker) = waker {
                    waker.wake();
                }
                return;
            }
            if state.external > state.blocked {
                // A blocking job holds the clock: on the warp clock it runs in real time,
                // and the next sleep comes due in real time meanwhile.
                if state.warp.is_some() {
                    if let Some((&(deadline, _), _)) = state.timers.first_key_value() {
                        self.arm_alarm(&mut state, deadline);
                    }
                }
                return;
            }
            if !state.io.is_empty() && !probed {
                // Nothing is ready among the tasks: before the clock moves, look at the
                // sockets they wait on, as asyncio's loop selects before it moves on.
                probed = true;
                let probes: Vec<(u64, IoProbe)> = state
                    .io
                    .iter()
                    .map(|(&id, wait)| (id, Arc::clone(&wait.probe)))
                    .collect();
                drop(state);
                let ready = settle(&probes);
                if ready.is_empty() {
                    continue;
                }
                let mut state = self.lock();
                let wakers: Vec<Waker> = ready
                    .iter()
                    .filter_map(|id| state.io.remove(id).map(|wait| wait.waker))
                    .collect();
                // As for timers: the first woken does not run before the last is queued.
                state.busy += 1;
                drop(state);
                for waker in wakers {
                    waker.wake();
                }
                self.lock().busy -= 1;
                probed = false;
                continue;
            }
            let Some((&(deadline, _), _)) = state.timers.first_key_value() else {
                // Nothing scheduled. Another thread with a `Feeder` may still hand work in:
                // wait for it. Otherwise the run can never finish.
                if !state.tasks.is_empty() && state.feeders == 0 {
                    if let Some(clock) = &self.runtime_clock {
                        // The runtime may still hold a raw timer: send its clock far
                        // ahead; a raw timer fires on the way, and only if none does is
                        // the run stalled.
                        let probe = state.now + STALL_PROBE;
                        if state.reached < probe {
                            let force = state.blocked > 0;
                            if state.main.is_some()
                                && (state.alarm.is_none_or(|armed| armed > probe)
                                    || force && !state.alarm_forced)
                            {
                                state.alarm = Some(probe);
                                state.alarm_forced = force;
                                drop(state);
                                clock.arm(self.this.clone(), probe, force);
                            }
                            return;
                        }
                    }
                    if let Some(main) = state.main {
                        state.stalled = true;
                        let waker = state.tasks.get(&main).and_then(|s| s.runtime_waker.clone());
                        drop(state);
                        if let Some(waker) = waker {
                            waker.wake();
                        }
                    }
                }
                return;
            };
            if let Some(clock) = &self.runtime_clock {
                if state.reached < deadline {
                    // Rule 7: the runtime's clock goes first, and tells us when it is there.
                    // A job that has since blocked on the runtime keeps tokio from
                    // advancing on its own: a pending alarm that waits for it is re-armed.
                    let force = state.blocked > 0;
                    if state.alarm.is_none_or(|armed| armed > deadline)
                        || force && !state.alarm_forced
                    {
                        state.alarm = Some(deadline);
                        state.alarm_forced = force;
                        drop(state);
                        clock.arm(self.this.clone(), deadline, force);
                    }
                    return;
                }
            }
            // Every task is idle: jump to the earliest deadline and wake all its sleeps, in
            // registration order. `busy` keeps the first of them from running before the
            // last is queued, so they run in that order even on a multi-threaded runtime.
            state.advance_to(deadline);
            let due = state.take_due(deadline);
            state.busy += 1;
            drop(state);
            for waker in due {
                waker.wake();
            }
            self.lock().busy -= 1;
        }
    }

    /// The runtime is dropped: stop, and wake every task one last time, so that the
    /// runtime polls it and it drops its future (see `SimSlot::poll`).
    pub(crate) fn shutdown(&self) {
        let mut state = self.lock();
        state.shut_down = true;
        state.stopped = true;
        state.ready.clear();
        let timers = std::mem::take(&mut state.timers);
        let io = std::mem::take(&mut state.io);
        let wakers: Vec<Waker> = state
            .tasks
            .values_mut()
            .filter_map(|slot| slot.runtime_waker.take())
            .collect();
        drop(state);
        // Outside the lock: a waker may run the task, or drop it, at once.
        drop(timers);
        drop(io);
        for waker in wakers {
            waker.wake();
        }
    }

    /// A `spawn_blocking` job starts: until it ends, the clock stands still.
    pub(crate) fn external_begin(self: &Arc<Self>) -> ExternalWork {
        self.lock().external += 1;
        ExternalWork(Arc::clone(self))
    }
}

/// The virtual clock, told about other threads (see `crate::threadsafe`).
impl crate::threadsafe::VirtualHooks for Sim {
    fn feeder_begin(&self) {
        self.lock().feeders += 1;
    }

    fn feeder_end(&self) {
        self.lock().feeders -= 1;
        self.dispatch();
    }

    fn job_blocked(&self) {
        self.lock().blocked += 1;
        self.dispatch();
    }

    fn job_unblocked(&self) {
        self.lock().blocked -= 1;
    }

    fn watches_io(&self) -> bool {
        true
    }

    fn io_wait(&self, probe: IoProbe, waker: &Waker) -> Option<u64> {
        let mut state = self.lock();
        let id = state.next_io;
        state.next_io += 1;
        state.io.insert(
            id,
            IoWait {
                probe,
                waker: waker.clone(),
            },
        );
        Some(id)
    }

    fn io_done(&self, id: u64) {
        let wait = self.lock().io.remove(&id);
        // Outside the lock: the probe may own a socket.
        drop(wait);
    }
}

/// A `spawn_blocking` job in progress; dropping it lets the clock move again.
#[derive(Debug)]
pub(crate) struct ExternalWork(Arc<Sim>);

impl Drop for ExternalWork {
    fn drop(&mut self) {
        self.0.lock().external -= 1;
        self.0.dispatch();
    }
}

/// Our waker for a task: waking it queues the task in the ready queue.
struct SimWaker {
    sim: Arc<Sim>,
    id: u64,
}

impl Wake for SimWaker {
    fn wake(self: Arc<Self>) {
        self.sim.wake(self.id);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.sim.wake(self.id);
    }
}

/// Unregisters a task when its future is dropped, finished or not.
#[derive(Debug)]
struct Registration {
    sim: Arc<Sim>,
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut state = self.sim.lock();
        let Some(slot) = state.tasks.remove(&self.id) else {
            return;
        };
        match slot.phase {
            Phase::Released | Phase::Running => state.busy -= 1,
            Phase::Queued => state.ready.retain(|&id| id != self.id),
            Phase::Idle => {}
        }
        if state.main == Some(self.id) {
            // `block_on` gave up its future (it panicked): the run is over.
            state.main = None;
            state.stopped = true;
        }
        drop(state);
        self.sim.dispatch();
    }
}

/// What a task needs under the virtual clock: its id, our waker for it, and its
/// registration. Boxed by `Scheduled`, so that tasks on the real clock pay one null pointer.
#[derive(Debug)]
pub(crate) struct SimSlot {
    waker: Waker,
    registration: Registration,
}

impl SimSlot {
    /// Registers a new task and queues it. `main` marks the `block_on` future.
    pub(crate) fn new(sim: &Arc<Sim>, main: bool) -> Box<SimSlot> {
        let id = sim.register(main);
        let waker = Waker::from(Arc::new(SimWaker {
            sim: Arc::clone(sim),
            id,
        }));
        Box::new(SimSlot {
            waker,
            registration: Registration {
                sim: Arc::clone(sim),
                id,
            },
        })
    }

    /// Polls `fut` if it is this task's turn: with our waker, never the runtime's. Once
    /// the runtime is dropped, drops `fut` instead (its destructors run: the task's
    /// `finally`), and stays pending: the runtime frees what is left.
    pub(crate) fn poll<F: Future>(
        &self,
        mut fut: Pin<&mut Option<F>>,
        cx: &mut Context<'_>,
    ) -> Poll<F::Output> {
        let sim = &self.registration.sim;
        let id = self.registration.id;
        {
            let mut state = sim.lock();
            if state.shut_down {
                drop(state);
                // A destructor that panics has nobody to tell: the runtime is gone.
                let _ = catch_unwind(AssertUnwindSafe(|| fut.set(None)));
                return Poll::Pending;
            }
            let stalled = state.stalled && state.main == Some(id);
            let slot = state
                .tasks
                .get_mut(&id)
                .expect("a polled task is registered");
            match &slot.runtime_waker {
                Some(old) if old.will_wake(cx.waker()) => {}
                _ => slot.runtime_waker = Some(cx.waker().clone()),
            }
            if slot.phase != Phase::Released {
                let waiting = state.tasks.len();
                drop(state);
                if stalled {
                    panic!(
                        "virtual clock: every task is waiting and no timer is pending, so the \
                         run can never finish ({waiting} task(s) waiting, the block_on future \
                         among them); a task may be waiting on something the virtual clock \
                         does not see: a raw runtime timer (sleep with Runtime::sleep or \
                         Runtime::sleep_until instead, which follow the virtual clock), a \
                         socket, a foreign thread"
                    );
                }
                // Not its turn: the runtime polled it on its own (first poll after spawn).
                return Poll::Pending;
            }
            slot.phase = Phase::Running;
            slot.woken_while_running = false;
        }
        let result = match fut.as_pin_mut() {
            Some(fut) => fut.poll(&mut Context::from_waker(&self.waker)),
            None => Poll::Pending,
        };
        {
            let mut state = sim.lock();
            let slot = state
                .tasks
                .get_mut(&id)
                .expect("a running task is registered");
            if slot.woken_while_running {
                slot.phase = Phase::Queued;
                state.ready.push_back(id);
            } else {
                slot.phase = Phase::Idle;
            }
            state.busy -= 1;
            if result.is_ready() && state.main == Some(id) {
                // The `block_on` future is done: the run's clock stops here, before the
                // next task could be released on another thread.
                state.main = None;
                state.stopped = true;
            }
        }
        sim.dispatch();
        result
    }
}

/// A sleep on the virtual clock.
#[derive(Debug)]
pub(crate) struct VirtualSleep {
    sim: Arc<Sim>,
    deadline: Duration,
    key: Option<(Duration, u64)>,
}

impl VirtualSleep {
    pub(crate) fn new(sim: &Arc<Sim>, deadline: Duration) -> Self {
        VirtualSleep {
            sim: Arc::clone(sim),
            deadline,
            key: None,
        }
    }

    pub(crate) fn deadline(&self) -> Duration {
        self.deadline
    }
}

impl Future for VirtualSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        let mut state = this.sim.lock();
        if state.clock() >= this.deadline {
            if let Some(key) = this.key.take() {
                state.timers.remove(&key);
            }
            return Poll::Ready(());
        }
        match this.key {
            Some(key) => match state.timers.get_mut(&key) {
                Some(waker) if waker.will_wake(cx.waker()) => {}
                Some(waker) => *waker = cx.waker().clone(),
                None => {
                    state.timers.insert(key, cx.waker().clone());
                }
            },
            None => {
                let key = (this.deadline, state.next_timer);
                state.next_timer += 1;
                state.timers.insert(key, cx.waker().clone());
                this.key = Some(key);
            }
        }
        Poll::Pending
    }
}

impl Drop for VirtualSleep {
    fn drop(&mut self) {
        // A cancelled sleep leaves no timer behind.
        if let Some(key) = self.key.take() {
            self.sim.lock().timers.remove(&key);
        }
    }
}

/// Yields once: the task goes to the back of the ready queue. Used by the adapters (and the
/// tests): without a runtime feature nothing constructs it.
#[derive(Debug, Default)]
#[cfg_attr(
    not(any(feature = "tokio", feature = "async-std", feature = "smol", test)),
    allow(dead_code)
)]
pub(crate) struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    //! The scheduler on its own, driven by a twelve-line executor: no runtime needed (and
    //! so these run under Miri).

    use super::*;
    use std::sync::Mutex as StdMutex;

    /// A minimal executor: tasks are woken into a queue; `run` polls until the queue is
    /// empty. It polls a task on its own once right after spawning, as real runtimes do.
    #[derive(Default)]
    struct Executor {
        woken: Arc<StdMutex<VecDeque<usize>>>,
        tasks: Vec<Option<Pin<Box<dyn Future<Output = ()>>>>>,
    }

    struct TaskWaker(usize, Arc<StdMutex<VecDeque<usize>>>);

    impl Wake for TaskWaker {
        fn wake(self: Arc<Self>) {
            self.1.lock().unwrap().push_back(self.0);
        }
    }

    impl Executor {
        fn spawn(&mut self, sim: &Arc<Sim>, fut: impl Future<Output = ()> + 'static) {
            let slot = SimSlot::new(sim, false);
            let id = self.tasks.len();
            self.tasks.push(Some(Box::pin(async move {
                let mut fut = std::pin::pin!(Some(fut));
                std::future::poll_fn(|cx| slot.poll(fut.as_mut(), cx)).await
            })));
            self.woken.lock().unwrap().push_back(id);
        }

        fn run(&mut self) {
            loop {
                let Some(id) = self.woken.lock().unwrap().pop_front() else {
                    return;
                };
                let waker = Waker::from(Arc::new(TaskWaker(id, self.woken.clone())));
                if let Some(task) = self.tasks[id].as_mut() {
                    if task
                        .as_mut()
                        .poll(&mut Context::from_waker(&waker))
                        .is_ready()
                    {
                        self.tasks[id] = None;
                    }
                }
            }
        }
    }

    type Log = Arc<StdMutex<Vec<String>>>;

    fn sleeper(
        sim: &Arc<Sim>,
        log: &Log,
        name: &'static str,
        secs: u64,
    ) -> impl Future<Output = ()> + use<> {
        let (sim, log) = (sim.clone(), log.clone());
        async move {
            log.lock().unwrap().push(format!("{name} sleeps"));
            VirtualSleep::new(&sim, Duration::from_secs(secs)).await;
            log.lock()
                .unwrap()
                .push(format!("{name} woke at {}", sim.now().as_secs()));
        }
    }

    #[test]
    fn tasks_start_in_spawn_order_and_sleeps_fire_by_deadline_then_registration() {
        let sim = Arc::new(Sim::default());
        let log = Log::default();
        let mut ex = Executor::default();
        for (name, secs) in [("a", 2), ("b", 1), ("c", 2)] {
            ex.spawn(&sim, sleeper(&sim, &log, name, secs));
        }
        ex.run();
        assert_eq!(
            *log.lock().unwrap(),
            [
                "a sleeps",
                "b sleeps",
                "c sleeps",
                "b woke at 1",
                "a woke at 2",
                "c woke at 2"
            ]
        );
        assert!(sim.lock().tasks.is_empty(), "finished tasks unregister");
        assert!(sim.lock().timers.is_empty());
    }

    #[test]
    fn a_yield_goes_to_the_back_of_the_ready_queue() {
        let sim = Arc::new(Sim::default());
        let log = Log::default();
        let mut ex = Executor::default();
        for name in ["x", "y"] {
            let log = log.clone();
            ex.spawn(&sim, async move {
                for i in 0..2 {
                    log.lock().unwrap().push(format!("{name}{i}"));
                    YieldNow::default().await;
                }
            });
        }
        ex.run();
        assert_eq!(*log.lock().unwrap(), ["x0", "y0", "x1", "y1"]);
    }

    #[test]
    fn a_dropped_sleep_leaves_no_timer_and_blocking_work_holds_the_clock() {
        let sim = Arc::new(Sim::default());
        let mut sleep = Box::pin(VirtualSleep::new(&sim, Duration::from_secs(5)));
        let waker = Waker::from(Arc::new(TaskWaker(0, Arc::default())));
        assert!(
            sleep
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending()
        );
        assert_eq!(sim.lock().timers.len(), 1);
        drop(sleep);
        assert!(sim.lock().timers.is_empty());

        let log = Log::default();
        let work = sim.external_begin();
        let mut ex = Executor::default();
        ex.spawn(&sim, sleeper(&sim, &log, "s", 1));
        ex.run();
        assert_eq!(
            *log.lock().unwrap(),
            ["s sleeps"],
            "the clock stands still during blocking work"
        );
        drop(work);
        ex.run();
        assert_eq!(*log.lock().unwrap(), ["s sleeps", "s woke at 1"]);
    }

    #[test]
    fn a_ready_socket_is_served_before_the_clock_moves() {
        use crate::threadsafe::VirtualHooks;
        use std::sync::atomic::{AtomicBool, Ordering};

        let sim = Arc::new(Sim::default());
        let log = Log::default();
        let ready = Arc::new(AtomicBool::new(false));
        let mut ex = Executor::default();
        ex.spawn(&sim, sleeper(&sim, &log, "timer", 10));
        // A reader: pending until `ready`, registered with the clock as a socket wait.
        let (sim2, log2, ready2) = (sim.clone(), log.clone(), ready.clone());
        ex.spawn(&sim, async move {
            std::future::poll_fn(|cx| {
                if ready2.load(Ordering::SeqCst) {
                    return Poll::Ready(());
                }
                let flag = ready2.clone();
                let probe: IoProbe = Arc::new(move || flag.load(Ordering::SeqCst));
                sim2.io_wait(probe, cx.waker());
                Poll::Pending
            })
            .await;
            log2.lock()
                .unwrap()
                .push(format!("read at {}", sim2.now().as_secs()));
        });
        // A writer: makes the "socket" ready in a later step, without waking anyone.
        let (sim3, ready3) = (sim.clone(), ready.clone());
        ex.spawn(&sim, async move {
            YieldNow::default().await;
            ready3.store(true, Ordering::SeqCst);
            let _ = &sim3;
        });
        ex.run();
        assert_eq!(
            *log.lock().unwrap(),
            ["timer sleeps", "read at 0", "timer woke at 10"],
            "the ready socket is seen before the clock jumps to the timer"
        );
        assert!(sim.lock().io.is_empty(), "a served wait is removed");
    }

    #[test]
    fn the_warp_clock_counts_busy_time_and_skips_idle_waits() {
        let sim = Sim::warp();
        let log = Log::default();
        let mut ex = Executor::default();
        let (sim2, log2) = (sim.clone(), log.clone());
        ex.spawn(&sim, async move {
            // Busy (blocking) code takes its real time.
            std::thread::sleep(Duration::from_millis(30));
            let busy = sim2.now();
            // A sleep when nothing else runs costs nothing: the clock jumps.
            let deadline = busy + Duration::from_secs(100);
            VirtualSleep::new(&sim2, deadline).await;
            let after = sim2.now();
            log2.lock().unwrap().push(format!(
                "busy {} jumped {}",
                busy >= Duration::from_millis(30),
                after >= deadline && after < deadline + Duration::from_secs(5)
            ));
        });
        let started = std::time::Instant::now();
        ex.run();
        assert_eq!(*log.lock().unwrap(), ["busy true jumped true"]);
        assert!(
            started.elapsed() < Duration::from_secs(50),
            "the sleep was skipped"
        );
    }
}
