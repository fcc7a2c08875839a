//! `asyncio.Lock`: one task at a time in the critical section, with `async with lock:`
//! or by hand with `acquire()`/`release()`.
//!
//! ```python
//! import asyncio, time
//!
//! def say(text):
//!     print(f"[{time.perf_counter() - start:.1f}s] {text}")
//!
//! balance = 0
//!
//! async def deposit(lock, name, amount):
//!     global balance
//!     async with lock:
//!         say(f"{name}: in the lock")
//!         current = balance
//!         await asyncio.sleep(1)          # a slow write: without the lock, updates are lost
//!         balance = current + amount
//!     say(f"{name}: balance {balance}")
//!
//! async def main():
//!     lock = asyncio.Lock()
//!     await asyncio.gather(deposit(lock, "a", 10), deposit(lock, "b", 20))
//!     await lock.acquire()                # by hand
//!     say(f"locked by hand: {lock.locked()}")
//!     lock.release()
//!     say(f"final balance {balance}")     # 30 at 2.0s
//!
//! start = time.perf_counter()
//! asyncio.run(main())
//! ```
//!
//! Run: `cargo run -p aio --example lock` (`AIO_CLOCK=virtual` for virtual time).
use aio::example::say;
use aio::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

async fn deposit<R: Runtime>(
    rt: R,
    lock: Arc<Lock>,
    balance: Arc<AtomicU64>,
    name: &'static str,
    amount: u64,
) -> Result<(), PyError> {
    {
        let _guard = lock.lock().await; // async with lock:
        say(&rt, format!("{name}: in the lock"));
        let current = balance.load(Ordering::SeqCst);
        sleep(&rt, Duration::from_secs(1)).await; // a slow write
        balance.store(current + amount, Ordering::SeqCst);
    } // the guard is dropped: released
    say(
        &rt,
        format!("{name}: balance {}", balance.load(Ordering::SeqCst)),
    );
    Ok(())
}

/// Python: `asyncio.run(main())`
pub fn main() {
    aio::example::run(|rt| async move {
        let lock = Arc::new(Lock::new());
        let balance = Arc::new(AtomicU64::new(0));
        let a = create_task(
            &rt,
            deposit(rt.clone(), lock.clone(), balance.clone(), "a", 10),
        );
        let b = create_task(
            &rt,
            deposit(rt.clone(), lock.clone(), balance.clone(), "b", 20),
        );
        gather(&rt, [a, b])
            .await
            .map_err(|e| PyError::from_py(&e))?;
        lock.acquire().await; // by hand
        say(&rt, format!("locked by hand: {}", lock.locked()));
        lock.release().map_err(|e| PyError::from_py(&e))?;
        say(
            &rt,
            format!("final balance {}", balance.load(Ordering::SeqCst)),
        );
        Ok::<_, PyError>(())
    })
    .expect("main failed");
}
