"""task_uncancel_keeps_request: uncancel() lowers the count but does not withdraw a request (3.11); a cascade counts on both tasks."""

import asyncio

from rosetta import exc, log


async def himself():
    me = asyncio.current_task()
    log("self", f"cancel myself: {str(me.cancel()).lower()}, cancelling: {me.cancelling()}")
    log("self", f"uncancel: {me.uncancel()}")
    try:
        await asyncio.sleep(0)
        log("self", "carries on")
    finally:
        log("self", "cleanup")


async def inner():
    try:
        await asyncio.sleep(10)
    finally:
        log("inner", "cleanup")


async def outer(task):
    await task


async def main():
    task = asyncio.create_task(himself(), name="self")
    try:
        await task
    except asyncio.CancelledError as e:
        log("main", f"await self: {exc(e)}, cancelling: {task.cancelling()}")
    awaited = asyncio.create_task(inner(), name="inner")
    waiter = asyncio.create_task(outer(awaited), name="outer")
    await asyncio.sleep(1)
    log("main", f"cancel outer: {str(waiter.cancel()).lower()}")
    log("main", f"cancelling: outer {waiter.cancelling()}, inner {awaited.cancelling()}")
    try:
        await waiter
    except asyncio.CancelledError as e:
        log("main", f"await outer: {exc(e)}")
    log("main", f"cancelling: outer {waiter.cancelling()}, inner {awaited.cancelling()}")


asyncio.run(main())
