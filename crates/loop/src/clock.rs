//! The loop's clock: `loop.time()`, on the wall clock, on a virtual one, or on the warp
//! clock (the wall clock with idle waits skipped).
//!
//! Time is kept in signed nanoseconds since the loop was created: signed because asyncio
//! accepts deadlines in the past (`call_later(-1, cb)` is due at once, before a
//! `call_later(0, cb)` made earlier).

use std::cell::Cell;
use std::sync::atomic::{AtomicI64, Ordering};

use aio_rt::Clock;

/// The wall clock since the loop's creation, or a virtual clock the loop moves itself.
#[derive(Debug)]
pub(crate) enum LoopClock {
    Real {
        epoch: std::time::Instant,
    },
    /// Moved only by the loop, when nothing is ready: it jumps to the next timer.
    Virtual {
        now: AtomicI64,
    },
    /// The wall clock plus the idle waits skipped: the loop jumps it to the next timer
    /// when nothing is ready and no executor job runs, as the virtual clock.
    Warp {
        epoch: std::time::Instant,
        skipped: AtomicI64,
    },
}

impl LoopClock {
    pub(crate) fn new(clock: Clock) -> LoopClock {
        match clock {
            Clock::Real => LoopClock::Real {
                epoch: std::time::Instant::now(),
            },
            Clock::Virtual => LoopClock::Virtual {
                now: AtomicI64::new(0),
            },
            Clock::Warp => LoopClock::Warp {
                epoch: std::time::Instant::now(),
                skipped: AtomicI64::new(0),
            },
        }
    }

    pub(crate) fn kind(&self) -> Clock {
        match self {
            LoopClock::Real { .. } => Clock::Real,
            LoopClock::Virtual { .. } => Clock::Virtual,
            LoopClock::Warp { .. } => Clock::Warp,
        }
    }

    /// Nanoseconds since the loop's creation.
    pub(crate) fn now(&self) -> i64 {
        match self {
            LoopClock::Real { epoch } => {
                i64::try_from(epoch.elapsed().as_nanos()).unwrap_or(i64::MAX)
            }
            LoopClock::Virtual { now } => now.load(Ordering::Acquire),
            LoopClock::Warp { epoch, skipped } => i64::try_from(epoch.elapsed().as_nanos())
                .unwrap_or(i64::MAX)
                .saturating_add(skipped.load(Ordering::Acquire)),
        }
    }

    /// The time `call_later` counts from: the time read when the current batch of callbacks
    /// began, if this thread is running that batch for this loop, else [`now`](Self::now).
    ///
    /// One clock read per iteration rather than one per timer, as libuv (so uvloop) and
    /// tokio do; asyncio reads `time.monotonic()` in every `call_later`. The difference is
    /// the time the batch has run so far: a callback that blocks the loop makes the timers
    /// scheduled after it in the same batch due that much earlier than asyncio would.
    pub(crate) fn timer_base(&self) -> i64 {
        let this = self as *const LoopClock as usize;
        match BATCH.with(Cell::get) {
            Some((clock, now)) if clock == this => now,
            _ => self.now(),
        }
    }

    /// Marks the start of a batch of callbacks, read at `now`, on this thread; the batch ends
    /// when the guard is dropped (also when a panic unwinds through it).
    pub(crate) fn batch(&self, now: i64) -> Batch {
        if let LoopClock::Real { .. } | LoopClock::Warp { .. } = self {
            BATCH.with(|batch| batch.set(Some((self as *const LoopClock as usize, now))));
        }
        Batch
    }

    /// Virtual and warp clocks: moves the clock forward to `when` (never backwards: a
    /// timer due in the past runs at the current time). Only the loop's thread moves it.
    pub(crate) fn advance_to(&self, when: i64) {
        match self {
            LoopClock::Virtual { now } => {
                now.fetch_max(when, Ordering::AcqRel);
            }
            LoopClock::Warp { skipped, .. } => {
                let ahead = when.saturating_sub(self.now());
                if ahead > 0 {
                    skipped.fetch_add(ahead, Ordering::AcqRel);
                }
            }
            LoopClock::Real { .. } => {}
        }
    }
}

thread_local! {
    /// The loop clock (by address) whose batch of callbacks this thread is running, and the
    /// time read when it began. One loop runs per thread, so one entry is enough.
    static BATCH: Cell<Option<(usize, i64)>> = const { Cell::new(None) };
}

/// Ends the batch [`LoopClock::batch`] began, when dropped.
#[derive(Debug)]
pub(crate) struct Batch;

impl Drop for Batch {
    fn drop(&mut self) {
        BATCH.with(|batch| batch.set(None));
    }
}

/// Seconds, as asyncio counts them (a float), to nanoseconds. Saturates; NaN gives 0.
pub(crate) fn secs_to_nanos(secs: f64) -> i64 {
    // `as` saturates at the bounds and maps NaN to 0: no input can panic here.
    (secs * 1e9).round() as i64
}

/// Nanoseconds to seconds.
pub(crate) fn nanos_to_secs(nanos: i64) -> f64 {
    nanos as f64 / 1e9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_saturate() {
        assert_eq!(secs_to_nanos(1.5), 1_500_000_000);
        assert_eq!(secs_to_nanos(-1.0), -1_000_000_000);
        assert_eq!(secs_to_nanos(f64::INFINITY), i64::MAX);
        assert_eq!(secs_to_nanos(f64::NEG_INFINITY), i64::MIN);
        assert_eq!(secs_to_nanos(f64::NAN), 0);
        assert_eq!(nanos_to_secs(2_500_000_000), 2.5);
    }

    #[test]
    fn the_virtual_clock_never_goes_back() {
        let clock = LoopClock::new(Clock::Virtual);
        clock.advance_to(5);
        clock.advance_to(-3);
        assert_eq!(clock.now(), 5);
    }

    #[test]
    fn the_warp_clock_follows_real_time_and_jumps() {
        let clock = LoopClock::new(Clock::Warp);
        let start = clock.now();
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(clock.now() - start >= 5_000_000, "real time counts");
        let target = clock.now() + 10_000_000_000;
        clock.advance_to(target);
        let after = clock.now();
        assert!(
            after >= target && after - target < 1_000_000_000,
            "{after} vs {target}"
        );
        clock.advance_to(0);
        assert!(clock.now() >= after, "never backwards");
    }

    #[test]
    fn call_later_counts_from_the_iteration_inside_the_loop_and_from_now_outside() {
        use std::sync::{Arc, Mutex};
        use std::time::Duration;

        let event_loop = crate::EventLoop::new();
        // Outside the loop the clock is read at each call: 2 ms apart, 2 ms later.
        let before = event_loop.call_later(0.0, || ()).when();
        std::thread::sleep(Duration::from_millis(2));
        let after = event_loop.call_later(0.0, || ()).when();
        assert!(after - before >= 0.002, "{before} then {after}");
        // Inside, both count from the time the iteration began, however long the
        // callback blocks between them.
        let whens = Arc::new(Mutex::new(Vec::new()));
        let (inside, seen) = (event_loop.clone(), whens.clone());
        event_loop.call_soon(move || {
            let first = inside.call_later(0.0, || ()).when();
            std::thread::sleep(Duration::from_millis(2));
            let second = inside.call_later(0.0, || ()).when();
            seen.lock().unwrap().extend([first, second]);
            let stopper = inside.clone();
            inside.call_soon(move || stopper.stop());
        });
        event_loop.run_forever().unwrap();
        let whens = whens.lock().unwrap();
        assert_eq!(whens[0], whens[1]);
        // And the batch is over: outside again, the clock is read at the call.
        assert!(event_loop.call_later(0.0, || ()).when() > whens[1]);
    }
}
