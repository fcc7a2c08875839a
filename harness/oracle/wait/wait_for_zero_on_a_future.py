"""wait_for_zero_on_a_future: wait_for with a zero timeout gives the result of a future
already done; a pending future is cancelled, and a coroutine never starts."""

import asyncio

from rosetta import exc, log


async def body():
    log("coro", "started")
    return 1


async def main():
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    done.set_result(5)
    log("main", f"done future, timeout 0: {await asyncio.wait_for(done, 0)}")
    failed = loop.create_future()
    failed.set_exception(ValueError("boom"))
    try:
        await asyncio.wait_for(failed, 0)
    except ValueError as e:
        log("main", f"failed future, timeout 0: {exc(e)}")
    pending = loop.create_future()
    try:
        await asyncio.wait_for(pending, 0)
    except TimeoutError as e:
        log("main", f"pending future, timeout 0: {exc(e)} from {exc(e.__cause__)}")
    log("main", f"pending future cancelled: {str(pending.cancelled()).lower()}")
    try:
        await asyncio.wait_for(body(), 0)
    except TimeoutError as e:
        log("main", f"coroutine, timeout 0: {exc(e)} from {exc(e.__cause__)}")


asyncio.run(main())
