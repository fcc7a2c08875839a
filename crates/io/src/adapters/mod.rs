//! The [`Net`](crate::Net) implementations, one per runtime, each behind its feature.

#[cfg(feature = "aio-loop")]
mod aio_loop;
#[cfg(feature = "async-std")]
mod async_std;
#[cfg(feature = "smol")]
mod smol;
#[cfg(feature = "tokio")]
mod tokio;

#[cfg(feature = "aio-loop")]
pub use self::aio_loop::{LoopReadHalf, LoopTcpListener, LoopTcpStream, LoopWriteHalf};
#[cfg(feature = "async-std")]
pub use self::async_std::AsyncStdWriteHalf;
#[cfg(feature = "smol")]
pub use self::smol::{SmolReadHalf, SmolWriteHalf};
#[cfg(feature = "tokio")]
pub use self::tokio::{TokioReadHalf, TokioTcpListener, TokioTcpStream, TokioWriteHalf};
