//! Bad input and faults: each gives a typed error with a clear message, nothing hangs
//! (every test runs under a deadline), and no task is left behind (the server's handlers
//! are counted after `wait_closed`).

mod common;

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::time::Duration;

use aio_io::{
    IncompleteReadError, Net, StreamError, TimeoutError, open_connection, start_server, wait_for,
};

fn any_port() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

/// The server writes half a message and closes: readexactly reports what did arrive,
/// readline returns it (asyncio's readline returns the partial line at the end).
fn peer_closes_mid_message<R: Net>(rt: R) {
    common::run(rt, |rt| async move {
        let server = start_server(&rt, any_port(), |_reader, mut writer| async move {
            writer.write(b"partial");
            writer.close().wait_closed().await.unwrap();
        })
        .unwrap();

        let (mut reader, _writer) = open_connection(&rt, server.local_addr()).await.unwrap();
        let err = reader.readexactly(10).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "7 bytes read on a total of 10 expected bytes"
        );
        match err {
            StreamError::IncompleteRead(IncompleteReadError { partial, expected }) => {
                assert_eq!(partial, b"partial");
                assert_eq!(expected, Some(10));
            }
            other => panic!("expected IncompleteRead, got {other:?}"),
        }
        assert!(reader.at_eof());

        let (mut reader, _writer) = open_connection(&rt, server.local_addr()).await.unwrap();
        let err = reader.readuntil(b"\n").await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "7 bytes read before the end of the stream, separator not found"
        );

        let (mut reader, _writer) = open_connection(&rt, server.local_addr()).await.unwrap();
        assert_eq!(reader.readline().await.unwrap(), b"partial");
        assert_eq!(reader.readline().await.unwrap(), b"");

        server.close();
        assert!(server.wait_closed().await.is_none());
        assert_eq!(server.active_clients(), 0);
    });
}
every_runtime!(peer_closes_mid_message, super::peer_closes_mid_message);

/// Nobody listens on the port: ConnectionRefused, with the address in the message.
fn connection_refused<R: Net>(rt: R) {
    common::run(rt, |rt| async move {
        // A port that was just free: bind it, note it, close it.
        let addr = {
            let listener = rt.bind(any_port()).unwrap();
            aio_io::TcpListener::local_addr(&listener).unwrap()
        };
        let err = open_connection(&rt, addr).await.unwrap_err();
        assert_eq!(err.io_kind(), Some(ErrorKind::ConnectionRefused));
        assert!(matches!(err, StreamError::Connect { addr: a, .. } if a == addr));
        let message = err.to_string();
        assert!(
            message.starts_with(&format!("connect call failed {addr}: Connection refused")),
            "{message}"
        );
    });
}
every_runtime!(connection_refused, super::connection_refused);

/// The server reads but never answers: a read with a deadline gives TimeoutError, the
/// bytes that arrive later are not lost, and closing cleans up.
fn read_past_deadline<R: Net>(rt: R) {
    common::run(rt, |rt| async move {
        let server = start_server(&rt, any_port(), |mut reader, mut writer| async move {
            // Silent until the client has said everything, then one late answer.
            let all = reader.read_to_end().await.unwrap();
            writer.write(&all);
            let _ = writer.close().wait_closed().await;
        })
        .unwrap();

        let (mut reader, mut writer) = open_connection(&rt, server.local_addr()).await.unwrap();
        writer.write(b"hello\n");
        writer.drain().await.unwrap();
        let late = wait_for(&rt, Duration::from_millis(100), reader.readline()).await;
        let err = late.unwrap_err();
        assert_eq!(
            err,
            TimeoutError {
                after: Duration::from_millis(100)
            }
        );
        assert_eq!(err.to_string(), "timed out after 100ms");
        // Into the stream error, as `?` does.
        assert!(matches!(StreamError::from(err), StreamError::Timeout(_)));

        // The read that timed out was cancelled cleanly: the late answer is read whole.
        writer.close().wait_closed().await.unwrap();
        assert_eq!(reader.readline().await.unwrap(), b"hello\n");
        assert_eq!(reader.readline().await.unwrap(), b"");

        server.close();
        assert!(server.wait_closed().await.is_none());
        assert_eq!(server.active_clients(), 0);
    });
}
every_runtime!(read_past_deadline, super::read_past_deadline);

/// The server accepts and never answers, nor reads: the client's deadline fires; the
/// server's close_clients cancels the stuck handler, whose socket closes, so the client's
/// next read ends too. No task is left.
fn server_accepts_and_never_answers<R: Net>(rt: R) {
    common::run(rt, |rt| async move {
        let server = start_server(&rt, any_port(), |reader, writer| async move {
            let _keep = (reader, writer);
            std::future::pending::<()>().await;
        })
        .unwrap();

        let (mut reader, mut writer) = open_connection(&rt, server.local_addr()).await.unwrap();
        writer.write(b"anyone there?\n");
        writer.drain().await.unwrap();
        let err = wait_for(&rt, Duration::from_millis(100), reader.readline())
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), "timed out after 100ms");
        assert_eq!(
            server.active_clients(),
            1,
            "the stuck handler is still there"
        );

        server.close();
        server.close_clients();
        assert!(server.wait_closed().await.is_none());
        assert_eq!(server.active_clients(), 0, "no handler left behind");

        // The handler's socket closed with our bytes unread: an end of stream or a reset.
        match wait_for(&rt, Duration::from_secs(10), reader.readline())
            .await
            .unwrap()
        {
            Ok(line) => assert_eq!(line, b""),
            Err(e) => assert_eq!(e.io_kind(), Some(ErrorKind::ConnectionReset), "{e}"),
        }
        // And the listener is gone: nobody accepts any more.
        let err = open_connection(&rt, server.local_addr()).await.unwrap_err();
        assert_eq!(err.io_kind(), Some(ErrorKind::ConnectionRefused), "{err}");
    });
}
every_runtime!(
    server_accepts_and_never_answers,
    super::server_accepts_and_never_answers
);

/// Writing to a peer that has gone: drain fails with a write error, not a hang.
fn write_to_a_peer_that_left<R: Net>(rt: R) {
    common::run(rt, |rt| async move {
        let server = start_server(&rt, any_port(), |reader, writer| async move {
            drop((reader, writer));
        })
        .unwrap();
        let (_reader, mut writer) = open_connection(&rt, server.local_addr()).await.unwrap();
        let mut failure = None;
        // The first writes may still be accepted by the kernel; the peer's reset ends it.
        for _ in 0..1000 {
            writer.write(&[b'x'; 1024]);
            if let Err(e) = writer.drain().await {
                failure = Some(e);
                break;
            }
            rt.sleep(Duration::from_millis(1)).await;
        }
        let err = failure.expect("a write to a closed peer fails");
        assert!(
            matches!(
                err.io_kind(),
                Some(ErrorKind::BrokenPipe | ErrorKind::ConnectionReset)
            ),
            "{err:?}"
        );
        assert!(err.to_string().starts_with("write failed: "), "{err}");
        server.close();
        assert!(server.wait_closed().await.is_none());
        assert_eq!(server.active_clients(), 0);
    });
}
every_runtime!(write_to_a_peer_that_left, super::write_to_a_peer_that_left);

/// A second server on a port in use: a bind error naming the address.
fn address_in_use<R: Net>(rt: R) {
    common::run(rt, |rt| async move {
        let first = start_server(&rt, any_port(), |_r, _w| async {}).unwrap();
        let addr = first.local_addr();
        let err = start_server(&rt, addr, |_r, _w| async {}).unwrap_err();
        assert_eq!(err.io_kind(), Some(ErrorKind::AddrInUse));
        assert!(
            err.to_string().starts_with(&format!(
                "error while attempting to bind on address {addr}: "
            )),
            "{err}"
        );
        first.close();
        assert!(first.wait_closed().await.is_none());
    });
}
every_runtime!(address_in_use, super::address_in_use);

/// Every public future can move between threads (multi-threaded runtimes need it).
#[test]
fn futures_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let rt = aio_rt::Smol::new();
    let addr = any_port();
    assert_send(&open_connection(&rt, addr));
    assert_send(&wait_for(&rt, Duration::ZERO, async {}));
    let mut reader = aio_io::StreamReader::new(futures_lite::io::Cursor::new(Vec::new()));
    assert_send(&reader.readline());
    let mut writer = aio_io::StreamWriter::new(Vec::<u8>::new());
    assert_send(&writer.drain());
}

/// Asking for more open files than the hard limit allows says what is needed and how.
#[test]
fn open_file_limit_too_low_says_what_it_needs() {
    let needed = u64::MAX - 1;
    match aio_io::limits::ensure_open_files(needed) {
        // No hard limit at all (RLIM_INFINITY): nothing to report.
        Ok(soft) => assert!(soft >= needed),
        Err(e) => {
            assert_eq!(e.needed, needed);
            assert!(e.soft < needed && e.hard < needed);
            assert!(
                e.to_string().starts_with(&format!(
                    "this needs {needed} open files but the limit is {} (hard limit {}); raise it with `ulimit -n {needed}`",
                    e.soft, e.hard
                )),
                "{e}"
            );
        }
    }
    // What the demos need fits: 10,000 connections and a margin.
    assert!(aio_io::limits::ensure_open_files(10_064).is_ok());
}
