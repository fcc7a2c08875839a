"""evolution_countdown: a generator, a yield-from coroutine and an async def."""

import asyncio
import types

from rosetta import log


def countdown_generator(n):
    while n > 0:
        yield n
        n -= 1


@types.coroutine  # what @asyncio.coroutine was, before async def (removed in 3.11)
def countdown_yield_from(n, nap):
    seen = []
    while n > 0:
        yield from asyncio.sleep(nap)
        seen.append(n)
        n -= 1
    return seen


async def countdown(n, nap):
    seen = []
    while n > 0:
        await asyncio.sleep(nap)
        seen.append(n)
        n -= 1
    return seen


async def main():
    log("step-1", f"generator: {list(countdown_generator(3))}")
    log("step-2", f"yield from coroutine: {await countdown_yield_from(3, 1)}")
    log("step-3", f"async def: {await countdown(3, 1)}")


asyncio.run(main())
