"""condition_repr: a Condition's repr shows whether its lock is held and how many tasks
wait on it."""

import asyncio

from rosetta import log, repr_of


async def waiter(cond):
    await asyncio.sleep(1)
    async with cond:
        await cond.wait()
        log("waiter", f"notified: {repr_of(cond)}")


async def main():
    cond = asyncio.Condition()
    log("main", repr_of(cond))
    task = asyncio.create_task(waiter(cond))
    await asyncio.sleep(2)
    log("main", repr_of(cond))
    async with cond:
        log("main", repr_of(cond))
        cond.notify()
    await task
    log("main", repr_of(cond))


asyncio.run(main())
