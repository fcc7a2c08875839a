"""to_thread_off_the_loop: blocking work runs on a thread while the other tasks run."""

import asyncio
import time

from rosetta import log


def blocking_work():
    time.sleep(0.002)
    return 42


async def other():
    log("other", "runs while the thread works")


async def main():
    task = asyncio.create_task(other())
    log("main", "to_thread(blocking_work)")
    value = await asyncio.to_thread(blocking_work)
    log("main", f"got {value}")
    await task
    value = await asyncio.get_running_loop().run_in_executor(None, blocking_work)
    log("main", f"run_in_executor got {value}")


asyncio.run(main())
