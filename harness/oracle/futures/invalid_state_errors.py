"""invalid_state_errors: reading a pending future or setting a done one is an InvalidStateError."""

import asyncio

from rosetta import log


def message(error):
    """asyncio's message in the Rust convention: lowercase, no full stop."""
    text = str(error).rstrip(".")
    return f"{type(error).__name__}: {text[:1].lower()}{text[1:]}"


async def main():
    future = asyncio.get_running_loop().create_future()
    try:
        future.result()
    except asyncio.InvalidStateError as error:
        log("main", f"result() while pending: {message(error)}")
    try:
        future.exception()
    except asyncio.InvalidStateError as error:
        log("main", f"exception() while pending: {message(error)}")
    future.set_result(1)
    try:
        future.set_result(2)
    except asyncio.InvalidStateError as error:
        log("main", f"set_result on a done future: {message(error)}")
    try:
        future.set_exception(Exception("late"))
    except asyncio.InvalidStateError as error:
        log("main", f"set_exception on a done future: {message(error)}")
    log("main", f"cancel() on a done future returns {str(future.cancel()).lower()}")
    log("main", f"result() is still {future.result()}")


asyncio.run(main())
