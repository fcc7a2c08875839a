"""done_callback_raises: a done callback that raises goes to the exception handler; the
next callbacks still run."""

import asyncio

from rosetta import exc, log


def handler(loop, context):
    message = " ".join(context["message"].split()[:3])
    log("handler", f"{message}: {exc(context['exception'])} {sorted(context)}")


def raises(future):
    log("callback", "raises")
    raise ValueError("in a callback")


def carries_on(future):
    log("callback", "the next callback still runs")


async def main():
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(handler)
    future = loop.create_future()
    future.add_done_callback(raises)
    future.add_done_callback(carries_on)
    future.set_result(1)
    await asyncio.sleep(1)
    log("main", "end")


asyncio.run(main())
