"""asend_values: the paused yield evaluates to the sent value; asend before the first step is a TypeError."""

import asyncio

from rosetta import exc, log


async def running_total():
    total = 0
    while True:
        received = yield total
        log("gen", f"received {received}")
        if received is not None:
            await asyncio.sleep(1)
            total += received


async def main():
    fresh = running_total()
    try:
        await fresh.asend(1)
    except TypeError as error:
        log("main", f"asend(1): {exc(error)}")
    totals = running_total()
    log("main", f"anext -> {await anext(totals)}")
    log("main", f"asend(5) -> {await totals.asend(5)}")
    log("main", f"asend(2) -> {await totals.asend(2)}")
    log("main", f"anext -> {await anext(totals)}")
    await totals.aclose()


asyncio.run(main())
