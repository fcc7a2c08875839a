"""cancel_running_task: a running task is cancelled at its await; finally runs."""

import asyncio

from rosetta import exc, log


async def worker():
    log("worker", "start, sleeps 10")
    try:
        await asyncio.sleep(10)
        log("worker", "never")
    finally:
        log("worker", "cleanup")


async def main():
    task = asyncio.create_task(worker(), name="worker")
    await asyncio.sleep(1)
    log("main", f"cancel: {str(task.cancel('stop')).lower()}")
    log("main", f"done right after cancel: {str(task.done()).lower()}")
    try:
        await task
    except asyncio.CancelledError as e:
        log("main", f"await worker: {exc(e)}")


asyncio.run(main())
