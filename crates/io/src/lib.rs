//! Why asyncio exists: I/O-bound concurrency. TCP on every runtime behind one trait,
//! asyncio's streams, and the demo that makes the claim concrete: ten thousand
//! connections served by one thread, with a fraction of the memory of one thread each.
//!
//! asyncio's own justification is I/O: while one request waits for the network, the loop
//! serves the others, so thousands of connections fit in one thread. Here is asyncio's
//! echo server and a client, and the same in Rust, generic over the runtime:
//!
//! ```python
//! import asyncio
//!
//! async def echo(reader, writer):
//!     while line := await reader.readline():
//!         writer.write(line)
//!         await writer.drain()
//!     writer.close()
//!     await writer.wait_closed()
//!
//! async def main():
//!     server = await asyncio.start_server(echo, "127.0.0.1", 0)
//!     reader, writer = await asyncio.open_connection(*server.sockets[0].getsockname())
//!     writer.write(b"hello\n")
//!     await writer.drain()
//!     print(await asyncio.wait_for(reader.readline(), 1.0))
//!     writer.close()
//!     await writer.wait_closed()
//!     server.close()
//!     await server.wait_closed()
//!
//! asyncio.run(main())
//! ```
//!
//! ```
//! use aio_io::{open_connection, start_server, wait_for, Net, StreamError};
//! use aio_rt::Runtime;
//! use std::time::Duration;
//!
//! async fn main_<R: Net>(rt: R) -> Result<Vec<u8>, StreamError> {
//!     let server = start_server(&rt, "127.0.0.1:0".parse().unwrap(), |mut reader, mut writer| async move {
//!         while let Ok(line) = reader.readline().await {
//!             if line.is_empty() { break }
//!             writer.write(&line);
//!             if writer.drain().await.is_err() { break }
//!         }
//!         let _ = writer.close().wait_closed().await;
//!     })?;
//!     let (mut reader, mut writer) = open_connection(&rt, server.local_addr()).await?;
//!     writer.write(b"hello\n");
//!     writer.drain().await?;
//!     let line = wait_for(&rt, Duration::from_secs(1), reader.readline()).await??;
//!     writer.close().wait_closed().await?;
//!     server.close();
//!     server.wait_closed().await;
//!     Ok(line)
//! }
//!
//! let rt = aio_rt::Smol::new();
//! assert_eq!(rt.block_on(main_(rt.clone())).unwrap(), b"hello\n");
//! ```
//!
//! # What is inside
//!
//! | asyncio | Rust |
//! |---|---|
//! | the loop's sockets (`create_server`, `create_connection`, `sock_accept`) | [`Net`], [`TcpListener`], [`TcpStream`] |
//! | `asyncio.open_connection(host, port)` | [`open_connection`] |
//! | `asyncio.open_connection(sock=sock)` | [`open_connection_sock`] |
//! | `asyncio.start_server(cb, host, port)`, `asyncio.Server` | [`start_server`], [`Server`] |
//! | `asyncio.start_server(cb, sock=sock)` | [`start_server_sock`] |
//! | `writer.get_extra_info('peername' / 'sockname' / 'socket')` | [`StreamWriter::peername`], [`StreamWriter::sockname`], [`StreamWriter::socket`] (also on [`StreamReader`]) |
//! | `asyncio.StreamReader` (`read`, `readline`, `readuntil`, `readexactly`, `at_eof`) | [`StreamReader`] |
//! | `asyncio.StreamWriter` (`write`, `drain`, `close`, `wait_closed`) | [`StreamWriter`], [`Closing`] |
//! | `asyncio.wait_for(aw, timeout)` | [`wait_for`] (the full one comes with `aio-wait`) |
//! | `IncompleteReadError`, `LimitOverrunError`, `TimeoutError`, `OSError` | [`IncompleteReadError`], [`LimitOverrunError`], [`TimeoutError`], [`StreamError`] |
//! | `resource.setrlimit(RLIMIT_NOFILE, ...)` | [`limits::ensure_open_files`] |
//! | the echo demo | [`echo`] (async), [`echo::threads`] (one OS thread per connection), [`echo::process`] (two processes) |
//! | the "fetch many" demo: `Semaphore(50)` and `gather(..., return_exceptions=True)` | [`fetch`] ([`fetch::fetch_many`]) |
//!
//! # Runtimes
//!
//! [`Net`] is a capability beside [`aio_rt::Runtime`]: code that needs sockets asks for
//! `R: Net`, and a runtime without I/O does not implement it, so the mistake is a compile
//! error, not a panic at run time.
//!
//! | runtime | feature | sockets | reactor runs on |
//! |---|---|---|---|
//! | [`aio_rt::Tokio`] `current_thread` | `tokio` | `tokio::net` | the thread in `block_on` |
//! | [`aio_rt::Tokio`] `multi_thread` | `tokio` | `tokio::net` | the two workers |
//! | [`aio_rt::AsyncStd`] | `async-std` | `async_std::net` | async-io's reactor (async-std's pool) |
//! | [`aio_rt::Smol`] | `smol` | `smol::net` (async-net) | async-io's reactor, driven by the thread in `block_on` |
//! | [`aio_loop::EventLoop`] | `aio-loop` | std's sockets in [`aio_loop::Async`] | the loop's own selector (mio), driven by the thread running the loop, in each iteration as asyncio's `_run_once` |
//!
//! # Virtual time
//!
//! The streams run on the virtual clock too, on every runtime: before the clock moves
//! (or declares a run stalled), it looks at the sockets tasks wait on, and a socket that
//! is ready wakes its task at the current instant, as asyncio's loop selects before it
//! moves on. `aio-rt`'s adapters do it through [`Watched`] (each wait is told to the
//! clock with a zero-timeout readiness check), `aio-loop` through its own selector. So a
//! loopback echo server and client keep exact virtual times (`tests/virtual_time.rs`).
//! A peer outside the process that answers later than the clock's short margin (20 ms of
//! real time) looks idle, and the clock moves past it: real networks belong to the real
//! clock. [`StreamError::VirtualClock`] is left for a runtime whose virtual clock cannot
//! see its sockets ([`Net::sockets_in_virtual_time`]).
//!
//! # The peer and the socket
//!
//! asyncio's `get_extra_info`: [`StreamWriter::peername`], [`StreamWriter::sockname`] and
//! [`StreamWriter::socket`] (and the same on the reader), inside a
//! [`start_server`] handler too. A socket the program already has becomes a stream with
//! [`open_connection_sock`] and a server with [`start_server_sock`] (asyncio's `sock=`).
//!
//! # The benchmark
//!
//! ```text
//! cargo run --release -p aio-io --example echo_bench
//! ```
//!
//! 10,000 concurrent echo connections (10 round trips each, server and clients in two
//! processes) on each runtime, on one OS thread per connection, and on CPython asyncio
//! (`harness/bench/io_echo.py`). On the project's 2-core machine, 2026-11-24, while a
//! `flake-check` ran beside it (wall times move by tens of percent between runs; memory
//! and CPU per round trip are steady); CPython's row is from an earlier run that day:
//!
//! | server | wall | round trips/s | peak RSS per connection | CPU per round trip (user + kernel) |
//! |---|---|---|---|---|
//! | tokio (current_thread) | 2.7 s | 36,900 | 1,202 B | 1.4 + 12.2 µs |
//! | tokio-mt | 2.2 s | 45,400 | 1,220 B | 2.2 + 11.9 µs |
//! | async-std | 3.0 s | 33,100 | 880 B | 2.2 + 15.9 µs |
//! | smol | 4.9 s | 20,300 | 849 B | 2.2 + 15.9 µs |
//! | aio-loop (its own selector) | 5.2 s | 19,400 | 829 B | 2.2 + 12.2 µs |
//! | a thread per connection | 5.8 s | 17,300 | 13,935 B | 2.1 + 28.0 µs |
//! | CPython 3.11 asyncio | 13.1 s | 7,600 | 5,735 B | 28.9 + 30.8 µs |
//!
//! A thread per connection costs 11.4 (tokio-mt) to 16.8 (aio-loop) times the memory of
//! a task; tokio's share includes a 128-byte-aligned readiness slot per socket and a task
//! cell aligned to 128 bytes. (Until this run each handler's future was stored twice in
//! its task, by an `async move` block that captured it and then awaited it: tokio's cell
//! was 768 bytes instead of 512, and tokio stood at 9.5 times.) The wall-time ratio
//! against CPython is bounded by the kernel: each round trip is four socket calls and
//! wake-ups of two processes sharing two cores, 12 to 16 µs of kernel time in our server
//! alone, more than a tenth of CPython's whole 60 µs: no runtime can be 10 times faster
//! than CPython here, while its user-space CPU per round trip is 13 to 20 times lower.
//!
//! # Fetch many
//!
//! [`fetch`]: 1,000 requests to a local HTTP-like server, at most 50 at a time
//! (`aio_sync::Semaphore`, asyncio's `async with sem:`), gathered in argument order with
//! `return_exceptions` (`aio_gather`, asyncio's `gather(..., return_exceptions=True)`),
//! one request failing with a 404 in its own slot. The server counts the requests in
//! flight; `tests/fetch_many.rs` asserts every response in order, the one error, and a
//! peak of exactly 50 on every runtime. Run it with
//!
//! ```text
//! cargo run -p aio-io --example fetch_many
//! ```
//!
//! # Not done yet
//!
//! Deadlines use the small [`wait_for`] here, not `aio-wait`'s.

mod adapters;
pub mod echo;
mod error;
pub mod fetch;
pub mod limits;
mod net;
mod reader;
mod server;
mod wait_for;
mod watch;
mod writer;

#[cfg(feature = "async-std")]
pub use crate::adapters::AsyncStdWriteHalf;
#[cfg(feature = "aio-loop")]
pub use crate::adapters::{LoopReadHalf, LoopTcpListener, LoopTcpStream, LoopWriteHalf};
#[cfg(feature = "smol")]
pub use crate::adapters::{SmolReadHalf, SmolWriteHalf};
#[cfg(feature = "tokio")]
pub use crate::adapters::{TokioReadHalf, TokioTcpListener, TokioTcpStream, TokioWriteHalf};
pub use crate::error::{IncompleteReadError, LimitOverrunError, StreamError, TimeoutError};
pub use crate::net::{LISTEN_BACKLOG, Net, ReadHalf, TcpListener, TcpStream, WriteHalf};
pub use crate::reader::{DEFAULT_LIMIT, StreamReader};
pub use crate::server::{
    Server, open_connection, open_connection_sock, start_server, start_server_sock,
};
pub use crate::wait_for::wait_for;
pub use crate::watch::Watched;
pub use crate::writer::{Closing, StreamWriter};
