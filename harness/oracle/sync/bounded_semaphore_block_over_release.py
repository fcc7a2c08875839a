"""bounded_semaphore_block_over_release: someone releases a BoundedSemaphore while a block holds it; the block's exit raises."""

import asyncio

from rosetta import exc, log


async def helper(sem):
    try:
        sem.release()
        log("helper", f"released: value={sem._value}")
    except ValueError as e:
        log("helper", f"release: {exc(e)}")


async def main():
    sem = asyncio.BoundedSemaphore(1)
    try:
        async with sem:
            log("main", f"in the block: value={sem._value}")
            task = asyncio.create_task(helper(sem))
            await asyncio.sleep(1)
        log("main", "block ended")
    except ValueError as e:
        log("main", f"block ended with {exc(e)}")
    log("main", f"after the block: value={sem._value}")
    await task


asyncio.run(main())
