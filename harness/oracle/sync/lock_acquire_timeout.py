"""lock_acquire_timeout: an acquire cancelled by a timeout leaves nothing behind."""

import asyncio

from rosetta import log


async def a(lock):
    log("a", "waiting, at most 2 ticks")
    try:
        await asyncio.wait_for(lock.acquire(), 2)
        log("a", "acquired")
    except TimeoutError:
        log("a", "timed out")


async def b(lock):
    await asyncio.sleep(1)
    log("b", "waiting")
    await lock.acquire()
    log("b", "acquired")
    lock.release()


async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    ta = asyncio.create_task(a(lock))
    tb = asyncio.create_task(b(lock))
    await asyncio.sleep(3)
    log("main", "releasing")
    lock.release()
    await ta
    await tb
    log("main", f"locked()={str(lock.locked()).lower()}")


asyncio.run(main())
