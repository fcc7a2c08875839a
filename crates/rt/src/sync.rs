//! The `JoinHandle` cell's lock and flag word: std's, or loom's under `--cfg aio_loom`
//! (`just loom`), so that the `loom_models` test module can explore every interleaving of
//! their critical sections. Only these `use` lines differ; the logic is the same code.

#[cfg(aio_loom)]
pub(crate) use loom::sync::atomic::AtomicU64;
#[cfg(aio_loom)]
pub(crate) use loom::sync::{Mutex, MutexGuard};
#[cfg(not(aio_loom))]
pub(crate) use std::sync::atomic::AtomicU64;
#[cfg(not(aio_loom))]
pub(crate) use std::sync::{Mutex, MutexGuard};
