"""queue_join: join returns at once on a fresh queue, and wakes every joiner at zero."""

import asyncio

from rosetta import log


async def worker(q):
    for _ in range(3):
        item = await q.get()
        await asyncio.sleep(item)
        log("worker", f"done {item}")
        q.task_done()


async def watcher(q):
    await q.join()
    log("watcher", "joined")


async def main():
    q = asyncio.Queue()
    await q.join()
    log("main", "join on a fresh queue returned at once")
    for item in (1, 2, 1):
        q.put_nowait(item)
    w = asyncio.create_task(worker(q))
    j = asyncio.create_task(watcher(q))
    await q.join()
    log("main", "joined")
    await w
    await j


asyncio.run(main())
