"""cancel_cascades: cancelling a task that awaits another task cancels that one first."""

import asyncio

from rosetta import exc, log


async def inner():
    try:
        await asyncio.sleep(10)
    finally:
        log("inner", "cleanup")


async def outer(inner_task):
    try:
        await inner_task
    finally:
        log("outer", "cleanup")


async def main():
    i = asyncio.create_task(inner(), name="inner")
    o = asyncio.create_task(outer(i), name="outer")
    await asyncio.sleep(1)
    log("main", f"cancel outer: {str(o.cancel('cascade')).lower()}")
    try:
        await o
    except asyncio.CancelledError as e:
        log("main", f"await outer: {exc(e)}")
    log("main", f"inner cancelled: {str(i.cancelled()).lower()}")


asyncio.run(main())
