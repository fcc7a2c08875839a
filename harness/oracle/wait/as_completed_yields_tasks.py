# python: 3.13
"""as_completed_yields_tasks: 3.13's `async for` over as_completed yields the original tasks,
in finishing order, each done; on the deadline it raises TimeoutError (no cause) and the
tasks still running keep running."""

import asyncio

from rosetta import exc, log


async def work(delay, value):
    await asyncio.sleep(delay)
    return value


async def fails(delay):
    await asyncio.sleep(delay)
    raise ValueError("boom")


async def main():
    a = asyncio.create_task(work(3, "A"), name="a")
    b = asyncio.create_task(work(1, "B"), name="b")
    c = asyncio.create_task(fails(2), name="c")
    given = [a, b, c]
    async for task in asyncio.as_completed(given):
        original = any(task is t for t in given)
        try:
            log("main", f"{task.get_name()} (original: {original}): {task.result()}")
        except ValueError as e:
            log("main", f"{task.get_name()} (original: {original}): {exc(e)}")

    slow = asyncio.create_task(work(5, "S"), name="slow")
    fast = asyncio.create_task(work(1, "F"), name="fast")
    try:
        async for task in asyncio.as_completed([slow, fast], timeout=2):
            log("main", f"{task.get_name()}: {await task}")
    except TimeoutError as e:
        log("main", f"{exc(e)} from {exc(e.__cause__)}; slow still running: {not slow.done()}")
    log("main", f"slow finished later: {await slow}")


asyncio.run(main())
