"""condition_errors: wait and notify without holding the lock fail."""

import asyncio

from rosetta import exc, log


async def main():
    cond = asyncio.Condition()
    try:
        await cond.wait()
    except RuntimeError as e:
        log("main", f"wait(): {exc(e)}")
    try:
        cond.notify(1)
    except RuntimeError as e:
        log("main", f"notify(): {exc(e)}")
    try:
        cond.notify_all()
    except RuntimeError as e:
        log("main", f"notify_all(): {exc(e)}")
    log("main", f"locked()={str(cond.locked()).lower()}")


asyncio.run(main())
