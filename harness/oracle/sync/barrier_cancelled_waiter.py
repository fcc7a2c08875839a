"""barrier_cancelled_waiter: a waiter cancelled by a timeout does not break the barrier."""

import asyncio

from rosetta import log


async def a(barrier):
    log("a", "arrives, waits at most 1 tick")
    try:
        await asyncio.wait_for(barrier.wait(), 1)
        log("a", "passes")
    except TimeoutError:
        log("a", "timed out")


async def party(barrier, name, delay):
    await asyncio.sleep(delay)
    log(name, "arrives")
    index = await barrier.wait()
    log(name, f"passes with index {index}")


async def main():
    barrier = asyncio.Barrier(2)
    await asyncio.create_task(a(barrier))
    log("main", f"n_waiting={barrier.n_waiting}, broken={str(barrier.broken).lower()}")
    tasks = [asyncio.create_task(party(barrier, name, delay)) for delay, name in ((1, "b"), (2, "c"))]
    for t in tasks:
        await t


asyncio.run(main())
