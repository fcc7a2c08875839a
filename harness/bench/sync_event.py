"""CPython twin of the Event row of `cargo run --release -p aio-sync --example bench`:
10k tasks wait on an Event; the time from set() until all have finished, per waiter."""

import asyncio
import time

from bench_util import run_coro

WAITERS = 10_000


async def main():
    event = asyncio.Event()
    tasks = [asyncio.create_task(event.wait()) for _ in range(WAITERS)]
    await asyncio.sleep(0)  # every waiter parks
    start = time.perf_counter()
    event.set()
    await asyncio.gather(*tasks)
    return time.perf_counter() - start


elapsed = min(run_coro(main()) for _ in range(5))
print(f"CPython asyncio.Event set waking {WAITERS} waiters: {elapsed / WAITERS * 1e9:.1f} ns per waiter (best of 5)")
