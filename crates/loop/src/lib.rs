//! An asyncio-style event loop written from scratch: a FIFO ready queue of callbacks, a
//! heap of timers, a selector for sockets, a thread pool for blocking work. It is the fifth runtime of
//! asyncio-rosetta (`aio-loop`), and a reading piece: it works the way asyncio's
//! `BaseEventLoop` works, in a few hundred commented lines.
//!
//! ```python
//! import asyncio
//!
//! loop = asyncio.new_event_loop()
//! loop.call_soon(print, "first")
//! loop.call_later(1, print, "one second later")
//! loop.call_later(1.5, loop.stop)
//! loop.call_soon(print, "second")
//! loop.run_forever()
//! ```
//!
//! ```
//! use aio_loop::EventLoop;
//! # use aio_rt::{Clock, Config};
//!
//! let event_loop = EventLoop::new();
//! # let event_loop = EventLoop::with_config(Config::default().clock(Clock::Virtual));
//! event_loop.call_soon(|| println!("first"));
//! event_loop.call_later(1.0, || println!("one second later"));
//! let stopper = event_loop.clone();
//! event_loop.call_later(1.5, move || stopper.stop());
//! event_loop.call_soon(|| println!("second"));
//! event_loop.run_forever().unwrap();
//! ```
//!
//! | Python | Rust |
//! |---|---|
//! | `asyncio.new_event_loop()` | [`EventLoop::new`], [`EventLoop::with_config`] |
//! | `loop.call_soon(cb)` / `loop.call_soon_threadsafe(cb)` | [`EventLoop::call_soon`] / [`EventLoop::call_soon_threadsafe`] → [`Handle`] |
//! | `loop.call_later(delay, cb)` / `loop.call_at(when, cb)` | [`EventLoop::call_later`] / [`EventLoop::call_at`] → [`TimerHandle`] |
//! | `handle.cancel()` / `handle.cancelled()` | [`Handle::cancel`] / [`Handle::cancelled`] |
//! | `loop.time()` | [`EventLoop::time`] |
//! | `loop.run_until_complete(fut)` / `loop.run_forever()` / `loop.stop()` | [`EventLoop::run_until_complete`] / [`EventLoop::run_forever`] / [`EventLoop::stop`] |
//! | `loop.create_task(coro)` | [`EventLoop::create_task`] |
//! | `loop.run_in_executor(None, f)` | [`EventLoop::run_in_executor`] |
//! | `loop.add_reader(fd, cb)` / `loop.add_writer(fd, cb)` | [`Async::new`], then [`Async::readable`] / [`Async::writable`] |
//! | `loop.sock_recv`, `sock_accept` / `sock_sendall`, `sock_connect` | [`Async::read_with`] / [`Async::write_with`] |
//! | `loop.set_exception_handler(h)`, `loop.call_exception_handler(c)` | [`Runtime::set_exception_handler`](aio_rt::Runtime::set_exception_handler), [`Runtime::call_exception_handler`](aio_rt::Runtime::call_exception_handler) (the runtime's one handler) |
//! | `asyncio.get_running_loop()` | [`get_running_loop`] |
//! | `RuntimeError(...)` | [`RunError`], [`NoRunningLoop`] |
//!
//! # One iteration
//!
//! A run is a sequence of iterations (asyncio's `_run_once`, here in `src/run.rs`):
//!
//! 1. Work out how long to wait: not at all if a callback is ready, else until the
//!    earliest timer is due, else for as long as it takes.
//! 2. Wait in the selector, that long at most: it returns the sockets that became ready,
//!    or when another thread wakes the loop (`call_soon_threadsafe`, a task woken from an
//!    executor thread). The tasks waiting on a ready socket are woken: their next steps
//!    join the ready queue.
//! 3. Every timer that is due joins the *end* of the ready queue, in deadline order, and
//!    timers with equal deadlines in the order they were made.
//! 4. The callbacks that are ready *now* run, in the order they were scheduled. A callback
//!    scheduled meanwhile runs in the next iteration: that is why a callback that keeps
//!    rescheduling itself cannot starve the others (or the timers, or the sockets).
//!
//! A cancelled handle never runs. A callback that panics goes to the exception handler
//! and the loop carries on. A task is a future stepped by ready-queue entries: creating
//! it schedules its first step, and waking it schedules the next one at the end of the
//! queue (asyncio's `Task.__step` and `Task.__wakeup`).
//!
//! # Sockets
//!
//! asyncio's loop is a *readiness* loop: it does not read or write for you, it tells you
//! when a socket can be read or written without blocking (the OS's selector: epoll,
//! kqueue), and your code does the call. Its streams and `sock_*` methods are built on
//! `add_reader` / `add_writer`. Here [`Async`] registers a non-blocking socket with the
//! loop's selector; a task awaits [`Async::readable`] (or calls [`Async::read_with`],
//! which tries the call and waits whenever it would block), and the selector step of the
//! next iteration wakes it. `aio-io` builds TCP streams on it (its `Net` for
//! `EventLoop`). The selector is in `src/reactor.rs`, the socket type in `src/io.rs`.
//!
//! # The clock
//!
//! Real by default: the loop waits in the selector until the next timer, a socket event,
//! or a thread-safe wake-up. The selector counts its timeout in whole milliseconds
//! (epoll's, rounded up), as asyncio's does, so a timer runs up to about a millisecond
//! after its deadline, never before. With
//! [`Clock::Virtual`](aio_rt::Clock::Virtual) (for tests), when nothing is ready and no
//! executor job runs, the clock jumps to the earliest timer; when there is no timer
//! either, nothing can ever happen, and the run fails with [`RunError::Stalled`] instead
//! of hanging. Before the clock moves, the selector is asked (zero timeout): a socket
//! that is ready is ready work. With [`Clock::Warp`](aio_rt::Clock::Warp) the clock reads
//! real time and jumps the same way when nothing is ready and no executor job runs (while
//! one runs, the loop waits in real time for it or for the next timer): blocking code
//! takes its time, sleeps cost nothing.
//!
//! # One loop per thread, and why `get_event_loop` gave way to `get_running_loop`
//!
//! A thread runs at most one loop at a time: running a second one on it fails with
//! [`RunError::AnotherLoopRunning`]. Inside a callback or a task, [`get_running_loop`]
//! gives the loop that runs it. Outside, it is an error.
//!
//! asyncio's older `get_event_loop()` did not fail there: called at import time, it
//! *created* a loop and made it the thread's "current" loop. But `asyncio.run(main())`
//! makes a new loop, so code that had taken the loop early scheduled callbacks and created
//! futures on a loop that never ran (or, worse, ran later, at a surprising moment). Since
//! Python 3.10 `get_event_loop()` warns in that case (3.12: always when no loop is set;
//! 3.14: an error). The scenario `get_event_loop_pitfall` shows the trap. This crate has
//! no "current loop" at all: you hold the loop you made, or ask for the running one.
//!
//! # Simplifications, named
//!
//! The selector is mio's (edge-triggered, where asyncio's selectors are level-triggered:
//! see `src/reactor.rs`); sockets only on Unix; on the virtual clock sockets are looked
//! at but never waited for (a run with only sockets pending fails as stalled); no
//! signal handlers, subprocesses, transports or protocols (`aio-io` has the streams);
//! one mutex guards the queue and the heap; a loop dropped with tasks still suspended may be kept alive by them (asyncio has
//! `loop.close()`; here the tasks' futures own their handles to the loop).

mod clock;
mod error;
mod event_loop;
mod executor;
mod handle;
#[cfg(unix)]
mod io;
mod reactor;
mod run;
mod running;
mod runtime;
mod shared;
mod task;

pub use crate::error::{CallbackException, NoRunningLoop, RunError};
pub use crate::event_loop::EventLoop;
pub use crate::handle::{Handle, TimerHandle};
#[cfg(unix)]
pub use crate::io::{Async, Readiness};
pub use crate::running::get_running_loop;
pub use crate::task::SleepUntil;
