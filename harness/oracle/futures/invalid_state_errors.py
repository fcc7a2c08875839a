"""invalid_state_errors: reading a pending future or setting a done one is an InvalidStateError."""

import asyncio

from rosetta import exc, log


async def main():
    future = asyncio.get_running_loop().create_future()
    try:
        future.result()
    except asyncio.InvalidStateError as error:
        log("main", f"result() while pending: {exc(error)}")
    try:
        future.exception()
    except asyncio.InvalidStateError as error:
        log("main", f"exception() while pending: {exc(error)}")
    future.set_result(1)
    try:
        future.set_result(2)
    except asyncio.InvalidStateError as error:
        log("main", f"set_result on a done future: {exc(error)}")
    try:
        future.set_exception(Exception("late"))
    except asyncio.InvalidStateError as error:
        log("main", f"set_exception on a done future: {exc(error)}")
    log("main", f"cancel() on a done future returns {str(future.cancel()).lower()}")
    log("main", f"result() is still {future.result()}")


asyncio.run(main())
