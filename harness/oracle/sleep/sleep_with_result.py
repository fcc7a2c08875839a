"""sleep_with_result: sleep(delay, result) gives the result; a cancelled sleep ends at once."""

import asyncio

from rosetta import log


async def main():
    log("main", "sleep 2 with a result")
    value = await asyncio.sleep(2, result="the result")
    log("main", f"got '{value}'")
    sleeper = asyncio.create_task(asyncio.sleep(100))
    await asyncio.sleep(1)
    sleeper.cancel()
    try:
        await sleeper
    except asyncio.CancelledError:
        log("main", "a sleep of 100 cancelled after 1")


asyncio.run(main())
