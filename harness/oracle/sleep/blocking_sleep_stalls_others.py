"""blocking_sleep_stalls_others: time.sleep in a coroutine holds the loop; asyncio.sleep does not."""

import asyncio
import time

from rosetta import log


async def ticker():
    for i in range(3):
        log("ticker", f"tick {i}")
        await asyncio.sleep(0)


async def polite():
    for i in range(2):
        log("polite", f"asyncio.sleep step {i}")
        await asyncio.sleep(0)


async def blocker():
    for i in range(2):
        log("blocker", f"time.sleep step {i}")
        time.sleep(0.002)


async def main():
    log("main", "round 1: asyncio.sleep")
    t = asyncio.create_task(ticker())
    p = asyncio.create_task(polite())
    await t
    await p
    log("main", "round 2: time.sleep")
    t = asyncio.create_task(ticker())
    b = asyncio.create_task(blocker())
    await t
    await b


asyncio.run(main())
