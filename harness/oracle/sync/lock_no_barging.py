"""lock_no_barging: a task that releases and re-acquires at once queues behind the waiter."""

import asyncio

from rosetta import log


async def a(lock):
    await asyncio.sleep(1)
    log("a", "waiting")
    await lock.acquire()
    log("a", "acquired")
    await asyncio.sleep(1)
    log("a", "releasing")
    lock.release()


async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    log("main", "acquired")
    ta = asyncio.create_task(a(lock))
    await asyncio.sleep(2)
    lock.release()
    log("main", f"released, locked()={str(lock.locked()).lower()}; acquiring again")
    await lock.acquire()
    log("main", "acquired again")
    lock.release()
    await ta


asyncio.run(main())
