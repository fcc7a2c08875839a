"""CPython twin of `cargo run --release -p aio-queues --example bench`: a bounded SPSC
asyncio.Queue, 1M items, capacity 1024, with task_done/join. Prints ns per item."""

import asyncio
import time

from bench_util import run_coro

ITEMS = 1_000_000
CAPACITY = 1024


async def producer(q):
    for i in range(ITEMS):
        await q.put(i)


async def consumer(q):
    for _ in range(ITEMS):
        await q.get()
        q.task_done()


async def main():
    q = asyncio.Queue(maxsize=CAPACITY)
    start = time.perf_counter()
    p = asyncio.create_task(producer(q))
    c = asyncio.create_task(consumer(q))
    await p
    await q.join()
    await c
    return time.perf_counter() - start


elapsed = min(run_coro(main()) for _ in range(3))
print(f"CPython asyncio.Queue SPSC, {ITEMS} items, capacity {CAPACITY}: {elapsed / ITEMS * 1e9:.1f} ns per item (best of 3)")
