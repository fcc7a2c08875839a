//! The adapters: each hands `Core`'s wrapped futures to one runtime's executor.

#[cfg(feature = "async-std")]
pub(crate) mod async_std;
#[cfg(feature = "smol")]
pub(crate) mod smol;
#[cfg(feature = "tokio")]
pub(crate) mod tokio;
