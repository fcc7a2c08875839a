"""condition_wait_for: wait_for re-checks its predicate and returns its value."""

import asyncio

from rosetta import log


async def consumer(cond, items):
    def ready():
        log("consumer", f"check: {len(items)} items")
        return items[-1] if items else None

    async with cond:
        item = await cond.wait_for(ready)
        log("consumer", f"got {item}")


async def main():
    cond = asyncio.Condition()
    items = []
    c = asyncio.create_task(consumer(cond, items))
    for item in (None, "x"):
        await asyncio.sleep(1)
        async with cond:
            if item is not None:
                items.append(item)
            cond.notify_all()
            log("main", f"notify_all, {len(items)} items")
    await c


asyncio.run(main())
