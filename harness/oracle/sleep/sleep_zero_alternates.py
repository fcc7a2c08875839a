"""sleep_zero_alternates: sleep(0) is one trip through the ready queue; two loops alternate."""

import asyncio

from rosetta import log


async def looper(name):
    for i in range(3):
        log(name, f"step {i}")
        await asyncio.sleep(0)


async def main():
    a = asyncio.create_task(looper("a"))
    b = asyncio.create_task(looper("b"))
    await a
    await b
    log("main", "both done, no time passed")


asyncio.run(main())
