"""cancelling_uncancel_counts: two requests are delivered as one CancelledError; uncancel() takes one back; a cancel made while running arrives at the next await."""

import asyncio

from rosetta import exc, log


async def worker():
    me = asyncio.current_task()
    try:
        await asyncio.sleep(10)
        log("worker", "never")
    except asyncio.CancelledError as e:
        log("worker", f"caught: {exc(e)}, cancelling: {me.cancelling()}")
        log("worker", f"uncancel: {me.uncancel()}")
    try:
        await asyncio.sleep(1)
        log("worker", "slept: the two requests were one delivery")
    except asyncio.CancelledError as e:
        log("worker", f"caught again: {exc(e)}")
    log("worker", f"cancel myself: {str(me.cancel('self')).lower()}, cancelling: {me.cancelling()}")
    log("worker", "still running")
    try:
        await asyncio.sleep(1)
        log("worker", "never")
    except asyncio.CancelledError as e:
        log("worker", f"caught at the next await: {exc(e)}, cancelling: {me.cancelling()}")
    log("worker", f"uncancel: {me.uncancel()}, uncancel: {me.uncancel()}")
    return "done"


async def main():
    task = asyncio.create_task(worker(), name="worker")
    await asyncio.sleep(1)
    for _ in range(2):
        log("main", f"cancel: {str(task.cancel('stop')).lower()}, cancelling: {task.cancelling()}")
    log("main", f"await worker: {await task}")
    log(
        "main",
        f"cancelled: {str(task.cancelled()).lower()}, cancelling: {task.cancelling()}",
    )


asyncio.run(main())
