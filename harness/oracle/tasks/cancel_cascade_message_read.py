"""cancel_cascade_message_read: cancelling a task that awaits another cancels that one
with the message; the awaiting task reads it on waking, so a later reader of the inner
task gets a bare CancelledError."""

import asyncio

from rosetta import exc, log


async def inner():
    log("inner", "sleeps 10")
    await asyncio.sleep(10)


async def outer(box):
    task = asyncio.create_task(inner(), name="inner")
    box.append(task)
    await task


async def main():
    box = []
    o = asyncio.create_task(outer(box), name="outer")
    await asyncio.sleep(1)
    log("main", f"cancel outer: {str(o.cancel('stop')).lower()}")
    try:
        await o
    except asyncio.CancelledError as e:
        log("main", f"await outer: {exc(e)}")
    try:
        await box[0]
    except asyncio.CancelledError as e:
        log("main", f"await inner: {exc(e)}")


asyncio.run(main())
