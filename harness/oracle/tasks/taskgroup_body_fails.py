"""taskgroup_body_fails: an error in the body cancels the children and joins the group error."""

import asyncio

from rosetta import exc, log


async def sleeper():
    try:
        await asyncio.sleep(5)
        log("sleeper", "never")
    finally:
        log("sleeper", "cleanup")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(sleeper())
            await asyncio.sleep(1)
            log("body", "fails")
            raise ValueError("body failed")
    except ExceptionGroup as eg:
        log("main", f"{exc(eg)}: " + ", ".join(exc(e) for e in eg.exceptions))
    coro = sleeper()
    try:
        tg.create_task(coro)
    except RuntimeError as e:
        coro.close()
        log("main", f"create_task after the group ended: {exc(e)}")


asyncio.run(main())
