"""gather_cancel_messages: what a cancelled child's message becomes in a gather."""

import asyncio

from rosetta import exc, log


async def work(name, delay):
    log(name, f"start, takes {delay}")
    await asyncio.sleep(delay)
    log(name, "done")
    return name


async def main():
    a = asyncio.create_task(work("a", 5))
    b = asyncio.create_task(work("b", 1))
    await asyncio.sleep(0)
    a.cancel("stop")
    outcomes = await asyncio.gather(a, b, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            log("main", f"return_exceptions slot: {exc(outcome)}")
        else:
            log("main", f"return_exceptions slot: value {outcome}")
    try:
        await a
    except asyncio.CancelledError as e:
        log("main", f"await a afterwards: {exc(e)}")

    c = asyncio.create_task(work("c", 5))
    await asyncio.sleep(0)
    c.cancel("halt")
    try:
        await asyncio.gather(c)
    except asyncio.CancelledError as e:
        log("main", f"gather raised: {exc(e)}")
    try:
        await c
    except asyncio.CancelledError as e:
        log("main", f"await c afterwards: {exc(e)}")


asyncio.run(main())
