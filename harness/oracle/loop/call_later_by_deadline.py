"""call_later_by_deadline: timers run by deadline; negative and zero delays are due at once, after call_soon."""

import asyncio

from rosetta import log

loop = asyncio.new_event_loop()
loop.call_later(3, log, "loop", "call_later(3)")
loop.call_later(1, log, "loop", "call_later(1)")
loop.call_later(-1, log, "loop", "call_later(-1)")
loop.call_later(0, log, "loop", "call_later(0)")
loop.call_at(loop.time() + 2, log, "loop", "call_at(time() + 2)")
loop.call_soon(log, "loop", "call_soon")
loop.call_later(3.5, loop.stop)
loop.run_forever()
loop.close()
