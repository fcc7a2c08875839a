"""one_loop_per_thread: running a second loop on a thread that runs one is an error; another thread may run it."""

import asyncio
import threading

from rosetta import exc, log


async def say():
    log("thread", "a new thread runs the other loop")


async def main():
    other = asyncio.new_event_loop()
    try:
        other.run_until_complete(other.create_future())
    except RuntimeError as error:
        log("main", f"running a second loop on this thread: {exc(error)}")
    try:
        loop.run_forever()
    except RuntimeError as error:
        log("main", f"running this loop again: {exc(error)}")
    thread = threading.Thread(target=other.run_until_complete, args=(say(),))
    thread.start()
    thread.join()
    other.close()


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
loop.close()
