"""barrier_wait: the last of three arrivals returns first; each gets its arrival index."""

import asyncio

from rosetta import log


async def party(barrier, i):
    name = f"party-{i}"
    await asyncio.sleep(i)
    log(name, "arrives")
    index = await barrier.wait()
    log(name, f"passes with index {index}")


async def main():
    barrier = asyncio.Barrier(3)
    tasks = [asyncio.create_task(party(barrier, i)) for i in range(3)]
    for t in tasks:
        await t
    log("main", f"n_waiting={barrier.n_waiting}, broken={str(barrier.broken).lower()}")


asyncio.run(main())
