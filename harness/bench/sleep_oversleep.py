"""sleep_oversleep: mean oversleep of n 10 ms sleeps in a row."""

import asyncio

from bench_util import now_ns, run, size


async def main():
    n = size(30)
    total = 0
    for _ in range(n):
        start = now_ns()
        await asyncio.sleep(0.010)
        total += max(0, now_ns() - start - 10_000_000)
    return total, n


run(main)
