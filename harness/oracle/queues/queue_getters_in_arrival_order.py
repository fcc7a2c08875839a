"""queue_getters_in_arrival_order: blocked getters are served in arrival order."""

import asyncio

from rosetta import log


async def getter(q, i):
    name = f"getter-{i}"
    await asyncio.sleep(i)
    log(name, "waiting")
    item = await q.get()
    log(name, f"got {item}")


async def main():
    q = asyncio.Queue()
    getters = [asyncio.create_task(getter(q, i)) for i in range(3)]
    await asyncio.sleep(3)
    for item in ("a", "b", "c"):
        q.put_nowait(item)
    log("main", "put a, b, c")
    for g in getters:
        await g


asyncio.run(main())
