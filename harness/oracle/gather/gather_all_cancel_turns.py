"""gather_all_cancel_turns: a task cancelled while it awaits gather(..., return_exceptions=True) receives CancelledError in the turn its last child ends."""

import asyncio

from rosetta import exc, log


async def child():
    await asyncio.sleep(1)


async def holder():
    try:
        await asyncio.gather(child(), child(), return_exceptions=True)
    except asyncio.CancelledError:
        log("holder", "cancelled")
        raise


async def ticker():
    for k in range(6):
        log("ticker", f"tick {k}")
        await asyncio.sleep(0)


async def main():
    h = asyncio.create_task(holder())
    await asyncio.sleep(0)
    t = asyncio.create_task(ticker())
    h.cancel()
    log("main", "cancel sent")
    try:
        await h
    except asyncio.CancelledError as error:
        log("main", f"holder: {exc(error)}")
    await t


asyncio.run(main())
