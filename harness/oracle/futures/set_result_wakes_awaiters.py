"""set_result_wakes_awaiters: three tasks await one future; set_result wakes them in the order they started waiting."""

import asyncio

from rosetta import log


async def waiter(name, arrive, future):
    await asyncio.sleep(arrive)
    log(name, "awaits the future")
    value = await future
    log(name, f"got {value}")


async def other():
    log("other", "a task created before the await runs")


async def main():
    future = asyncio.get_running_loop().create_future()
    waiters = [asyncio.create_task(waiter(f"waiter-{i}", i, future)) for i in (1, 2, 3)]
    await asyncio.sleep(4)
    future.set_result(42)
    log("main", "set_result(42) returned; no awaiter has run yet")
    for task in waiters:
        await task
    other_task = asyncio.create_task(other())
    value = await future
    log("main", f"awaiting the done future gave {value} without suspending")
    await other_task


asyncio.run(main())
