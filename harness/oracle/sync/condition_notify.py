"""condition_notify: notify(n) wakes the n longest waiters; each returns holding the lock."""

import asyncio

from rosetta import log


async def waiter(cond, i):
    name = f"waiter-{i}"
    await asyncio.sleep(i)
    async with cond:
        log(name, "waiting")
        await cond.wait()
        log(name, f"notified, locked()={str(cond.locked()).lower()}")


async def main():
    cond = asyncio.Condition()
    tasks = [asyncio.create_task(waiter(cond, i)) for i in range(3)]
    for n in (1, 2):
        await asyncio.sleep(3 if n == 1 else 1)
        async with cond:
            cond.notify(n)
            log("main", f"notify({n})")
    for t in tasks:
        await t


asyncio.run(main())
