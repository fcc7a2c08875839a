"""taskgroup_tasks: a TaskGroup whose body creates n trivial children, then waits for them."""

import asyncio

from bench_util import now_ns, run, size


async def trivial(i):
    return i


async def main():
    n = size(100_000)
    start = now_ns()
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(trivial(i)) for i in range(n)]
    elapsed = now_ns() - start
    assert sum(t.result() for t in tasks) == n * (n - 1) // 2
    return elapsed, n


run(main)
