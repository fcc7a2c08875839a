"""queue_robbed_getter: a woken getter can be robbed; it then waits again at the back."""

import asyncio

from rosetta import log


async def getter(q, name, delay):
    await asyncio.sleep(delay)
    log(name, "waiting")
    item = await q.get()
    log(name, f"got {item}")


async def main():
    q = asyncio.Queue()
    getters = [asyncio.create_task(getter(q, name, i)) for i, name in enumerate(("a", "b"))]
    await asyncio.sleep(2)
    q.put_nowait("x")
    robbed = q.get_nowait()
    log("main", f"put x, then get_nowait() -> {robbed}")
    await asyncio.sleep(1)
    q.put_nowait("y")
    log("main", "put y")
    await asyncio.sleep(1)
    q.put_nowait("z")
    log("main", "put z")
    for g in getters:
        await g


asyncio.run(main())
