"""athrow_handled: the body catches a thrown error and yields the next value; an error it does not catch ends it."""

import asyncio

from rosetta import exc, log


class Retry(Exception):
    pass


async def attempts():
    attempt = 0
    while True:
        try:
            yield f"attempt {attempt}"
        except Retry as why:
            log("gen", f"caught {exc(why)}")
            await asyncio.sleep(1)
        attempt += 1


async def main():
    gen = attempts()
    log("main", f"anext -> {await anext(gen)}")
    log("main", f"athrow(Retry) -> {await gen.athrow(Retry('timeout'))}")
    try:
        await gen.athrow(ValueError("bad row"))
    except ValueError as why:
        log("main", f"athrow(ValueError): {exc(why)}")
    try:
        await anext(gen)
    except StopAsyncIteration as e:
        log("main", f"anext: {exc(e)}")


asyncio.run(main())
