//! Generating programs from a seed, and shrinking one that shows a difference.
//!
//! A seeded generator of our own rather than proptest's strategies: the programs are a
//! tree whose validity depends on what each task spawned before (a step may only name a
//! child already made), which is simplest to keep while building, and the shrinker must
//! rerun CPython in batches, which proptest's one-case-at-a-time shrinking does not allow.
//!
//! What keeps a trace defined: every timer gets its own microsecond fraction (see
//! [`Dur`]), so no two deadlines coincide by construction in most programs (the CPython
//! side still checks, and a program whose timers tie is discarded); the setter task sets
//! every event and feeds every queue at [`SETTER_TICKS`](super::lang::SETTER_TICKS), so
//! nothing waits forever; lock and semaphore bodies only sleep, so no lock order can
//! deadlock; main joins every task at the end.

use super::lang::{Dur, GenDef, GenOp, GenPart, Program, QueueKind, Step, TaskDef, When};

/// SplitMix64: small, fast, and the same sequence on every machine.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// The most tasks (main included) a program has.
const MAX_TASKS: usize = 9;
/// How deep spawning goes: main's children spawn, their children do not.
const MAX_DEPTH: usize = 2;

struct Gen {
    rng: Rng,
    program: Program,
    /// The next timer's fraction: 1..=17, round-robin (0 is the setter's).
    site: u32,
}

/// The program of seed `seed`, for CPython `python` (3.13's `Queue.shutdown` only there).
///
/// The program of a seed before async generators and `shutdown` joined the language is
/// kept: what was drawn then is drawn from the same numbers, and the additions come from
/// streams of their own, each drawn in its own pass, so that a program that gets none is
/// the one of before (and a 3.13 program is its 3.11 one, plus shutdowns).
pub fn generate(seed: u64, python: (u32, u32)) -> Program {
    let (mut program, site) = base(seed);
    let mut gens = Gen {
        rng: Rng::new(seed ^ 0x6173_796E_6367_656E),
        program,
        site,
    };
    gens.add_generators();
    if python >= (3, 13) {
        gens.rng = Rng::new(seed ^ 0x7368_7574_646F_776E);
        gens.add_shutdowns();
    }
    program = gens.program;
    debug_assert!(program.is_valid());
    program
}

/// The program of before the additions, and the next timer site.
fn base(seed: u64) -> (Program, u32) {
    let mut rng = Rng::new(seed);
    let kinds = [QueueKind::Fifo, QueueKind::Lifo, QueueKind::Priority];
    let program = Program {
        tasks: vec![TaskDef {
            steps: Vec::new(),
            fails: false,
        }],
        locks: rng.range(0, 2),
        sems: (0..rng.range(0, 1))
            .map(|_| (rng.range(1, 2), rng.chance(50)))
            .collect(),
        events: rng.range(0, 2),
        queues: (0..rng.range(0, 1))
            .map(|_| kinds[rng.range(0, 2)])
            .collect(),
        conds: rng.range(0, 1),
        barriers: (0..rng.range(0, 1)).map(|_| rng.range(1, 3)).collect(),
        gens: Vec::new(),
    };
    let mut g = Gen {
        rng,
        program,
        site: 1,
    };
    let steps = g.body(0, 0);
    g.program.tasks[0].steps = steps;
    (g.program, g.site)
}

impl Gen {
    /// Async generators, in two programs of five: one or two, each driven by a few
    /// requests that main makes at its top level (inserted among its steps).
    fn add_generators(&mut self) {
        if !self.rng.chance(40) {
            return;
        }
        for _ in 0..self.rng.range(1, 2) {
            let mut parts = Vec::new();
            for _ in 0..self.rng.range(1, 4) {
                parts.push(match self.rng.range(0, 9) {
                    0..=3 => GenPart::Yield,
                    4..=6 => GenPart::Guarded {
                        reraise: self.rng.chance(30),
                    },
                    _ => GenPart::Sleep(self.dur(0, 2)),
                });
            }
            if !parts.iter().any(|p| !matches!(p, GenPart::Sleep(_))) {
                parts.push(GenPart::Yield);
            }
            self.program.gens.push(GenDef { parts });
        }
        let count = self.program.gens.len();
        for n in 0..self.rng.range(2, 7) {
            let g = self.rng.range(0, count - 1);
            let step = match self.rng.range(0, 19) {
                0..=7 => Step::GenNext(g),
                8..=11 => Step::GenSend(g, format!("v{n}")),
                12..=14 => Step::GenThrow(g),
                15 | 16 => Step::GenClose(g),
                // The racing request may be any of the four: CPython names it in its
                // refusal (`anext(): ...` for anext and asend, `athrow(): ...`,
                // `aclose(): ...`), as `GeneratorError::AlreadyRunning` does.
                _ => Step::GenRace(
                    g,
                    match self.rng.range(0, 3) {
                        0 => GenOp::Next,
                        1 => GenOp::Send(format!("v{n}")),
                        2 => GenOp::Throw,
                        _ => GenOp::Close,
                    },
                ),
            };
            let main = &mut self.program.tasks[0].steps;
            let at = self.rng.range(0, main.len());
            main.insert(at, step);
        }
    }

    /// 3.13's `Queue.shutdown`, in a third of the programs with a queue: one call, at the
    /// top level of any task.
    fn add_shutdowns(&mut self) {
        if self.program.queues.is_empty() || !self.rng.chance(35) {
            return;
        }
        let q = self.rng.range(0, self.program.queues.len() - 1);
        let step = Step::QueueShutdown(q, self.rng.chance(50));
        let t = self.rng.range(0, self.program.tasks.len() - 1);
        let steps = &mut self.program.tasks[t].steps;
        let at = self.rng.range(0, steps.len());
        steps.insert(at, step);
    }

    fn dur(&mut self, lo: usize, hi: usize) -> Dur {
        let site = self.site;
        self.site = if self.site >= 17 { 1 } else { self.site + 1 };
        Dur {
            ticks: self.rng.range(lo, hi) as u64,
            site,
        }
    }

    fn body(&mut self, me: usize, depth: usize) -> Vec<Step> {
        let n = if me == 0 {
            self.rng.range(2, 7)
        } else {
            self.rng.range(1, 4)
        };
        let mut mine = Vec::new();
        let mut steps = Vec::new();
        for _ in 0..n {
            steps.push(self.step(depth, &mut mine));
        }
        steps
    }

    fn new_task(&mut self, depth: usize) -> usize {
        let id = self.program.tasks.len();
        let fails = self.rng.chance(25);
        self.program.tasks.push(TaskDef {
            steps: Vec::new(),
            fails,
        });
        let steps = self.body(id, depth + 1);
        self.program.tasks[id].steps = steps;
        id
    }

    fn can_spawn(&self, depth: usize) -> bool {
        depth < MAX_DEPTH && self.program.tasks.len() < MAX_TASKS
    }

    /// A step that only waits on shared objects or sleeps.
    fn leaf(&mut self) -> Step {
        loop {
            match self.rng.range(0, 8) {
                0 | 1 => return Step::Sleep(self.dur(0, 3)),
                2 if self.program.events > 0 => {
                    let e = self.rng.range(0, self.program.events - 1);
                    return if self.rng.chance(50) {
                        Step::EventWait(e)
                    } else {
                        Step::EventSet(e)
                    };
                }
                3 if !self.program.queues.is_empty() => {
                    let q = self.rng.range(0, self.program.queues.len() - 1);
                    return match self.rng.range(0, 9) {
                        0 | 1 => Step::Put(q, format!("x{}", self.rng.range(0, 99))),
                        2 | 3 => Step::Get(q),
                        4 | 5 => Step::GetNowait(q),
                        6..=8 => Step::TaskDone(q),
                        _ => Step::QueueJoin(q),
                    };
                }
                4 if self.program.locks > 0 => {
                    let l = self.rng.range(0, self.program.locks - 1);
                    let inner = (0..self.rng.range(0, 2))
                        .map(|_| Step::Sleep(self.dur(0, 2)))
                        .collect();
                    return Step::Lock(l, inner);
                }
                5 if !self.program.sems.is_empty() => {
                    let s = self.rng.range(0, self.program.sems.len() - 1);
                    if self.rng.chance(20) {
                        return Step::SemRelease(s);
                    }
                    let inner = (0..self.rng.range(0, 2))
                        .map(|_| Step::Sleep(self.dur(0, 2)))
                        .collect();
                    return Step::Sem(s, inner);
                }
                6 if self.program.conds > 0 => {
                    let c = self.rng.range(0, self.program.conds - 1);
                    return match self.rng.range(0, 3) {
                        0 | 1 => Step::CondWait(c),
                        2 => Step::Notify(c, self.rng.range(1, 2)),
                        _ => Step::NotifyAll(c),
                    };
                }
                7 | 8 if !self.program.barriers.is_empty() => {
                    let b = self.rng.range(0, self.program.barriers.len() - 1);
                    return match self.rng.range(0, 5) {
                        0..=3 => Step::BarrierWait(b),
                        4 => Step::BarrierAbort(b),
                        _ => Step::BarrierReset(b),
                    };
                }
                _ => {}
            }
        }
    }

    fn pick(&mut self, mine: &[usize]) -> usize {
        mine[self.rng.range(0, mine.len() - 1)]
    }

    fn subset(&mut self, mine: &[usize]) -> Vec<usize> {
        let mut ids: Vec<usize> = mine.to_vec();
        let keep = self.rng.range(1, ids.len().min(3));
        while ids.len() > keep {
            let drop = self.rng.range(0, ids.len() - 1);
            ids.remove(drop);
        }
        ids
    }

    fn step(&mut self, depth: usize, mine: &mut Vec<usize>) -> Step {
        {
            let have = !mine.is_empty();
            match self.rng.range(0, 11) {
                0 | 1 if self.can_spawn(depth) => {
                    let id = self.new_task(depth);
                    mine.push(id);
                    Step::Spawn(id)
                }
                2 if have => Step::Await(self.pick(mine)),
                3 if have => {
                    let i = self.pick(mine);
                    let msg = self.rng.chance(50).then(|| format!("m{i}"));
                    Step::Cancel(i, msg)
                }
                4 if have => {
                    let ids = self.subset(mine);
                    Step::Gather(ids, self.rng.chance(50))
                }
                5 if have => {
                    let ids = self.subset(mine);
                    let when = match self.rng.range(0, 2) {
                        0 => When::FirstCompleted,
                        1 => When::FirstException,
                        _ => When::AllCompleted,
                    };
                    let timeout = self.rng.chance(50).then(|| self.dur(0, 4));
                    Step::Wait(ids, when, timeout)
                }
                6 if have => {
                    let i = self.pick(mine);
                    Step::WaitFor(i, self.dur(0, 4))
                }
                7 if have => {
                    if self.rng.chance(50) {
                        return Step::Shield(self.pick(mine));
                    }
                    let ids = self.subset(mine);
                    let timeout = self.rng.chance(40).then(|| self.dur(0, 4));
                    Step::AsCompleted(ids, timeout)
                }
                8 if self.can_spawn(depth) => {
                    let mut children = Vec::new();
                    for _ in 0..self.rng.range(1, 2) {
                        if self.can_spawn(depth) {
                            children.push(self.new_task(depth));
                        }
                    }
                    let inner = (0..self.rng.range(0, 2)).map(|_| self.leaf()).collect();
                    Step::Group(children, inner, self.rng.chance(20))
                }
                9 => {
                    let d = self.dur(0, 4);
                    let mut inner: Vec<Step> =
                        (0..self.rng.range(1, 2)).map(|_| self.leaf()).collect();
                    if have && self.rng.chance(40) {
                        inner.push(Step::Await(self.pick(mine)));
                    }
                    Step::Timeout(d, inner)
                }
                _ => self.leaf(),
            }
        }
    }
}

/// Every program one change smaller than `program`: a step removed (at any depth), a
/// block replaced by its body, a task that fails made to return, a timer shortened.
/// Only valid programs are returned.
pub fn shrink(program: &Program) -> Vec<Program> {
    let mut out = Vec::new();
    for (i, task) in program.tasks.iter().enumerate() {
        for steps in smaller(&task.steps) {
            let mut p = program.clone();
            p.tasks[i].steps = steps;
            out.push(p);
        }
        if task.fails {
            let mut p = program.clone();
            p.tasks[i].fails = false;
            out.push(p);
        }
    }
    for (g, def) in program.gens.iter().enumerate() {
        for (k, part) in def.parts.iter().enumerate() {
            let mut with = |replacement: Option<GenPart>| {
                let mut p = program.clone();
                match replacement {
                    Some(part) => p.gens[g].parts[k] = part,
                    None => {
                        p.gens[g].parts.remove(k);
                    }
                }
                out.push(p);
            };
            with(None);
            match part {
                GenPart::Guarded { .. } => with(Some(GenPart::Yield)),
                GenPart::Sleep(d) if d.ticks > 0 => {
                    with(Some(GenPart::Sleep(Dur { ticks: 0, ..*d })))
                }
                _ => {}
            }
        }
    }
    for p in &mut out {
        p.compact();
    }
    out.retain(|p| p != program && p.is_valid());
    out.dedup();
    out
}

fn smaller(steps: &[Step]) -> Vec<Vec<Step>> {
    let mut out = Vec::new();
    for (n, step) in steps.iter().enumerate() {
        let with = |replacement: Vec<Step>| {
            let mut v = steps[..n].to_vec();
            v.extend(replacement);
            v.extend_from_slice(&steps[n + 1..]);
            v
        };
        out.push(with(Vec::new()));
        match step {
            Step::Timeout(_, inner) | Step::Lock(_, inner) | Step::Sem(_, inner)
                if !inner.is_empty() =>
            {
                out.push(with(inner.clone()));
                for smaller_inner in smaller(inner) {
                    let replaced = match step {
                        Step::Timeout(d, _) => Step::Timeout(*d, smaller_inner),
                        Step::Lock(l, _) => Step::Lock(*l, smaller_inner),
                        Step::Sem(s, _) => Step::Sem(*s, smaller_inner),
                        _ => unreachable!("matched above"),
                    };
                    out.push(with(vec![replaced]));
                }
            }
            Step::Group(children, inner, fails) => {
                for smaller_inner in smaller(inner) {
                    out.push(with(vec![Step::Group(
                        children.clone(),
                        smaller_inner,
                        *fails,
                    )]));
                }
                for k in 0..children.len() {
                    let mut fewer = children.clone();
                    fewer.remove(k);
                    out.push(with(vec![Step::Group(fewer, inner.clone(), *fails)]));
                }
                if *fails {
                    out.push(with(vec![Step::Group(
                        children.clone(),
                        inner.clone(),
                        false,
                    )]));
                }
            }
            Step::Sleep(d) if d.ticks > 0 => {
                out.push(with(vec![Step::Sleep(Dur { ticks: 0, ..*d })]));
            }
            Step::Gather(ids, flag) if ids.len() > 1 => {
                for k in 0..ids.len() {
                    let mut fewer = ids.clone();
                    fewer.remove(k);
                    out.push(with(vec![Step::Gather(fewer, *flag)]));
                }
            }
            Step::Wait(ids, when, d) if ids.len() > 1 => {
                for k in 0..ids.len() {
                    let mut fewer = ids.clone();
                    fewer.remove(k);
                    out.push(with(vec![Step::Wait(fewer, *when, *d)]));
                }
            }
            Step::AsCompleted(ids, d) if ids.len() > 1 => {
                for k in 0..ids.len() {
                    let mut fewer = ids.clone();
                    fewer.remove(k);
                    out.push(with(vec![Step::AsCompleted(fewer, *d)]));
                }
            }
            _ => {}
        }
    }
    out
}

impl Program {
    /// Removes the tasks nobody spawns any more and renumbers the others in order of
    /// appearance, so that a shrunk program reads like a written one.
    pub fn compact(&mut self) {
        fn visit(steps: &[Step], order: &mut Vec<usize>, tasks: &[TaskDef]) {
            for step in steps {
                match step {
                    Step::Spawn(i) => {
                        order.push(*i);
                        visit(&tasks[*i].steps, order, tasks);
                    }
                    Step::Group(children, inner, _) => {
                        for i in children {
                            order.push(*i);
                            visit(&tasks[*i].steps, order, tasks);
                        }
                        visit(inner, order, tasks);
                    }
                    Step::Timeout(_, inner) | Step::Lock(_, inner) | Step::Sem(_, inner) => {
                        visit(inner, order, tasks)
                    }
                    _ => {}
                }
            }
        }
        let mut order = vec![0];
        visit(&self.tasks[0].steps, &mut order, &self.tasks);
        if order.iter().any(|i| *i >= self.tasks.len()) {
            return;
        }
        let mut new_id = vec![usize::MAX; self.tasks.len()];
        for (n, old) in order.iter().enumerate() {
            if new_id[*old] != usize::MAX {
                return; // spawned twice: invalid, left for is_valid to refuse
            }
            new_id[*old] = n;
        }
        fn renumber(steps: &mut [Step], new_id: &[usize]) {
            let map = |i: &mut usize| *i = new_id.get(*i).copied().unwrap_or(usize::MAX);
            for step in steps {
                match step {
                    Step::Spawn(i)
                    | Step::Await(i)
                    | Step::Cancel(i, _)
                    | Step::WaitFor(i, _)
                    | Step::Shield(i) => map(i),
                    Step::Gather(ids, _) | Step::Wait(ids, _, _) | Step::AsCompleted(ids, _) => {
                        ids.iter_mut().for_each(map)
                    }
                    Step::Group(children, inner, _) => {
                        children.iter_mut().for_each(map);
                        renumber(inner, new_id);
                    }
                    Step::Timeout(_, inner) | Step::Lock(_, inner) | Step::Sem(_, inner) => {
                        renumber(inner, new_id)
                    }
                    _ => {}
                }
            }
        }
        let mut tasks: Vec<TaskDef> = order.iter().map(|old| self.tasks[*old].clone()).collect();
        for task in &mut tasks {
            renumber(&mut task.steps, &new_id);
        }
        self.tasks = tasks;
    }
}
