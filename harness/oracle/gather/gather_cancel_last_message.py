"""gather_cancel_last_message: a cancelled gather(return_exceptions=True) raises the last child's CancelledError, taking its message."""

import asyncio

from rosetta import exc, log


async def child(name):
    log(name, "start")
    await asyncio.sleep(1)


async def main():
    a = asyncio.create_task(child("a"))
    b = asyncio.create_task(child("b"))

    async def waiter():
        try:
            await asyncio.gather(a, b, return_exceptions=True)
        except asyncio.CancelledError as error:
            log("waiter", f"gather: {exc(error)}")
            raise

    w = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    log("main", f"cancel waiter: {w.cancel('m1')}")
    try:
        await w
    except asyncio.CancelledError as error:
        log("main", f"waiter: {exc(error)}")
    for name, task in (("a", a), ("b", b)):
        try:
            await task
        except asyncio.CancelledError as error:
            log("main", f"{name}: {exc(error)}")


asyncio.run(main())
