"""set_exception_propagates: set_exception reaches every awaiter, result() and exception()."""

import asyncio

from rosetta import exc, log


async def waiter(name, arrive, future):
    await asyncio.sleep(arrive)
    log(name, "awaits the future")
    try:
        value = await future
        log(name, f"got {value}")
    except ValueError as error:
        log(name, f"got {exc(error)}")


async def main():
    future = asyncio.get_running_loop().create_future()
    waiters = [asyncio.create_task(waiter(f"waiter-{i}", i, future)) for i in (1, 2)]
    await asyncio.sleep(3)
    future.set_exception(ValueError("bad input"))
    for task in waiters:
        await task
    log("main", f"exception() returns: {exc(future.exception())}")
    try:
        future.result()
    except ValueError as error:
        log("main", f"result() raises {exc(error)}")


asyncio.run(main())
