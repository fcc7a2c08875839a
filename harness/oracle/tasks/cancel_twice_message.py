"""cancel_twice_message: a second cancel() before the task runs again: a task suspended
in an await keeps the first message, a task that has not started takes the last."""

import asyncio

from rosetta import exc, log


async def sleeper():
    log("sleeper", "sleeps 10")
    await asyncio.sleep(10)
    log("sleeper", "never")


async def never():
    log("never", "body runs")


async def main():
    suspended = asyncio.create_task(sleeper(), name="sleeper")
    await asyncio.sleep(1)
    log("main", f"cancel('first'): {str(suspended.cancel('first')).lower()}")
    log("main", f"cancel(): {str(suspended.cancel()).lower()}")
    log("main", f"cancelling: {suspended.cancelling()}")
    try:
        await suspended
    except asyncio.CancelledError as e:
        log("main", f"await sleeper: {exc(e)}")
    unstarted = asyncio.create_task(never(), name="never")
    log("main", f"cancel('first'): {str(unstarted.cancel('first')).lower()}")
    log("main", f"cancel('second'): {str(unstarted.cancel('second')).lower()}")
    try:
        await unstarted
    except asyncio.CancelledError as e:
        log("main", f"await never: {exc(e)}")


asyncio.run(main())
