"""already_running_names_request: asend, athrow and aclose while another task's anext is mid-step."""

import asyncio

from rosetta import exc, log


async def slow():
    await asyncio.sleep(2)
    yield 0


async def main():
    gen = slow()

    async def task_a():
        log("task-a", "anext")
        log("task-a", f"got {await anext(gen)}")

    a = asyncio.create_task(task_a())
    await asyncio.sleep(1)
    try:
        await gen.asend(7)
    except RuntimeError as error:
        log("main", f"asend: {exc(error)}")
    try:
        await gen.athrow(ValueError("x"))
    except RuntimeError as error:
        log("main", f"athrow: {exc(error)}")
    try:
        await gen.aclose()
    except RuntimeError as error:
        log("main", f"aclose: {exc(error)}")
    await a
    await gen.aclose()
    log("main", "closed")


asyncio.run(main())
