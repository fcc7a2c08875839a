"""drop_suspended: a paused generator is dropped; asyncio's finalizer hook runs its cleanup in a task."""

import asyncio

from rosetta import log


async def rows():
    log("gen", "open the cursor")
    try:
        yield "row 0"
        yield "row 1"
    finally:
        log("gen", "cleanup starts")
        await asyncio.sleep(1)
        log("gen", "cleanup done")


async def main():
    gen = rows()
    log("main", f"anext -> {await anext(gen)}")
    del gen  # the last reference: the loop's finalizer hook schedules gen.aclose()
    log("main", "dropped the generator")
    await asyncio.sleep(2)
    log("main", "end")


asyncio.run(main())
