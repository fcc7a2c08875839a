"""ignored_generator_exit: a body that yields while being closed."""

import asyncio

from rosetta import exc, log


async def stubborn():
    try:
        yield 1
    except GeneratorExit as e:
        log("gen", f"caught {exc(e)}, yielding anyway")
        yield 2
    log("gen", "body ends")


async def main():
    gen = stubborn()
    log("main", f"anext -> {await anext(gen)}")
    try:
        await gen.aclose()
    except RuntimeError as error:
        log("main", f"aclose: {exc(error)}")
    try:
        await anext(gen)
    except StopAsyncIteration as e:
        log("main", f"anext: {exc(e)}")


asyncio.run(main())
