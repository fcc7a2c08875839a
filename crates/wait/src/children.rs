//! Definition of `Children`: the awaits of n tasks, polled only when woken.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use aio_rt::Runtime;
use aio_tasks::{Join, Task, TaskError};

use crate::ready::Ready;

type Detached = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Each task's await gets a waker of its own that pushes the task's index on a ready
/// queue; a poll looks only at the tasks woken since the last one. O(n) in total.
pub(crate) struct Children<T: Clone + Send + 'static, E: Clone + Send + 'static> {
    joins: Vec<Option<Join<T, E>>>,
    ready: Arc<Ready>,
    wakers: Vec<Waker>,
    batch: Vec<usize>,
    /// Spawns a future on the runtime (see `detach`).
    spawn: Box<dyn Fn(Detached) + Send>,
}

struct ChildWaker {
    index: usize,
    ready: Arc<Ready>,
}

impl Wake for ChildWaker {
    fn wake(self: Arc<Self>) {
        self.ready.push(self.index);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.ready.push(self.index);
    }
}

impl<T: Clone + Send + 'static, E: Clone + Send + 'static> Children<T, E> {
    pub(crate) fn new<R: Runtime>(rt: &R, tasks: &[Task<T, E>]) -> Self {
        let rt = rt.clone();
        Children {
            joins: tasks.iter().map(|t| Some(t.into_future())).collect(),
            ready: Arc::new(Ready::default()),
            wakers: Vec::new(),
            batch: Vec::new(),
            spawn: Box::new(move |fut| drop(rt.spawn(fut))),
        }
    }

    /// Polls the woken tasks (all of them the first time) and calls `on_done` with the
    /// index and outcome of each one that has finished, in the order they were woken.
    pub(crate) fn poll_done(
        &mut self,
        cx: &mut Context<'_>,
        mut on_done: impl FnMut(usize, Result<T, TaskError<E>>),
    ) {
        let mut batch = std::mem::take(&mut self.batch);
        self.ready.drain(cx, &mut batch);
        if self.wakers.len() < self.joins.len() {
            self.wakers = (0..self.joins.len())
                .map(|index| {
                    Waker::from(Arc::new(ChildWaker {
                        index,
                        ready: Arc::clone(&self.ready),
                    }))
                })
                .collect();
            batch.clear();
            batch.extend(0..self.joins.len());
        }
        for index in batch.drain(..) {
            let Some(join) = &mut self.joins[index] else {
                continue;
            };
            let mut child_cx = Context::from_waker(&self.wakers[index]);
            if let Poll::Ready(outcome) = Pin::new(join).poll(&mut child_cx) {
                self.joins[index] = None;
                on_done(index, outcome);
            }
        }
        self.batch = batch;
    }

    /// Stops waiting without cancelling: dropping an await would cancel its task, so the
    /// awaits still pending are finished on the runtime instead.
    pub(crate) fn detach(&mut self) {
        self.ready.close();
        let rest: Vec<Join<T, E>> = self.joins.drain(..).flatten().collect();
        if !rest.is_empty() {
            (self.spawn)(Box::pin(async move {
                for join in rest {
                    let _ = join.await;
                }
            }));
        }
    }
}

impl<T: Clone + Send + 'static, E: Clone + Send + 'static> Drop for Children<T, E> {
    fn drop(&mut self) {
        // `wait` and `as_completed` never cancel, even when dropped.
        self.detach();
    }
}
