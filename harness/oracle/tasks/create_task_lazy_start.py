"""create_task_lazy_start: tasks start lazily, in creation order; default names Task-N."""

import asyncio

from rosetta import log


async def worker(n):
    me = asyncio.current_task().get_name()
    log(me, f"start {n}")
    await asyncio.sleep(1)
    log(me, f"end {n}")


async def main():
    log("main", f"main task is {asyncio.current_task().get_name()}")
    tasks = [asyncio.create_task(worker(n)) for n in range(1, 4)]
    for task in tasks:
        log("main", f"created {task.get_name()}, done: {str(task.done()).lower()}")
    log("main", "all_tasks: " + ", ".join(sorted(t.get_name() for t in asyncio.all_tasks())))
    await asyncio.sleep(0)
    log("main", "after one yield")
    for task in tasks:
        await task
    log("main", "all_tasks: " + ", ".join(sorted(t.get_name() for t in asyncio.all_tasks())))


asyncio.run(main())
