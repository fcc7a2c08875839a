"""sleep_max_oversleep: the largest oversleep of n 10 ms sleeps in a row."""

import asyncio

from bench_util import now_ns, run, size


async def main():
    n = size(30)
    worst = 0
    for _ in range(n):
        start = now_ns()
        await asyncio.sleep(0.010)
        worst = max(worst, now_ns() - start - 10_000_000)
    return worst, 1


run(main)
