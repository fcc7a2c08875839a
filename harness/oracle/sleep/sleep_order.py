"""sleep_order: three tasks sleep 3, 1 and 2 ticks; they wake in deadline order."""

import asyncio

from rosetta import log


async def worker(name, delay):
    log(name, f"sleep {delay}")
    await asyncio.sleep(delay)
    log(name, "woke up")


async def main():
    tasks = [asyncio.create_task(worker(f"worker-{delay}", delay)) for delay in (3, 1, 2)]
    for task in tasks:
        await task
    log("main", "all done")


asyncio.run(main())
