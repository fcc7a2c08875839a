"""taskgroup_outside_a_task: a TaskGroup entered outside any task (a coroutine stepped
by a loop callback) cannot determine its parent task: RuntimeError, and its body never
runs. Inside the main task the same code runs."""

import asyncio

from rosetta import exc, log


async def child():
    await asyncio.sleep(1)
    log("child", "done")


async def group():
    async with asyncio.TaskGroup():
        log("callback", "never")


def step():
    try:
        group().send(None)
    except RuntimeError as e:
        log("callback", f"outside a task: {exc(e)}")


async def main():
    asyncio.get_running_loop().call_soon(step)
    await asyncio.sleep(0)
    async with asyncio.TaskGroup() as tg:
        tg.create_task(child())
    log("main", "inside the main task the group runs")


asyncio.run(main())
