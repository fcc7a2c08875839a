"""loop_fed_by_another_thread: another thread hands the loop a callback and a coroutine; the loop waits for it."""

import asyncio
import threading
import time

from rosetta import exc, log


def worker(loop, event, answers):
    time.sleep(0.005)
    loop.call_soon_threadsafe(lambda: log("callback", "runs"))

    async def coro():
        log("coro", "sets the event")
        event.set()
        return "done"

    answers.append(asyncio.run_coroutine_threadsafe(coro(), loop).result())


async def main():
    event = asyncio.Event()
    answers = []
    thread = threading.Thread(target=worker, args=(asyncio.get_running_loop(), event, answers))
    thread.start()
    log("main", "waits for the other thread")
    await event.wait()
    log("main", "event set")
    try:
        await asyncio.to_thread(thread.join)
        log("main", f"the thread got {answers[0]}")
    except Exception as e:
        log("main", f"failed: {exc(e)}")


asyncio.run(main())
