"""semaphore_limits_concurrency: Semaphore(2) lets two tasks in at a time."""

import asyncio

from rosetta import log


async def worker(sem, i):
    name = f"worker-{i}"
    await asyncio.sleep(2 * i)
    log(name, "arrives")
    async with sem:
        log(name, "inside")
        await asyncio.sleep(5)
        log(name, "leaves")


async def main():
    sem = asyncio.Semaphore(2)
    tasks = [asyncio.create_task(worker(sem, i)) for i in range(4)]
    for t in tasks:
        await t


asyncio.run(main())
