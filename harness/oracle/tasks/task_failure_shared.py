"""task_failure_shared: a failed task gives the same error to every awaiter."""

import asyncio

from rosetta import exc, log


async def fails():
    await asyncio.sleep(1)
    raise RuntimeError("boom")


async def waiter(name, task):
    try:
        await task
    except RuntimeError as e:
        log(name, f"got {exc(e)}")


async def main():
    task = asyncio.create_task(fails(), name="fails")
    task.add_done_callback(lambda t: log("callback", f"{t.get_name()} done, exception: {exc(t.exception())}"))
    try:
        task.result()
    except asyncio.InvalidStateError as e:
        log("main", f"result() before done: {exc(e)}")
    w1 = asyncio.create_task(waiter("waiter-1", task))
    w2 = asyncio.create_task(waiter("waiter-2", task))
    await w1
    await w2
    log("main", f"exception(): {exc(task.exception())}")


asyncio.run(main())
