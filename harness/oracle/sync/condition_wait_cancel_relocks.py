"""condition_wait_cancel_relocks: a Condition.wait cancelled while another task holds the lock takes the lock back before the CancelledError reaches the handler."""

import asyncio

from rosetta import exc, log


async def waiter(cond):
    async with cond:
        try:
            await cond.wait()
            log("waiter", "never")
        except asyncio.CancelledError as e:
            log("waiter", f"caught: {exc(e)}, locked: {str(cond.locked()).lower()}")
            raise
        finally:
            log("waiter", "releases the lock")


async def main():
    cond = asyncio.Condition()
    task = asyncio.create_task(waiter(cond), name="waiter")
    await asyncio.sleep(1)
    async with cond:
        log("main", f"cancel: {str(task.cancel('stop')).lower()}")
        await asyncio.sleep(1)
        log("main", "releases the lock")
    try:
        await task
    except asyncio.CancelledError as e:
        log("main", f"await waiter: {exc(e)}")
    log("main", f"locked: {str(cond.locked()).lower()}")


asyncio.run(main())
