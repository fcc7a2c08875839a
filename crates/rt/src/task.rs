//! Definition of `TaskFuture`: what a runtime actually spawns. It runs the user's future,
//! catches its panic, honours cancellation and hands the outcome to the `JoinHandle`.
//! And `DetachedFuture`, its lean sibling for `spawn_detached`: no handle, no outcome.

use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::join::{Completer, JoinError, Shared, panic_message};
use crate::registry::{Registration, Running};

pin_project! {
    /// The user's future, wrapped so that every runtime gives the same `JoinHandle` meaning.
    pub(crate) struct TaskFuture<F: Future> {
        #[pin]
        fut: Option<F>,
        // Unlisted from the runtime's live tasks when the task finishes, before its
        // awaiters hear of it; declared before `outcome` for the same reason.
        registration: Option<Registration>,
        // Declared after `fut`, so dropped after it: awaiters hear that the task ended only
        // once everything the task held is gone. Dropped unfinished, it reports `Cancelled`.
        outcome: Completer<F::Output>,
    }
}

impl<F: Future> TaskFuture<F> {
    pub(crate) fn new(fut: F, shared: Arc<Shared<F::Output>>, registration: Registration) -> Self {
        TaskFuture {
            fut: Some(fut),
            registration: Some(registration),
            outcome: Completer::new(shared),
        }
    }
}

impl<F: Future> Future for TaskFuture<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
        let Some(fut) = this.fut.as_mut().as_pin_mut() else {
            return Poll::Ready(());
        };
        let _running = this.registration.as_ref().map(|r| Running::enter(r.id()));
        // A cancelled task is stopped where it is suspended: its future is dropped.
        if this.outcome.cancel_requested() {
            let dropped = catch_unwind(AssertUnwindSafe(|| this.fut.set(None)));
            this.registration.take();
            this.outcome.complete(match dropped {
                Ok(()) => Err(JoinError::Cancelled),
                Err(payload) => Err(JoinError::Panicked(panic_message(&*payload))),
            });
            return Poll::Ready(());
        }
        match catch_unwind(AssertUnwindSafe(|| fut.poll(cx))) {
            Ok(Poll::Ready(value)) => {
                this.fut.set(None);
                this.registration.take();
                this.outcome.complete(Ok(value));
                Poll::Ready(())
            }
            Ok(Poll::Pending) => {
                if this.outcome.park_task(cx.waker()) {
                    // Cancelled while we were running: come back at once to stop.
                    cx.waker().wake_by_ref();
                }
                Poll::Pending
            }
            Err(payload) => {
                let message = panic_message(&*payload);
                // Dropping a future that panicked can panic again; that one is dropped too.
                let _ = catch_unwind(AssertUnwindSafe(|| this.fut.set(None)));
                this.registration.take();
                this.outcome.complete(Err(JoinError::Panicked(message)));
                Poll::Ready(())
            }
        }
    }
}

pin_project! {
    /// A future spawned without a handle: polled as is, its panic caught and reported to
    /// the exception handler (as a `JoinHandle` dropped unretrieved would report it).
    /// Nothing is allocated beyond the runtime's own task, and the task's id and runtime
    /// are read from its registration (two words fewer in every such task).
    pub(crate) struct DetachedFuture<F> {
        #[pin]
        fut: Option<F>,
        // Unlisted from the runtime's live tasks when the task finishes.
        registration: Option<Registration>,
    }
}

impl<F> DetachedFuture<F> {
    pub(crate) fn new(fut: F, registration: Registration) -> Self {
        DetachedFuture {
            fut: Some(fut),
            registration: Some(registration),
        }
    }
}

impl<F: Future<Output = ()>> Future for DetachedFuture<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut this = self.project();
        let Some(fut) = this.fut.as_mut().as_pin_mut() else {
            return Poll::Ready(());
        };
        let _running = this.registration.as_ref().map(|r| Running::enter(r.id()));
        match catch_unwind(AssertUnwindSafe(|| fut.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(())) => {
                this.fut.set(None);
                this.registration.take();
                Poll::Ready(())
            }
            Err(payload) => {
                let message = panic_message(&*payload);
                let _ = catch_unwind(AssertUnwindSafe(|| this.fut.set(None)));
                if let Some(registration) = this.registration.take() {
                    let (id, core) = (registration.id(), registration.core_key());
                    drop(registration);
                    core.report_panic(id, message);
                }
                Poll::Ready(())
            }
        }
    }
}
