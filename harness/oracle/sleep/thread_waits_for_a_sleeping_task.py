"""thread_waits_for_a_sleeping_task: a blocking job waits for a coroutine that sleeps; the clock moves meanwhile."""

import asyncio

from rosetta import exc, log


async def coro():
    log("coro", "sleeps 1")
    await asyncio.sleep(1)
    log("coro", "answers")
    return 42


def job(loop):
    return asyncio.run_coroutine_threadsafe(coro(), loop).result()


async def main():
    log("main", "to_thread(job)")
    try:
        value = await asyncio.to_thread(job, asyncio.get_running_loop())
        log("main", f"the job got {value}")
    except Exception as e:
        log("main", f"failed: {exc(e)}")


asyncio.run(main())
