//! Definition of [`StreamReader`]: buffered reads of lines, exact sizes and chunks.

use std::fmt;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use futures_lite::io::AsyncRead;

use crate::{IncompleteReadError, LimitOverrunError, StreamError};

/// The default line limit, as asyncio's (64 KiB).
///
/// Python: `asyncio.streams._DEFAULT_LIMIT`
pub const DEFAULT_LIMIT: usize = 64 * 1024;

/// How much one read from the socket asks for. The bytes land in a buffer on the stack
/// for the duration of one poll, so an idle connection holds no read buffer at all.
const READ_CHUNK: usize = 4096;

/// Reads from a byte stream through a buffer: chunks, exact sizes, lines.
///
/// Python: `asyncio.StreamReader`
///
/// Made by [`open_connection`](crate::open_connection) and
/// [`start_server`](crate::start_server), or over any [`AsyncRead`] with
/// [`new`](StreamReader::new) (tests use an in-memory cursor).
///
/// | asyncio | `StreamReader` |
/// |---|---|
/// | `await reader.read(n)` | [`read(n)`](StreamReader::read) |
/// | `await reader.read()` / `read(-1)` | [`read_to_end()`](StreamReader::read_to_end) |
/// | `await reader.readline()` | [`readline()`](StreamReader::readline) |
/// | `await reader.readuntil(sep)` | [`readuntil(sep)`](StreamReader::readuntil) |
/// | `await reader.readexactly(n)` | [`readexactly(n)`](StreamReader::readexactly) |
/// | `reader.at_eof()` | [`at_eof()`](StreamReader::at_eof) |
///
/// # Cancel safety
///
/// Every read is cancel safe: bytes that came from the socket stay in the buffer until a
/// read completes and takes them, so a read dropped by a deadline
/// ([`wait_for`](crate::wait_for)) loses nothing; the next read sees the same bytes, as in
/// asyncio.
pub struct StreamReader<T> {
    inner: T,
    /// Unread bytes are `buf[start..]`.
    buf: Vec<u8>,
    start: usize,
    eof: bool,
    limit: usize,
}

impl<T: AsyncRead + Unpin> StreamReader<T> {
    /// A reader over `inner` with asyncio's default limit ([`DEFAULT_LIMIT`]).
    ///
    /// Python: `asyncio.StreamReader()` fed by a `StreamReaderProtocol`
    pub fn new(inner: T) -> StreamReader<T> {
        StreamReader::with_limit(inner, DEFAULT_LIMIT)
    }

    /// A reader whose [`readline`](StreamReader::readline) and
    /// [`readuntil`](StreamReader::readuntil) refuse chunks longer than `limit`.
    ///
    /// Python: `asyncio.StreamReader(limit=limit)`, `open_connection(limit=limit)`
    pub fn with_limit(inner: T, limit: usize) -> StreamReader<T> {
        StreamReader {
            inner,
            buf: Vec::new(),
            start: 0,
            eof: false,
            limit,
        }
    }

    /// Whether the stream has ended and every byte was read.
    ///
    /// Python: `reader.at_eof()`
    pub fn at_eof(&self) -> bool {
        self.eof && self.unread().is_empty()
    }

    /// Up to `n` bytes: what is buffered, or else what the next read from the stream
    /// brings. Empty at the end of the stream (and when `n` is 0).
    ///
    /// Python: `await reader.read(n)`
    ///
    /// # Errors
    ///
    /// [`StreamError::Io`] if reading from the socket fails.
    pub async fn read(&mut self, n: usize) -> Result<Vec<u8>, StreamError> {
        poll_fn(|cx| {
            if n > 0 && self.unread().is_empty() && !self.eof {
                ready!(self.poll_fill(cx))?;
            }
            let n = n.min(self.unread().len());
            Poll::Ready(Ok(self.take(n)))
        })
        .await
    }

    /// Every byte until the end of the stream.
    ///
    /// Python: `await reader.read()` (`n=-1`)
    ///
    /// # Errors
    ///
    /// [`StreamError::Io`] if reading from the socket fails.
    #[doc(alias = "read")]
    pub async fn read_to_end(&mut self) -> Result<Vec<u8>, StreamError> {
        poll_fn(|cx| {
            while !self.eof {
                ready!(self.poll_fill(cx))?;
            }
            Poll::Ready(Ok(self.take(self.unread().len())))
        })
        .await
    }

    /// Exactly `n` bytes.
    ///
    /// Python: `await reader.readexactly(n)`
    ///
    /// # Errors
    ///
    /// [`StreamError::IncompleteRead`] if the stream ends first: it carries the bytes
    /// read (`expected: Some(n)`); [`StreamError::Io`] if reading fails.
    pub async fn readexactly(&mut self, n: usize) -> Result<Vec<u8>, StreamError> {
        poll_fn(|cx| {
            while self.unread().len() < n {
                if self.eof {
                    let partial = self.take(self.unread().len());
                    let expected = Some(n);
                    return Poll::Ready(Err(IncompleteReadError { partial, expected }.into()));
                }
                ready!(self.poll_fill(cx))?;
            }
            Poll::Ready(Ok(self.take(n)))
        })
        .await
    }

    /// The bytes up to and including `separator`.
    ///
    /// Python: `await reader.readuntil(separator)`
    ///
    /// # Errors
    ///
    /// - [`StreamError::IncompleteRead`] if the stream ends before the separator: it
    ///   carries everything that was left (`expected: None`).
    /// - [`StreamError::LimitOverrun`] if the chunk is longer than the limit; the data
    ///   stays in the buffer, as in asyncio.
    /// - [`StreamError::EmptySeparator`] if `separator` is empty.
    /// - [`StreamError::Io`] if reading fails.
    pub async fn readuntil(&mut self, separator: &[u8]) -> Result<Vec<u8>, StreamError> {
        if separator.is_empty() {
            return Err(StreamError::EmptySeparator);
        }
        let mut offset = 0;
        poll_fn(|cx| self.poll_until(cx, separator, &mut offset)).await
    }

    /// One line, up to and including `\n`; at the end of the stream, what is left
    /// (possibly empty, which means the stream is over).
    ///
    /// Python: `await reader.readline()`
    ///
    /// # Errors
    ///
    /// [`StreamError::LimitOverrun`] if the line is longer than the limit; as in asyncio
    /// the line is dropped (up to its `\n`, or the whole buffer if none), so that the next
    /// read starts afresh. [`StreamError::Io`] if reading fails.
    ///
    /// # Differences from Python
    ///
    /// asyncio raises `ValueError` (with the `LimitOverrunError` message) here.
    pub async fn readline(&mut self) -> Result<Vec<u8>, StreamError> {
        let mut offset = 0;
        match poll_fn(|cx| self.poll_until(cx, b"\n", &mut offset)).await {
            Ok(line) => Ok(line),
            Err(StreamError::IncompleteRead(e)) => Ok(e.partial),
            Err(StreamError::LimitOverrun(e)) => {
                let unread = self.unread();
                let drop = if unread.get(e.consumed) == Some(&b'\n') {
                    e.consumed + 1
                } else {
                    unread.len()
                };
                self.take(drop);
                Err(e.into())
            }
            Err(e) => Err(e),
        }
    }

    /// The underlying stream, borrowed (what is buffered stays buffered).
    ///
    /// Python: none (asyncio's reader keeps its transport private)
    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    /// The underlying stream; bytes still buffered are lost.
    ///
    /// Python: none
    pub fn into_inner(self) -> T {
        self.inner
    }

    fn unread(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// Takes `n` unread bytes; an emptied buffer gives its memory back, so that an idle
    /// connection holds none.
    fn take(&mut self, n: usize) -> Vec<u8> {
        let out = self.buf[self.start..self.start + n].to_vec();
        self.start += n;
        if self.start == self.buf.len() {
            self.buf = Vec::new();
            self.start = 0;
        }
        out
    }

    /// Finds `separator` in the buffer, reading more as needed: the heart of `readuntil`
    /// and `readline`, as asyncio's `readuntil` loop. `offset` is where to search from
    /// (what was searched already cannot hold the separator); it persists across polls.
    fn poll_until(
        &mut self,
        cx: &mut Context<'_>,
        separator: &[u8],
        offset: &mut usize,
    ) -> Poll<Result<Vec<u8>, StreamError>> {
        loop {
            let unread = self.unread();
            if unread.len() >= *offset + separator.len() {
                if let Some(at) = find(&unread[*offset..], separator) {
                    let found = *offset + at;
                    if found > self.limit {
                        let consumed = found;
                        let separator_found = true;
                        return Poll::Ready(Err(LimitOverrunError {
                            separator_found,
                            consumed,
                        }
                        .into()));
                    }
                    return Poll::Ready(Ok(self.take(found + separator.len())));
                }
                *offset = unread.len() + 1 - separator.len();
                if *offset > self.limit {
                    let consumed = *offset;
                    let separator_found = false;
                    return Poll::Ready(Err(LimitOverrunError {
                        separator_found,
                        consumed,
                    }
                    .into()));
                }
            }
            if self.eof {
                let partial = self.take(self.unread().len());
                let expected = None;
                return Poll::Ready(Err(IncompleteReadError { partial, expected }.into()));
            }
            ready!(self.poll_fill(cx))?;
        }
    }

    /// Reads once from the stream into the buffer; a read of 0 bytes marks the end.
    ///
    /// Cancel safe: the bytes are appended in the same poll that reads them, and the
    /// chunk they land in first lives on the stack only for that poll, so an idle reader
    /// holds no buffer.
    fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), StreamError>> {
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        let mut chunk = [0u8; READ_CHUNK];
        let n = ready!(Pin::new(&mut self.inner).poll_read(cx, &mut chunk))
            .map_err(StreamError::io("read"))?;
        self.buf.extend_from_slice(&chunk[..n]);
        if n == 0 {
            self.eof = true;
        }
        Poll::Ready(Ok(()))
    }
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    match needle {
        [byte] => haystack.iter().position(|b| b == byte),
        _ => haystack.windows(needle.len()).position(|w| w == needle),
    }
}

/// asyncio's repr: `<StreamReader 3 bytes eof limit=10>`, each part shown only when it
/// applies (bytes buffered and not read yet, the end of the stream seen, a limit other
/// than [`DEFAULT_LIMIT`]). CPython also names the transport and the waiting future,
/// Python objects left out here (see the `aio` crate's "Printing").
///
/// ```
/// use aio_io::StreamReader;
/// let reader = StreamReader::with_limit(futures_lite::io::Cursor::new(b"abc".to_vec()), 10);
/// assert_eq!(reader.to_string(), "<StreamReader limit=10>");
/// ```
impl<T> fmt::Display for StreamReader<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<StreamReader")?;
        let buffered = self.buf.len() - self.start;
        if buffered > 0 {
            write!(f, " {buffered} bytes")?;
        }
        if self.eof {
            f.write_str(" eof")?;
        }
        if self.limit != DEFAULT_LIMIT {
            write!(f, " limit={}", self.limit)?;
        }
        f.write_str(">")
    }
}

impl<T> fmt::Debug for StreamReader<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamReader")
            .field("buffered", &(self.buf.len() - self.start))
            .field("eof", &self.eof)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_lite::future::block_on;
    use futures_lite::io::Cursor;

    fn reader(data: &[u8]) -> StreamReader<Cursor<Vec<u8>>> {
        StreamReader::new(Cursor::new(data.to_vec()))
    }

    #[test]
    fn smoke_lines_then_eof() {
        let mut r = reader(b"one\ntwo\nrest");
        block_on(async {
            assert_eq!(r.readline().await.unwrap(), b"one\n");
            assert_eq!(r.readline().await.unwrap(), b"two\n");
            // At the end, readline gives what is left, then empty.
            assert_eq!(r.readline().await.unwrap(), b"rest");
            assert_eq!(r.readline().await.unwrap(), b"");
            assert!(r.at_eof());
        });
    }

    #[test]
    fn readexactly_at_eof_carries_the_partial_data() {
        let mut r = reader(b"abc");
        let err = block_on(r.readexactly(10)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "3 bytes read on a total of 10 expected bytes"
        );
        match err {
            StreamError::IncompleteRead(e) => {
                assert_eq!(e.partial, b"abc");
                assert_eq!(e.expected, Some(10));
            }
            other => panic!("expected IncompleteRead, got {other:?}"),
        }
        assert!(r.at_eof());
    }

    #[test]
    fn readuntil_multi_byte_separator_and_eof() {
        let mut r = reader(b"a\r\nb\r");
        block_on(async {
            assert_eq!(r.readuntil(b"\r\n").await.unwrap(), b"a\r\n");
            let err = r.readuntil(b"\r\n").await.unwrap_err();
            assert_eq!(
                err.to_string(),
                "2 bytes read before the end of the stream, separator not found"
            );
            assert!(matches!(
                r.readuntil(b"").await,
                Err(StreamError::EmptySeparator)
            ));
        });
    }

    #[test]
    fn readline_over_the_limit_drops_the_line_and_goes_on() {
        let mut r = StreamReader::with_limit(Cursor::new(b"0123456789\nok\n".to_vec()), 4);
        block_on(async {
            let err = r.readline().await.unwrap_err();
            assert!(matches!(
                err,
                StreamError::LimitOverrun(LimitOverrunError {
                    separator_found: true,
                    consumed: 10
                })
            ));
            assert_eq!(
                err.to_string(),
                "separator is found, but chunk is longer than limit"
            );
            assert_eq!(r.readline().await.unwrap(), b"ok\n");
        });
    }

    #[test]
    fn readuntil_without_separator_past_the_limit() {
        let mut r = StreamReader::with_limit(Cursor::new(vec![b'x'; 100]), 8);
        let err = block_on(r.readuntil(b"\n")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "separator is not found, and chunk exceed the limit"
        );
        // asyncio keeps the data in the buffer for readuntil.
        assert_eq!(block_on(r.read(1000)).unwrap().len(), 100);
    }

    #[test]
    fn read_takes_buffered_bytes_first() {
        let mut r = reader(b"hello\nworld");
        block_on(async {
            assert_eq!(r.readline().await.unwrap(), b"hello\n");
            assert_eq!(r.read(3).await.unwrap(), b"wor");
            assert_eq!(r.read(0).await.unwrap(), b"");
            assert_eq!(r.read_to_end().await.unwrap(), b"ld");
            assert_eq!(r.read(10).await.unwrap(), b"");
        });
    }
}
