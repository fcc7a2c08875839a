"""CPython twin of the Semaphore row of `cargo run --release -p aio-sync --example bench`:
Semaphore(10), 1000 tasks x 100 (acquire, sleep(0), release). Prints ns per round."""

import asyncio
import time

from bench_util import run_coro

TASKS, ITERS = 1000, 100


async def worker(sem):
    for _ in range(ITERS):
        async with sem:
            await asyncio.sleep(0)


async def main():
    sem = asyncio.Semaphore(10)
    start = time.perf_counter()
    await asyncio.gather(*(worker(sem) for _ in range(TASKS)))
    return time.perf_counter() - start


elapsed = min(run_coro(main()) for _ in range(3))
print(f"CPython asyncio.Semaphore(10), {TASKS} tasks x {ITERS}: {elapsed / (TASKS * ITERS) * 1e9:.1f} ns per acquire+yield+release (best of 3)")
