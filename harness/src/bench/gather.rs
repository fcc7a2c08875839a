//! gather, wait(ALL_COMPLETED), as_completed and a TaskGroup over n trivial tasks, against
//! the best native way on the runtime: tokio's `JoinSet`, elsewhere spawn and await in
//! order.

use std::time::{Duration, Instant};

use aio_gather::gather;
use aio_rt::Runtime;
use aio_tasks::{Task, TaskGroup, create_task};
use aio_wait::{ReturnWhen, as_completed, wait};
use futures_lite::StreamExt;

use super::{Sample, Variant, per_op, workloads::AnyRt};
use crate::RuntimeKind;

#[derive(Clone, Copy)]
enum Op {
    Gather,
    Wait,
    AsCompleted,
    TaskGroup,
}

fn tasks<R: Runtime>(rt: &R, n: u64) -> Vec<Task<u64, String>> {
    (0..n)
        .map(|i| create_task(rt, async move { Ok(i) }))
        .collect()
}

/// Ours: `n` tasks made with `create_task` inside a main task, then gathered / waited /
/// consumed as completed; the sum is checked.
fn ours<R: Runtime>(rt: &R, op: Op, n: u64) -> Duration {
    let start = Instant::now();
    let r = rt.clone();
    let main = create_task(rt, async move {
        let sum: u64 = match op {
            Op::Gather => gather(&r, tasks(&r, n))
                .await
                .map_err(|e| format!("{e:?}"))?
                .into_iter()
                .sum(),
            Op::Wait => {
                let (done, pending) = wait(&r, tasks(&r, n), ReturnWhen::AllCompleted, None)
                    .await
                    .map_err(|e| e.to_string())?;
                assert!(pending.is_empty());
                done.len() as u64 * (n.saturating_sub(1)) / 2
            }
            Op::AsCompleted => {
                let mut stream = as_completed(&r, tasks(&r, n), None);
                let mut sum = 0;
                while let Some(v) = stream.next().await {
                    sum += v.map_err(|e| format!("{e:?}"))?;
                }
                sum
            }
            Op::TaskGroup => {
                let group = TaskGroup::run(&r, |tg| async move {
                    let children = (0..n)
                        .map(|i| tg.create_task(async move { Ok::<u64, String>(i) }))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|e| e.to_string())?;
                    Ok(children)
                });
                let children = group.await.map_err(|e| e.to_string())?;
                children.iter().map(|t| t.result().unwrap_or(0)).sum()
            }
        };
        Ok::<u64, String>(sum)
    });
    let sum = rt.block_on(async { main.await.expect("the workload succeeds") });
    let elapsed = start.elapsed();
    if let Op::Gather | Op::AsCompleted | Op::TaskGroup = op {
        assert_eq!(sum, n * n.saturating_sub(1) / 2, "every result arrived");
    }
    elapsed
}

/// The best native way: tokio's `JoinSet`; elsewhere the runtime's spawn, awaited in order.
fn native(rt: &AnyRt, n: u64) -> Duration {
    let start = Instant::now();
    match rt {
        AnyRt::Tokio(t) => {
            let handle = t.handle().clone();
            let sum = t.block_on(async move {
                let mut set = tokio::task::JoinSet::new();
                for i in 0..n {
                    set.spawn_on(async move { i }, &handle);
                }
                let mut sum = 0;
                while let Some(v) = set.join_next().await {
                    sum += v.expect("a benchmark task completes");
                }
                sum
            });
            assert_eq!(sum, n * n.saturating_sub(1) / 2);
        }
        other => {
            let futs: Vec<_> = (0..n).map(|_| async {}).collect();
            other.block_on_timed(other.native_spawn_each(futs));
        }
    }
    start.elapsed()
}

fn run(kind: RuntimeKind, variant: Variant, n: usize, op: Op) -> Sample {
    let rt = AnyRt::new(kind);
    let n64 = n as u64;
    let elapsed = match (variant, &rt) {
        (Variant::Native, _) => native(&rt, n64),
        (Variant::Ours, AnyRt::Tokio(r)) => ours(r, op, n64),
        (Variant::Ours, AnyRt::AsyncStd(r)) => ours(r, op, n64),
        (Variant::Ours, AnyRt::Smol(r)) => ours(r, op, n64),
    };
    per_op(elapsed, n)
}

pub(super) fn gather_n(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    run(kind, variant, n, Op::Gather)
}

pub(super) fn wait_n(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    run(kind, variant, n, Op::Wait)
}

pub(super) fn as_completed_n(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    run(kind, variant, n, Op::AsCompleted)
}

pub(super) fn taskgroup_n(kind: RuntimeKind, variant: Variant, n: usize) -> Sample {
    run(kind, variant, n, Op::TaskGroup)
}
