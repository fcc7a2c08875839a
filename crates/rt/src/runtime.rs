//! Definition of the [`Runtime`] trait.

use std::future::Future;
use std::time::Duration;

use crate::{
    Clock, ExceptionContext, ExceptionHandler, Instant, JoinHandle, Reporter, WeakRuntime,
};

/// What asyncio asks of its event loop, as one trait that every concept crate is written
/// against: spawn a task, run blocking work off the loop, sleep, read the clock, yield,
/// and run a future to completion at the top.
///
/// Python: `asyncio.AbstractEventLoop` (the parts a coroutine uses)
///
/// | asyncio | `Runtime` |
/// |---|---|
/// | `asyncio.create_task(coro)` | [`spawn`](Runtime::spawn) (or [`spawn_detached`](Runtime::spawn_detached), without a handle) |
/// | `asyncio.to_thread(f)` / `loop.run_in_executor(None, f)` | [`spawn_blocking`](Runtime::spawn_blocking) |
/// | `asyncio.sleep(delay)` | [`sleep`](Runtime::sleep) |
/// | `loop.call_at(when, ...)` | [`sleep_until`](Runtime::sleep_until) |
/// | `loop.time()` | [`now`](Runtime::now) |
/// | `asyncio.sleep(0)` | [`yield_now`](Runtime::yield_now) |
/// | `loop.run_until_complete(fut)` (`asyncio.run(main())` is `aio_tasks::run`) | [`block_on`](Runtime::block_on) |
/// | `loop.set_exception_handler(h)`, `get_exception_handler()`, `call_exception_handler(c)` | [`set_exception_handler`](Runtime::set_exception_handler), [`exception_handler`](Runtime::exception_handler), [`call_exception_handler`](Runtime::call_exception_handler) |
///
/// Every adapter gives the same [`JoinHandle`] meaning (see its docs), and each instance
/// owns its executor and clock: nothing global stands behind the trait, except where a
/// runtime has only a global executor (async-std: see [`AsyncStd`](crate::AsyncStd)).
///
/// # Examples
///
/// A concept crate names no runtime; the caller picks one.
///
/// ```
/// use aio_rt::Runtime;
/// use std::time::Duration;
///
/// async fn countdown<R: Runtime>(rt: &R) -> Vec<u64> {
///     let mut seen = Vec::new();
///     for _ in 0..3 {
///         rt.sleep(Duration::from_secs(1)).await;
///         seen.push(rt.now().since_start().as_secs());
///     }
///     seen
/// }
///
/// # #[cfg(feature = "tokio")] {
/// // On the virtual clock three one-second sleeps take no wall time and read exact times.
/// let rt = aio_rt::Tokio::current_thread_with(aio_rt::Config::default().clock(aio_rt::Clock::Virtual));
/// assert_eq!(rt.block_on(countdown(&rt)), vec![1, 2, 3]);
/// # }
/// ```
pub trait Runtime: Clone + Send + Sync + 'static {
    /// The future returned by [`sleep`](Runtime::sleep) and
    /// [`sleep_until`](Runtime::sleep_until); named so that it can be stored in a field.
    ///
    /// Python: `asyncio.TimerHandle` (what the loop keeps for a pending timer)
    type Sleep: Future<Output = ()> + Send + 'static;

    /// The runtime's name as the harness prints it: `tokio`, `tokio-mt`, `async-std`, `smol`.
    ///
    /// Python: none (the loop's class name, `type(loop).__name__`)
    fn name(&self) -> &'static str;

    /// Which clock this runtime reads.
    ///
    /// Python: none (see [`Clock`])
    fn clock(&self) -> Clock;

    /// Spawns a task running `fut` and returns its handle.
    ///
    /// Python: `asyncio.create_task(coro)`
    ///
    /// The task starts even if the handle is never awaited, and dropping the handle does
    /// not stop it. On the virtual clock tasks take turns in the order they were spawned
    /// and woken, as in asyncio; on the real clock the runtime decides.
    fn spawn<F>(&self, fut: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// Spawns a task running `fut` and returns nothing: for tasks that deliver their outcome
    /// themselves (as `aio-tasks` does), this skips the [`JoinHandle`]'s shared state.
    ///
    /// Python: `asyncio.create_task(coro)` with the task object dropped at once
    ///
    /// The same as `drop(self.spawn(fut))`, which is the default: the task is numbered
    /// and scheduled as [`spawn`](Runtime::spawn) would (on the virtual clock it takes its
    /// turn in the same order), and if it panics the panic is reported to the exception
    /// handler ([`set_exception_handler`](Runtime::set_exception_handler)), as a
    /// panic nobody retrieved. The adapters override it to allocate nothing beyond the
    /// runtime's own task.
    ///
    /// # Examples
    ///
    /// ```
    /// use aio_rt::Runtime;
    /// use std::sync::{Arc, Mutex};
    ///
    /// # #[cfg(feature = "smol")] {
    /// let rt = aio_rt::Smol::new();
    /// let seen = Arc::new(Mutex::new(None));
    /// let slot = Arc::clone(&seen);
    /// rt.block_on(async {
    ///     // The task keeps its outcome itself: here, in `slot`.
    ///     rt.spawn_detached(async move { *slot.lock().unwrap() = Some(6 * 7) });
    ///     rt.yield_now().await;
    /// });
    /// assert_eq!(*seen.lock().unwrap(), Some(42));
    /// # }
    /// ```
    fn spawn_detached<F>(&self, fut: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        drop(self.spawn(fut));
    }

    /// Runs the blocking closure `f` on a thread pool, so that it does not stall the tasks.
    ///
    /// Python: `asyncio.to_thread(f)` / `loop.run_in_executor(None, f)`
    ///
    /// On the virtual clock, time stands still while `f` runs (other tasks still run).
    fn spawn_blocking<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static;

    /// Completes once the clock reads `deadline` or later.
    ///
    /// Python: `loop.call_at(when, callback)`, awaited
    fn sleep_until(&self, deadline: Instant) -> Self::Sleep;

    /// Completes after `duration`.
    ///
    /// Python: `asyncio.sleep(delay)`
    ///
    /// # Non-guarantees
    ///
    /// A zero duration may complete without yielding; see [`Sleep`](crate::Sleep).
    fn sleep(&self, duration: Duration) -> Self::Sleep {
        self.sleep_until(self.now() + duration)
    }

    /// The current time on this runtime's clock.
    ///
    /// Python: `loop.time()`
    fn now(&self) -> Instant;

    /// Suspends the task once, letting the others run.
    ///
    /// Python: `await asyncio.sleep(0)`
    ///
    /// # Non-guarantees
    ///
    /// On the real clock this is the runtime's own yield, and where the yielded task goes
    /// differs (tokio's current_thread runtime defers it behind the tasks that were woken;
    /// see the `differences` scenarios). On the virtual clock it goes to the back of the
    /// ready queue, as in asyncio.
    fn yield_now(&self) -> impl Future<Output = ()> + Send + 'static;

    /// A handle that does not keep this runtime alive: what a task keeps of its runtime
    /// (`aio-tasks` keeps one per family, to schedule done callbacks), so that the runtime,
    /// which owns the task, can be freed with its tasks.
    ///
    /// Python: none (see [`WeakRuntime`])
    fn downgrade(&self) -> WeakRuntime<Self>;

    /// What this runtime's virtual clock needs to know about other threads (a
    /// [`Feeder`](crate::Feeder) alive, a blocking job that waits on the runtime); `None`
    /// on the real clock, and for a runtime without a virtual clock.
    ///
    /// Python: none
    fn virtual_hooks(&self) -> Option<std::sync::Arc<dyn crate::VirtualHooks>> {
        None
    }

    /// The slot holding this runtime's one exception handler, which every report of the
    /// runtime reaches (see [`ExceptionContext`] for what asyncio reports there). What a
    /// task or a future keeps in order to report later, without keeping the runtime.
    ///
    /// Python: the loop's `_exception_handler`
    fn reporter(&self) -> &Reporter;

    /// Every task of this runtime that has not finished, in spawn order, however it was
    /// spawned: [`spawn`](Runtime::spawn), [`spawn_detached`](Runtime::spawn_detached), and
    /// what is built on them (`aio_tasks::create_task`). A task is listed from its spawn
    /// until it finishes, is cancelled, or is dropped; blocking jobs are not tasks.
    ///
    /// Python: `asyncio.all_tasks()` (for the loop, not only the current task's family;
    /// a list in spawn order rather than a set)
    ///
    /// Cost: every spawn and every finish takes the runtime's registry lock once.
    ///
    /// # Examples
    ///
    /// ```
    /// use aio_rt::Runtime;
    ///
    /// # #[cfg(feature = "smol")] {
    /// let rt = aio_rt::Smol::new();
    /// let forever = rt.spawn(std::future::pending::<()>());
    /// let quick = rt.spawn(async { 1 });
    /// rt.block_on(async { assert_eq!(quick.await, Ok(1)) });
    /// let ids: Vec<_> = rt.all_tasks().iter().map(|task| task.id()).collect();
    /// assert_eq!(ids, [forever.id()]);
    /// # }
    /// ```
    fn all_tasks(&self) -> Vec<crate::LiveTask>;

    /// Sets the runtime's exception handler, at any time: every report from then on goes
    /// to it (the default handler prints it on stderr). One handler per runtime, shared
    /// by its clones.
    ///
    /// Python: `loop.set_exception_handler(handler)`
    ///
    /// # Examples
    ///
    /// ```
    /// use aio_rt::{ExceptionContext, Runtime};
    /// use std::sync::{Arc, Mutex};
    ///
    /// # #[cfg(feature = "smol")] {
    /// let rt = aio_rt::Smol::new();
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let sink = seen.clone();
    /// rt.block_on(async {
    ///     rt.set_exception_handler(move |context| {
    ///         sink.lock().unwrap().push(context.message.clone())
    ///     });
    ///     rt.call_exception_handler(&ExceptionContext::new("something went wrong"));
    /// });
    /// assert_eq!(*seen.lock().unwrap(), ["something went wrong"]);
    /// # }
    /// ```
    fn set_exception_handler(&self, handler: impl Fn(&ExceptionContext) + Send + Sync + 'static) {
        self.reporter()
            .set_handler(Some(std::sync::Arc::new(handler)));
    }

    /// Goes back to the default exception handler.
    ///
    /// Python: `loop.set_exception_handler(None)`
    fn reset_exception_handler(&self) {
        self.reporter().set_handler(None);
    }

    /// The exception handler set, `None` for the default one.
    ///
    /// Python: `loop.get_exception_handler()`
    fn exception_handler(&self) -> Option<ExceptionHandler> {
        self.reporter().handler()
    }

    /// Calls the exception handler with `context`.
    ///
    /// Python: `loop.call_exception_handler(context)`
    fn call_exception_handler(&self, context: &ExceptionContext) {
        self.reporter().report(context);
    }

    /// Runs `fut` to completion on the current thread, driving the runtime meanwhile.
    ///
    /// Python: `loop.run_until_complete(fut)`
    ///
    /// This is not `asyncio.run(main())`: it returns as soon as `fut` is done and leaves
    /// the pending tasks as they are (below). `aio_tasks::run` is `asyncio.run`: main as a
    /// task, then the shutdown that cancels what is left and waits for its cleanup.
    ///
    /// # Tasks left over
    ///
    /// A task still suspended when `fut` is done is a leftover. What it does next:
    ///
    /// - **Virtual clock, every runtime:** nothing. The run's clock stops when `fut` is
    ///   done; no task runs and no time passes until the next `block_on`, which carries on
    ///   from there (a leftover sleeping until 1.0 after a run that ended at 0.5 wakes at
    ///   1.0 in the next run).
    /// - **Real clock:** `tokio` (current_thread), `smol` and `aio-loop` run tasks only
    ///   inside `block_on`, so a leftover waits for the next one; on `tokio-mt` and
    ///   `async-std` it goes on running on the runtime's threads meanwhile.
    ///
    /// When the runtime is dropped (its last clone), every leftover is dropped where it is
    /// suspended: its destructors run (the `Drop` guards that play `finally`). On `tokio`,
    /// `tokio-mt`, `smol` and `aio-loop` this happens during the drop (and tokio-mt's
    /// worker threads have exited when it returns); on `async-std`, whose executor is
    /// global, on one of its threads soon after (on the virtual clock; on the real clock a
    /// leftover that will never be woken is dropped by async-std itself).
    ///
    /// A leftover whose body holds a clone of the runtime keeps the runtime alive, and
    /// itself with it: a reference cycle. Keep a [`WeakRuntime`] in it, or make what it
    /// needs (a sleep, a handle) before it is spawned.
    ///
    /// # Panics
    ///
    /// If `fut` panics, and, on the virtual clock, if the run can never finish (every task
    /// waits, no timer is pending and no blocking job runs). Called inside a running
    /// runtime (in a task, or in the future of another `block_on`, of any runtime of
    /// aio-rt or aio-loop), it panics at once, with a message that names the fix: `.await`
    /// the future, or spawn it on the runtime already running (`Tokio::current`,
    /// `Smol::from_executor`); as `asyncio.run()` raises "cannot be called from a running
    /// event loop". A blocking job (`spawn_blocking`) may call it. Inside a tokio runtime
    /// that is not ours, tokio's own check refuses `Tokio`'s `block_on`, not the others'.
    fn block_on<F: Future>(&self, fut: F) -> F::Output;
}
