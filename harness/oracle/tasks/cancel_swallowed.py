"""cancel_swallowed: a task catches its CancelledError, swallows it and completes normally."""

import asyncio

from rosetta import log


async def worker():
    me = asyncio.current_task()
    try:
        await asyncio.sleep(10)
        log("worker", "never")
    except asyncio.CancelledError:
        log("worker", f"swallowed, cancelling: {me.cancelling()}")
    await asyncio.sleep(1)
    log("worker", "carries on")
    return 42


async def main():
    task = asyncio.create_task(worker(), name="worker")
    await asyncio.sleep(1)
    log("main", f"cancel: {str(task.cancel()).lower()}")
    log("main", f"await worker: {await task}")
    log(
        "main",
        f"cancelled: {str(task.cancelled()).lower()}, cancelling: {task.cancelling()}",
    )


asyncio.run(main())
