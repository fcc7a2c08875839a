//! gather's edge cases on the virtual clock (smol): tuples, failures, dropping.

use std::time::Duration;

use aio_gather::{gather, gather_futures, gather_tuple};
use aio_rt::{Clock, Config, Runtime, Smol};
use aio_tasks::{Task, TaskError, create_task};

fn rt() -> Smol {
    Smol::with_config(Config::default().clock(Clock::Virtual))
}

fn after<R: Runtime, T: Send + 'static>(
    rt: &R,
    secs: u64,
    out: Result<T, String>,
) -> Task<T, String> {
    let r = rt.clone();
    create_task(rt, async move {
        r.sleep(Duration::from_secs(secs)).await;
        out
    })
}

fn assert_send<T: Send>(_: &T) {}

#[test]
fn smoke_empty_and_order() {
    let rt = rt();
    rt.block_on(async {
        let g = gather(&rt, Vec::<Task<u8, String>>::new());
        assert_send(&g);
        assert_eq!(g.await, Ok(vec![]));
        let all = gather(&rt, Vec::<Task<u8, String>>::new())
            .return_exceptions()
            .await;
        assert!(all.is_empty());
        let tasks = [
            after(&rt, 3, Ok(1)),
            after(&rt, 1, Ok(2)),
            after(&rt, 2, Ok(3)),
        ];
        assert_eq!(gather(&rt, tasks).await, Ok(vec![1, 2, 3]));
    });
}

#[test]
fn the_same_task_twice_fills_both_slots() {
    let rt = rt();
    rt.block_on(async {
        let t = after(&rt, 1, Ok(5));
        assert_eq!(gather(&rt, [t.clone(), t]).await, Ok(vec![5, 5]));
    });
}

#[test]
fn first_failure_leaves_siblings_running() {
    let rt = rt();
    rt.block_on(async {
        let slow = after(&rt, 5, Ok(1));
        let bad = after(&rt, 1, Err("boom".to_owned()));
        let result = gather(&rt, [slow.clone(), bad]).await;
        assert_eq!(result, Err(TaskError::Failed("boom".to_owned())));
        assert!(!slow.done());
        assert_eq!(slow.await, Ok(1));
    });
}

#[test]
fn dropping_an_unfinished_gather_cancels_the_children() {
    let rt = rt();
    rt.block_on(async {
        let (a, b) = (after(&rt, 1, Ok(1)), after(&rt, 5, Ok(2)));
        let g = gather(&rt, [a.clone(), b.clone()]);
        let timed_out = futures_lite::future::or(async { Some(g.await) }, async {
            rt.sleep(Duration::from_secs(2)).await;
            None
        })
        .await;
        assert!(timed_out.is_none());
        assert_eq!(a.await, Ok(1));
        assert!(b.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn tuples_keep_types_and_report_failures() {
    let rt = rt();
    rt.block_on(async {
        let pair = gather_tuple((after(&rt, 2, Ok(7_u8)), after(&rt, 1, Ok("seven")))).await;
        assert_eq!(pair, Ok((7, "seven")));
        let bad = gather_tuple((
            after(&rt, 2, Ok(1_u8)),
            after(&rt, 1, Err::<&str, _>("boom".to_owned())),
            after(&rt, 3, Ok(2_u64)),
        ))
        .await;
        assert_eq!(bad, Err(TaskError::Failed("boom".to_owned())));
        let (x, y) = gather_tuple((
            after(&rt, 1, Ok(1_u8)),
            after(&rt, 1, Err::<u8, _>("no".to_owned())),
        ))
        .return_exceptions()
        .await;
        assert_eq!((x, y), (Ok(1), Err(TaskError::Failed("no".to_owned()))));
    });
}

#[test]
fn return_exceptions_keeps_cancellations_in_their_slot() {
    let rt = rt();
    rt.block_on(async {
        let victim = after(&rt, 5, Ok(0));
        victim.cancel(Some("stop"));
        let out = gather_futures(&rt, [async { Ok::<_, String>(1) }])
            .return_exceptions()
            .await;
        assert_eq!(out, vec![Ok(1)]);
        let out = gather(&rt, [after(&rt, 1, Ok(1)), victim])
            .return_exceptions()
            .await;
        assert_eq!(out[0], Ok(1));
        assert!(out[1].as_ref().unwrap_err().is_cancelled());
    });
}

/// `return_exceptions` and `cancel`: awaited by a task, the cancelled gather ends that
/// task cancelled; awaited outside any task, it
/// gives the outcomes; a gather whose children are all done refuses `cancel`.
#[test]
fn a_cancelled_gather_all_cancels_its_awaiter() {
    let rt = rt();
    let r = rt.clone();
    rt.block_on(async {
        let child = after(&r, 1, Ok(1));
        let r2 = r.clone();
        let waiter = create_task(&r, async move {
            let mut all = gather(&r2, [child]).return_exceptions();
            assert!(all.cancel(None));
            Ok::<_, String>(all.await.len())
        });
        assert!(matches!(waiter.await, Err(TaskError::Cancelled(_))));
        let mut outside = gather(&r, [after(&r, 1, Ok(2))]).return_exceptions();
        assert!(outside.cancel(Some("stop")));
        let outcomes = outside.await;
        assert!(outcomes[0].as_ref().unwrap_err().is_cancelled());
        let done = after(&r, 0, Ok(3));
        (&done).await.unwrap();
        let mut late = gather(&r, [done]).return_exceptions();
        assert!(!late.cancel(None));
        assert_eq!(late.await, vec![Ok(3)]);
    });
}
