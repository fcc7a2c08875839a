"""wait_for_inner_swallows: the task wait_for cancels at its deadline swallows the CancelledError and returns a value: wait_for returns it."""

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
    task = asyncio.create_task(inner(), name="inner")
    result = await asyncio.wait_for(task, 2)
    log("main", f"wait_for: {result}")
    log(
        "main",
        f"cancelled: {str(task.cancelled()).lower()}, cancelling: {task.cancelling()}",
    )
    log("main", f"main cancelling: {asyncio.current_task().cancelling()}")


asyncio.run(main())
