"""gather_first_failure: the first failure is returned at once; the siblings keep running."""

import asyncio

from rosetta import exc, log


async def fails():
    log("bad", "fails in 1")
    await asyncio.sleep(1)
    log("bad", "raising")
    raise ValueError("boom")


async def slow():
    log("slow", "takes 3")
    await asyncio.sleep(3)
    log("slow", "finished anyway")
    return "slow result"


async def main():
    sibling = asyncio.create_task(slow())
    try:
        await asyncio.gather(fails(), sibling)
    except ValueError as e:
        log("main", f"gather raised: {exc(e)}")
    log("main", f"sibling cancelled: {sibling.cancelled()}")
    log("main", f"sibling awaited afterwards: {await sibling}")


asyncio.run(main())
