"""taskgroup_cancel_same_step: a cancelled TaskGroup owner ends in the step that sees its child end, before a task woken after it."""

import asyncio

from rosetta import exc, log


async def child():
    log("child", "start")
    await asyncio.sleep(1)


async def owner():
    log("owner", "start")
    async with asyncio.TaskGroup() as tg:
        tg.create_task(child())


async def fails():
    log("fails", "raise")
    raise ValueError("e3")


async def main():
    o = asyncio.create_task(owner(), name="owner")
    await asyncio.sleep(0)
    log("main", f"cancel owner: {o.cancel()}")
    await asyncio.sleep(0)
    f = asyncio.create_task(fails(), name="fails")
    done, pending = await asyncio.wait([o, f], return_when=asyncio.FIRST_EXCEPTION)
    names = lambda tasks: sorted(t.get_name() for t in tasks)
    log("main", f"done {names(done)}, pending {names(pending)}")
    for task in (o, f):
        try:
            await task
        except BaseException as error:
            log("main", f"{task.get_name()}: {exc(error)}")


asyncio.run(main())
