"""gather_cancelled_after_done: a gather cancelled after all its children finished cancels
nothing and completes normally."""

import asyncio

from rosetta import log


async def child(name, value):
    log(name, "start")
    await asyncio.sleep(0)
    log(name, "done")
    return value


async def waiter(*tasks):
    return await asyncio.gather(*tasks)


async def main():
    a = asyncio.create_task(child("a", "A"))
    b = asyncio.create_task(child("b", "B"))
    w = asyncio.create_task(waiter(a, b))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    # Both children have finished; the gather has not yet taken their results.
    log("main", f"a done {a.done()}, b done {b.done()}, waiter done {w.done()}")
    log("main", f"cancel the waiter: {w.cancel()}")
    try:
        await w
    except asyncio.CancelledError:
        log("main", "the waiter was cancelled")
    log("main", f"children cancelled: {a.cancelled()}, {b.cancelled()}")
    log("main", f"results kept: {a.result()}, {b.result()}")

    w2 = asyncio.create_task(waiter(a, b))
    await asyncio.sleep(1)
    log("main", f"cancel a finished gather: {w2.cancel()}")
    log("main", f"it completed normally: {await w2}")


asyncio.run(main())
