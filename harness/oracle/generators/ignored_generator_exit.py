"""ignored_generator_exit: a body that yields while being closed."""

import asyncio

from rosetta import log


async def stubborn():
    try:
        yield 1
    except GeneratorExit:
        log("gen", "caught GeneratorExit, yielding anyway")
        yield 2
    log("gen", "body ends")


async def main():
    gen = stubborn()
    log("main", f"anext -> {await anext(gen)}")
    try:
        await gen.aclose()
    except RuntimeError as error:
        log("main", f"RuntimeError: {error}")
    try:
        await anext(gen)
    except StopAsyncIteration:
        log("main", "anext raised StopAsyncIteration")


asyncio.run(main())
