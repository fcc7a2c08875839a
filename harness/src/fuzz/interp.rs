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
use aio_queues::Queue;
use aio_rt::{PyError, Runtime};
use aio_shield::shield;
use aio_sync::{Event, Lock, Semaphore};
use aio_tasks::{Task, TaskError, TaskGroup, create_task_named};
use aio_wait::{ReturnWhen, timeout, wait, wait_for_task};

use super::lang::{Program, SETTER_SLEEP, Step, When};
use crate::{Cx, exc};

type Outcome = Result<String, PyError>;
type T = Task<String, PyError>;
type Boxed<'a, O> = Pin<Box<dyn Future<Output = O> + Send + 'a>>;

/// Everything the program's tasks share.
struct World<R: Runtime> {
    cx: Cx<R>,
    program: Arc<Program>,
    locks: Vec<Lock>,
    sems: Vec<Semaphore>,
    events: Vec<Event>,
    queues: Vec<Queue<String>>,
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
        sems: program.sems.iter().map(|v| Semaphore::new(*v)).collect(),
        events: (0..program.events).map(|_| Event::new()).collect(),
        queues: (0..program.queues).map(|_| Queue::new(0)).collect(),
        all: Mutex::default(),
        program,
        cx,
    });
    let w = &world;
    w.log("main", "start");
    let setter = create_task_named(w.cx.rt(), "setter", setter(world.clone()));
    w.made("setter", &setter);
    let mut locals = HashMap::new();
    exec(w, "main", &w.program.tasks[0].steps, &mut locals).await;
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
            let _ = queue.put_nowait(format!("s{k}"));
        }
    }
    w.log("setter", "done");
    Ok("set".to_owned())
}

fn task<R: Runtime>(w: Arc<World<R>>, i: usize) -> Boxed<'static, Outcome> {
    Box::pin(async move {
        let me = Program::label(i);
        w.log(&me, "start");
        let mut locals = HashMap::new();
        exec(&w, &me, &w.program.tasks[i].steps, &mut locals).await;
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
) -> Boxed<'a, ()> {
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
                        exec(w, me, inner, locals).await;
                        if *fails {
                            w.log(me, "group body raises");
                            return Err(PyError::new("ValueError", format!("b-{me}")));
                        }
                        Ok(())
                    })
                    .await;
                    match outcome {
                        Ok(()) => w.log(me, "group: ok"),
                        Err(e) => w.log(
                            me,
                            format!("group: {} {}", exc(&e), show(&errors(&e.errors))),
                        ),
                    }
                }
                Step::Timeout(d, inner) => {
                    match timeout(rt, Some(d.duration()))
                        .run(exec(w, me, inner, locals))
                        .await
                    {
                        Ok(()) => w.log(me, "timeout: ok"),
                        Err(e) => w.log(me, format!("timeout: {}", exc(&e))),
                    }
                }
                Step::Lock(l, inner) => {
                    let guard = w.locks[*l].lock().await;
                    w.log(me, format!("lock {l} acquired"));
                    exec(w, me, inner, locals).await;
                    drop(guard);
                    w.log(me, format!("lock {l} released"));
                }
                Step::Sem(s, inner) => {
                    let permit = w.sems[*s].permit().await;
                    w.log(me, format!("sem {s} acquired"));
                    exec(w, me, inner, locals).await;
                    drop(permit);
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
                Step::Put(q, item) => {
                    let _ = w.queues[*q].put_nowait(item.clone());
                    w.log(me, format!("put q{q} {item}"));
                }
                Step::Get(q) => match w.queues[*q].get().await {
                    Ok(v) => w.log(me, format!("get q{q}: {v}")),
                    Err(e) => w.log(me, format!("get q{q}: {}", exc(&e))),
                },
                Step::GetNowait(q) => match w.queues[*q].get_nowait() {
                    Ok(v) => w.log(me, format!("get_nowait q{q}: {v}")),
                    Err(e) => w.log(me, format!("get_nowait q{q}: {}", exc(&e))),
                },
            }
        }
    })
}

/// A group's members as gather's `return_exceptions` list shows them.
fn errors(errors: &[TaskError<PyError>]) -> Vec<Result<String, TaskError<PyError>>> {
    errors.iter().cloned().map(Err).collect()
}
