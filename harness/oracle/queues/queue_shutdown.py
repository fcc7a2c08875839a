# python: 3.13
"""queue_shutdown: after shutdown puts fail; gets drain the rest, then fail (3.13)."""

import asyncio

from rosetta import exc, log


async def putter(q):
    log("putter", "put c...")
    try:
        await q.put("c")
        log("putter", "put c done")
    except asyncio.QueueShutDown as e:
        log("putter", f"put c: {exc(e)}")


async def consumer(q):
    await asyncio.sleep(2)
    while True:
        try:
            item = await q.get()
        except asyncio.QueueShutDown as e:
            log("consumer", f"get: {exc(e)}")
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
    except asyncio.QueueShutDown as e:
        log("main", f"put_nowait(d): {exc(e)}")
    await p
    await c


asyncio.run(main())
