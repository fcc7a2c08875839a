"""async_iterator_protocol: a hand-written async iterator, async for, and anext with a default."""

import asyncio

from rosetta import log


class Counter:
    def __init__(self, end):
        self.i, self.end = 0, end

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.i >= self.end:
            raise StopAsyncIteration
        self.i += 1
        return self.i - 1


async def main():
    async for i in Counter(3):
        log("main", f"async for: {i}")
    exhausted = Counter(0)
    value = await anext(exhausted, None)
    log("main", f"anext(exhausted, None) -> {value}")


asyncio.run(main())
