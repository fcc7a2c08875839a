"""taskgroup_owner_cancelled: cancelling the group's owner cancels every child."""

import asyncio

from rosetta import exc, log


async def child():
    try:
        await asyncio.sleep(10)
    finally:
        log("child", "cleanup")


async def owner():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(child())
        try:
            await asyncio.sleep(10)
        finally:
            log("owner", "body cleanup")


async def main():
    task = asyncio.create_task(owner(), name="owner")
    await asyncio.sleep(1)
    log("main", f"cancel owner: {str(task.cancel()).lower()}")
    try:
        await task
    except asyncio.CancelledError as e:
        log("main", f"await owner: {exc(e)}")


asyncio.run(main())
