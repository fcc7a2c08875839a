"""close_on_drop_failure_reported: the cleanup of a dropped generator, run by asyncio's
finalizer hook in a task, raises: the exception handler gets it."""

import asyncio

from rosetta import exc, log


def handler(loop, context):
    log("handler", f"{context['message']}: {exc(context['exception'])} {sorted(context)}")


async def rows():
    try:
        yield "row 0"
        yield "row 1"
    finally:
        log("gen", "cleanup starts")
        await asyncio.sleep(1)
        raise ValueError("cleanup failed")


async def main():
    asyncio.get_running_loop().set_exception_handler(handler)
    gen = rows()
    log("main", f"anext -> {await anext(gen)}")
    del gen  # the last reference: the loop's finalizer hook schedules gen.aclose()
    log("main", "dropped the generator")
    await asyncio.sleep(2)
    log("main", "end")


asyncio.run(main())
