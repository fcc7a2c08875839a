"""CPython twin of the Lock row of `cargo run --release -p aio-sync --example bench`:
100 tasks x 10k `async with lock:`. Prints ns per lock+unlock."""

import asyncio
import time

from bench_util import run_coro

TASKS, ITERS = 100, 10_000


async def worker(lock):
    for _ in range(ITERS):
        async with lock:
            pass


async def main():
    lock = asyncio.Lock()
    start = time.perf_counter()
    await asyncio.gather(*(worker(lock) for _ in range(TASKS)))
    return time.perf_counter() - start


elapsed = min(run_coro(main()) for _ in range(3))
print(f"CPython asyncio.Lock, {TASKS} tasks x {ITERS}: {elapsed / (TASKS * ITERS) * 1e9:.1f} ns per lock+unlock (best of 3)")
