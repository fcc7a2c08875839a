"""timeout_nested_in_handler: the body of an expired timeout scope, handling the CancelledError, enters a timeout scope of its own, which expires in turn; then it re-raises and the outer scope gives its TimeoutError."""

import asyncio

from rosetta import exc, log


async def main():
    me = asyncio.current_task()
    try:
        async with asyncio.timeout(2):
            try:
                await asyncio.sleep(10)
                log("main", "never")
            except asyncio.CancelledError as e:
                log("main", f"caught: {exc(e)}, cancelling: {me.cancelling()}")
                try:
                    async with asyncio.timeout(1):
                        await asyncio.sleep(10)
                        log("main", "never")
                except TimeoutError as e:
                    log("main", f"inner scope: {exc(e)} from {exc(e.__cause__)}")
                log("main", f"cancelling: {me.cancelling()}")
                raise
    except TimeoutError as e:
        log("main", f"outer scope: {exc(e)} from {exc(e.__cause__)}")
    log("main", f"cancelling: {me.cancelling()}")


asyncio.run(main())
