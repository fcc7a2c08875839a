"""wait_for_coroutine_swallows: the coroutine wait_for runs catches the CancelledError of the deadline, cleans up with an await and returns a value: wait_for returns it."""

import asyncio

from rosetta import log


async def inner():
    try:
        await asyncio.sleep(10)
        log("inner", "never")
    except asyncio.CancelledError:
        log("inner", "swallows the cancel")
        await asyncio.sleep(1)
    return "inner value"


async def main():
    result = await asyncio.wait_for(inner(), 2)
    log("main", f"wait_for: {result}")
    log("main", f"main cancelling: {asyncio.current_task().cancelling()}")


asyncio.run(main())
