"""taskgroup_repr: a TaskGroup's repr shows whether it was entered, its running children,
its errors and whether it cancels; the ExceptionGroup it raises lists its members."""

import asyncio

from rosetta import log, repr_of


async def child(delay):
    await asyncio.sleep(delay)


async def fail(delay, message):
    await asyncio.sleep(delay)
    raise ValueError(message)


async def main():
    tg = asyncio.TaskGroup()
    log("main", repr_of(tg))
    async with tg:
        log("main", repr_of(tg))
        tg.create_task(child(1))
        tg.create_task(child(2))
        log("main", repr_of(tg))
    log("main", repr_of(tg))
    tg = asyncio.TaskGroup()
    try:
        async with tg:
            tg.create_task(fail(1, "boom"))
            await asyncio.sleep(2)
    except ExceptionGroup as e:
        log("main", repr_of(tg))
        log("main", repr_of(e))


asyncio.run(main())
