//! Definition of `Reactor`: the loop's selector, the part of asyncio's `BaseEventLoop`
//! that waits for file descriptors (`self._selector`), and its wake-up channel (asyncio's
//! self-pipe). The public face of it is [`Async`](crate::Async), in `src/io.rs`.
//!
//! Each iteration of the loop calls [`Reactor::select`] once, with a timeout the loop
//! computed (asyncio's `_run_once`: 0 if callbacks are ready, else until the next timer,
//! else forever). The selector returns the descriptors that became ready; for each, the
//! tasks waiting on that descriptor are woken, which queues their next step at the end of
//! the ready queue (asyncio's `_process_events` queues the `add_reader` callbacks).
//!
//! The selector is mio's `Poll` (epoll on Linux, kqueue on the BSDs and macOS): the
//! thinnest safe layer over the OS's. Simplifications, named:
//!
//! - mio is *edge-triggered*: the OS says when a descriptor *becomes* ready, not while it
//!   *is* ready (asyncio's selectors are level-triggered). So each direction of a
//!   [`Source`] remembers "ready since the last event", and forgets it only when an
//!   operation on the descriptor says `WouldBlock`.
//! - Every descriptor is registered for both directions at once, for its whole life.
//! - One mutex per descriptor, one for the table of descriptors.

use std::collections::HashMap;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use mio::{Events, Interest, Token};

/// The token of the wake-up channel; descriptors get `0, 1, 2, ...`.
const WAKE: Token = Token(usize::MAX);

/// How many events one `select` takes at most (more wait for the next iteration).
const EVENTS: usize = 1024;

/// The selector, the table of registered descriptors, the wake-up channel.
pub(crate) struct Reactor {
    /// mio's `Poll` and the buffer its events land in. Locked only by the thread running
    /// the loop, while it waits.
    selector: Mutex<(mio::Poll, Events)>,
    /// Registers and deregisters descriptors from any thread.
    registry: mio::Registry,
    /// Wakes a `select` in progress: asyncio's `_write_to_self()`.
    waker: mio::Waker,
    /// The registered descriptors by token (asyncio's selector keeps a map fd -> key).
    sources: Mutex<HashMap<usize, Arc<Source>>>,
    /// How many are in `sources`, read without the lock by every iteration of the loop.
    registered: AtomicUsize,
    next_key: AtomicUsize,
}

impl Reactor {
    /// A new selector and its wake-up channel.
    ///
    /// # Panics
    ///
    /// If the OS refuses to create them (out of descriptors): the loop cannot run at all.
    pub(crate) fn new() -> Reactor {
        let poll =
            mio::Poll::new().unwrap_or_else(|e| panic!("aio-loop: the OS refused a selector: {e}"));
        let registry = poll
            .registry()
            .try_clone()
            .unwrap_or_else(|e| panic!("aio-loop: the OS refused a selector: {e}"));
        let waker = mio::Waker::new(&registry, WAKE)
            .unwrap_or_else(|e| panic!("aio-loop: the OS refused a wake-up channel: {e}"));
        Reactor {
            selector: Mutex::new((poll, Events::with_capacity(EVENTS))),
            registry,
            waker,
            sources: Mutex::new(HashMap::new()),
            registered: AtomicUsize::new(0),
            next_key: AtomicUsize::new(0),
        }
    }

    fn table(&self) -> MutexGuard<'_, HashMap<usize, Arc<Source>>> {
        self.sources.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// How many descriptors are registered.
    pub(crate) fn len(&self) -> usize {
        self.registered.load(Ordering::Acquire)
    }

    /// Registers `fd` for both directions; the source it returns collects its readiness.
    ///
    /// asyncio: `selector.register(fd, EVENT_READ | EVENT_WRITE, ...)`, done by
    /// `add_reader` / `add_writer`.
    #[cfg(unix)]
    pub(crate) fn register(&self, fd: std::os::fd::RawFd) -> io::Result<Arc<Source>> {
        let key = self.next_key.fetch_add(1, Ordering::Relaxed);
        let source = Arc::new(Source {
            key,
            state: Mutex::new(SourceState::default()),
        });
        // In the table first: an event may come as soon as the descriptor is registered.
        self.table().insert(key, Arc::clone(&source));
        self.registered.fetch_add(1, Ordering::AcqRel);
        let interest = Interest::READABLE | Interest::WRITABLE;
        if let Err(e) = self
            .registry
            .register(&mut mio::unix::SourceFd(&fd), Token(key), interest)
        {
            self.table().remove(&key);
            self.registered.fetch_sub(1, Ordering::AcqRel);
            return Err(e);
        }
        Ok(source)
    }

    /// Forgets `fd` (before it is closed): no more events, and the source's wakers go.
    ///
    /// asyncio: `remove_reader(fd)` / `remove_writer(fd)`
    #[cfg(unix)]
    pub(crate) fn deregister(&self, fd: std::os::fd::RawFd, source: &Source) {
        // An error means the descriptor is gone already, which deregisters it too.
        let _ = self.registry.deregister(&mut mio::unix::SourceFd(&fd));
        if self.table().remove(&source.key).is_some() {
            self.registered.fetch_sub(1, Ordering::AcqRel);
        }
    }

    /// Waits for events, at most `timeout` (`None`: until one comes or [`notify`] is
    /// called), and wakes the tasks waiting on each descriptor that became ready.
    ///
    /// Called by the loop's thread only, with the loop's state *unlocked*: waking a task
    /// queues its step, which locks the state.
    ///
    /// [`notify`]: Reactor::notify
    pub(crate) fn select(&self, timeout: Option<Duration>) {
        let mut selector = self.selector.lock().unwrap_or_else(PoisonError::into_inner);
        let (poll, events) = &mut *selector;
        // EINTR (a signal) is an ordinary early return; anything else cannot be acted on
        // here either: the loop goes on with what is ready, as asyncio's does on EINTR.
        if poll.poll(events, timeout).is_err() {
            return;
        }
        for event in events.iter() {
            if event.token() == WAKE {
                continue; // only there to end the wait
            }
            // A descriptor deregistered since the event was produced is no longer here.
            let Some(source) = self.table().get(&event.token().0).cloned() else {
                continue;
            };
            // Errors and hang-ups wake both directions: the operation will report them.
            let failed = event.is_error();
            source.set_ready(
                event.is_readable() || event.is_read_closed() || failed,
                event.is_writable() || event.is_write_closed() || failed,
            );
        }
    }

    /// Ends a `select` in progress, or makes the next one return at once.
    ///
    /// asyncio: `_write_to_self()`, which `call_soon_threadsafe` calls.
    pub(crate) fn notify(&self) {
        // It fails only if the wake-up channel is full, which means a wake-up is pending.
        let _ = self.waker.wake();
    }
}

impl std::fmt::Debug for Reactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reactor")
            .field("sources", &self.len())
            .finish_non_exhaustive()
    }
}

/// Which way a task waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

/// One registered descriptor: per direction, whether it is ready and who waits.
#[derive(Debug)]
pub(crate) struct Source {
    key: usize,
    state: Mutex<SourceState>,
}

#[derive(Debug, Default)]
struct SourceState {
    read: Readiness,
    write: Readiness,
}

/// One direction of a source.
#[derive(Debug, Default)]
struct Readiness {
    /// An event said "ready" and no operation has said `WouldBlock` since.
    ready: bool,
    /// Counts the events, so that a `WouldBlock` seen *before* an event cannot erase it
    /// (see [`Source::clear`]).
    tick: u64,
    /// The tasks waiting for the next event (asyncio: the `add_reader` callbacks).
    wakers: Vec<Waker>,
}

impl Source {
    fn lock(&self) -> MutexGuard<'_, SourceState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// An event came: marks the directions ready and wakes their waiters.
    fn set_ready(&self, read: bool, write: bool) {
        let mut wake = Vec::new();
        {
            let mut guard = self.lock();
            let state = &mut *guard;
            for (hit, side) in [(read, &mut state.read), (write, &mut state.write)] {
                if hit {
                    side.ready = true;
                    side.tick += 1;
                    wake.append(&mut side.wakers);
                }
            }
        }
        // Outside the lock: a waker may poll or drop things that lock this source.
        for waker in wake {
            waker.wake();
        }
    }

    /// Ready in `direction`? Returns the event count to hand to [`clear`]; else registers
    /// `cx`'s waker for the next event.
    ///
    /// [`clear`]: Source::clear
    pub(crate) fn poll_ready(&self, direction: Direction, cx: &mut Context<'_>) -> Poll<u64> {
        let mut state = self.lock();
        let side = state.side(direction);
        if side.ready {
            return Poll::Ready(side.tick);
        }
        // One entry per task: a task polled again replaces nothing and adds nothing.
        if !side.wakers.iter().any(|w| w.will_wake(cx.waker())) {
            side.wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }

    /// An operation said `WouldBlock`: not ready any more, unless an event came after the
    /// readiness the operation was tried on (its `tick`); then that event stands.
    pub(crate) fn clear(&self, direction: Direction, tick: u64) {
        let mut state = self.lock();
        let side = state.side(direction);
        if side.tick == tick {
            side.ready = false;
        }
    }

    /// A waiting future was dropped: takes its waker out, so that nothing of it stays.
    pub(crate) fn forget(&self, direction: Direction, waker: &Waker) {
        let mut state = self.lock();
        let side = state.side(direction);
        if let Some(i) = side.wakers.iter().position(|w| w.will_wake(waker)) {
            side.wakers.remove(i);
        }
    }

    /// How many tasks wait, both directions (for tests and Debug).
    pub(crate) fn waiters(&self) -> usize {
        let state = self.lock();
        state.read.wakers.len() + state.write.wakers.len()
    }
}

impl SourceState {
    fn side(&mut self, direction: Direction) -> &mut Readiness {
        match direction {
            Direction::Read => &mut self.read,
            Direction::Write => &mut self.write,
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, mpsc};

    use aio_rt::{JoinError, Runtime};

    use crate::{Async, EventLoop};

    /// A connected pair; `a` non-blocking (it goes to the loop), `b` blocking (the test's).
    fn pair() -> (UnixStream, UnixStream) {
        let (a, b) = UnixStream::pair().unwrap();
        a.set_nonblocking(true).unwrap();
        (a, b)
    }

    /// Lets the loop run `n` iterations (each looks at the selector, sockets being
    /// registered): enough for any event already in the kernel to be seen.
    async fn iterations(event_loop: &EventLoop, n: usize) {
        for _ in 0..n {
            event_loop.yield_now().await;
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "a real socket pair: not under Miri (no socket ioctls)")]
    fn smoke() {
        let event_loop = EventLoop::new();
        let (a, _b) = pair();
        let a = Async::new(&event_loop, a).unwrap();
        assert_eq!(event_loop.shared.reactor.len(), 1);
        assert!(format!("{event_loop:?}").contains("sockets: 1"));
        drop(a);
        assert_eq!(event_loop.shared.reactor.len(), 0);
    }

    #[test]
    #[cfg_attr(miri, ignore = "a real socket pair: not under Miri (no socket ioctls)")]
    fn readable_waits_for_data_then_reads_it() {
        let event_loop = EventLoop::new();
        let (a, mut b) = pair();
        let a = Arc::new(Async::new(&event_loop, a).unwrap());
        let woke = Arc::new(AtomicBool::new(false));
        let data = event_loop
            .run_until_complete(async {
                let (reader, woke2) = (Arc::clone(&a), Arc::clone(&woke));
                let task = event_loop.spawn(async move {
                    reader.readable().await;
                    woke2.store(true, Ordering::SeqCst);
                    let mut buf = [0; 16];
                    let n = reader.read_with(|mut s| s.read(&mut buf)).await.unwrap();
                    buf[..n].to_vec()
                });
                // Nothing to read: the task waits, however many times the loop looks.
                iterations(&event_loop, 10).await;
                assert!(!woke.load(Ordering::SeqCst), "readable before any data");
                assert_eq!(a.source.waiters(), 1);
                b.write_all(b"ping").unwrap();
                task.await.unwrap()
            })
            .unwrap();
        assert_eq!(data, b"ping");
        assert_eq!(a.source.waiters(), 0);
    }

    #[test]
    #[cfg_attr(miri, ignore = "a real socket pair: not under Miri (no socket ioctls)")]
    fn a_read_at_the_peers_end_returns_zero() {
        let event_loop = EventLoop::new();
        let (a, b) = pair();
        let a = Async::new(&event_loop, a).unwrap();
        drop(b);
        let n = event_loop
            .run_until_complete(a.read_with(|mut s| s.read(&mut [0; 16])))
            .unwrap()
            .unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    #[cfg_attr(miri, ignore = "a real socket pair: not under Miri (no socket ioctls)")]
    fn writable_waits_for_room_in_a_full_buffer() {
        let event_loop = EventLoop::new();
        let (a, mut b) = pair();
        // Fill `a`'s send buffer (and `b`'s receive buffer) until a write would block.
        let mut filled = 0;
        let chunk = [7u8; 4096];
        loop {
            match (&a).write(&chunk) {
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                Err(e) => panic!("{e}"),
            }
        }
        let a = Arc::new(Async::new(&event_loop, a).unwrap());
        let wrote = event_loop
            .run_until_complete(async {
                let writer = Arc::clone(&a);
                let task = event_loop
                    .spawn(async move { writer.write_with(|mut s| s.write(b"!")).await.unwrap() });
                iterations(&event_loop, 10).await;
                assert!(!task.is_finished(), "wrote to a full buffer");
                // Make room: read everything that was written.
                let mut sink = vec![0; filled];
                b.read_exact(&mut sink).unwrap();
                task.await.unwrap()
            })
            .unwrap();
        assert_eq!(wrote, 1);
        let mut last = [0; 1];
        b.read_exact(&mut last).unwrap();
        assert_eq!(&last, b"!");
    }

    #[test]
    fn another_thread_wakes_the_loop_parked_in_the_selector() {
        let event_loop = EventLoop::new();
        let (about_to_park, parked) = mpsc::channel();
        let other = {
            let event_loop = event_loop.clone();
            std::thread::spawn(move || {
                parked.recv().unwrap();
                // Wait (without a clock) until the loop is really inside `select` with no
                // timeout: nothing but this thread can end that wait.
                let mut spins = 0u64;
                while !event_loop.shared.lock().parked {
                    spins += 1;
                    assert!(spins < 100_000_000, "the loop never parked");
                    std::thread::yield_now();
                }
                let stopper = event_loop.clone();
                event_loop.call_soon_threadsafe(move || stopper.stop());
            })
        };
        // No timer, no socket, nothing ready after this callback: the loop parks.
        event_loop.call_soon(move || about_to_park.send(()).unwrap());
        event_loop.run_forever().unwrap();
        other.join().unwrap();
    }

    #[test]
    #[cfg_attr(miri, ignore = "a real socket pair: not under Miri (no socket ioctls)")]
    fn a_task_cancelled_while_waiting_leaves_nothing_behind() {
        let event_loop = EventLoop::new();
        let (a, _b) = pair();
        let a = Async::new(&event_loop, a).unwrap();
        let source = Arc::clone(&a.source);
        event_loop
            .run_until_complete(async {
                let task = event_loop.spawn(async move {
                    a.readable().await;
                    unreachable!("nothing was written");
                });
                iterations(&event_loop, 3).await;
                assert_eq!(source.waiters(), 1, "the task waits on the socket");
                assert_eq!(event_loop.shared.reactor.len(), 1);
                task.cancel();
                assert!(matches!(task.await, Err(JoinError::Cancelled)));
            })
            .unwrap();
        // The task's future is gone, and with it the `Async`: deregistered, no waker kept,
        // the source referenced by this test only.
        assert_eq!(event_loop.shared.reactor.len(), 0);
        assert_eq!(source.waiters(), 0);
        assert_eq!(Arc::strong_count(&source), 1);
    }

    #[test]
    #[cfg_attr(miri, ignore = "a real socket pair: not under Miri (no socket ioctls)")]
    fn a_readiness_future_dropped_while_waiting_takes_its_waker_back() {
        let event_loop = EventLoop::new();
        let (a, _b) = pair();
        let a = Async::new(&event_loop, a).unwrap();
        event_loop
            .run_until_complete(async {
                let mut readable = std::pin::pin!(a.readable());
                let polled = std::future::poll_fn(|cx| {
                    std::task::Poll::Ready(readable.as_mut().poll(cx).is_pending())
                })
                .await;
                assert!(polled, "pending with nothing to read");
                assert_eq!(a.source.waiters(), 1);
            })
            .unwrap();
        assert_eq!(a.source.waiters(), 0);
        assert_eq!(
            event_loop.shared.reactor.len(),
            1,
            "the socket stays registered"
        );
    }
}
