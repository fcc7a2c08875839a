//! The Rust back end: an interpreter, generic over the runtime, that runs a [`Program`]
//! through this project's crates and logs what the Python script logs.
//!
//! Cancellation is a drop here: a task cancelled while it waits is dropped where it waits,
//! so it logs nothing more. The Python script lets a task's own cancellation through
//! (`if mine(e): raise`), which is the same outcome; a cancellation it only observes (a
//! child's) is logged on both sides.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};

use aio_gather::gather;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

use aio_queues::{LifoQueue, PriorityQueue, Queue};
use aio_rt::{PyError, Runtime};
use aio_shield::shield;
use aio_sync::{Barrier, BoundedSemaphore, Condition, Event, Lock, Semaphore};
use aio_tasks::{GroupError, Task, TaskError, TaskGroup, create_task_named};
use aio_wait::{ReturnWhen, WaitForError, as_completed, timeout, wait, wait_for_task};
use futures_lite::StreamExt;

use aio_generators::{AsyncGenerator, Co, GeneratorError, Thrown};
use aio_tasks::create_task;

use super::lang::{GenOp, GenPart, Program, QueueKind, SETTER_SLEEP, Step, When};
use crate::{Cx, exc};

type Outcome = Result<String, PyError>;
type T = Task<String, PyError>;
type Boxed<'a, O> = Pin<Box<dyn Future<Output = O> + Send + 'a>>;
/// An async generator of the program: yields and receives strings, is thrown `PyError`s.
type Gen = AsyncGenerator<String, String, PyError, Boxed<'static, Result<(), Thrown<PyError>>>>;

/// Everything the program's tasks share.
struct World<R: Runtime> {
    cx: Cx<R>,
    program: Arc<Program>,
    locks: Vec<Lock>,
    sems: Vec<Sem>,
    events: Vec<Event>,
    queues: Vec<AnyQueue>,
    conds: Vec<Condition>,
    /// What the condition waiters wait for (`tokens` in the script).
    tokens: Vec<AtomicUsize>,
    barriers: Vec<Barrier>,
    /// `gens` in the script (their bodies hold the context, not the world: no cycle).
    gens: Vec<Gen>,
    /// Every task made, in order: main joins them all at the end.
    all: Mutex<Vec<(String, T)>>,
}

impl<R: Runtime> World<R> {
    fn log(&self, me: &str, message: impl std::fmt::Display) {
        self.cx.log(me, message);
    }

    fn made(&self, label: &str, task: &T) {
        self.all
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((label.to_owned(), task.clone()));
    }
}

/// Runs `program` as the scenario's main.
pub async fn run<R: Runtime>(cx: Cx<R>, program: Arc<Program>) {
    let world = Arc::new(World {
        locks: (0..program.locks).map(|_| Lock::new()).collect(),
        sems: program
            .sems
            .iter()
            .map(|(v, bounded)| match bounded {
                false => Sem::Plain(Semaphore::new(*v)),
                true => Sem::Bounded(BoundedSemaphore::new(*v)),
            })
            .collect(),
        events: (0..program.events).map(|_| Event::new()).collect(),
        queues: program
            .queues
            .iter()
            .map(|kind| match kind {
                QueueKind::Fifo => AnyQueue::Fifo(Box::new(Queue::new(0))),
                QueueKind::Lifo => AnyQueue::Lifo(Box::new(LifoQueue::new(0))),
                QueueKind::Priority => AnyQueue::Priority(Box::new(PriorityQueue::new(0))),
            })
            .collect(),
        conds: (0..program.conds).map(|_| Condition::new()).collect(),
        tokens: (0..program.conds).map(|_| AtomicUsize::new(0)).collect(),
        barriers: program
            .barriers
            .iter()
            .map(|n| Barrier::new(NonZeroUsize::new(*n).unwrap_or(NonZeroUsize::MIN)))
            .collect(),
        gens: program
            .gens
            .iter()
            .enumerate()
            .map(|(g, def)| generator(cx.clone(), g, def.parts.clone()))
            .collect(),
        all: Mutex::default(),
        program,
        cx,
    });
    let w = &world;
    w.log("main", "start");
    let setter = create_task_named(w.cx.rt(), "setter", setter(world.clone()));
    w.made("setter", &setter);
    let mut locals = HashMap::new();
    if let Err(e) = exec(w, "main", &w.program.tasks[0].steps, &mut locals).await {
        w.log("main", format!("raised {}", exc(&e)));
    }
    for (g, gen_) in w.gens.iter().enumerate() {
        if let Err(e) = gen_.aclose().await {
            w.log("main", format!("{}: {}", GenOp::Close.label(g), exc(&e)));
        }
    }
    let mut i = 0;
    loop {
        let next = w
            .all
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(i)
            .cloned();
        let Some((name, task)) = next else { break };
        match (&task).await {
            Ok(v) => w.log("main", format!("join {name}: {v}")),
            Err(e) => w.log("main", format!("join {name}: {}", exc(&e))),
        }
        i += 1;
    }
    w.log("main", "end");
}

async fn setter<R: Runtime>(w: Arc<World<R>>) -> Outcome {
    aio_sleep::sleep(w.cx.rt(), SETTER_SLEEP.duration()).await;
    for event in &w.events {
        event.set();
    }
    for (q, queue) in w.queues.iter().enumerate() {
        for k in 0..w.program.gets_on(q) {
            if let Err(e) = queue.put_nowait(format!("s{k}")) {
                w.log("setter", format!("put q{q}: {}", exc(&e)));
                break;
            }
        }
    }
    for (c, cond) in w.conds.iter().enumerate() {
        let _guard = cond.lock().await;
        w.tokens[c].fetch_add(1000, Ordering::SeqCst);
        let _ = cond.notify_all();
    }
    for barrier in &w.barriers {
        barrier.abort();
    }
    w.log("setter", "done");
    Ok("set".to_owned())
}

fn task<R: Runtime>(w: Arc<World<R>>, i: usize) -> Boxed<'static, Outcome> {
    Box::pin(async move {
        let me = Program::label(i);
        w.log(&me, "start");
        let mut locals = HashMap::new();
        exec(&w, &me, &w.program.tasks[i].steps, &mut locals).await?;
        if w.program.tasks[i].fails {
            w.log(&me, format!("raise e{i}"));
            Err(PyError::new("ValueError", format!("e{i}")))
        } else {
            w.log(&me, format!("return r{i}"));
            Ok(format!("r{i}"))
        }
    })
}

fn show(results: &[Result<String, TaskError<PyError>>]) -> String {
    let items: Vec<String> = results
        .iter()
        .map(|r| match r {
            Ok(v) => v.clone(),
            Err(e) => exc(e),
        })
        .collect();
    format!("[{}]", items.join(", "))
}

fn names(tasks: &[T]) -> String {
    let mut names: Vec<String> = tasks.iter().map(Task::name).collect();
    names.sort();
    format!("[{}]", names.join(", "))
}

fn labels(ids: &[usize]) -> String {
    let labels: Vec<String> = ids.iter().map(|i| Program::label(*i)).collect();
    format!("[{}]", labels.join(", "))
}

/// The task `c<i>` of this body (the program is valid: it was spawned before).
fn child(locals: &HashMap<usize, T>, i: usize) -> T {
    locals[&i].clone()
}

fn exec<'a, R: Runtime>(
    w: &'a Arc<World<R>>,
    me: &'a str,
    steps: &'a [Step],
    locals: &'a mut HashMap<usize, T>,
) -> Boxed<'a, Result<(), PyError>> {
    Box::pin(async move {
        let rt = w.cx.rt();
        for step in steps {
            match step {
                Step::Sleep(d) => {
                    aio_sleep::sleep(rt, d.duration()).await;
                    w.log(me, "slept");
                }
                Step::Spawn(i) => {
                    let label = Program::label(*i);
                    let t = create_task_named(rt, label.clone(), task(w.clone(), *i));
                    w.made(&label, &t);
                    locals.insert(*i, t);
                }
                Step::Await(i) => {
                    let t = child(locals, *i);
                    let label = Program::label(*i);
                    match (&t).await {
                        Ok(v) => w.log(me, format!("await {label}: {v}")),
                        Err(e) => w.log(me, format!("await {label}: {}", exc(&e))),
                    }
                }
                Step::Cancel(i, msg) => {
                    let accepted = child(locals, *i).cancel(msg.as_deref());
                    w.log(me, format!("cancel {}: {accepted}", Program::label(*i)));
                }
                Step::Gather(ids, return_exceptions) => {
                    let tasks: Vec<T> = ids.iter().map(|i| child(locals, *i)).collect();
                    let what = format!("gather {}", labels(ids));
                    if *return_exceptions {
                        let results = gather(rt, tasks).return_exceptions().await;
                        w.log(me, format!("{what}: {}", show(&results)));
                    } else {
                        match gather(rt, tasks).await {
                            Ok(values) => {
                                let ok: Vec<_> = values.into_iter().map(Ok).collect();
                                w.log(me, format!("{what}: {}", show(&ok)));
                            }
                            Err(e) => w.log(me, format!("{what}: {}", exc(&e))),
                        }
                    }
                }
                Step::Wait(ids, when, d) => {
                    let tasks: Vec<T> = ids.iter().map(|i| child(locals, *i)).collect();
                    let return_when = match when {
                        When::FirstCompleted => ReturnWhen::FirstCompleted,
                        When::FirstException => ReturnWhen::FirstException,
                        When::AllCompleted => ReturnWhen::AllCompleted,
                    };
                    let what = format!("wait {}", labels(ids));
                    match wait(rt, tasks, return_when, d.map(|d| d.duration())).await {
                        Ok((done, pending)) => w.log(
                            me,
                            format!("{what}: done {}, pending {}", names(&done), names(&pending)),
                        ),
                        Err(e) => w.log(me, format!("{what}: {}", exc(&e))),
                    }
                }
                Step::WaitFor(i, d) => {
                    let t = child(locals, *i);
                    let label = Program::label(*i);
                    match wait_for_task(rt, &t, Some(d.duration())).await {
                        Ok(v) => w.log(me, format!("wait_for {label}: {v}")),
                        Err(e) => w.log(me, format!("wait_for {label}: {}", exc(&e))),
                    }
                }
                Step::Shield(i) => {
                    let t = child(locals, *i);
                    let label = Program::label(*i);
                    match shield(&t).await {
                        Ok(v) => w.log(me, format!("shield {label}: {v}")),
                        Err(e) => w.log(me, format!("shield {label}: {}", exc(&e))),
                    }
                }
                Step::Group(children, inner, fails) => {
                    let locals = &mut *locals;
                    let outcome = TaskGroup::run(rt, |tg: TaskGroup<R, PyError>| async move {
                        for i in children {
                            let label = Program::label(*i);
                            let t = tg
                                .create_task(task(w.clone(), *i))
                                .map_err(|e| PyError::from_py(&e))?;
                            t.set_name(label.clone());
                            w.made(&label, &t);
                            locals.insert(*i, t);
                        }
                        exec(w, me, inner, locals).await?;
                        if *fails {
                            w.log(me, "group body raises");
                            return Err(PyError::new("ValueError", format!("b-{me}")));
                        }
                        Ok(())
                    })
                    .await;
                    match outcome {
                        Ok(()) => w.log(me, "group: ok"),
                        Err(GroupError::Failed(e)) => w.log(
                            me,
                            format!("group: {} {}", exc(&e), show(&errors(&e.errors))),
                        ),
                        Err(e) => w.log(me, format!("group: {} []", exc(&e))),
                    }
                }
                Step::Timeout(d, inner) => {
                    match timeout(rt, Some(d.duration()))
                        .run(exec(w, me, inner, locals))
                        .await
                    {
                        Ok(Ok(())) => w.log(me, "timeout: ok"),
                        Ok(Err(e)) => w.log(me, format!("timeout: {}", exc(&e))),
                        Err(e) => w.log(me, format!("timeout: {}", exc(&e))),
                    }
                }
                Step::Lock(l, inner) => {
                    let guard = w.locks[*l].lock().await;
                    w.log(me, format!("lock {l} acquired"));
                    exec(w, me, inner, locals).await?;
                    drop(guard);
                    w.log(me, format!("lock {l} released"));
                }
                Step::Sem(s, inner) => {
                    let permit = w.sems[*s].permit().await;
                    w.log(me, format!("sem {s} acquired"));
                    exec(w, me, inner, locals).await?;
                    // `async with` releases with the bounded check, and raises its error.
                    permit.release().map_err(|e| PyError::from_py(&e))?;
                    w.log(me, format!("sem {s} released"));
                }
                Step::EventWait(e) => {
                    w.events[*e].wait().await;
                    w.log(me, format!("event {e} waited"));
                }
                Step::EventSet(e) => {
                    w.events[*e].set();
                    w.log(me, format!("event {e} set"));
                }
                Step::Put(q, item) => match w.queues[*q].put_nowait(item.clone()) {
                    Ok(()) => w.log(me, format!("put q{q} {item}")),
                    Err(e) => w.log(me, format!("put q{q} {item}: {}", exc(&e))),
                },
                Step::Get(q) => match w.queues[*q].get().await {
                    Ok(v) => w.log(me, format!("get q{q}: {v}")),
                    Err(e) => w.log(me, format!("get q{q}: {}", exc(&e))),
                },
                Step::GetNowait(q) => match w.queues[*q].get_nowait() {
                    Ok(v) => w.log(me, format!("get_nowait q{q}: {v}")),
                    Err(e) => w.log(me, format!("get_nowait q{q}: {}", exc(&e))),
                },
                Step::QueueJoin(q) => {
                    w.queues[*q].join().await;
                    w.log(me, format!("join q{q}"));
                }
                Step::TaskDone(q) => match w.queues[*q].task_done() {
                    Ok(()) => w.log(me, format!("task_done q{q}")),
                    Err(e) => w.log(me, format!("task_done q{q}: {}", exc(&e))),
                },
                Step::AsCompleted(ids, d) => {
                    let tasks: Vec<T> = ids.iter().map(|i| child(locals, *i)).collect();
                    let what = format!("as_completed {}", labels(ids));
                    let mut outcomes = as_completed(rt, tasks, d.map(|d| d.duration()));
                    while let Some(outcome) = outcomes.next().await {
                        match outcome {
                            Ok(v) => w.log(me, format!("{what}: {v}")),
                            Err(WaitForError::Timeout(e)) => {
                                w.log(me, format!("{what}: {}", exc(&e)));
                                break;
                            }
                            Err(e) => w.log(me, format!("{what}: {}", exc(&e))),
                        }
                    }
                }
                Step::SemRelease(s) => match &w.sems[*s] {
                    Sem::Plain(sem) => {
                        sem.release();
                        w.log(me, format!("sem {s} extra release"));
                    }
                    Sem::Bounded(sem) => match sem.release() {
                        Ok(()) => w.log(me, format!("sem {s} extra release")),
                        Err(e) => w.log(me, format!("sem {s} extra release: {}", exc(&e))),
                    },
                },
                Step::CondWait(c) => {
                    let cond = &w.conds[*c];
                    let tokens = &w.tokens[*c];
                    let _guard = cond.lock().await;
                    let waited = cond
                        .wait_for(|| (tokens.load(Ordering::SeqCst) > 0).then_some(()))
                        .await;
                    if waited.is_ok() {
                        tokens.fetch_sub(1, Ordering::SeqCst);
                    }
                    w.log(me, format!("cond {c} waited"));
                }
                Step::Notify(c, n) => {
                    let cond = &w.conds[*c];
                    let _guard = cond.lock().await;
                    w.tokens[*c].fetch_add(*n, Ordering::SeqCst);
                    let _ = cond.notify(*n);
                    w.log(me, format!("cond {c} notify {n}"));
                }
                Step::NotifyAll(c) => {
                    let cond = &w.conds[*c];
                    let _guard = cond.lock().await;
                    w.tokens[*c].fetch_add(100, Ordering::SeqCst);
                    let _ = cond.notify_all();
                    w.log(me, format!("cond {c} notify_all"));
                }
                Step::BarrierWait(b) => match w.barriers[*b].wait().await {
                    Ok(index) => w.log(me, format!("barrier {b}: {index}")),
                    Err(e) => w.log(me, format!("barrier {b}: {}", exc(&e))),
                },
                Step::BarrierAbort(b) => {
                    w.barriers[*b].abort();
                    w.log(me, format!("barrier {b} abort"));
                }
                Step::BarrierReset(b) => {
                    w.barriers[*b].reset();
                    w.log(me, format!("barrier {b} reset"));
                }
                Step::GenNext(g) | Step::GenSend(g, _) | Step::GenThrow(g) | Step::GenClose(g) => {
                    let op = match step {
                        Step::GenNext(_) => GenOp::Next,
                        Step::GenSend(_, v) => GenOp::Send(v.clone()),
                        Step::GenThrow(_) => GenOp::Throw,
                        _ => GenOp::Close,
                    };
                    let (what, outcome) = request(&w.gens[*g], *g, &op).await;
                    match outcome {
                        Ok(v) => w.log(me, format!("{what}: {v}")),
                        Err(e) => w.log(me, format!("{what}: {}", exc(&e))),
                    }
                }
                Step::GenRace(g, op) => {
                    let (world, g) = (w.clone(), *g);
                    let helper = create_task(rt, async move { world.gens[g].anext().await });
                    aio_sleep::sleep(rt, std::time::Duration::ZERO).await;
                    let (what, outcome) = request(&w.gens[g], g, op).await;
                    match outcome {
                        Ok(v) => w.log(me, format!("race {what}: {v}")),
                        Err(e) => w.log(me, format!("race {what}: {}", exc(&e))),
                    }
                    match (&helper).await {
                        Ok(v) => w.log(me, format!("race helper anext g{g}: {v}")),
                        Err(e) => w.log(me, format!("race helper anext g{g}: {}", exc(&e))),
                    }
                }
                Step::QueueShutdown(q, immediate) => {
                    w.queues[*q].shutdown(*immediate);
                    let flag = if *immediate { "True" } else { "False" };
                    w.log(me, format!("shutdown q{q} immediate={flag}"));
                }
            }
        }
        Ok(())
    })
}

/// `g<g>()`: logs `start`, runs the parts, logs `finally` however they end.
fn generator<R: Runtime>(cx: Cx<R>, g: usize, parts: Vec<GenPart>) -> Gen {
    AsyncGenerator::new(move |mut co: Co<String, String, PyError>| {
        Box::pin(async move {
            let me = format!("g{g}");
            cx.log(&me, "start");
            let outcome = gen_parts(&cx, &me, &parts, &mut co).await;
            cx.log(&me, "finally");
            outcome
        }) as Boxed<'static, _>
    })
}

async fn gen_parts<R: Runtime>(
    cx: &Cx<R>,
    me: &str,
    parts: &[GenPart],
    co: &mut Co<String, String, PyError>,
) -> Result<(), Thrown<PyError>> {
    let got = |got: Option<String>| format!("got {}", got.as_deref().unwrap_or("None"));
    for (k, part) in parts.iter().enumerate() {
        match part {
            GenPart::Yield => {
                let received = co.yield_(format!("{me}y{k}")).await?;
                cx.log(me, got(received));
            }
            GenPart::Guarded { reraise } => match co.yield_(format!("{me}y{k}")).await {
                Ok(received) => cx.log(me, got(received)),
                // Only `athrow(ValueError('x'))` throws in: `except ValueError` takes it.
                Err(Thrown::Error(e)) => {
                    cx.log(me, format!("caught {}", exc(&e)));
                    if *reraise {
                        return Err(Thrown::Error(e));
                    }
                    let received = co.yield_(format!("{me}c{k}")).await?;
                    cx.log(me, got(received));
                }
                Err(exit) => return Err(exit),
            },
            GenPart::Sleep(d) => {
                aio_sleep::sleep(cx.rt(), d.duration()).await;
                cx.log(me, "slept");
            }
        }
    }
    Ok(())
}

/// Makes request `op` on `gen_` (`gens[g]`): what to log, and the outcome as the script
/// shows it (`aclose` returns `None`).
async fn request(
    gen_: &Gen,
    g: usize,
    op: &GenOp,
) -> (String, Result<String, GeneratorError<PyError>>) {
    let outcome = match op {
        GenOp::Next => gen_.anext().await,
        GenOp::Send(v) => gen_.asend(v.clone()).await,
        GenOp::Throw => gen_.athrow(PyError::new("ValueError", "x")).await,
        GenOp::Close => gen_.aclose().await.map(|()| "None".to_owned()),
    };
    (op.label(g), outcome)
}

/// A group's members as gather's `return_exceptions` list shows them.
fn errors(errors: &[TaskError<PyError>]) -> Vec<Result<String, TaskError<PyError>>> {
    errors.iter().cloned().map(Err).collect()
}

/// A semaphore of either class.
enum Sem {
    Plain(Semaphore),
    Bounded(BoundedSemaphore),
}

impl Sem {
    fn permit(&self) -> aio_sync::PermitFuture<'_> {
        match self {
            Sem::Plain(s) => s.permit(),
            Sem::Bounded(s) => s.permit(),
        }
    }
}

/// A queue of any of the three classes.
enum AnyQueue {
    Fifo(Box<Queue<String>>),
    Lifo(Box<LifoQueue<String>>),
    Priority(Box<PriorityQueue<String>>),
}

/// Calls the same method on whichever queue it is.
macro_rules! on_queue {
    ($queue:expr, $q:ident => $call:expr) => {
        match $queue {
            AnyQueue::Fifo($q) => $call,
            AnyQueue::Lifo($q) => $call,
            AnyQueue::Priority($q) => $call,
        }
    };
}

impl AnyQueue {
    /// The queues are unbounded: `put_nowait` fails only once the queue is shut down.
    fn put_nowait(&self, item: String) -> Result<(), aio_queues::PutNowaitError<String>> {
        on_queue!(self, q => q.put_nowait(item))
    }

    fn shutdown(&self, immediate: bool) {
        on_queue!(self, q => q.shutdown(immediate));
    }

    async fn get(&self) -> Result<String, aio_queues::QueueShutDown> {
        on_queue!(self, q => q.get().await)
    }

    fn get_nowait(&self) -> Result<String, aio_queues::GetNowaitError> {
        on_queue!(self, q => q.get_nowait())
    }

    fn task_done(&self) -> Result<(), aio_queues::TaskDoneError> {
        on_queue!(self, q => q.task_done())
    }

    async fn join(&self) {
        on_queue!(self, q => q.join().await);
    }
}
