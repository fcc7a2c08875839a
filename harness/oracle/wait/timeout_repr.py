"""timeout_repr: a timeout scope's repr shows its state (created, active with its
deadline, expired, finished)."""

import asyncio

from rosetta import log, repr_of


async def main():
    loop = asyncio.get_running_loop()
    cm = asyncio.timeout(5)
    log("main", repr_of(cm))
    async with cm:
        log("main", repr_of(cm))
        await asyncio.sleep(1)
    log("main", repr_of(cm))
    cm = asyncio.timeout(1)
    try:
        async with cm:
            await asyncio.sleep(2)
    except TimeoutError:
        log("main", repr_of(cm))
    cm = asyncio.timeout(None)
    async with cm:
        log("main", repr_of(cm))
        cm.reschedule(loop.time() + 1.5)
        log("main", repr_of(cm))
    log("main", repr_of(cm))


asyncio.run(main())
