"""queue_get_woken_then_cancelled: a woken getter cancelled before it runs passes the item on."""

import asyncio

from rosetta import log


async def getter(q, name, delay):
    await asyncio.sleep(delay)
    log(name, "waiting")
    item = await q.get()
    log(name, f"got {item}")


async def main():
    q = asyncio.Queue()
    ta, tb = (asyncio.create_task(getter(q, name, i)) for i, name in enumerate(("a", "b")))
    await asyncio.sleep(2)
    q.put_nowait("x")
    ta.cancel()
    log("main", "put x, cancel a")
    await asyncio.sleep(1)
    try:
        await ta
        cancelled = False
    except asyncio.CancelledError:
        cancelled = True
    log("main", f"a cancelled: {str(cancelled).lower()}, qsize={q.qsize()}")
    await tb


asyncio.run(main())
