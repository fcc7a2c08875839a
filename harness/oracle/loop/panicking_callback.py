"""panicking_callback: a callback that raises goes to the exception handler and the loop carries on."""

import asyncio

from rosetta import exc, log

loop = asyncio.new_event_loop()


def handler(loop, context):
    log("handler", f"exception handler got: {exc(context['exception'])}")


def boom():
    log("loop", "callback raises")
    raise ValueError("boom")


def after():
    log("loop", "the next callback still runs")
    loop.stop()


loop.set_exception_handler(handler)
loop.call_soon(boom)
loop.call_soon(after)
loop.run_forever()
loop.close()
