"""The timer workload on CPython's asyncio loop: M timers through the heap, in deadline order.

The same workload as `aio bench call_later`: a callback running on the loop makes M timers
with `loop.call_later(delay, callback)` (where timers come from: asyncio.sleep, wait_for),
the delays spread over (-1, 0] seconds in a scrambled order (delay of timer i:
-((i * 7919) % M) / M). Every timer is due at once, so the run measures the timer heap
(push, ordered pop, the move to the ready queue) and the callbacks, not the wall clock.
The best of ROUNDS rounds, in ns per timer.
"""

import sys
import time

from bench_util import loop_name, new_loop

M = 10_000
ROUNDS = 20


def one_round(m):
    loop = new_loop()
    count = 0

    def callback():
        nonlocal count
        count += 1

    def make_timers():
        for i in range(m):
            loop.call_later(-((i * 7919) % m) / m, callback)
        loop.call_soon(loop.stop)

    start = time.perf_counter()
    loop.call_soon(make_timers)
    loop.run_forever()
    elapsed = time.perf_counter() - start
    loop.close()
    assert count == m, count
    return elapsed


def main():
    m = int(sys.argv[1]) if len(sys.argv) > 1 else M
    best = min(one_round(m) for _ in range(ROUNDS))
    print(f"loop_timers: {best / m * 1e9:.1f} ns/op ({loop_name()}, {m} timers)")


if __name__ == "__main__":
    main()
