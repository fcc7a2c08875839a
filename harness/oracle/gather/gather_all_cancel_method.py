"""gather_all_cancel_method: gather(..., return_exceptions=True).cancel() cancels the
children still running, and the gather raises CancelledError, not the outcomes: the task
awaiting it ends cancelled. Refused once every child is done."""

import asyncio

from rosetta import exc, log


async def child(name, delay):
    try:
        await asyncio.sleep(delay)
        log(name, "done")
        return name
    finally:
        log(name, "exits")


async def main():
    a = asyncio.create_task(child("a", 1), name="a")
    b = asyncio.create_task(child("b", 5), name="b")
    gathering = asyncio.gather(a, b, return_exceptions=True)

    async def waiter():
        return len(await gathering)

    awaiting = asyncio.create_task(waiter(), name="waiter")
    await asyncio.sleep(2)
    log("main", f"cancel gather: {str(gathering.cancel('stop')).lower()}")
    try:
        await awaiting
    except asyncio.CancelledError as e:
        log("main", f"the waiter: {exc(e)}, cancelled: {str(awaiting.cancelled()).lower()}")
    log("main", f"a cancelled: {str(a.cancelled()).lower()}, b cancelled: {str(b.cancelled()).lower()}")
    log("main", f"cancel again: {str(gathering.cancel()).lower()}")
    c = asyncio.create_task(child("c", 1), name="c")
    late = asyncio.gather(c, return_exceptions=True)
    await c
    log("main", f"every child done, cancel: {str(late.cancel()).lower()}")
    log("main", f"await gather: {await late}")


asyncio.run(main())
