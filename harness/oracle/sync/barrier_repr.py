"""barrier_repr: a Barrier's repr shows its round (filling, draining, resetting, broken)
and how many of its parties wait."""

import asyncio

from rosetta import exc, log, repr_of


async def party(barrier, name):
    try:
        await barrier.wait()
        log(name, "passes")
    except asyncio.BrokenBarrierError as e:
        log(name, exc(e))


async def last(barrier):
    await barrier.wait()
    log("last", f"passes: {repr_of(barrier)}")


async def resetter(barrier):
    await barrier.reset()
    log("resetter", repr_of(barrier))


async def main():
    barrier = asyncio.Barrier(3)
    log("main", repr_of(barrier))
    tasks = [asyncio.create_task(party(barrier, name)) for name in ("a", "b")]
    await asyncio.sleep(1)
    log("main", repr_of(barrier))
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    await asyncio.gather(party(barrier, "a"), party(barrier, "b"), last(barrier))
    log("main", repr_of(barrier))
    await asyncio.sleep(1)
    await asyncio.gather(party(barrier, "a"), party(barrier, "b"), resetter(barrier))
    log("main", repr_of(barrier))
    await asyncio.sleep(1)
    await barrier.abort()
    log("main", repr_of(barrier))


asyncio.run(main())
