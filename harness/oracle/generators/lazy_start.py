"""lazy_start: creating an async generator runs nothing; its body starts at the first anext."""

import asyncio

from rosetta import log


async def greetings():
    log("gen", "body starts")
    yield "hello"


async def main():
    gen = greetings()
    log("main", "created the generator")
    await asyncio.sleep(1)
    log("main", "anext")
    first = await anext(gen)
    log("main", f"got {first}")


asyncio.run(main())
