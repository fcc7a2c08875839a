//! Definition of [`gather_tuple`]: gather over 2 to 8 tasks of different value types.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use aio_tasks::{Task, TaskError};

use crate::ready::Ready;

/// What a child's done callback calls with its index.
#[doc(hidden)]
pub type Push = Arc<dyn Fn(usize) -> bool + Send + Sync>;

/// A tuple of 2 to 8 [`Task`]s sharing an error type `E`: what [`gather_tuple`] accepts.
///
/// Python: none (Rust only: a Python list holds any mix of types; a Rust tuple keeps
/// each task's value type)
pub trait TaskTuple<E>: Send + 'static {
    /// The tuple of the tasks' values.
    type Values;
    /// The tuple of the tasks' outcomes.
    type Outcomes;
    /// How many tasks.
    const LEN: usize;
    /// Adds to task `i` a done callback that calls `push(i)` (`false`: nobody listens).
    #[doc(hidden)]
    fn register(&self, push: &Push);
    /// The failure of task `index`, if it failed.
    #[doc(hidden)]
    fn failure(&self, index: usize) -> Option<TaskError<E>>;
    /// The values (every task has finished).
    #[doc(hidden)]
    fn values(&self) -> Result<Self::Values, TaskError<E>>;
    /// The outcomes (every task has finished).
    #[doc(hidden)]
    fn outcomes(&self) -> Self::Outcomes;
    /// Cancels every task.
    #[doc(hidden)]
    fn cancel_all(&self);
}

macro_rules! task_tuple {
    ($len:literal; $($T:ident $i:tt),+) => {
        impl<E, $($T),+> TaskTuple<E> for ($(Task<$T, E>,)+)
        where
            E: Clone + Send + 'static,
            $($T: Clone + Send + 'static,)+
        {
            type Values = ($($T,)+);
            type Outcomes = ($(Result<$T, TaskError<E>>,)+);
            const LEN: usize = $len;

            fn register(&self, push: &Push) {
                $(
                    let p = Arc::clone(push);
                    self.$i.add_done_callback(move |task| {
                        if !p($i) {
                            let _ = task.exception();
                        }
                    });
                )+
            }

            fn failure(&self, index: usize) -> Option<TaskError<E>> {
                match index {
                    $($i => self.$i.result().err(),)+
                    _ => None,
                }
            }

            fn values(&self) -> Result<Self::Values, TaskError<E>> {
                Ok(($(self.$i.result()?,)+))
            }

            fn outcomes(&self) -> Self::Outcomes {
                ($(self.$i.result(),)+)
            }

            fn cancel_all(&self) {
                $(self.$i.cancel(None);)+
            }
        }
    };
}

task_tuple!(2; A 0, B 1);
task_tuple!(3; A 0, B 1, C 2);
task_tuple!(4; A 0, B 1, C 2, D 3);
task_tuple!(5; A 0, B 1, C 2, D 3, F 4);
task_tuple!(6; A 0, B 1, C 2, D 3, F 4, G 5);
task_tuple!(7; A 0, B 1, C 2, D 3, F 4, G 5, H 6);
task_tuple!(8; A 0, B 1, C 2, D 3, F 4, G 5, H 6, I 7);

/// [`gather`](crate::gather) over a tuple of 2 to 8 tasks with different value types:
/// `Ok((a, b, ..))` or the first failure.
///
/// Python: `a, b = await asyncio.gather(task_a, task_b)`
///
/// Same semantics as `gather`; [`GatherTuple::return_exceptions`] gives the tuple of
/// outcomes.
///
/// # Cancel safety
///
/// Dropping it unfinished cancels the tasks still running.
///
/// # Examples
///
/// ```
/// use aio_rt::Runtime;
/// use aio_tasks::create_task;
/// let rt = aio_rt::Smol::new();
/// let pair = rt.block_on(async {
///     let n = create_task(&rt, async { Ok::<_, String>(7) });
///     let s = create_task(&rt, async { Ok::<_, String>("seven") });
///     aio_gather::gather_tuple((n, s)).await
/// });
/// assert_eq!(pair, Ok((7, "seven")));
/// ```
pub fn gather_tuple<E, Tup: TaskTuple<E>>(tasks: Tup) -> GatherTuple<E, Tup> {
    let ready = Arc::new(Ready::default());
    let r = Arc::clone(&ready);
    let push: Push = Arc::new(move |index| r.push(index));
    tasks.register(&push);
    GatherTuple {
        tasks,
        ready,
        remaining: Tup::LEN,
        batch: Vec::new(),
        finished: false,
        all: false,
        _error: std::marker::PhantomData,
    }
}

/// The future of [`gather_tuple`].
///
/// Python: the future `asyncio.gather` returns
#[must_use = "a GatherTuple does nothing unless awaited; dropping it cancels the tasks still running"]
pub struct GatherTuple<E, Tup: TaskTuple<E>> {
    tasks: Tup,
    ready: Arc<Ready>,
    remaining: usize,
    batch: Vec<usize>,
    finished: bool,
    all: bool,
    _error: std::marker::PhantomData<fn() -> E>,
}

impl<E, Tup: TaskTuple<E>> GatherTuple<E, Tup> {
    /// Gives the tuple of every outcome instead of stopping at the first failure.
    ///
    /// Python: `asyncio.gather(a, b, return_exceptions=True)`
    pub fn return_exceptions(self) -> GatherTupleAll<E, Tup> {
        let mut inner = self;
        inner.all = true;
        GatherTupleAll { inner }
    }

    fn step(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), TaskError<E>>> {
        let mut batch = std::mem::take(&mut self.batch);
        self.ready.drain(cx, &mut batch);
        for index in batch.drain(..) {
            self.remaining -= 1;
            if !self.all {
                if let Some(error) = self.tasks.failure(index) {
                    self.finish();
                    return Poll::Ready(Err(error));
                }
            }
        }
        self.batch = batch;
        if self.remaining == 0 {
            self.finish();
            Poll::Ready(Ok(()))
        } else {
            Poll::Pending
        }
    }

    fn finish(&mut self) {
        self.finished = true;
        self.ready.close();
    }
}

impl<E, Tup: TaskTuple<E>> Unpin for GatherTuple<E, Tup> {}

impl<E, Tup: TaskTuple<E>> Future for GatherTuple<E, Tup> {
    type Output = Result<Tup::Values, TaskError<E>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if this.finished {
            return Poll::Pending;
        }
        match this.step(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Ready(Ok(())) => Poll::Ready(this.tasks.values()),
        }
    }
}

impl<E, Tup: TaskTuple<E>> Drop for GatherTuple<E, Tup> {
    fn drop(&mut self) {
        if !self.finished {
            self.tasks.cancel_all();
            self.ready.close();
        }
    }
}

impl<E, Tup: TaskTuple<E>> fmt::Debug for GatherTuple<E, Tup> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatherTuple")
            .field("tasks", &Tup::LEN)
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}

/// The future of [`GatherTuple::return_exceptions`]: the tuple of outcomes.
///
/// Python: `asyncio.gather(a, b, return_exceptions=True)`
#[must_use = "a GatherTupleAll does nothing unless awaited; dropping it cancels the tasks still running"]
pub struct GatherTupleAll<E, Tup: TaskTuple<E>> {
    inner: GatherTuple<E, Tup>,
}

impl<E, Tup: TaskTuple<E>> Future for GatherTupleAll<E, Tup> {
    type Output = Tup::Outcomes;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut self.get_mut().inner;
        if this.finished {
            return Poll::Pending;
        }
        match this.step(cx) {
            Poll::Ready(_) => Poll::Ready(this.tasks.outcomes()),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<E, Tup: TaskTuple<E>> fmt::Debug for GatherTupleAll<E, Tup> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("GatherTupleAll").field(&self.inner).finish()
    }
}
