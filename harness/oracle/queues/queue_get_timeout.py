"""queue_get_timeout: a get cancelled by a timeout loses nothing."""

import asyncio

from rosetta import log


async def a(q):
    log("a", "waiting, at most 2 ticks")
    try:
        item = await asyncio.wait_for(q.get(), 2)
        log("a", f"got {item}")
    except TimeoutError:
        log("a", "timed out")


async def b(q):
    await asyncio.sleep(1)
    log("b", "waiting")
    item = await q.get()
    log("b", f"got {item}")


async def main():
    q = asyncio.Queue()
    ta = asyncio.create_task(a(q))
    tb = asyncio.create_task(b(q))
    await asyncio.sleep(3)
    q.put_nowait("x")
    log("main", "put x")
    await ta
    await tb
    log("main", f"qsize={q.qsize()}")


asyncio.run(main())
