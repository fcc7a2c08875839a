"""async_comprehension: an async comprehension with a filter."""

import asyncio

from rosetta import log


async def numbers(n):
    for i in range(n):
        await asyncio.sleep(1)
        yield i


async def main():
    squares = [i * i async for i in numbers(6) if i % 2 == 0]
    log("main", f"{squares}")


asyncio.run(main())
