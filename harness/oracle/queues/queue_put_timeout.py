"""queue_put_timeout: a put cancelled by a timeout inserts nothing."""

import asyncio

from rosetta import exc, log


async def putter(q):
    log("putter", "put new, at most 1 tick")
    try:
        await asyncio.wait_for(q.put("new"), 1)
        log("putter", "put new done")
    except TimeoutError:
        log("putter", "timed out")


async def main():
    q = asyncio.Queue(maxsize=1)
    q.put_nowait("old")
    await asyncio.create_task(putter(q))
    log("main", f"qsize={q.qsize()}")
    log("main", f"get_nowait() -> {q.get_nowait()}")
    try:
        q.get_nowait()
    except asyncio.QueueEmpty as e:
        log("main", f"get_nowait(): {exc(e)}")


asyncio.run(main())
