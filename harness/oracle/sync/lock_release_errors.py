"""lock_release_errors: releasing an unlocked Lock fails; any task may release a held one."""

import asyncio

from rosetta import exc, log


async def a(lock):
    await lock.acquire()
    log("a", "acquired")


async def main():
    lock = asyncio.Lock()
    try:
        lock.release()
    except RuntimeError as e:
        log("main", f"release(): {exc(e)}")
    await asyncio.create_task(a(lock))
    lock.release()
    log("main", f"released the lock a acquired, locked()={str(lock.locked()).lower()}")


asyncio.run(main())
