"""run_shutdown: a task created in main's last step takes its first step, then asyncio.run cancels it and waits for its cleanup."""

import asyncio

from rosetta import log


async def late():
    log("late", "first step")
    try:
        await asyncio.sleep(10)
        log("late", "never")
    finally:
        log("late", "cleanup")


async def main():
    await asyncio.sleep(1)
    log("main", "creates late and returns")
    asyncio.create_task(late())


asyncio.run(main())
