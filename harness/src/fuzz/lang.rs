//! The fuzzer's program language: an asyncio program as data, small enough to generate,
//! shrink, print as Python and interpret in Rust.
//!
//! A [`Program`] is a list of task definitions; `tasks[0]` is `main`. Each task runs its
//! [`Step`]s in order, logs every outcome, and returns `r<i>` or raises `ValueError('e<i>')`.
//! Shared objects (locks, semaphores, events, queues, async generators) are indexed. A
//! `setter` task, made by main first, sets every event and feeds every queue late in the
//! run, so that no program can wait forever; main closes every async generator and joins
//! every task at the end, so that none is left running (and nothing is left to asyncio's
//! `shutdown_asyncgens`).

use std::fmt;

/// How long a timer waits: `ticks` seconds plus a distinct fraction `2^site` µs.
///
/// The fraction keeps deadlines apart: two timers that would fire at the same instant
/// would let the runtime's tie-break decide the order, and a trace must not depend on that.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dur {
    /// Whole seconds (ticks of the trace).
    pub ticks: u64,
    /// Which power of two of microseconds is added (0..=17).
    pub site: u32,
}

impl Dur {
    /// The duration, as Rust sees it.
    pub fn duration(self) -> std::time::Duration {
        std::time::Duration::from_secs(self.ticks)
            + std::time::Duration::from_micros(1 << self.site)
    }

    /// The duration as a Python float literal (exact to the microsecond).
    pub fn python(self) -> String {
        let micros = self.ticks * 1_000_000 + (1u64 << self.site);
        format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000)
    }
}

/// Which condition `wait` returns on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// `asyncio.FIRST_COMPLETED`
    FirstCompleted,
    /// `asyncio.FIRST_EXCEPTION`
    FirstException,
    /// `asyncio.ALL_COMPLETED`
    AllCompleted,
}

/// One step of a task body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// `await asyncio.sleep(d)`, then log `slept`.
    Sleep(Dur),
    /// `c<i> = asyncio.create_task(t<i>(), name="t<i>")`.
    Spawn(usize),
    /// `await c<i>`, logging its outcome.
    Await(usize),
    /// `c<i>.cancel(msg)`, logging what it returned.
    Cancel(usize, Option<String>),
    /// `await asyncio.gather(c.., return_exceptions=flag)`.
    Gather(Vec<usize>, bool),
    /// `await asyncio.wait({c..}, return_when=.., timeout=..)`.
    Wait(Vec<usize>, When, Option<Dur>),
    /// `await asyncio.wait_for(c<i>, d)`.
    WaitFor(usize, Dur),
    /// `await asyncio.shield(c<i>)`.
    Shield(usize),
    /// `async with asyncio.TaskGroup() as tg:` that creates the children `t<i>`, then runs
    /// the inner steps (the body), then, when the flag is set, raises from the body.
    Group(Vec<usize>, Vec<Step>, bool),
    /// `async with asyncio.timeout(d):` around the inner steps.
    Timeout(Dur, Vec<Step>),
    /// `async with locks[i]:` around the inner steps.
    Lock(usize, Vec<Step>),
    /// `async with sems[i]:` around the inner steps.
    Sem(usize, Vec<Step>),
    /// `await events[i].wait()`.
    EventWait(usize),
    /// `events[i].set()`.
    EventSet(usize),
    /// `queues[i].put_nowait(item)` (the queues are unbounded).
    Put(usize, String),
    /// `await queues[i].get()`.
    Get(usize),
    /// `queues[i].get_nowait()`, logging `QueueEmpty` when there is nothing.
    GetNowait(usize),
    /// `queues[i].task_done()`, logging the `ValueError` of one call too many.
    TaskDone(usize),
    /// `await queues[i].join()`, then log `join q<i>` (every item put has had its
    /// `task_done`).
    QueueJoin(usize),
    /// `for f in asyncio.as_completed({c..}, timeout=..): await f`, logging each outcome.
    AsCompleted(Vec<usize>, Option<Dur>),
    /// `sems[i].release()` outside any `async with` (a `BoundedSemaphore` refuses one too
    /// many with `ValueError`).
    SemRelease(usize),
    /// `async with conds[i]: await conds[i].wait_for(lambda: tokens[i] > 0)`, then takes a
    /// token.
    CondWait(usize),
    /// `async with conds[i]: tokens[i] += n; conds[i].notify(n)`.
    Notify(usize, usize),
    /// `async with conds[i]: tokens[i] += 100; conds[i].notify_all()`.
    NotifyAll(usize),
    /// `await barriers[i].wait()`, logging the index or `BrokenBarrierError`.
    BarrierWait(usize),
    /// `await barriers[i].abort()`.
    BarrierAbort(usize),
    /// `await barriers[i].reset()`.
    BarrierReset(usize),
    /// `await anext(gens[g])`, logging the value or the exception (`StopAsyncIteration`).
    GenNext(usize),
    /// `await gens[g].asend(v)`: the paused yield receives `v`.
    GenSend(usize, String),
    /// `await gens[g].athrow(ValueError('x'))`.
    GenThrow(usize),
    /// `await gens[g].aclose()`.
    GenClose(usize),
    /// Two requests on one generator at once: a helper task `anext`s `gens[g]`, this task
    /// lets it start (`await asyncio.sleep(0)`), makes the request, then awaits the
    /// helper. While the helper is in the middle of a step the request is refused
    /// (`RuntimeError: ... asynchronous generator is already running`).
    GenRace(usize, GenOp),
    /// `queues[i].shutdown(immediate=flag)` (3.13): puts fail from then on, gets drain
    /// what is left (nothing, with `immediate`), then fail with `QueueShutDown`.
    QueueShutdown(usize, bool),
}

/// A request on an async generator, as [`Step::GenRace`] makes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GenOp {
    /// `anext(gen)`
    Next,
    /// `gen.asend(v)`
    Send(String),
    /// `gen.athrow(ValueError('x'))`
    Throw,
    /// `gen.aclose()`
    Close,
}

impl GenOp {
    /// What the trace logs for this request on `gens[g]` (`anext g0`, `asend g0 v`, ...):
    /// the interpreter and the Python renderer both log it, so they agree by
    /// construction.
    pub fn label(&self, g: usize) -> String {
        match self {
            GenOp::Next => format!("anext g{g}"),
            GenOp::Send(v) => format!("asend g{g} {v}"),
            GenOp::Throw => format!("athrow g{g}"),
            GenOp::Close => format!("aclose g{g}"),
        }
    }
}

/// One piece of an async generator's body (`async def g<i>()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenPart {
    /// `got = yield "g<i>y<k>"`, then log `got <got>` (`None` after `anext`).
    Yield,
    /// The same yield inside `try: ... except ValueError as e:`, which logs
    /// `caught <e>`, then re-raises, or yields `"g<i>c<k>"` and logs what that received.
    Guarded {
        /// Re-raise the caught error instead of yielding again.
        reraise: bool,
    },
    /// `await asyncio.sleep(d)`, then log `slept`.
    Sleep(Dur),
}

/// An async generator's definition: `log start`, then the parts in a `try:` whose
/// `finally:` logs `finally`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenDef {
    /// The body, in order; at least one yields (else it is no generator).
    pub parts: Vec<GenPart>,
}

/// Which of asyncio's queue classes a queue is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueKind {
    /// `asyncio.Queue`
    Fifo,
    /// `asyncio.LifoQueue`
    Lifo,
    /// `asyncio.PriorityQueue`
    Priority,
}

/// One task's definition: its steps, and whether it raises at the end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskDef {
    /// The body, in order.
    pub steps: Vec<Step>,
    /// Raise `ValueError('e<i>')` at the end instead of returning `r<i>`.
    pub fails: bool,
}

/// A whole program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// `tasks[0]` is main; the others are `t1`, `t2`, ... (spawned at most once each).
    pub tasks: Vec<TaskDef>,
    /// How many `asyncio.Lock`s.
    pub locks: usize,
    /// The initial value of each semaphore, and whether it is a `BoundedSemaphore`.
    pub sems: Vec<(usize, bool)>,
    /// How many `asyncio.Event`s.
    pub events: usize,
    /// The queues, by class (all unbounded).
    pub queues: Vec<QueueKind>,
    /// How many `asyncio.Condition`s.
    pub conds: usize,
    /// The parties of each `asyncio.Barrier`.
    pub barriers: Vec<usize>,
    /// The async generators `gens[g] = g<g>()`, driven by main only (its top-level steps,
    /// where nothing cancels it: a cancellation in the middle of a step is where Rust's
    /// drop and asyncio's `CancelledError` part, see docs/generators.md#the-protocol).
    pub gens: Vec<GenDef>,
}

/// When the setter wakes everybody up (ticks); every generated timer ends before.
pub const SETTER_TICKS: u64 = 50;

/// The setter's own timer.
pub const SETTER_SLEEP: Dur = Dur {
    ticks: SETTER_TICKS,
    site: 0,
};

impl Program {
    /// The label of task `i`: `main` or `t<i>`.
    pub fn label(i: usize) -> String {
        if i == 0 {
            "main".to_owned()
        } else {
            format!("t{i}")
        }
    }

    /// How many items the setter puts on queue `q`: one per `get` and `get_nowait` site
    /// (a late `get_nowait` may take one), so that no `get` waits forever.
    pub fn gets_on(&self, q: usize) -> usize {
        fn count(steps: &[Step], q: usize) -> usize {
            steps
                .iter()
                .map(|s| match s {
                    Step::Get(i) | Step::GetNowait(i) if *i == q => 1,
                    Step::Group(_, inner, _)
                    | Step::Timeout(_, inner)
                    | Step::Lock(_, inner)
                    | Step::Sem(_, inner) => count(inner, q),
                    _ => 0,
                })
                .sum()
        }
        self.tasks.iter().map(|t| count(&t.steps, q)).sum()
    }

    /// Whether some task shuts a queue down (3.13's `Queue.shutdown`).
    pub fn shuts_down(&self) -> bool {
        fn any(steps: &[Step]) -> bool {
            steps.iter().any(|s| match s {
                Step::QueueShutdown(..) => true,
                Step::Group(_, inner, _)
                | Step::Timeout(_, inner)
                | Step::Lock(_, inner)
                | Step::Sem(_, inner) => any(inner),
                _ => false,
            })
        }
        self.tasks.iter().any(|t| any(&t.steps))
    }

    /// Whether the program is well formed: every task a step names was spawned before in
    /// the same task (or is a child of the group), each task is spawned at most once, and
    /// every object index exists. Shrinking keeps only well-formed programs.
    pub fn is_valid(&self) -> bool {
        let mut spawned = vec![false; self.tasks.len()];
        spawned[0] = true;
        let yields = |p: &GenPart| matches!(p, GenPart::Yield | GenPart::Guarded { .. });
        fn gen_step(s: &Step) -> bool {
            matches!(
                s,
                Step::GenNext(_)
                    | Step::GenSend(..)
                    | Step::GenThrow(_)
                    | Step::GenClose(_)
                    | Step::GenRace(..)
            )
        }
        // Generators are main's, at its top level (see `Program::gens`).
        fn nested_gen_step(steps: &[Step]) -> bool {
            steps.iter().any(|s| match s {
                Step::Group(_, inner, _)
                | Step::Timeout(_, inner)
                | Step::Lock(_, inner)
                | Step::Sem(_, inner) => inner.iter().any(gen_step) || nested_gen_step(inner),
                _ => false,
            })
        }
        self.gens.iter().all(|g| g.parts.iter().any(yields))
            && !nested_gen_step(&self.tasks[0].steps)
            && self.tasks[1..]
                .iter()
                .all(|t| !t.steps.iter().any(gen_step) && !nested_gen_step(&t.steps))
            && self
                .tasks
                .iter()
                .all(|task| self.valid_steps(&task.steps, &mut Vec::new(), &mut spawned))
    }

    fn valid_steps(&self, steps: &[Step], mine: &mut Vec<usize>, spawned: &mut [bool]) -> bool {
        let known = |i: &usize, mine: &Vec<usize>| mine.contains(i);
        for step in steps {
            let ok = match step {
                Step::Sleep(_) => true,
                Step::Spawn(i) => {
                    if *i == 0 || *i >= self.tasks.len() || spawned[*i] {
                        return false;
                    }
                    spawned[*i] = true;
                    mine.push(*i);
                    true
                }
                Step::Await(i) | Step::Cancel(i, _) | Step::WaitFor(i, _) | Step::Shield(i) => {
                    known(i, mine)
                }
                Step::Gather(ids, _) | Step::Wait(ids, _, _) => {
                    !ids.is_empty()
                        && ids.iter().all(|i| known(i, mine))
                        && ids.iter().enumerate().all(|(n, i)| !ids[..n].contains(i))
                }
                Step::Group(children, inner, _) => {
                    for i in children {
                        if *i == 0 || *i >= self.tasks.len() || spawned[*i] {
                            return false;
                        }
                        spawned[*i] = true;
                    }
                    self.valid_steps(inner, mine, spawned)
                }
                Step::Timeout(_, inner) => self.valid_steps(inner, mine, spawned),
                Step::Lock(l, inner) => *l < self.locks && self.valid_steps(inner, mine, spawned),
                Step::Sem(s, inner) => {
                    *s < self.sems.len() && self.valid_steps(inner, mine, spawned)
                }
                Step::EventWait(e) | Step::EventSet(e) => *e < self.events,
                Step::Put(q, _)
                | Step::Get(q)
                | Step::GetNowait(q)
                | Step::TaskDone(q)
                | Step::QueueJoin(q) => *q < self.queues.len(),
                Step::AsCompleted(ids, _) => {
                    !ids.is_empty()
                        && ids.iter().all(|i| known(i, mine))
                        && ids.iter().enumerate().all(|(n, i)| !ids[..n].contains(i))
                }
                Step::SemRelease(s) => *s < self.sems.len(),
                Step::CondWait(c) | Step::Notify(c, _) | Step::NotifyAll(c) => *c < self.conds,
                Step::BarrierWait(b) | Step::BarrierAbort(b) | Step::BarrierReset(b) => {
                    *b < self.barriers.len()
                }
                Step::GenNext(g)
                | Step::GenSend(g, _)
                | Step::GenThrow(g)
                | Step::GenClose(g)
                | Step::GenRace(g, _) => *g < self.gens.len(),
                Step::QueueShutdown(q, _) => *q < self.queues.len(),
            };
            if !ok {
                return false;
            }
        }
        true
    }

    /// How many steps, nested ones included: the size shrinking reduces.
    pub fn size(&self) -> usize {
        fn count(steps: &[Step]) -> usize {
            steps
                .iter()
                .map(|s| match s {
                    Step::Group(c, inner, _) => 1 + c.len() + count(inner),
                    Step::Timeout(_, inner) | Step::Lock(_, inner) | Step::Sem(_, inner) => {
                        1 + count(inner)
                    }
                    _ => 1,
                })
                .sum()
        }
        self.tasks
            .iter()
            .map(|t| 1 + count(&t.steps))
            .sum::<usize>()
            + self.gens.iter().map(|g| 1 + g.parts.len()).sum::<usize>()
    }
}

impl fmt::Display for Program {
    /// The program as its Python script: what a reader of a corpus file looks at.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&super::python::render(self))
    }
}
