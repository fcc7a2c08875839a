"""timeout_body_catches_cancel: the body of a timeout scope catches the CancelledError the deadline throws in, cleans up with an await and re-raises (TimeoutError), or swallows it (no TimeoutError)."""

import asyncio

from rosetta import exc, log


async def main():
    me = asyncio.current_task()
    try:
        async with asyncio.timeout(2) as cm:
            try:
                await asyncio.sleep(10)
                log("main", "never")
            except asyncio.CancelledError as e:
                log("main", f"caught: {exc(e)}, cancelling: {me.cancelling()}")
                await asyncio.sleep(1)
                log("main", "cleanup done")
                raise
    except TimeoutError as e:
        log("main", f"scope: {exc(e)}, expired: {str(cm.expired()).lower()}")
    log("main", f"cancelling: {me.cancelling()}")
    async with asyncio.timeout(1) as cm:
        try:
            await asyncio.sleep(10)
            log("main", "never")
        except asyncio.CancelledError as e:
            log("main", f"swallowed: {exc(e)}")
    log("main", f"scope ended normally, expired: {str(cm.expired()).lower()}")
    log("main", f"cancelling: {me.cancelling()}")


asyncio.run(main())
