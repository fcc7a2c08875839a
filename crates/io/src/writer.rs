//! Definition of [`StreamWriter`] and [`Closing`]: buffered writes, drain, close.

use std::fmt;
use std::pin::Pin;

use futures_lite::io::AsyncWrite;

use crate::StreamError;

/// Writes to a byte stream: [`write`](StreamWriter::write) buffers,
/// [`drain`](StreamWriter::drain) sends.
///
/// Python: `asyncio.StreamWriter`
///
/// | asyncio | `StreamWriter` |
/// |---|---|
/// | `writer.write(data)` | [`write(data)`](StreamWriter::write) |
/// | `writer.writelines(lines)` | [`writelines(lines)`](StreamWriter::writelines) |
/// | `await writer.drain()` | [`drain()`](StreamWriter::drain) |
/// | `writer.close(); await writer.wait_closed()` | [`close()`](StreamWriter::close)`.`[`wait_closed()`](Closing::wait_closed) |
/// | `transport.get_write_buffer_size()` | [`buffered()`](StreamWriter::buffered) |
///
/// # Differences from Python
///
/// - asyncio's transport tries to send at once in `write()` and buffers only what the
///   socket refuses; `drain()` waits until the buffer is below a high-water mark. Here
///   `write()` only buffers and `drain()` sends everything: a high-water mark of zero. Bytes
///   written and never drained are sent by [`wait_closed`](Closing::wait_closed), or lost
///   if the writer is dropped.
/// - `close()` consumes the writer, so writing after close does not compile.
pub struct StreamWriter<W> {
    inner: W,
    buf: Vec<u8>,
}

impl<W: AsyncWrite + Unpin> StreamWriter<W> {
    /// A writer over `inner`.
    ///
    /// Python: `asyncio.StreamWriter(transport, ...)`
    pub fn new(inner: W) -> StreamWriter<W> {
        StreamWriter {
            inner,
            buf: Vec::new(),
        }
    }

    /// Adds `data` to the buffer; [`drain`](StreamWriter::drain) sends it.
    ///
    /// Python: `writer.write(data)`
    pub fn write(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// Adds each of `lines` to the buffer (no separator is added).
    ///
    /// Python: `writer.writelines(data)`
    pub fn writelines<I>(&mut self, lines: I)
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        for line in lines {
            self.write(line.as_ref());
        }
    }

    /// How many bytes wait in the buffer.
    ///
    /// Python: `writer.transport.get_write_buffer_size()`
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Sends the buffer, waiting while the socket is full.
    ///
    /// Python: `await writer.drain()`
    ///
    /// # Errors
    ///
    /// [`StreamError::Io`] if the peer is gone (`BrokenPipe`, `ConnectionReset`).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: bytes not yet sent stay in the buffer, in order, for the next drain.
    pub async fn drain(&mut self) -> Result<(), StreamError> {
        while !self.buf.is_empty() {
            let n = std::future::poll_fn(|cx| Pin::new(&mut self.inner).poll_write(cx, &self.buf))
                .await
                .map_err(StreamError::io("write"))?;
            if n == 0 {
                return Err(StreamError::Io {
                    op: "write",
                    source: std::io::ErrorKind::WriteZero.into(),
                });
            }
            self.buf.drain(..n);
        }
        // An idle connection holds no write buffer.
        self.buf = Vec::new();
        std::future::poll_fn(|cx| Pin::new(&mut self.inner).poll_flush(cx))
            .await
            .map_err(StreamError::io("write"))
    }

    /// Starts closing: no more writes (the writer is consumed).
    /// [`wait_closed`](Closing::wait_closed) sends what is buffered and shuts down the
    /// write side.
    ///
    /// Python: `writer.close()`
    #[must_use = "nothing is sent nor shut down until `wait_closed` is awaited"]
    pub fn close(self) -> Closing<W> {
        Closing { writer: self }
    }

    /// The underlying stream, borrowed (what is buffered stays buffered).
    ///
    /// Python: `writer.transport`
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The underlying stream; bytes still buffered are lost.
    ///
    /// Python: `writer.transport`
    pub fn into_inner(self) -> W {
        self.inner
    }
}

/// asyncio's repr, `<StreamWriter>`: CPython adds its transport and reader, Python
/// objects left out here (see the `aio` crate's "Printing").
impl<W> fmt::Display for StreamWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<StreamWriter>")
    }
}

impl<W> fmt::Debug for StreamWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamWriter")
            .field("buffered", &self.buf.len())
            .finish_non_exhaustive()
    }
}

/// A writer being closed; await [`wait_closed`](Closing::wait_closed).
///
/// Python: an `asyncio.StreamWriter` after `close()` (`writer.is_closing()` is true)
pub struct Closing<W> {
    writer: StreamWriter<W>,
}

impl<W: AsyncWrite + Unpin> Closing<W> {
    /// Sends what is buffered, then shuts down the write side (the peer reads the end of
    /// the stream). The socket itself closes when the reading half is dropped too.
    ///
    /// Python: `await writer.wait_closed()`
    ///
    /// # Errors
    ///
    /// [`StreamError::Io`] if the peer is gone.
    pub async fn wait_closed(mut self) -> Result<(), StreamError> {
        self.writer.drain().await?;
        std::future::poll_fn(|cx| Pin::new(&mut self.writer.inner).poll_close(cx))
            .await
            .map_err(StreamError::io("shutdown"))
    }
}

impl<W> fmt::Debug for Closing<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Closing")
            .field("buffered", &self.writer.buf.len())
            .finish()
    }
}
