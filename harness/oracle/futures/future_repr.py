"""future_repr: a Future's repr shows its state: pending, finished with its result or
its exception, cancelled."""

import asyncio

from rosetta import exc, log, repr_of


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    log("main", repr_of(fut))
    fut.set_result(42)
    log("main", repr_of(fut))
    fut = loop.create_future()
    fut.set_exception(ValueError("bad input"))
    log("main", repr_of(fut))
    log("main", f"exception(): {exc(fut.exception())}")
    fut = loop.create_future()
    fut.cancel()
    log("main", repr_of(fut))


asyncio.run(main())
