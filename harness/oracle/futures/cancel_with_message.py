"""cancel_with_message: cancel(msg) is true once; awaiters, result() and exception() get CancelledError(msg)."""

import asyncio

from rosetta import exc, log


async def waiter(name, arrive, future):
    await asyncio.sleep(arrive)
    log(name, "awaits the future")
    try:
        value = await future
        log(name, f"got {value}")
    except asyncio.CancelledError as error:
        log(name, f"got {exc(error)}")


async def main():
    future = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(waiter("waiter", 1, future))
    await asyncio.sleep(2)
    log("main", f"cancel('shutting down') returns {str(future.cancel('shutting down')).lower()}")
    log("main", f"cancel('again') returns {str(future.cancel('again')).lower()}")
    log("main", f"cancelled() is {str(future.cancelled()).lower()}")
    await task
    try:
        future.result()
    except asyncio.CancelledError as error:
        log("main", f"result() raises {exc(error)}")
    try:
        future.exception()
    except asyncio.CancelledError as error:
        log("main", f"exception() raises {exc(error)}")


asyncio.run(main())
