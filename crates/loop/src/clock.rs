//! The loop's clock: `loop.time()`, on the wall clock or on a virtual one.
//!
//! Time is kept in signed nanoseconds since the loop was created: signed because asyncio
//! accepts deadlines in the past (`call_later(-1, cb)` is due at once, before a
//! `call_later(0, cb)` made earlier).

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
        }
    }

    pub(crate) fn kind(&self) -> Clock {
        match self {
            LoopClock::Real { .. } => Clock::Real,
            LoopClock::Virtual { .. } => Clock::Virtual,
        }
    }

    /// Nanoseconds since the loop's creation.
    pub(crate) fn now(&self) -> i64 {
        match self {
            LoopClock::Real { epoch } => {
                i64::try_from(epoch.elapsed().as_nanos()).unwrap_or(i64::MAX)
            }
            LoopClock::Virtual { now } => now.load(Ordering::Acquire),
        }
    }

    /// Virtual clock only: moves the clock forward to `when` (never backwards: a timer
    /// due in the past runs at the current time).
    pub(crate) fn advance_to(&self, when: i64) {
        if let LoopClock::Virtual { now } = self {
            now.fetch_max(when, Ordering::AcqRel);
        }
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
}
