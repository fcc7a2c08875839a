"""timeout_scope: asyncio.timeout as a scope: reschedule, expired, nested scopes (only
the one that expired reports), and a cancellation from outside passing through."""

import asyncio

from rosetta import exc, log


async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(2) as cm:
            log("main", f"deadline in {round(cm.when() - loop.time())}")
            cm.reschedule(loop.time() + 3)
            log("main", f"rescheduled: deadline in {round(cm.when() - loop.time())}")
            await asyncio.sleep(5)
    except TimeoutError as e:
        log("main", f"{exc(e)} from {exc(e.__cause__)}; expired: {cm.expired()}")

    async with asyncio.timeout(10) as outer:
        try:
            async with asyncio.timeout(1) as inner:
                await asyncio.sleep(5)
        except TimeoutError:
            log("main", f"inner expired: {inner.expired()}, outer expired: {outer.expired()}")
        await asyncio.sleep(1)
        log("main", "the outer body goes on and finishes")

    async with asyncio.timeout(None) as cm:
        log("main", f"no deadline: {cm.when()}")
        await asyncio.sleep(1)

    async def body():
        try:
            async with asyncio.timeout(10):
                await asyncio.sleep(5)
        except TimeoutError:
            log("body", "never: the deadline did not pass")

    task = asyncio.create_task(body())
    await asyncio.sleep(1)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError as e:
        log("main", f"a foreign cancellation passes through: {exc(e)}")


asyncio.run(main())
