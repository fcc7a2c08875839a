"""lock_repr: a Lock's repr shows whether it is held and how many tasks wait for it."""

import asyncio

from rosetta import log, repr_of


async def waiter(lock):
    await asyncio.sleep(1)
    async with lock:
        log("waiter", "acquired")


async def releaser(lock):
    await asyncio.sleep(2)
    log("main", repr_of(lock))
    lock.release()
    log("main", f"released: {repr_of(lock)}")


async def main():
    lock = asyncio.Lock()
    log("main", repr_of(lock))
    await lock.acquire()
    log("main", repr_of(lock))
    await asyncio.gather(waiter(lock), releaser(lock))
    log("main", repr_of(lock))


asyncio.run(main())
