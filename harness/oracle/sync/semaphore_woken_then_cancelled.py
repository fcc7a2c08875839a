"""semaphore_woken_then_cancelled: a waiter handed a permit and cancelled passes it on."""

import asyncio

from rosetta import log


async def task(sem, name, delay):
    await asyncio.sleep(delay)
    log(name, "waiting")
    await sem.acquire()
    log(name, "acquired")


async def main():
    sem = asyncio.Semaphore(0)
    ta, tb = (asyncio.create_task(task(sem, name, i)) for i, name in enumerate(("a", "b")))
    await asyncio.sleep(2)
    sem.release()
    ta.cancel()
    log("main", "released one, cancelled a")
    await asyncio.sleep(1)
    try:
        await ta
        cancelled = False
    except asyncio.CancelledError:
        cancelled = True
    await tb
    log("main", f"a cancelled: {str(cancelled).lower()}, value={sem._value}")


asyncio.run(main())
