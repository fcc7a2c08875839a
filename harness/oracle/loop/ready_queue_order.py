"""ready_queue_order: callbacks run in the order scheduled; one scheduled by a callback runs in the next iteration."""

import asyncio

from rosetta import log

loop = asyncio.new_event_loop()


def a2():
    log("loop", "callback a2: scheduled during the first iteration, runs in the second")
    loop.stop()


def a():
    log("loop", "callback a: schedules a2")
    loop.call_soon(a2)


loop.call_soon(a)
for name in ("b", "c"):
    loop.call_soon(log, "loop", f"callback {name}")
loop.run_forever()
loop.close()
