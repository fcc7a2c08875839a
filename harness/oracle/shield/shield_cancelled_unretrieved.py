"""shield_cancelled_unretrieved: once the outer of a shield is cancelled it no longer reads
the inner: the inner's failure, read by nobody, is reported."""

import asyncio

from rosetta import exc, log


def handler(loop, context):
    name = context["future"].get_name()
    log("handler", f"{context['message']}: {name}: {exc(context['exception'])} {sorted(context)}")


async def fails(delay, message):
    await asyncio.sleep(delay)
    raise ValueError(message)


async def main():
    asyncio.get_running_loop().set_exception_handler(handler)
    task = asyncio.create_task(fails(2, "after the cancel"), name="inner")
    outer = asyncio.shield(task)
    await asyncio.sleep(1)
    log("main", f"outer.cancel(): {outer.cancel()}")
    try:
        await outer
    except asyncio.CancelledError:
        log("main", "outer cancelled; inner runs on")
    del task, outer
    log("main", "dropped every handle")
    await asyncio.sleep(2)
    log("main", "end")


asyncio.run(main())
