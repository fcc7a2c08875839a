"""semaphore_no_barging: a released permit goes to the first waiter (gh-90155)."""

import asyncio

from rosetta import log


async def a(sem):
    await asyncio.sleep(1)
    log("a", "waiting")
    await sem.acquire()
    log("a", "acquired")
    await asyncio.sleep(1)
    log("a", "releasing")
    sem.release()


async def main():
    sem = asyncio.Semaphore(1)
    await sem.acquire()
    log("main", "acquired")
    ta = asyncio.create_task(a(sem))
    await asyncio.sleep(2)
    sem.release()
    log("main", f"released, value={sem._value}; acquiring again")
    await sem.acquire()
    log("main", "acquired again")
    sem.release()
    await ta


asyncio.run(main())
