"""gather_cancelled: cancelling the gather cancels every child still running."""

import asyncio

from rosetta import log


async def child(name, delay):
    log(name, f"start, takes {delay}")
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(name, "cancelled")
        raise
    log(name, "done")
    return name


async def waiter():
    return await asyncio.gather(child("a", 1), child("b", 5), child("c", 6))


async def main():
    w = asyncio.create_task(waiter())
    await asyncio.sleep(2)
    log("main", "cancelling the waiter")
    w.cancel()
    try:
        await w
    except asyncio.CancelledError:
        log("main", "the waiter was cancelled")


asyncio.run(main())
