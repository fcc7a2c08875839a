//! aio-wait's edge cases on the virtual clock (smol).

use std::time::Duration;

use aio_rt::{Clock, Config, Runtime, Smol};
use aio_tasks::{Task, create_task};
use aio_wait::{
    EmptyError, ReturnWhen, ScopeError, TimeoutError, TimeoutStateError, WaitForError,
    as_completed, timeout, timeout_at, wait, wait_for, wait_for_task,
};
use futures_lite::StreamExt;

fn rt() -> Smol {
    Smol::with_config(Config::default().clock(Clock::Virtual))
}

fn after<R: Runtime>(rt: &R, secs: u64, out: Result<u8, String>) -> Task<u8, String> {
    let r = rt.clone();
    create_task(rt, async move {
        r.sleep(Duration::from_secs(secs)).await;
        out
    })
}

fn assert_send<T: Send>(_: &T) {}

#[test]
fn smoke_errors_display() {
    assert_eq!(EmptyError.to_string(), "set of tasks/futures is empty");
    assert_eq!(TimeoutError::new().to_string(), "deadline passed");
}

#[test]
fn wait_on_nothing_is_an_error() {
    let rt = rt();
    rt.block_on(async {
        let w = wait(
            &rt,
            Vec::<Task<u8, String>>::new(),
            ReturnWhen::FirstCompleted,
            None,
        );
        assert_send(&w);
        assert_eq!(w.await.unwrap_err(), EmptyError);
        let mut s = as_completed(&rt, Vec::<Task<u8, String>>::new(), None);
        assert!(s.next().await.is_none());
    });
}

#[test]
fn wait_first_exception_ignores_cancellations_and_cancels_nothing() {
    let rt = rt();
    rt.block_on(async {
        let cancelled = after(&rt, 9, Ok(0));
        cancelled.cancel(None);
        let (bad, slow) = (after(&rt, 2, Err("boom".into())), after(&rt, 5, Ok(1)));
        let (done, pending) = wait(
            &rt,
            [cancelled.clone(), bad.clone(), slow.clone()],
            ReturnWhen::FirstException,
            None,
        )
        .await
        .unwrap();
        assert_eq!(done, [cancelled, bad]);
        assert_eq!(pending, std::slice::from_ref(&slow));
        assert_eq!(slow.await, Ok(1));
    });
}

#[test]
fn wait_timeout_returns_pending_without_cancelling() {
    let rt = rt();
    rt.block_on(async {
        let slow = after(&rt, 5, Ok(1));
        let (done, pending) = wait(
            &rt,
            [slow.clone()],
            ReturnWhen::AllCompleted,
            Some(Duration::from_secs(1)),
        )
        .await
        .unwrap();
        assert!(done.is_empty() && pending == [slow.clone()]);
        assert_eq!(slow.await, Ok(1));
    });
}

#[test]
fn wait_for_plain_futures() {
    let rt = rt();
    rt.block_on(async {
        assert_eq!(wait_for(&rt, async { 3 }, None).await, Ok(3));
        // Zero: dropped before it ever runs, even if it would finish at once.
        assert_eq!(
            wait_for(&rt, async { 3 }, Some(Duration::ZERO)).await,
            Err(TimeoutError::new())
        );
        let slow = rt.sleep(Duration::from_secs(5));
        assert_eq!(
            wait_for(&rt, slow, Some(Duration::from_secs(1))).await,
            Err(TimeoutError::new())
        );
    });
}

#[test]
fn wait_for_task_failure_and_timeout() {
    let rt = rt();
    rt.block_on(async {
        let bad = after(&rt, 1, Err("boom".into()));
        let out = wait_for_task(&rt, &bad, Some(Duration::from_secs(3))).await;
        assert!(matches!(out, Err(WaitForError::Task(e)) if e.is_failure()));
        let slow = after(&rt, 5, Ok(1));
        let out = wait_for_task(&rt, &slow, Some(Duration::from_secs(1))).await;
        assert!(matches!(out, Err(WaitForError::Timeout(_))));
        assert!(slow.cancelled());
    });
}

/// Runs `body` as the main task (a timeout scope needs a task to run in).
fn in_task(rt: &Smol, body: impl std::future::Future<Output = ()> + Send + 'static) {
    aio_tasks::run(rt, async move {
        body.await;
        Ok::<_, String>(())
    })
    .unwrap();
}

#[test]
fn timeout_reschedule_into_the_past_expires_and_none_never_does() {
    let rt = rt();
    let rt2 = rt.clone();
    in_task(&rt, async move {
        let rt = rt2;
        let cm = timeout_at(&rt, None);
        let scope = cm.clone();
        let r = rt.clone();
        let out = cm
            .clone()
            .run(async move {
                r.sleep(Duration::from_secs(1)).await;
                scope.reschedule(Some(r.now())).unwrap();
                r.sleep(Duration::from_secs(5)).await;
            })
            .await;
        assert_eq!(out, Err(ScopeError::Timeout(TimeoutError::new())));
        assert!(cm.expired());
        let never = timeout(&rt, None);
        assert_eq!(
            never.clone().run(rt.sleep(Duration::from_secs(2))).await,
            Ok(())
        );
        assert!(!never.expired());
    });
}

/// A scope is used once, inside a task: rescheduled only while its body runs, entered
/// once; each misuse is asyncio's `RuntimeError`, and the body of a refused scope never
/// runs.
#[test]
fn a_timeout_scope_refuses_misuse() {
    let rt = rt();
    let rt2 = rt.clone();
    in_task(&rt, async move {
        let rt = rt2;
        let cm = timeout(&rt, Some(Duration::from_secs(5)));
        assert_eq!(cm.reschedule(None), Err(TimeoutStateError::NotEntered));
        let first = cm.clone().run(async {});
        assert_eq!(cm.reschedule(None), Err(TimeoutStateError::NotEntered));
        assert_eq!(first.await, Ok(()));
        assert_eq!(cm.reschedule(None), Err(TimeoutStateError::Finished));
        let again = cm
            .clone()
            .run(async { panic!("a refused body never runs") });
        assert_eq!(
            again.await,
            Err(ScopeError::State(TimeoutStateError::AlreadyEntered))
        );
        let short = timeout(&rt, Some(Duration::from_secs(1)));
        let out = short.clone().run(rt.sleep(Duration::from_secs(2))).await;
        assert!(matches!(out, Err(ScopeError::Timeout(_))));
        assert_eq!(short.reschedule(None), Err(TimeoutStateError::Expired));
        assert_eq!(
            aio_rt::format_exception(&TimeoutStateError::Expired),
            "RuntimeError: Cannot change state of expired Timeout"
        );
    });
    // Outside any task (a bare block_on): refused; wait_for, which uses a scope inside,
    // still works anywhere.
    let cm = timeout(&rt, Some(Duration::from_secs(1)));
    let out = rt.block_on(cm.run(async { panic!("a refused body never runs") }));
    assert_eq!(out, Err(ScopeError::State(TimeoutStateError::OutsideTask)));
    let fast = rt.block_on(wait_for(&rt, async { 7 }, Some(Duration::from_secs(1))));
    assert_eq!(fast, Ok(7));
}

#[test]
fn cancelling_the_waiter_cancels_none_of_the_tasks() {
    let rt = rt();
    rt.block_on(async {
        let (a, b) = (after(&rt, 5, Ok(1)), after(&rt, 6, Ok(2)));
        let (r, tasks) = (rt.clone(), [a.clone(), b.clone()]);
        let waiter = create_task(&rt, async move {
            let _ = wait(&r, tasks, ReturnWhen::AllCompleted, None).await;
            Ok::<_, String>(())
        });
        let (r, tasks) = (rt.clone(), [a.clone(), b.clone()]);
        let streamer = create_task(&rt, async move {
            let mut s = as_completed(&r, tasks, None);
            while s.next().await.is_some() {}
            Ok::<_, String>(())
        });
        rt.sleep(Duration::from_secs(1)).await;
        waiter.cancel(None);
        streamer.cancel(None);
        assert!(waiter.await.unwrap_err().is_cancelled());
        assert!(streamer.await.unwrap_err().is_cancelled());
        assert_eq!((a.await, b.await), (Ok(1), Ok(2)));
    });
}
