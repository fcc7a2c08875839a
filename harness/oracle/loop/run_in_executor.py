"""run_in_executor: a blocking job in the executor does not stall the loop; call_soon_threadsafe wakes it."""

import asyncio
import queue

from rosetta import log


def tick(loop, n, release):
    log("loop", f"tick {n}: the loop runs while the job blocks")
    if n < 3:
        loop.call_soon(tick, loop, n + 1, release)
    else:
        release.put(None)


async def main():
    loop = asyncio.get_running_loop()
    release = queue.Queue()

    def job():
        release.get()
        loop.call_soon_threadsafe(log, "executor", "call_soon_threadsafe from the executor thread")
        return 42

    future = loop.run_in_executor(None, job)
    loop.call_soon(tick, loop, 1, release)
    value = await future
    log("main", f"job returned {value}")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
