"""event_set_wakes_all: set wakes every waiter in order, even if cleared at once."""

import asyncio

from rosetta import log


async def waiter(event, i):
    name = f"waiter-{i}"
    await asyncio.sleep(i)
    log(name, "waiting")
    await event.wait()
    log(name, "woken")


async def late(event):
    await asyncio.sleep(1)
    await event.wait()
    log("late", "wait returned at once")


async def main():
    event = asyncio.Event()
    tasks = [asyncio.create_task(waiter(event, i)) for i in range(3)]
    await asyncio.sleep(3)
    event.set()
    event.clear()
    log("main", f"set then clear, is_set()={str(event.is_set()).lower()}")
    await asyncio.sleep(1)
    event.set()
    log("main", "set")
    tasks.append(asyncio.create_task(late(event)))
    for t in tasks:
        await t


asyncio.run(main())
