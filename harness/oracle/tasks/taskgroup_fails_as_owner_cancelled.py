"""taskgroup_fails_as_owner_cancelled: a child fails in the very step that cancels the
group's owner: the owner raises the ExceptionGroup, not CancelledError."""

import asyncio

from rosetta import exc, log


async def child(owner):
    await asyncio.sleep(1)
    log("child", f"cancel owner: {str(owner.cancel()).lower()}")
    raise ValueError("boom")


async def sleeper():
    try:
        await asyncio.sleep(10)
    finally:
        log("sleeper", "cleanup")


async def owner():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(child(asyncio.current_task()))
        tg.create_task(sleeper())
        try:
            await asyncio.sleep(10)
        finally:
            log("owner", "body cleanup")


async def main():
    task = asyncio.create_task(owner(), name="owner")
    try:
        await task
        log("main", "never")
    except ExceptionGroup as eg:
        log("main", f"await owner: {exc(eg)}: " + ", ".join(exc(e) for e in eg.exceptions))
    except asyncio.CancelledError as e:
        log("main", f"await owner: {exc(e)}")


asyncio.run(main())
