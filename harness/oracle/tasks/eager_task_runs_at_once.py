# python: 3.12
"""eager_task_runs_at_once: with the eager task factory, create_task runs the coroutine
inside the call until its first suspension, as the current task. A coroutine that
finishes there gives a task that is done at once and never listed by all_tasks; one that
is suspended goes on as a plain task. A lazy task made before waits for main to yield."""

import asyncio

from rosetta import exc, log


async def lazy():
    log("lazy", "first step, once main yields")


async def quick():
    log("quick", f"runs inside create_task as {asyncio.current_task().get_name()}")
    return 1


async def fails():
    raise ValueError("failed eagerly")


async def slow():
    log("slow", "first step inside create_task")
    await asyncio.sleep(1)
    log("slow", "resumed")
    return 2


async def main():
    lazy_task = asyncio.create_task(lazy())
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    log("main", "creating quick")
    quick_task = asyncio.create_task(quick())
    listed = quick_task in asyncio.all_tasks()
    log("main", f"quick: done {quick_task.done()}, result {quick_task.result()}, listed {listed}")
    failed = asyncio.create_task(fails())
    log("main", f"fails: done {failed.done()}, {exc(failed.exception())}")
    slow_task = asyncio.create_task(slow())
    listed = slow_task in asyncio.all_tasks()
    log("main", f"{slow_task.get_name()}: done {slow_task.done()}, listed {listed}")
    log("main", f"lazy done: {lazy_task.done()}")
    log("main", f"slow gave {await slow_task}")
    await lazy_task


asyncio.run(main())
