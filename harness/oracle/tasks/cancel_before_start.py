"""cancel_before_start: a task cancelled before its first step never runs its body."""

import asyncio

from rosetta import exc, log


async def body():
    log("never", "body runs")


async def main():
    task = asyncio.create_task(body(), name="never")
    log("main", f"cancel: {str(task.cancel('too early')).lower()}")
    try:
        await task
    except asyncio.CancelledError as e:
        log("main", f"await: {exc(e)}")
    log("main", f"done: {str(task.done()).lower()}, cancelled: {str(task.cancelled()).lower()}")
    log("main", f"cancel again: {str(task.cancel()).lower()}")
    try:
        task.exception()
    except asyncio.CancelledError as e:
        log("main", f"exception(): {exc(e)}")


asyncio.run(main())
