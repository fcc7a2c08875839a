//! The hand-off between a generator and its body: the only module of the workspace with
//! `unsafe` code.
//!
//! Python: none (Rust only: CPython's generator hands a value from `yield` to `anext` on
//! its own frame stack, under the GIL; Rust needs a place both sides can reach)
//!
//! # Why `unsafe`
//!
//! Every item goes from the body's [`Co::yield_`](crate::Co::yield_) to the generator's
//! `poll_next`. Through an `Arc<Mutex<..>>` that cost 13 ns per item (two lock/unlock
//! pairs, four atomic read-modify-writes), ten times a hand-written `Stream`; a safe
//! thread-local exchange measured slower still. Here the item goes through an
//! [`UnsafeCell`] guarded by an atomic state, and the hot path (one item out, no input in)
//! is three plain loads and two plain stores with acquire/release ordering: no lock, no
//! read-modify-write.
//!
//! # The rules that make it sound
//!
//! [`pair`] makes one [`Slot`] and its two ends: [`CoEnd`] (the body's, inside its [`Co`])
//! and [`GenEnd`] (the generator's). Neither end is `Clone` or `Copy`, and every method that
//! touches a cell takes the end by `&mut self`, so each side is one party: even if the `Co`
//! is moved, sent to another thread or leaked, at most one thread at a time acts for each
//! side. (A `Co` is not `Clone`, and a body has exactly one.)
//!
//! Two cells, each with its own state, so that each transition has one owner:
//!
//! - `out`, the yielded item, body to generator. `EMPTY -> FULL` only by the body (after it
//!   wrote the item), `FULL -> EMPTY` only by the generator (after it took it). A single
//!   producer and a single consumer need no read-modify-write: whoever sees the state that
//!   lets it act is the only one who can change that state, so the other side keeps off
//!   the cell until it is handed over with a release store.
//! - `input`, what a resumed yield evaluates to, generator to body (`asend`, `athrow`,
//!   `aclose`; a plain `anext` delivers nothing). Rare, and an input can be left unread (a
//!   yield dropped before it was resumed), in which case the generator replaces it: two
//!   parties may then want a `FULL` cell, so each claims it by a compare-and-swap to
//!   `BUSY`, and only the winner touches the cell, until it stores `EMPTY` or `FULL`.
//!
//! Invariants: a cell in state `EMPTY` holds `None`; no user code (no `Drop`, nothing that
//! can panic) runs between a side's decision to touch a cell and its release store that
//! hands the cell back, because values are only moved in and out, and a value replaced is
//! dropped after that store. So a panic (in the body, or in a value's `Drop`) can never leave a cell `BUSY` or half
//! written, and dropping the generator mid-yield (its end, or the whole body with the
//! `Co`) leaves the cells to the last `Arc`, whose drop has exclusive access.
//!
//! A misuse (a `Co` moved into another task and yielding from there) can make one side
//! find the cell in the other's hands: it never waits or spins, the body's yield stays
//! `Pending` (a `Co` used outside its body waits forever, as documented on [`Co`]) and the
//! generator's request fails with
//! [`GeneratorError::AlreadyRunning`](crate::GeneratorError::AlreadyRunning).
//!
//! [`Co`]: crate::Co

#![allow(unsafe_code)]

use std::cell::UnsafeCell;
use std::fmt;
use std::mem::MaybeUninit;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::task::Poll;

/// What the generator delivers to a paused `yield_` when it resumes the body.
pub(crate) enum Input<S, E> {
    /// `asend(s)`: the yield evaluates to `Some(s)`.
    Send(S),
    /// `athrow(e)`: the yield raises `e`.
    Throw(E),
    /// `aclose()`: the yield raises `GeneratorExit`.
    Close,
}

/// The cell holds `None`; in `out`, only the body may fill it, in `input`, only the
/// generator (after a claim).
const EMPTY: u8 = 0;
/// The cell holds a value; in `out`, only the generator may take it, in `input`, either
/// side may claim it.
const FULL: u8 = 1;
/// `input` only: the side whose compare-and-swap set this owns the cell.
const BUSY: u8 = 2;

/// The state shared by a generator and its body: one item going out, one input coming in.
pub(crate) struct Slot<T, S, E> {
    out_state: AtomicU8,
    /// Initialized exactly when `out_state` is FULL.
    out: UnsafeCell<MaybeUninit<T>>,
    input_state: AtomicU8,
    input: UnsafeCell<Option<Input<S, E>>>,
}

// SAFETY: `&Slot` is shared by the two ends, possibly on two threads. The cells are only
// read and written under the state protocol in the module docs (one owner at a time, with
// acquire/release handing the cell over), and values only move through them, whole: no
// `&T` is ever given out, so a `T` is sent from one thread to another, never shared. That
// needs `T: Send` (and the same for `S` and `E`), not `Sync`; as `Mutex<T>: Sync` does.
unsafe impl<T: Send, S: Send, E: Send> Sync for Slot<T, S, E> {}

/// Makes a slot and its two ends, the only two.
pub(crate) fn pair<T, S, E>() -> (CoEnd<T, S, E>, GenEnd<T, S, E>) {
    let slot = Arc::new(Slot {
        out_state: AtomicU8::new(EMPTY),
        out: UnsafeCell::new(MaybeUninit::uninit()),
        input_state: AtomicU8::new(EMPTY),
        input: UnsafeCell::new(None),
    });
    (CoEnd { slot: slot.clone() }, GenEnd { slot })
}

/// The body's end (inside its [`Co`](crate::Co)): puts items out, takes inputs.
///
/// Not `Clone`: there is one per slot, so one body side.
pub(crate) struct CoEnd<T, S, E> {
    slot: Arc<Slot<T, S, E>>,
}

/// The generator's end: takes items, puts inputs.
///
/// Not `Clone`: there is one per slot, so one generator side.
pub(crate) struct GenEnd<T, S, E> {
    slot: Arc<Slot<T, S, E>>,
}

impl<T, S, E> CoEnd<T, S, E> {
    /// Hands `value` out; gives it back if the previous item has not been taken yet.
    pub(crate) fn put_out(&mut self, value: T) -> Result<(), T> {
        let slot = &*self.slot;
        // Acquire: pairs with the generator's release store of EMPTY, so its take of the
        // previous item happens before the write below.
        if slot.out_state.load(Ordering::Acquire) != EMPTY {
            return Err(value);
        }
        // SAFETY: the state is EMPTY and only this end moves `out` away from EMPTY; this end
        // is borrowed mutably, so no other call of it runs on any thread. The generator
        // touches `out` only after it sees FULL, which nobody but us can store. So until the
        // store below, the cell is ours alone. EMPTY means uninitialized: nothing is
        // overwritten (or leaked).
        unsafe { &mut *slot.out.get() }.write(value);
        // Release: the item written above is visible to whoever sees FULL with acquire.
        slot.out_state.store(FULL, Ordering::Release);
        Ok(())
    }

    /// Takes what the generator delivered: `Ready(None)` for a plain `anext()` (nothing),
    /// `Pending` if the generator is writing an input this very moment (only possible when
    /// the body's `Co` is used outside the generator's poll, from another thread).
    pub(crate) fn take_input(&mut self) -> Poll<Option<Input<S, E>>> {
        let slot = &*self.slot;
        // The hot path: nothing delivered, nothing touched.
        if slot.input_state.load(Ordering::Acquire) == EMPTY {
            return Poll::Ready(None);
        }
        // Acquire on success: pairs with the generator's release store of FULL.
        if slot
            .input_state
            .compare_exchange(FULL, BUSY, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            return Poll::Pending;
        }
        // SAFETY: our compare-and-swap moved `input` from FULL to BUSY; every access to
        // `input` (ours and the generator's) is preceded by such a successful claim, and a
        // BUSY cell cannot be claimed, so until the store below the cell is ours alone.
        let taken = unsafe { &mut *slot.input.get() }.take();
        // Release: our take happens before the generator's next claim.
        slot.input_state.store(EMPTY, Ordering::Release);
        Poll::Ready(taken)
    }
}

impl<T, S, E> GenEnd<T, S, E> {
    /// Takes the item the body handed out, if it did.
    pub(crate) fn take_out(&mut self) -> Option<T> {
        let slot = &*self.slot;
        // Acquire: pairs with the body's release store of FULL, so its write is visible.
        if slot.out_state.load(Ordering::Acquire) != FULL {
            return None;
        }
        // SAFETY: the state is FULL and only this end moves `out` away from FULL; this end
        // is borrowed mutably, so no other call of it runs on any thread. The body touches
        // `out` only after it sees EMPTY, which nobody but us can store. So until the store
        // below, the cell is ours alone. FULL means initialized (by `put_out`, whose write
        // our acquire load made visible); the value is moved out once, as the state goes
        // back to EMPTY (uninitialized) at once.
        let taken = unsafe { (*slot.out.get()).assume_init_read() };
        // Release: our read happens before the body's next write.
        slot.out_state.store(EMPTY, Ordering::Release);
        Some(taken)
    }

    /// Delivers what the paused yield will see when resumed, replacing an input left
    /// unread. Gives it back if the body's side holds the cell this very moment (only
    /// possible when its `Co` is used outside the generator's poll, from another thread).
    pub(crate) fn put_input(&mut self, input: Input<S, E>) -> Result<(), Input<S, E>> {
        let slot = &*self.slot;
        let seen = slot.input_state.load(Ordering::Relaxed);
        // Acquire on success: pairs with the release store of whoever had the cell last.
        if seen == BUSY
            || slot
                .input_state
                .compare_exchange(seen, BUSY, Ordering::Acquire, Ordering::Relaxed)
                .is_err()
        {
            return Err(input);
        }
        // SAFETY: our compare-and-swap moved `input` from EMPTY or FULL to BUSY; every
        // access to `input` (ours and the body's) is preceded by such a successful claim,
        // and a BUSY cell cannot be claimed, so until the store below the cell is ours
        // alone.
        let stale = unsafe { &mut *slot.input.get() }.replace(input);
        // Release: our write is visible to whoever claims FULL next.
        slot.input_state.store(FULL, Ordering::Release);
        // An input never read (its yield was dropped) is replaced, and dropped here, out of
        // the critical section: its `Drop` may run user code, even panic.
        drop(stale);
        Ok(())
    }
}

impl<T, S, E> Drop for Slot<T, S, E> {
    fn drop(&mut self) {
        // `&mut self`: the last `Arc` is gone, and its drop synchronized with every other
        // end's last access (as `Arc` does), so the cell is ours without atomics.
        if *self.out_state.get_mut() == FULL {
            // SAFETY: FULL means initialized (see `out`), and nothing reads it after this.
            unsafe { self.out.get_mut().assume_init_drop() };
        }
    }
}

impl<T, S, E> fmt::Debug for Slot<T, S, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Slot")
            .field("out_state", &self.out_state.load(Ordering::Relaxed))
            .field("input_state", &self.input_state.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl<T, S, E> fmt::Debug for CoEnd<T, S, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CoEnd").field("slot", &self.slot).finish()
    }
}

impl<T, S, E> fmt::Debug for GenEnd<T, S, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GenEnd").field("slot", &self.slot).finish()
    }
}

#[cfg(test)]
mod tests {
    //! Every transition of both cells, drops, and two threads racing for them. Run under
    //! Miri: `cargo +nightly miri test -p aio-generators --lib`.

    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::thread;

    fn send(input: Option<Input<u32, &'static str>>) -> Option<u32> {
        match input {
            Some(Input::Send(s)) => Some(s),
            _ => None,
        }
    }

    #[test]
    fn out_empty_full_empty() {
        let (mut co, mut generator) = pair::<String, u32, &str>();
        assert_eq!(generator.take_out(), None, "EMPTY: nothing to take");
        assert_eq!(co.put_out("a".into()), Ok(()), "EMPTY -> FULL");
        assert_eq!(
            co.put_out("b".into()),
            Err("b".into()),
            "FULL: the body keeps its item"
        );
        assert_eq!(generator.take_out().as_deref(), Some("a"), "FULL -> EMPTY");
        assert_eq!(generator.take_out(), None);
        assert_eq!(co.put_out("c".into()), Ok(()), "EMPTY -> FULL again");
        assert_eq!(generator.take_out().as_deref(), Some("c"));
    }

    #[test]
    fn input_empty_full_empty() {
        let (mut co, mut generator) = pair::<(), u32, &str>();
        assert_eq!(co.take_input().map(send), Poll::Ready(None), "EMPTY: anext");
        assert!(generator.put_input(Input::Send(1)).is_ok(), "EMPTY -> FULL");
        assert_eq!(
            co.take_input().map(send),
            Poll::Ready(Some(1)),
            "FULL -> EMPTY"
        );
        assert_eq!(co.take_input().map(send), Poll::Ready(None), "read once");
    }

    #[test]
    fn an_unread_input_is_replaced() {
        let (mut co, mut generator) = pair::<(), u32, &str>();
        assert!(generator.put_input(Input::Throw("stale")).is_ok());
        assert!(generator.put_input(Input::Send(2)).is_ok(), "FULL -> FULL");
        assert_eq!(co.take_input().map(send), Poll::Ready(Some(2)));
        assert!(generator.put_input(Input::Close).is_ok());
        assert!(matches!(co.take_input(), Poll::Ready(Some(Input::Close))));
    }

    #[test]
    fn a_busy_input_is_refused_on_both_sides() {
        let (mut co, mut generator) = pair::<(), u32, &str>();
        // The other side holding the cell, as a thread racing us would.
        co.slot.input_state.store(BUSY, Ordering::Relaxed);
        assert!(matches!(
            generator.put_input(Input::Send(3)),
            Err(Input::Send(3))
        ));
        assert!(co.take_input().is_pending());
        co.slot.input_state.store(EMPTY, Ordering::Relaxed);
        assert!(generator.put_input(Input::Send(3)).is_ok());
        assert_eq!(co.take_input().map(send), Poll::Ready(Some(3)));
    }

    /// Counts its drops, to see every value dropped exactly once.
    struct Counted<'a>(&'a AtomicUsize);

    impl Drop for Counted<'_> {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn values_left_in_the_cells_are_dropped_once_with_the_last_end() {
        let drops = AtomicUsize::new(0);
        let (mut co, mut generator) = pair::<Counted<'_>, Counted<'_>, ()>();
        assert!(co.put_out(Counted(&drops)).is_ok());
        assert!(generator.put_input(Input::Send(Counted(&drops))).is_ok());
        assert!(generator.put_input(Input::Send(Counted(&drops))).is_ok());
        assert_eq!(drops.load(Ordering::Relaxed), 1, "the replaced input");
        drop(generator);
        assert_eq!(
            drops.load(Ordering::Relaxed),
            1,
            "the body's end still holds the slot"
        );
        drop(co);
        assert_eq!(drops.load(Ordering::Relaxed), 3, "the item and the input");
    }

    #[test]
    fn two_threads_hand_items_over_without_loss() {
        const ITEMS: u32 = 200;
        let (mut co, mut generator) = pair::<Box<u32>, u32, ()>();
        let producer = thread::spawn(move || {
            for i in 0..ITEMS {
                let mut item = Box::new(i);
                while let Err(back) = co.put_out(item) {
                    item = back;
                    thread::yield_now();
                }
            }
            co
        });
        let mut next = 0;
        while next < ITEMS {
            match generator.take_out() {
                Some(item) => {
                    assert_eq!(*item, next, "in order, each once");
                    next += 1;
                }
                None => thread::yield_now(),
            }
        }
        let _co = producer.join().unwrap();
        assert_eq!(generator.take_out(), None);
    }

    #[test]
    fn a_co_that_yields_from_another_thread_stays_sound() {
        use crate::{AsyncGenerator, Co};
        use futures_lite::StreamExt;
        use futures_lite::future::block_on;
        use std::future::Future;
        use std::pin::pin;
        use std::task::{Context, Waker};

        // The body sends its `Co` to a thread that yields 7 from there, then yields 8
        // itself while 7 is still in the slot: 8 waits its turn, nothing is lost.
        let mut agen = AsyncGenerator::new(|co: Co<u32>| async move {
            let mut co = thread::spawn(move || {
                let mut co = co;
                {
                    let mut escaped = pin!(co.yield_(7));
                    let pending = escaped
                        .as_mut()
                        .poll(&mut Context::from_waker(Waker::noop()));
                    assert!(pending.is_pending());
                }
                co
            })
            .join()
            .unwrap();
            co.yield_(8).await?;
            Ok(())
        });
        assert_eq!(block_on(agen.next()), Some(Ok(7)));
        assert_eq!(block_on(agen.next()), Some(Ok(8)));
        assert_eq!(block_on(agen.next()), None);
    }

    #[test]
    fn two_threads_claim_the_input_one_at_a_time() {
        const INPUTS: u32 = 100;
        let (mut co, mut generator) = pair::<(), Box<u32>, ()>();
        let sent = std::sync::Arc::new(AtomicUsize::new(0));
        let consumer = thread::spawn(move || {
            let mut received = Vec::new();
            while received.last() != Some(&(INPUTS - 1)) {
                match co.take_input() {
                    Poll::Ready(Some(Input::Send(value))) => received.push(*value),
                    Poll::Ready(Some(_)) => unreachable!("only sends are put"),
                    Poll::Ready(None) | Poll::Pending => thread::yield_now(),
                }
            }
            received
        });
        for i in 0..INPUTS {
            let mut input = Input::Send(Box::new(i));
            // Refused while the body's side holds the cell; a FULL cell is replaced.
            while let Err(back) = generator.put_input(input) {
                input = back;
                thread::yield_now();
            }
            sent.fetch_add(1, Ordering::Relaxed);
        }
        let received = consumer.join().unwrap();
        assert!(
            received.windows(2).all(|w| w[0] < w[1]),
            "each input read at most once, in order: {received:?}"
        );
        assert_eq!(sent.load(Ordering::Relaxed), INPUTS as usize);
    }
}
