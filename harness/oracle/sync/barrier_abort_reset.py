"""barrier_abort_reset: abort breaks the barrier for everyone; reset only the round."""

import asyncio

from rosetta import exc, log


async def task(barrier, name, delay):
    await asyncio.sleep(delay)
    log(name, "waiting")
    try:
        index = await barrier.wait()
        log(name, f"passes with index {index}")
    except asyncio.BrokenBarrierError as e:
        log(name, exc(e))


async def main():
    barrier = asyncio.Barrier(3)
    tasks = [asyncio.create_task(task(barrier, name, delay)) for delay, name in ((0, "a"), (2, "b"))]
    await asyncio.sleep(1)
    await barrier.reset()
    log("main", f"reset, broken={str(barrier.broken).lower()}")
    await asyncio.sleep(2)
    await barrier.abort()
    log("main", "abort")
    for t in tasks:
        await t
    try:
        await barrier.wait()
        late = "passes"
    except asyncio.BrokenBarrierError as e:
        late = exc(e)
    log("main", f"broken={str(barrier.broken).lower()}, a new wait: {late}")


asyncio.run(main())
