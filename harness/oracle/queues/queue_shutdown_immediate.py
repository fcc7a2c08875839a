# python: 3.13
"""queue_shutdown_immediate: drops the items, finishes join, fails blocked getters (3.13)."""

import asyncio

from rosetta import exc, log


async def watcher(q):
    await q.join()
    log("watcher", "joined")


async def getter(q):
    log("getter", "waiting on the empty queue")
    try:
        item = await q.get()
        log("getter", f"got {item}")
    except asyncio.QueueShutDown as e:
        log("getter", f"get: {exc(e)}")


async def main():
    q, empty = asyncio.Queue(), asyncio.Queue()
    for item in ("a", "b", "c"):
        q.put_nowait(item)
    w = asyncio.create_task(watcher(q))
    g = asyncio.create_task(getter(empty))
    await asyncio.sleep(1)
    q.shutdown(immediate=True)
    empty.shutdown(immediate=True)
    log("main", f"shutdown(immediate=True): qsize={q.qsize()}")
    await w
    await g


asyncio.run(main())
