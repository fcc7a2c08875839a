"""done_callbacks_order: done callbacks and awaiters are scheduled in registration order, never inline."""

import asyncio

from rosetta import log


async def waiter(name, arrive, future):
    await asyncio.sleep(arrive)
    log(name, "awaits the future")
    value = await future
    log(name, f"got {value}")


def callback(name):
    def run(future):
        log("callback", f"{name} sees {future.result()}")

    return run


async def main():
    future = asyncio.get_running_loop().create_future()
    first, second, third = callback("first"), callback("second"), callback("third")
    future.add_done_callback(first)
    future.add_done_callback(second)
    task = asyncio.create_task(waiter("waiter", 1, future))
    await asyncio.sleep(2)
    future.add_done_callback(third)
    future.add_done_callback(second)
    removed = future.remove_done_callback(second)
    log("main", f"remove_done_callback(second) removed {removed}")
    await asyncio.sleep(1)
    future.set_result(7)
    log("main", "set_result(7) returned; no callback has run yet")
    await task
    future.add_done_callback(callback("late"))
    log("main", "added a callback to the done future: scheduled, not called")
    await asyncio.sleep(0)
    log("main", "after a yield it has run")


asyncio.run(main())
