//! Step 1: a generator, as a Rust [`Iterator`].

/// Counts down from `n` to 1, one value per `next()`.
///
/// Python: a generator,
///
/// ```python
/// def countdown(n):
///     while n > 0:
///         yield n
///         n -= 1
/// ```
///
/// A Python generator keeps its frame (the local `n` and where it stopped) between
/// `next()` calls. Here the frame is this struct: `n` is a field, and "where it stopped"
/// needs no field because there is only one `yield`. Stable Rust has no `yield` for
/// iterators, so the state machine is written by hand (`std::iter::from_fn` hides the
/// struct in a closure).
///
/// # Examples
///
/// ```
/// use aio_generators::evolution::iterator::Countdown;
///
/// assert_eq!(Countdown::new(3).collect::<Vec<_>>(), [3, 2, 1]);
/// ```
#[derive(Clone, Debug)]
pub struct Countdown {
    n: u32,
}

impl Countdown {
    /// A countdown from `n`.
    ///
    /// Python: `countdown(n)` (creating the generator runs nothing)
    pub fn new(n: u32) -> Self {
        Countdown { n }
    }
}

impl Iterator for Countdown {
    type Item = u32;

    /// Python: `next(gen)`: run to the next `yield`
    fn next(&mut self) -> Option<u32> {
        if self.n == 0 {
            return None; // StopIteration
        }
        self.n -= 1;
        Some(self.n + 1) // yield n; n -= 1
    }
}
