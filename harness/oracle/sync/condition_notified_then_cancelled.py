# python: 3.13
"""condition_notified_then_cancelled: a cancelled waiter's notification passes on (3.13)."""

import asyncio

from rosetta import log


async def task(cond, name, delay):
    await asyncio.sleep(delay)
    async with cond:
        log(name, "waiting")
        await cond.wait()
        log(name, "notified")


async def main():
    cond = asyncio.Condition()
    ta, tb = (asyncio.create_task(task(cond, name, i)) for i, name in enumerate(("a", "b")))
    await asyncio.sleep(2)
    async with cond:
        cond.notify(1)
        ta.cancel()
        log("main", "notify(1), cancel a")
    await asyncio.sleep(1)
    try:
        await ta
        cancelled = False
    except asyncio.CancelledError:
        cancelled = True
    await tb
    log("main", f"a cancelled: {str(cancelled).lower()}, locked()={str(cond.locked()).lower()}")


asyncio.run(main())
