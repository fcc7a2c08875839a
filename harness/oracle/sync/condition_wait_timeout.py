"""condition_wait_timeout: a wait cancelled by a timeout holds the lock again afterwards."""

import asyncio

from rosetta import log


async def waiter(cond):
    async with cond:
        log("waiter", "waiting, at most 2 ticks")
        try:
            await asyncio.wait_for(cond.wait(), 2)
            notified = True
        except TimeoutError:
            notified = False
        log("waiter", f"notified={str(notified).lower()}, locked()={str(cond.locked()).lower()}")


async def main():
    cond = asyncio.Condition()
    await asyncio.create_task(waiter(cond))
    log("main", f"after the waiter's async with: locked()={str(cond.locked()).lower()}")


asyncio.run(main())
