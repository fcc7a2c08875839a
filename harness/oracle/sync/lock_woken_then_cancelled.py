"""lock_woken_then_cancelled: a waiter handed the lock and cancelled passes it on."""

import asyncio

from rosetta import log


async def task(lock, name, delay):
    await asyncio.sleep(delay)
    log(name, "waiting")
    await lock.acquire()
    log(name, "acquired")
    lock.release()


async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    ta, tb = (asyncio.create_task(task(lock, name, i)) for i, name in enumerate(("a", "b")))
    await asyncio.sleep(2)
    lock.release()
    ta.cancel()
    log("main", "released, cancelled a")
    await asyncio.sleep(1)
    try:
        await ta
        cancelled = False
    except asyncio.CancelledError:
        cancelled = True
    await tb
    log("main", f"a cancelled: {str(cancelled).lower()}, locked()={str(lock.locked()).lower()}")


asyncio.run(main())
