"""The call_soon workload on CPython's asyncio loop: schedule N callbacks, run them all.

The same workload as `aio bench call_soon`:
N callbacks, each adding one to a counter, are scheduled with `loop.call_soon` before the
loop runs; a last `call_soon(loop.stop)` ends the run. Time is from the first call_soon
to the end of `run_forever`; the best of ROUNDS rounds is reported, in ns per callback.
"""

import sys
import time

from bench_util import loop_name, new_loop

N = 1_000_000
ROUNDS = 3


def one_round(n):
    loop = new_loop()
    count = 0

    def callback():
        nonlocal count
        count += 1

    start = time.perf_counter()
    for _ in range(n):
        loop.call_soon(callback)
    loop.call_soon(loop.stop)
    loop.run_forever()
    elapsed = time.perf_counter() - start
    loop.close()
    assert count == n, count
    return elapsed


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else N
    best = min(one_round(n) for _ in range(ROUNDS))
    print(f"loop_call_soon: {best / n * 1e9:.1f} ns/op ({loop_name()}, {n} callbacks)")


if __name__ == "__main__":
    main()
