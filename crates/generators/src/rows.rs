//! The asyncio notes' example: rows fetched lazily, page by page, from a (simulated)
//! database, as an async generator; and beside it a blocking iterator that stalls the loop.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use aio_rt::Runtime;

use crate::{AsyncGenerator, Co, Thrown};

/// One row of the simulated table.
///
/// Python: a record returned by a database driver (`asyncpg.Record`)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The row's id, from 0.
    pub id: u32,
    /// A name made from the id: `product-0`, `product-1`, ...
    pub name: String,
}

impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.id, self.name)
    }
}

type Observer = Arc<dyn Fn(&str) + Send + Sync>;

/// A simulated database holding one table of `len` rows; each query takes `latency` on the
/// runtime's clock.
///
/// Python: a connection (`asyncpg.Connection`) with a table to page through
///
/// Simplification, named: no I/O, a query is a `rt.sleep(latency)`. That is what a query
/// looks like to the event loop: a wait during which other tasks run.
#[derive(Clone)]
pub struct Database<R> {
    rt: R,
    len: u32,
    latency: Duration,
    observer: Option<Observer>,
}

impl<R: Runtime> Database<R> {
    /// A table of `len` rows whose queries take `latency` each.
    ///
    /// Python: `await asyncpg.connect(...)`
    pub fn new(rt: R, len: u32, latency: Duration) -> Self {
        Database {
            rt,
            len,
            latency,
            observer: None,
        }
    }

    /// Calls `observer` with a description of each query (`fetch rows 0..2`) as it starts,
    /// so that a trace can show when pages are fetched.
    ///
    /// Python: none (Rust only: the scenarios log the queries)
    pub fn on_query(mut self, observer: impl Fn(&str) + Send + Sync + 'static) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    fn query(&self, offset: u32, limit: u32) -> (Vec<Row>, Duration) {
        if let Some(observer) = &self.observer {
            observer(&format!("fetch rows {offset}..{}", offset + limit));
        }
        let end = self.len.min(offset.saturating_add(limit));
        let rows = (offset..end)
            .map(|id| Row {
                id,
                name: format!("product-{id}"),
            })
            .collect();
        (rows, self.latency)
    }

    /// Fetches up to `limit` rows from `offset`, waiting `latency` without blocking the loop.
    ///
    /// Python: `await conn.fetch("SELECT ... LIMIT $1 OFFSET $2", limit, offset)`
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: dropping it before it completes fetches nothing.
    pub async fn fetch_page(&self, offset: u32, limit: u32) -> Vec<Row> {
        let (rows, latency) = self.query(offset, limit);
        self.rt.sleep(latency).await;
        rows
    }

    /// All rows, fetched lazily `page_size` at a time: a page is fetched only when the
    /// consumer has taken every row of the previous one, and nothing before the first
    /// `next()`.
    ///
    /// Python: the notes' async generator,
    ///
    /// ```python
    /// async def rows(conn, page_size):
    ///     offset = 0
    ///     while True:
    ///         page = await conn.fetch(QUERY, page_size, offset)
    ///         for row in page:
    ///             yield row
    ///         if len(page) < page_size:
    ///             return
    ///         offset += page_size
    /// ```
    ///
    /// consumed with `async for row in rows(conn, 2):`, in Rust
    /// `while let Some(Ok(row)) = rows.next().await`.
    ///
    /// A `page_size` of 0 is taken as 1.
    ///
    /// # Examples
    ///
    /// ```
    /// use aio_generators::Database;
    /// use aio_rt::{Clock, Config, Runtime};
    /// use futures_lite::StreamExt;
    /// use std::time::Duration;
    ///
    /// let rt = aio_rt::Smol::with_config(Config::default().clock(Clock::Virtual));
    /// let db = Database::new(rt.clone(), 5, Duration::from_secs(2));
    /// let ids = rt.block_on(async {
    ///     let mut rows = db.rows(2);
    ///     let mut ids = Vec::new();
    ///     while let Some(Ok(row)) = rows.next().await {
    ///         ids.push(row.id);
    ///     }
    ///     ids
    /// });
    /// assert_eq!(ids, [0, 1, 2, 3, 4]);
    /// // Three pages (2 + 2 + 1 rows), two seconds each, on the virtual clock.
    /// assert_eq!(rt.now().since_start(), Duration::from_secs(6));
    /// ```
    pub fn rows(
        &self,
        page_size: u32,
    ) -> AsyncGenerator<
        Row,
        (),
        Infallible,
        impl Future<Output = Result<(), Thrown<Infallible>>> + Send + 'static,
    > {
        let db = self.clone();
        let page_size = page_size.max(1);
        AsyncGenerator::new(move |mut co: Co<Row>| async move {
            let mut offset = 0;
            loop {
                let page = db.fetch_page(offset, page_size).await;
                let last = page.len() < page_size as usize;
                for row in page {
                    co.yield_(row).await?;
                }
                if last {
                    return Ok(());
                }
                offset += page_size;
            }
        })
    }

    /// The same rows from a blocking driver: a plain [`Iterator`] that sleeps the thread
    /// (`std::thread::sleep(block_for)`) for each page.
    ///
    /// Python: a generator over a blocking driver (`psycopg2`), or `time.sleep` in a loop
    ///
    /// Used inside a task it holds the whole event loop while it sleeps: no other task of
    /// that loop runs until the iteration is over. On the virtual clock the sleep takes no
    /// virtual time (the clock only moves when every task waits, and a blocked task does not
    /// wait), so the stall shows as other tasks' events pushed behind, not as time.
    /// Keep `block_for` small in tests; in real code, move blocking work off the loop with
    /// [`Runtime::spawn_blocking`] (`asyncio.to_thread`).
    pub fn blocking_rows(&self, page_size: u32, block_for: Duration) -> BlockingRows<R> {
        BlockingRows {
            db: self.clone(),
            page_size: page_size.max(1),
            block_for,
            offset: 0,
            page: Vec::new(),
            done: false,
        }
    }
}

impl<R> fmt::Debug for Database<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Database")
            .field("len", &self.len)
            .field("latency", &self.latency)
            .finish_non_exhaustive()
    }
}

/// The iterator returned by [`Database::blocking_rows`].
///
/// Python: a plain generator over a blocking driver, consumed with `for`
#[derive(Debug)]
pub struct BlockingRows<R> {
    db: Database<R>,
    page_size: u32,
    block_for: Duration,
    offset: u32,
    /// The rest of the current page, reversed (so that `pop` takes the next row).
    page: Vec<Row>,
    done: bool,
}

impl<R: Runtime> Iterator for BlockingRows<R> {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        if self.page.is_empty() && !self.done {
            let (mut page, _) = self.db.query(self.offset, self.page_size);
            // The blocking call: the thread, and so the event loop on it, does nothing else.
            std::thread::sleep(self.block_for);
            self.done = page.len() < self.page_size as usize;
            self.offset += self.page_size;
            page.reverse();
            self.page = page;
        }
        self.page.pop()
    }
}
