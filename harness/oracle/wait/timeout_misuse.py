"""timeout_misuse: a timeout scope is used once, inside a task. reschedule() before the
scope is entered, after it finished and after it expired raises RuntimeError; so does
entering it a second time, and entering one outside any task (a coroutine stepped by a
loop callback)."""

import asyncio

from rosetta import exc, log


async def main():
    cm = asyncio.timeout(5)
    try:
        cm.reschedule(None)
    except RuntimeError as e:
        log("main", f"reschedule before entering: {exc(e)}")
    async with cm:
        await asyncio.sleep(1)
        cm.reschedule(None)
        log("main", f"rescheduled inside: when {cm.when()}")
    try:
        async with cm:
            log("main", "never")
    except RuntimeError as e:
        log("main", f"entered again: {exc(e)}")
    try:
        cm.reschedule(None)
    except RuntimeError as e:
        log("main", f"reschedule after the end: {exc(e)}")

    short = asyncio.timeout(1)
    try:
        async with short:
            await asyncio.sleep(2)
    except TimeoutError as e:
        log("main", f"short scope: {exc(e)}")
    try:
        short.reschedule(None)
    except RuntimeError as e:
        log("main", f"reschedule after expiry: {exc(e)}")

    async def scope():
        async with asyncio.timeout(1):
            log("callback", "never")

    def step():
        try:
            scope().send(None)
        except RuntimeError as e:
            log("callback", f"outside a task: {exc(e)}")

    asyncio.get_running_loop().call_soon(step)
    await asyncio.sleep(0)
    log("main", "done")


asyncio.run(main())
