"""shield_timeout_pattern: a timeout around shield(task) times out; the task runs on."""

import asyncio

from rosetta import log


async def work():
    log("work", "start, takes 3")
    await asyncio.sleep(3)
    log("work", "finished")
    return "the result"


async def main():
    task = asyncio.create_task(work(), name="work")
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=1)
    except TimeoutError:
        log("main", f"timed out; task still running: {str(not task.done()).lower()}")
    value = await task
    log("main", f"awaited the task afterwards: '{value}'")


asyncio.run(main())
