"""task_cancelling_counts: cancel() counts each request on an unfinished task; uncancel() takes one back."""

import asyncio

from rosetta import exc, log


async def worker():
    try:
        await asyncio.sleep(10)
    finally:
        log("worker", "cleanup")


async def main():
    task = asyncio.create_task(worker(), name="worker")
    await asyncio.sleep(1)
    log("main", f"cancelling: {task.cancelling()}")
    log("main", f"cancel: {str(task.cancel()).lower()}, cancelling: {task.cancelling()}")
    log("main", f"cancel: {str(task.cancel()).lower()}, cancelling: {task.cancelling()}")
    log("main", f"uncancel: {task.uncancel()}")
    try:
        await task
    except asyncio.CancelledError as e:
        log("main", f"await worker: {exc(e)}")
    log("main", f"done: {str(task.done()).lower()}, cancelled: {str(task.cancelled()).lower()}, cancelling: {task.cancelling()}")
    log("main", f"cancel a done task: {str(task.cancel()).lower()}, cancelling: {task.cancelling()}")
    log("main", f"uncancel: {task.uncancel()}")
    log("main", f"uncancel: {task.uncancel()}")


asyncio.run(main())
