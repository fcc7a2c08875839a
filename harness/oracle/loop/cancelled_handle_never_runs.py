"""cancelled_handle_never_runs: cancelled handles never run, even when already in the ready queue."""

import asyncio

from rosetta import log

loop = asyncio.new_event_loop()


def cancel_them():
    soon.cancel()
    timer.cancel()
    log("loop", f"cancelled both handles: {str(soon.cancelled()).lower()} {str(timer.cancelled()).lower()}")


def kept():
    log("loop", "timer at t=2 runs; the cancelled ones did not")
    loop.stop()


loop.call_soon(cancel_them)
soon = loop.call_soon(log, "loop", "call_soon handle: never runs")
timer = loop.call_later(1, log, "loop", "timer at t=1: never runs")
loop.call_later(2, kept)
loop.run_forever()
loop.close()
