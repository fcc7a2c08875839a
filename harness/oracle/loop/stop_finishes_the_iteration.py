"""stop_finishes_the_iteration: stop() lets the current iteration finish; what it scheduled waits for the next run."""

import asyncio

from rosetta import log

loop = asyncio.new_event_loop()
run = 1


def c():
    log("loop", f"callback c: runs in run_forever call {run}")
    loop.stop()


def a():
    log("loop", "callback a: calls stop() and schedules c")
    loop.stop()
    loop.call_soon(c)


loop.call_soon(a)
loop.call_soon(log, "loop", "callback b: same iteration as the stop, runs")
loop.run_forever()
run = 2
loop.run_forever()
loop.close()
