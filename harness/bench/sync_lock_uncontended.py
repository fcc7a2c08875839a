"""lock_uncontended: one task takes and releases an asyncio.Lock n times, nobody waiting."""

import asyncio

from bench_util import now_ns, run, size


async def main():
    n = size(1_000_000)
    lock = asyncio.Lock()
    start = now_ns()
    for _ in range(n):
        async with lock:
            pass
    return now_ns() - start, n


run(main)
