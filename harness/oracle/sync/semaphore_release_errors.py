"""semaphore_release_errors: extra releases raise a Semaphore; a BoundedSemaphore refuses."""

import asyncio

from rosetta import exc, log


async def main():
    sem = asyncio.Semaphore(1)
    sem.release()
    sem.release()
    log("main", f"Semaphore(1) released twice: value={sem._value}")
    bounded = asyncio.BoundedSemaphore(1)
    try:
        bounded.release()
    except ValueError as e:
        log("main", f"BoundedSemaphore(1).release(): {exc(e)}")
    await bounded.acquire()
    bounded.release()
    log("main", f"acquire then release: value={bounded._value}")


asyncio.run(main())
