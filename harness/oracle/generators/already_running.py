"""already_running: a second anext while another task's anext is in the middle of a step."""

import asyncio

from rosetta import exc, log


async def slow():
    for i in range(2):
        await asyncio.sleep(2)
        yield i


async def main():
    gen = slow()

    async def task_a():
        log("task-a", "anext")
        log("task-a", f"got {await anext(gen)}")

    async def task_b():
        await asyncio.sleep(1)
        log("task-b", "anext")
        try:
            await anext(gen)
        except RuntimeError as error:
            log("task-b", exc(error))

    a = asyncio.create_task(task_a())
    b = asyncio.create_task(task_b())
    await a
    await b
    log("main", f"anext -> {await anext(gen)}")


asyncio.run(main())
