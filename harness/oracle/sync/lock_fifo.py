"""lock_fifo: tasks waiting for a Lock get it in arrival order."""

import asyncio

from rosetta import log


async def task(lock, i):
    name = f"task-{i}"
    await asyncio.sleep(i)
    log(name, "waiting")
    async with lock:
        log(name, "acquired")
        await asyncio.sleep(1)
        log(name, "releasing")


async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    log("holder", "acquired")
    tasks = [asyncio.create_task(task(lock, i)) for i in range(1, 4)]
    await asyncio.sleep(4)
    log("holder", "releasing")
    lock.release()
    for t in tasks:
        await t


asyncio.run(main())
