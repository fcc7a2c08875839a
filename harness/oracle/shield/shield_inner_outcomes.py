"""shield_inner_outcomes: the inner's error and cancellation reach the outer; done is done."""

import asyncio

from rosetta import exc, log


async def fails():
    await asyncio.sleep(1)
    raise RuntimeError("inner failed")


async def cancel_later(task):
    await asyncio.sleep(1)
    task.cancel()


async def main():
    failing = asyncio.create_task(fails())
    try:
        await asyncio.shield(failing)
    except RuntimeError as e:
        log("main", f"shield gave the inner error: {exc(e)}")
    sleeping = asyncio.create_task(asyncio.sleep(10))
    canceller = asyncio.create_task(cancel_later(sleeping))
    try:
        await asyncio.shield(sleeping)
    except asyncio.CancelledError as e:
        log("main", f"inner cancelled: the shield raised {exc(e)}")
    await canceller
    done = asyncio.create_task(asyncio.sleep(1, result="ready"))
    await done
    log("main", f"shield of a finished task: '{await asyncio.shield(done)}'")


asyncio.run(main())
