"""taskgroup_waits_for_all: the group ends when every child has, grandchildren included."""

import asyncio

from rosetta import log


async def leaf(name, delay):
    log(name, f"start, sleeps {delay}")
    await asyncio.sleep(delay)
    log(name, "done")


async def parent(tg):
    log("b", "start, sleeps 2")
    await asyncio.sleep(2)
    tg.create_task(leaf("b.child", 2))
    log("b", "spawned b.child; done")


async def main():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(leaf("a", 1))
        tg.create_task(parent(tg))
        log("main", "body done")
    log("main", "group done")


asyncio.run(main())
