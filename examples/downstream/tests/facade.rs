//! A gather and a TaskGroup through the `aio` facade alone, as a crate that depends only
//! on `aio` writes them (`use aio::prelude::*;`, `aio::run`: Python's `asyncio.run`).

use aio::prelude::*;
use std::time::Duration;

async fn fetch<R: Runtime>(rt: R, name: &'static str, ms: u64) -> Result<&'static str, PyError> {
    sleep(&rt, Duration::from_millis(ms)).await;
    Ok(name)
}

/// Python: `await asyncio.gather(fetch("slow", 20), fetch("fast", 10))`
#[test]
fn gather_gives_the_values_in_argument_order() {
    let outcome = aio::run(|rt| async move {
        let slow = create_task(&rt, fetch(rt.clone(), "slow", 20));
        let fast = create_task(&rt, fetch(rt.clone(), "fast", 10));
        gather(&rt, [slow, fast]).await
    });
    assert_eq!(outcome.unwrap(), ["slow", "fast"]);
}

/// Python: `async with asyncio.TaskGroup() as tg:` with two children, then their results;
/// a child that fails makes the group raise an `ExceptionGroup` naming it.
#[test]
fn a_task_group_waits_for_its_children_and_collects_failures() {
    let outcome = aio::run(|rt| async move {
        let r = rt.clone();
        let names = TaskGroup::run(&rt, |tg| async move {
            let spawned = |e: aio::tasks::SpawnError| PyError::from_py(&e);
            let a = tg.create_task(fetch(r.clone(), "a", 10)).map_err(spawned)?;
            let b = tg.create_task(fetch(r.clone(), "b", 5)).map_err(spawned)?;
            Ok::<_, PyError>((a, b))
        })
        .await
        .map_err(|e| PyError::from_py(&e))?;
        let (a, b) = names;
        Ok::<_, PyError>(vec![a.result().unwrap(), b.result().unwrap()])
    });
    assert_eq!(outcome.unwrap(), ["a", "b"]);

    let failed = aio::run(|rt| async move {
        let outcome = TaskGroup::run(&rt, |tg| async move {
            tg.create_task(async { Err::<(), _>(PyError::new("ValueError", "boom")) })
                .map_err(|e| PyError::from_py(&e))?;
            Ok::<_, PyError>(())
        })
        .await;
        Ok::<_, PyError>(outcome.map_err(|e| e.py_str()))
    });
    let message = failed.unwrap().unwrap_err();
    assert!(
        message.contains("unhandled errors in a TaskGroup"),
        "{message}"
    );
}
