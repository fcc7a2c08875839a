//! The "fetch many" demo: a thousand requests to a local HTTP-like server, at most fifty
//! at a time, gathered in argument order, one failure kept in its slot.
//!
//! asyncio's classic shape for it (an HTTP client such as aiohttp in place of the raw
//! streams):
//!
//! ```python
//! async def fetch(sem, addr, path):
//!     async with sem:                                   # at most 50 at a time
//!         reader, writer = await asyncio.open_connection(*addr)
//!         writer.write(f"GET {path}\n".encode())
//!         await writer.drain()
//!         status, _, body = (await reader.readline()).decode().rstrip("\n").partition(" ")
//!         writer.close()
//!         await writer.wait_closed()
//!         if status != "200":
//!             raise FetchError(f"GET {path}: {status} {body}")
//!         return body
//!
//! async def fetch_many(addr, paths):
//!     sem = asyncio.Semaphore(50)
//!     return await asyncio.gather(*(fetch(sem, addr, p) for p in paths),
//!                                 return_exceptions=True)
//! ```
//!
//! The protocol is one line each way, shaped like HTTP: the request `GET /items/17\n`,
//! the response `200 item 17\n`, or `404 not found /nowhere\n` for a path the server does
//! not have. One connection per request, closed after the response (HTTP/1.0 without
//! keep-alive).
//!
//! The server counts the requests in flight: received and not yet answered. A request
//! stops counting the moment the server answers it, before the answer is written, so
//! while it counts, its client still holds its permit: the count can never exceed the
//! client's limit unless the limit leaks. To show that the limit is also *reached*, and
//! to make a leak show, the server answers nothing until `hold` requests are in flight,
//! then one answer per new arrival, so the count sits at `hold`: with a limit of 50 the
//! peak is exactly 50 whatever the scheduling. Before taking its turn a handler yields
//! to the runtime a few times, so that requests already waiting are read first: a
//! client that lets even one more through shows as a peak above 50 (tried: a limit of
//! 51 gives 51 on every runtime, no limit gives 470 to 1,000). Once every expected
//! request has come, the rest are answered.

use std::fmt;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use aio_gather::gather_futures;
use aio_sync::Semaphore;
use aio_tasks::TaskError;
use event_listener::Event;

use crate::{Net, Server, StreamError, open_connection, start_server};

/// How many times a handler yields to the runtime between counting a request and
/// taking its turn.
const YIELDS: usize = 8;

/// The path of item `n`: `/items/{n}`.
///
/// Python: none (the demo's URLs: `f"/items/{n}"`)
pub fn item_path(n: usize) -> String {
    format!("/items/{n}")
}

/// What the fetch server counts.
///
/// Python: none (demo bookkeeping)
#[derive(Debug)]
pub struct FetchStats {
    hold: usize,
    expected: usize,
    received: AtomicUsize,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    answered: AtomicUsize,
    not_found: AtomicUsize,
    paths: Mutex<Vec<String>>,
    changed: Event,
}

impl FetchStats {
    fn new(hold: usize, expected: usize) -> FetchStats {
        FetchStats {
            hold,
            expected,
            received: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            answered: AtomicUsize::new(0),
            not_found: AtomicUsize::new(0),
            paths: Mutex::new(Vec::new()),
            changed: Event::new(),
        }
    }

    /// The most requests in flight at once (received, not yet answered).
    ///
    /// Python: none
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Acquire)
    }

    /// Requests answered, found or not.
    ///
    /// Python: none
    pub fn answered(&self) -> usize {
        self.answered.load(Ordering::Acquire)
    }

    /// Requests answered `404`.
    ///
    /// Python: none
    pub fn not_found(&self) -> usize {
        self.not_found.load(Ordering::Acquire)
    }

    /// The paths requested, in the order the server read them.
    ///
    /// Python: none
    pub fn paths(&self) -> Vec<String> {
        self.paths
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Waits until `n` requests have been answered.
    ///
    /// Python: none
    pub async fn wait_answered(&self, n: usize) {
        loop {
            if self.answered() >= n {
                return;
            }
            let listener = self.changed.listen();
            if self.answered() >= n {
                return;
            }
            listener.await;
        }
    }

    /// A request arrived: record its path and count it in flight until it takes its
    /// turn ([`take_turn`](FetchStats::take_turn)).
    fn arrive(&self, path: &str) {
        self.paths
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(path.to_owned());
        self.received.fetch_add(1, Ordering::AcqRel);
        let now = self.in_flight.fetch_add(1, Ordering::AcqRel) + 1;
        self.peak.fetch_max(now, Ordering::AcqRel);
        self.changed.notify(usize::MAX);
    }

    /// Waits for this request's turn to be answered.
    async fn wait_turn(&self) {
        loop {
            if self.take_turn() {
                return;
            }
            let listener = self.changed.listen();
            if self.take_turn() {
                return;
            }
            listener.await;
        }
    }

    /// Whether a held request may be answered now: while `hold` are in flight (one at a
    /// time, so the count stays at `hold`), or once every expected request has come.
    /// Taking the turn uncounts the request.
    fn take_turn(&self) -> bool {
        let all_came = self.received.load(Ordering::Acquire) >= self.expected;
        self.in_flight
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n >= self.hold || (all_came && n > 0)).then(|| n - 1)
            })
            .is_ok()
    }

    fn answered_one(&self, found: bool) {
        if !found {
            self.not_found.fetch_add(1, Ordering::AcqRel);
        }
        self.answered.fetch_add(1, Ordering::AcqRel);
        self.changed.notify(usize::MAX);
    }
}

/// The response to `request` (one line, without its `\n`): `200 item N` for
/// `GET /items/N`, `404 not found PATH` otherwise. Also whether it was found.
fn respond(request: &str) -> (String, bool) {
    let path = request.strip_prefix("GET ").unwrap_or(request);
    match path.strip_prefix("/items/").map(str::parse::<usize>) {
        Some(Ok(n)) => (format!("200 item {n}\n"), true),
        _ => (format!("404 not found {path}\n"), false),
    }
}

/// Starts the fetch server on `addr`: answers `GET /items/N` with `200 item N`, any other
/// path with `404`, one request per connection.
///
/// It holds each answer until `hold` requests are in flight (received, not yet
/// answered), then answers one per arrival (after a few yields to the runtime), so the
/// count stays at `hold`; once `expected` requests have come it answers the rest at
/// once. A client that keeps at most `hold` requests open is always answered; one that
/// opens more drives the count, and [`FetchStats::peak`], above `hold`; one that never
/// reaches `hold` is never answered (put a deadline around it). Pass `hold = 1` for a
/// server that answers at once.
///
/// Python: none (the demo's server; its asyncio original:)
///
/// ```python
/// async def handle(reader, writer):
///     path = (await reader.readline()).decode().removeprefix("GET ").rstrip("\n")
///     if m := re.fullmatch(r"/items/(\d+)", path):
///         writer.write(f"200 item {m[1]}\n".encode())
///     else:
///         writer.write(f"404 not found {path}\n".encode())
///     await writer.drain()
///     writer.close()
///     await writer.wait_closed()
/// ```
///
/// # Errors
///
/// As [`start_server`].
pub fn start_fetch_server<R: Net>(
    rt: &R,
    addr: SocketAddr,
    hold: usize,
    expected: usize,
) -> Result<(Server, Arc<FetchStats>), StreamError> {
    let stats = Arc::new(FetchStats::new(hold, expected));
    let counters = Arc::clone(&stats);
    let runtime = rt.clone();
    let server = start_server(rt, addr, move |mut reader, mut writer| {
        let stats = Arc::clone(&counters);
        let rt = runtime.clone();
        async move {
            // A peer that vanishes or sends nothing gets no answer.
            let Ok(line) = reader.readline().await else {
                return;
            };
            let request = String::from_utf8_lossy(&line);
            let request = request.trim_end_matches('\n');
            if request.is_empty() {
                return;
            }
            let path = request.strip_prefix("GET ").unwrap_or(request);
            stats.arrive(path);
            // Let the accept loop read any request already waiting before answering,
            // so that a client over its limit shows in the count.
            for _ in 0..YIELDS {
                rt.yield_now().await;
            }
            stats.wait_turn().await;
            let (response, found) = respond(request);
            writer.write(response.as_bytes());
            // The peer may be gone already; there is nobody to tell.
            let _ = writer.drain().await;
            let _ = writer.close().wait_closed().await;
            stats.answered_one(found);
        }
    })?;
    Ok((server, stats))
}

/// Why one fetch failed.
///
/// Python: none (demo errors; aiohttp's `ClientResponseError` and `OSError`)
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum FetchError {
    /// The server answered with a status other than `200`.
    Status {
        /// The path requested.
        path: String,
        /// The status, as sent (`"404"`).
        status: String,
        /// The rest of the response line.
        reason: String,
    },
    /// A stream operation failed.
    Stream {
        /// The path requested.
        path: String,
        /// What failed (shared: gather clones outcomes).
        source: Arc<StreamError>,
    },
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Status {
                path,
                status,
                reason,
            } => write!(f, "GET {path}: {status} {reason}"),
            FetchError::Stream { path, source } => write!(f, "GET {path}: {source}"),
        }
    }
}

impl std::error::Error for FetchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FetchError::Status { .. } => None,
            FetchError::Stream { source, .. } => Some(&**source),
        }
    }
}

/// Fetches `path` from the server at `addr`: one connection, one request, one response
/// line. Gives the body of a `200` response (`"item 17"`).
///
/// Python: none (the demo's `fetch`, without the semaphore)
///
/// # Errors
///
/// [`FetchError::Status`] for any status but `200`, [`FetchError::Stream`] if the
/// connection fails.
pub async fn fetch<R: Net>(rt: &R, addr: SocketAddr, path: &str) -> Result<String, FetchError> {
    let stream = |source| FetchError::Stream {
        path: path.to_owned(),
        source: Arc::new(source),
    };
    let (mut reader, mut writer) = open_connection(rt, addr).await.map_err(stream)?;
    writer.write(format!("GET {path}\n").as_bytes());
    writer.drain().await.map_err(stream)?;
    let line = reader.readline().await.map_err(stream)?;
    writer.close().wait_closed().await.map_err(stream)?;
    let line = String::from_utf8_lossy(&line);
    let (status, body) = line
        .trim_end_matches('\n')
        .split_once(' ')
        .unwrap_or((&line, ""));
    if status == "200" {
        Ok(body.to_owned())
    } else {
        Err(FetchError::Status {
            path: path.to_owned(),
            status: status.to_owned(),
            reason: body.to_owned(),
        })
    }
}

/// Fetches every path, at most `limit` at a time, and gives every outcome in the order
/// of `paths`: a failure fills its own slot and the others go on.
///
/// Python: `await asyncio.gather(*(fetch(sem, addr, p) for p in paths), return_exceptions=True)`
/// with `sem = asyncio.Semaphore(limit)`
pub async fn fetch_many<R: Net>(
    rt: &R,
    addr: SocketAddr,
    paths: impl IntoIterator<Item = String>,
    limit: usize,
) -> Vec<Result<String, TaskError<FetchError>>> {
    let sem = Arc::new(Semaphore::new(limit));
    let fetches = paths.into_iter().map(|path| {
        let (rt, sem) = (rt.clone(), Arc::clone(&sem));
        async move {
            // async with sem:
            let _permit = sem.permit().await;
            fetch(&rt, addr, &path).await
        }
    });
    gather_futures(rt, fetches).return_exceptions().await
}

/// What [`fetch_in_one_process`] gives: every outcome in argument order, and the server's
/// counts after everything closed.
///
/// Python: none (demo bookkeeping)
#[derive(Debug)]
pub struct FetchRun {
    /// The outcome of each request, in the order of the paths.
    pub results: Vec<Result<String, TaskError<FetchError>>>,
    /// The server's counts.
    pub stats: Arc<FetchStats>,
}

/// Runs the fetch server and [`fetch_many`] on `rt` in this process: `paths` fetched at
/// most `limit` at a time, against a server that holds its answers until `limit`
/// requests are in flight (see [`start_fetch_server`]).
///
/// Python: none (the demo's `main()`)
///
/// # Errors
///
/// The server's failure to start or to close; the fetches' failures are in the results.
pub async fn fetch_in_one_process<R: Net>(
    rt: &R,
    paths: Vec<String>,
    limit: usize,
) -> Result<FetchRun, StreamError> {
    let requests = paths.len();
    let addr = SocketAddr::from(([127, 0, 0, 1], 0));
    let (server, stats) = start_fetch_server(rt, addr, limit.min(requests), requests)?;
    let results = fetch_many(rt, server.local_addr(), paths, limit).await;
    // Every client has read its answer, so the handlers are finishing; wait for those
    // that were answered (a failed connection has no handler to wait for).
    let got_answer = results
        .iter()
        .filter(|r| matches!(r, Ok(_) | Err(TaskError::Failed(FetchError::Status { .. }))))
        .count();
    stats.wait_answered(got_answer).await;
    server.close();
    server.close_clients();
    if let Some(error) = server.wait_closed().await {
        return Err(error);
    }
    Ok(FetchRun { results, stats })
}

/// Python: none (a demo error): a stream failure keeps its class; a bad status is a bare
/// `Exception` with this project's words
impl aio_rt::PyException for FetchError {
    fn py_type(&self) -> &str {
        match self {
            FetchError::Status { .. } => "Exception",
            FetchError::Stream { source, .. } => source.py_type(),
        }
    }

    fn py_str(&self) -> String {
        match self {
            FetchError::Status { .. } => self.to_string(),
            FetchError::Stream { source, .. } => source.py_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn responses() {
        assert_eq!(respond("GET /items/17"), ("200 item 17\n".to_owned(), true));
        assert_eq!(
            respond("GET /nowhere"),
            ("404 not found /nowhere\n".to_owned(), false)
        );
        assert_eq!(
            respond("GET /items/x"),
            ("404 not found /items/x\n".to_owned(), false)
        );
    }
}
