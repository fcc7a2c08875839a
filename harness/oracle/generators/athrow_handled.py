"""athrow_handled: the body catches a thrown error and yields the next value; an error it does not catch ends it."""

import asyncio

from rosetta import log


class Retry(Exception):
    pass


async def attempts():
    attempt = 0
    while True:
        try:
            yield f"attempt {attempt}"
        except Retry as why:
            log("gen", f"caught Retry: {why}")
            await asyncio.sleep(1)
        attempt += 1


async def main():
    gen = attempts()
    log("main", f"anext -> {await anext(gen)}")
    log("main", f"athrow(Retry) -> {await gen.athrow(Retry('timeout'))}")
    try:
        await gen.athrow(ValueError("bad row"))
    except ValueError as why:
        log("main", f"athrow(ValueError) raised ValueError: {why}")
    try:
        await anext(gen)
    except StopAsyncIteration:
        log("main", "anext raised StopAsyncIteration")


asyncio.run(main())
