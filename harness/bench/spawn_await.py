"""spawn_await: create n trivial tasks, then await them in order."""

import asyncio

from bench_util import now_ns, run, size


async def trivial():
    pass


async def main():
    n = size(100_000)
    start = now_ns()
    tasks = [asyncio.create_task(trivial()) for _ in range(n)]
    for task in tasks:
        await task
    return now_ns() - start, n


run(main)
