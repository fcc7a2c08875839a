"""cancel_caught_cleanup_awaits: a task catches its CancelledError, cleans up with awaits (a sleep, a lock), then re-raises."""

import asyncio

from rosetta import exc, log


async def holder(lock):
    async with lock:
        await asyncio.sleep(3)
        log("holder", "releases the lock")


async def worker(lock):
    try:
        await asyncio.sleep(10)
        log("worker", "never")
    except asyncio.CancelledError as e:
        me = asyncio.current_task()
        log("worker", f"caught: {exc(e)}, cancelling: {me.cancelling()}")
        await asyncio.sleep(1)
        log("worker", "slept in the handler")
        async with lock:
            log("worker", "took the lock in the handler")
        raise


async def main():
    lock = asyncio.Lock()
    held = asyncio.create_task(holder(lock), name="holder")
    task = asyncio.create_task(worker(lock), name="worker")
    await asyncio.sleep(1)
    log("main", f"cancel: {str(task.cancel('stop')).lower()}")
    try:
        await task
    except asyncio.CancelledError as e:
        log("main", f"await worker: {exc(e)}")
    log("main", f"cancelled: {str(task.cancelled()).lower()}, cancelling: {task.cancelling()}")
    await held


asyncio.run(main())
