"""taskgroup_body_catches_cancel: a child fails, the group cancels its body, which catches the CancelledError, cleans up with an await and re-raises."""

import asyncio

from rosetta import exc, log


async def fails():
    await asyncio.sleep(1)
    raise RuntimeError("child failed")


async def main():
    me = asyncio.current_task()
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fails(), name="fails")
            try:
                await asyncio.sleep(10)
                log("body", "never")
            except asyncio.CancelledError as e:
                log("body", f"caught: {exc(e)}, cancelling: {me.cancelling()}")
                await asyncio.sleep(1)
                log("body", "cleanup done")
                raise
    except ExceptionGroup as eg:
        log("main", f"{exc(eg)}: " + ", ".join(exc(e) for e in eg.exceptions))
    log("main", f"cancelling: {me.cancelling()}")


asyncio.run(main())
