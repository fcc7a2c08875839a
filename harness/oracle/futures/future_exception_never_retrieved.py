"""future_exception_never_retrieved: a future whose exception nobody read is reported when
its last reference goes; one whose exception was read is not."""

import asyncio

from rosetta import exc, log


def handler(loop, context):
    log("handler", f"{context['message']}: {exc(context['exception'])} {sorted(context)}")


async def main():
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(handler)
    unread = loop.create_future()
    unread.set_exception(ValueError("nobody reads it"))
    del unread
    log("main", "dropped the unread future")
    read = loop.create_future()
    read.set_exception(ValueError("read"))
    log("main", f"exception(): {exc(read.exception())}")
    del read
    log("main", "dropped the read future")


asyncio.run(main())
