//! Definition of [`Instant`], a point on a runtime's clock.

use std::fmt;
use std::ops::{Add, Sub};
use std::time::Duration;

/// A point in time on one runtime's clock, measured from the moment the runtime was created.
///
/// Python: the float returned by `loop.time()`
///
/// asyncio's loop has its own monotonic clock (`loop.time()`), and deadlines such as
/// `loop.call_at(when, ...)` are read on it. `Instant` is that clock: on a runtime in
/// [`Clock::Real`](crate::Clock::Real) it follows the wall clock; on a runtime in
/// [`Clock::Virtual`](crate::Clock::Virtual) it only moves when every task is idle and a
/// timer is due, so it starts at zero and reads exact values (three one-second sleeps in a
/// row end at exactly 3 s); on a runtime in [`Clock::Warp`](crate::Clock::Warp) it follows
/// the wall clock plus the idle waits it skipped.
///
/// Instants of different runtimes are not comparable: each starts at zero.
///
/// # Examples
///
/// ```
/// use aio_rt::Instant;
/// use std::time::Duration;
///
/// let t = Instant::ZERO + Duration::from_secs(3);
/// assert_eq!(t.as_secs_f64(), 3.0);
/// assert_eq!(t - Instant::ZERO, Duration::from_secs(3));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(Duration);

impl Instant {
    /// The moment the runtime was created.
    ///
    /// Python: none (asyncio's clock has an arbitrary origin; ours starts at zero)
    pub const ZERO: Instant = Instant(Duration::ZERO);

    /// The instant `since_start` after the runtime was created.
    ///
    /// Python: none (a float in Python)
    pub const fn from_start(since_start: Duration) -> Instant {
        Instant(since_start)
    }

    /// How long after the runtime's creation this instant is.
    ///
    /// Python: none (a float in Python)
    pub const fn since_start(self) -> Duration {
        self.0
    }

    /// This instant in seconds since the runtime's creation, as `loop.time()` reads it.
    ///
    /// Python: `loop.time()`
    pub fn as_secs_f64(self) -> f64 {
        self.0.as_secs_f64()
    }

    /// The time from `earlier` to `self`, or zero when `earlier` is later.
    ///
    /// Python: `b - a` on two `loop.time()` floats (which can be negative; this saturates)
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        self.0.saturating_sub(earlier.0)
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;

    fn add(self, rhs: Duration) -> Instant {
        Instant(self.0.saturating_add(rhs))
    }
}

impl Sub for Instant {
    type Output = Duration;

    /// Saturates at zero, like [`Instant::saturating_duration_since`].
    fn sub(self, rhs: Instant) -> Duration {
        self.saturating_duration_since(rhs)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Instant({:?})", self.0)
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3}s", self.0.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates() {
        let a = Instant::from_start(Duration::from_secs(1));
        let b = Instant::from_start(Duration::from_secs(3));
        assert_eq!(b - a, Duration::from_secs(2));
        assert_eq!(a - b, Duration::ZERO);
        assert_eq!(a + Duration::MAX, Instant::from_start(Duration::MAX));
        assert_eq!(format!("{b}"), "3.000s");
    }
}
