"""gather_tasks: create n trivial tasks and gather them."""

import asyncio

from bench_util import now_ns, run, size


async def trivial(i):
    return i


async def main():
    n = size(100_000)
    start = now_ns()
    tasks = [asyncio.create_task(trivial(i)) for i in range(n)]
    results = await asyncio.gather(*tasks)
    elapsed = now_ns() - start
    assert sum(results) == n * (n - 1) // 2
    return elapsed, n


run(main)
