"""queue_shutdown: after shutdown puts fail; gets drain the rest, then fail (3.13)."""

import asyncio

import queues.py313  # noqa: F401  (Queue.shutdown on Pythons older than 3.13)
from rosetta import log


async def putter(q):
    log("putter", "put c...")
    try:
        await q.put("c")
        log("putter", "put c done")
    except asyncio.QueueShutDown:
        log("putter", "put c: queue is shut down")


async def consumer(q):
    await asyncio.sleep(2)
    while True:
        try:
            item = await q.get()
        except asyncio.QueueShutDown:
            log("consumer", "get: queue is shut down")
            break
        log("consumer", f"got {item}")


async def main():
    q = asyncio.Queue(maxsize=2)
    q.put_nowait("a")
    q.put_nowait("b")
    p = asyncio.create_task(putter(q))
    c = asyncio.create_task(consumer(q))
    await asyncio.sleep(1)
    q.shutdown()
    log("main", "shutdown()")
    try:
        q.put_nowait("d")
    except asyncio.QueueShutDown:
        log("main", "put_nowait(d): queue is shut down")
    await p
    await c


asyncio.run(main())
