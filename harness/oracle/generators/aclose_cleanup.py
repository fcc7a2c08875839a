"""aclose_cleanup: aclose runs the cleanup (which awaits) exactly once; closing twice or before starting is fine."""

import asyncio

from rosetta import exc, log


async def numbers():
    try:
        n = 0
        while True:
            yield n
            n += 1
    finally:
        log("gen", "cleanup: closing the connection")
        await asyncio.sleep(1)
        log("gen", "cleanup: closed")


async def main():
    gen = numbers()
    log("main", f"anext -> {await anext(gen)}")
    log("main", f"anext -> {await anext(gen)}")
    await gen.aclose()
    log("main", "aclose done")
    await gen.aclose()
    log("main", "aclose again: nothing to do")
    try:
        await anext(gen)
    except StopAsyncIteration as e:
        log("main", f"anext: {exc(e)}")
    fresh = numbers()
    await fresh.aclose()
    log("main", "aclose of a fresh generator: no body ran")


asyncio.run(main())
