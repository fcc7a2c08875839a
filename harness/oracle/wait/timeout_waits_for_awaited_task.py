"""timeout_waits_for_awaited_task: a timeout expires while its body awaits a task; the
task is cancelled and runs its cleanup before the body's TimeoutError comes out."""

import asyncio

from rosetta import exc, log


async def worker():
    log("worker", "sleeps 10")
    try:
        await asyncio.sleep(10)
    finally:
        log("worker", "cleanup")


async def main():
    w = asyncio.create_task(worker(), name="worker")
    try:
        async with asyncio.timeout(1):
            await w
    except TimeoutError as e:
        log("main", f"timeout: {exc(e)}")
    log("main", f"worker cancelled: {str(w.cancelled()).lower()}, cancelling: {w.cancelling()}")


asyncio.run(main())
