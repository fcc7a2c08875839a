"""wait_for_timeout: on the deadline the inner is cancelled and waited for, then
TimeoutError; a zero timeout gives a finished result or cancels before the start."""

import asyncio

from rosetta import exc, log


async def slow(name, delay):
    log(name, f"start, takes {delay}")
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        log(name, "cleanup after cancellation")
        raise
    return name


async def main():
    task = asyncio.create_task(slow("task", 5))
    try:
        await asyncio.wait_for(task, 2)
    except TimeoutError as e:
        log("main", f"{exc(e)} from {exc(e.__cause__)}; task cancelled: {task.cancelled()}")
    try:
        await asyncio.wait_for(slow("coro", 5), 1)
    except TimeoutError as e:
        log("main", f"{exc(e)} from {exc(e.__cause__)} around a coroutine")
    log("main", f"in time: {await asyncio.wait_for(slow('quick', 1), 2)}")
    log("main", f"no timeout: {await asyncio.wait_for(slow('plain', 1), None)}")
    finished = asyncio.create_task(slow("finished", 1))
    await asyncio.sleep(2)
    log("main", f"zero timeout, already done: {await asyncio.wait_for(finished, 0)}")
    unstarted = asyncio.create_task(slow("unstarted", 1))
    try:
        await asyncio.wait_for(unstarted, 0)
    except TimeoutError as e:
        log("main", f"zero timeout, not started: {exc(e)}, cancelled {unstarted.cancelled()}")


asyncio.run(main())
