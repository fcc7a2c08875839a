"""exception_handler_replaced: the loop's one exception handler can be set, replaced and
reset while the loop runs; call_exception_handler reaches the one set now."""

import asyncio

from rosetta import exc, log


def first(loop, context):
    log("first", context["message"])


def second(loop, context):
    log("second", f"{context['message']}: {exc(context['exception'])} {sorted(context)}")


async def main():
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(first)
    loop.call_exception_handler({"message": "one"})
    loop.set_exception_handler(second)
    loop.call_exception_handler({"message": "two", "exception": ValueError("custom")})
    loop.set_exception_handler(None)
    log("main", f"default handler: {loop.get_exception_handler() is None}")


asyncio.run(main())
