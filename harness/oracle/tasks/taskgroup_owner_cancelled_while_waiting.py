"""taskgroup_owner_cancelled_while_waiting: the body has ended and the group waits for its
child when the owner is cancelled; the child is cancelled at the owner's next turn."""

import asyncio

from rosetta import exc, log


async def child(name):
    try:
        await asyncio.sleep(10)
    finally:
        log(name, "cleanup")


async def owner():
    async with asyncio.TaskGroup() as tg:
        tg.create_task(child("child"))
        log("owner", "body done, waiting for the child")


async def main():
    task = asyncio.create_task(owner(), name="owner")
    await asyncio.sleep(1)
    log("main", f"cancel owner: {str(task.cancel()).lower()}")
    await asyncio.sleep(0)
    log("main", "one turn later")
    try:
        await task
    except asyncio.CancelledError as e:
        log("main", f"await owner: {exc(e)}")


asyncio.run(main())
