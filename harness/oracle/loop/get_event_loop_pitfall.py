"""get_event_loop_pitfall: a loop taken early (what get_event_loop() gave) is not the loop that runs.

Old code wrote `loop = asyncio.get_event_loop()` at import time. With no loop set, that
created a loop and made it the thread's current one: the two lines below do the same
without the call, which warns since Python 3.12 and fails since 3.14 when no loop is set.
"""

import asyncio

from rosetta import log

early = asyncio.new_event_loop()
asyncio.set_event_loop(early)
early.call_soon(log, "early", "the early loop's callback runs only now, when that loop is run")


async def main():
    log("main", f"the early loop is running: {str(early.is_running()).lower()}")
    same = asyncio.get_running_loop() is early
    log("main", f"the running loop is the early loop: {str(same).lower()}")
    await asyncio.sleep(0)
    log("main", "an iteration later, the early loop's callback has not run")


asyncio.run(main())
early.run_until_complete(asyncio.sleep(0))
early.close()
