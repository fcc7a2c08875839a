"""cancelling_the_task_cancels_the_future: cancelling a task that awaits a future cancels
the future first, with the message; the future's other awaiters see it cancelled too."""

import asyncio

from rosetta import exc, log


async def waiter(fut):
    try:
        await fut
        log("waiter", "never")
    finally:
        log("waiter", "cleanup")


async def other(fut):
    await asyncio.sleep(2)
    try:
        await fut
    except asyncio.CancelledError as e:
        log("other", f"await the future: {exc(e)}")


async def main():
    fut = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(waiter(fut), name="waiter")
    seen = asyncio.create_task(other(fut), name="other")
    await asyncio.sleep(1)
    log("main", f"cancel waiter: {str(task.cancel('stop')).lower()}")
    log("main", f"future cancelled: {str(fut.cancelled()).lower()}")
    try:
        await task
    except asyncio.CancelledError as e:
        log("main", f"await waiter: {exc(e)}")
    await seen


asyncio.run(main())
