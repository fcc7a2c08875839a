//! aio-shield without the harness: dropping the shield never cancels the task.

use std::time::Duration;

use aio_rt::{Clock, Config, Runtime, Tokio};
use aio_shield::{shield, shield_future};

#[test]
fn dropping_the_shield_leaves_the_task_running() {
    let rt = Tokio::current_thread_with(Config::default().clock(Clock::Virtual));
    rt.block_on(async {
        let sleeper = rt.clone();
        let (task, outer) = shield_future(&rt, async move {
            sleeper.sleep(Duration::from_secs(2)).await;
            Ok::<_, String>(5)
        });
        drop(outer);
        rt.sleep(Duration::from_secs(1)).await;
        assert!(!task.done());
        assert_eq!(shield(&task).await, Ok(5));
        assert_eq!((&task).await, Ok(5));
        assert_eq!(rt.now().since_start(), Duration::from_secs(2));
    });
}
