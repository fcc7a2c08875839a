"""semaphore_repr: a Semaphore's repr shows its value while it is free, and how many
tasks wait once it is not; a BoundedSemaphore's is the same under its own name."""

import asyncio

from rosetta import log, repr_of


async def waiter(sem):
    await asyncio.sleep(1)
    async with sem:
        log("waiter", f"acquired: {repr_of(sem)}")


async def main():
    sem = asyncio.Semaphore(1)
    log("main", repr_of(sem))
    await sem.acquire()
    log("main", repr_of(sem))
    task = asyncio.create_task(waiter(sem))
    await asyncio.sleep(2)
    log("main", repr_of(sem))
    sem.release()
    await task
    log("main", repr_of(sem))
    bounded = asyncio.BoundedSemaphore(2)
    log("main", repr_of(bounded))
    await bounded.acquire()
    log("main", repr_of(bounded))
    await bounded.acquire()
    log("main", repr_of(bounded))
    bounded.release()
    bounded.release()
    log("main", repr_of(bounded))


asyncio.run(main())
