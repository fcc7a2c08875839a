//! Scenarios for `sleep`: timers complete in deadline order.

use aio_rt::Runtime;

use crate::{Cx, Scenario};

const CONCEPT: &str = "sleep";
const SOURCE: &str = include_str!("sleep.rs");

pub(crate) const SCENARIOS: &[Scenario] = &[parity!(
    sleep_order,
    "three tasks sleep 3, 1 and 2 ticks; they wake in deadline order, not in spawn order"
)];

/// Three tasks are created in the order 3, 1, 2 and each sleeps that many ticks. They
/// start in creation order (at t=0) and wake in deadline order: the timer heap, not the
/// spawn order, decides.
pub(crate) async fn sleep_order<R: Runtime>(cx: Cx<R>) {
    let mut tasks = Vec::new();
    for delay in [3, 1, 2] {
        let name = format!("worker-{delay}");
        let cx2 = cx.clone();
        tasks.push(cx.spawn(name.clone(), async move {
            cx2.log(&name, format!("sleep {delay}"));
            cx2.sleep(delay).await;
            cx2.log(&name, "woke up");
        }));
    }
    for task in tasks {
        task.await.expect("a worker finished");
    }
    cx.log("main", "all done");
}
