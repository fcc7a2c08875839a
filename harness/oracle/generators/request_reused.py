"""request_reused: awaiting an anext()/asend() request that already gave its value again
is a RuntimeError; it does not run another step."""

import asyncio

from rosetta import exc, log


async def numbers():
    for n in range(1, 4):
        log("gen", f"yields {n}")
        yield n


async def main():
    gen = numbers()
    request = gen.__anext__()
    log("main", f"await anext -> {await request}")
    try:
        await request
        log("main", "never")
    except RuntimeError as e:
        log("main", f"await it again: {exc(e)}")
    request = gen.asend(None)
    log("main", f"await asend -> {await request}")
    try:
        await request
        log("main", "never")
    except RuntimeError as e:
        log("main", f"await it again: {exc(e)}")
    log("main", f"next anext -> {await gen.__anext__()}")
    await gen.aclose()


asyncio.run(main())
