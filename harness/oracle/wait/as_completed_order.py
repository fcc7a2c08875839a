"""as_completed_order: outcomes in finishing order; on the deadline the next one is
TimeoutError and the rest keep running."""

import asyncio

from rosetta import exc, log


async def work(delay, value):
    await asyncio.sleep(delay)
    return value


async def fails(delay):
    await asyncio.sleep(delay)
    raise ValueError("boom")


async def main():
    a = asyncio.create_task(work(3, "A"))
    b = asyncio.create_task(work(1, "B"))
    c = asyncio.create_task(fails(2))
    d = asyncio.create_task(work(10, "D"))
    for next_done in asyncio.as_completed([a, b, c, d], timeout=4):
        try:
            log("main", f"next: {await next_done}")
        except ValueError as e:
            log("main", f"next failed: {exc(e)}")
        except TimeoutError as e:
            log("main", f"{exc(e)}; d still running: {not d.done()}")
            break
    log("main", f"d finished later: {await d}")


asyncio.run(main())
