"""event_repr: an Event's repr shows its flag and how many tasks wait for it."""

import asyncio

from rosetta import log, repr_of


async def waiter(event, name, delay):
    await asyncio.sleep(delay)
    await event.wait()
    log(name, "woken")


async def main():
    event = asyncio.Event()
    log("main", repr_of(event))
    tasks = [asyncio.create_task(waiter(event, name, delay)) for delay, name in ((1, "a"), (2, "b"))]
    await asyncio.sleep(3)
    log("main", repr_of(event))
    event.set()
    for t in tasks:
        await t
    log("main", repr_of(event))
    event.clear()
    log("main", repr_of(event))


asyncio.run(main())
