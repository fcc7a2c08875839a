"""taskgroup_not_entered: create_task on a TaskGroup before `async with` has entered it
is refused; once entered, the group runs the child."""

import asyncio

from rosetta import exc, log


async def child():
    await asyncio.sleep(1)
    log("child", "done")


async def main():
    tg = asyncio.TaskGroup()
    coro = child()
    try:
        tg.create_task(coro)
        log("main", "never")
    except RuntimeError as e:
        coro.close()
        log("main", f"create_task before entering: {exc(e)}")
    async with tg:
        tg.create_task(child())
    log("main", "group ended")


asyncio.run(main())
