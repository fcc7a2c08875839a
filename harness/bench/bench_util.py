"""Shared by the CPython benchmark twins: pick the event loop, time a workload.

Each twin runs one workload of `aio bench` on CPython and prints `ns_per_op=<float>`.
ROSETTA_LOOP=uvloop runs it on uvloop instead of asyncio's own loop.
"""

import asyncio
import os
import sys
import time


def size(default):
    return int(sys.argv[1]) if len(sys.argv) > 1 else default


def uvloop_chosen():
    return os.environ.get("ROSETTA_LOOP") == "uvloop"


def new_loop():
    """A new event loop of the chosen kind (asyncio's own, or uvloop's)."""
    if uvloop_chosen():
        import uvloop

        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def run_coro(coro):
    """`asyncio.run(coro)` on the chosen loop."""
    if uvloop_chosen():
        import uvloop

        return uvloop.run(coro)
    return asyncio.run(coro)


def run(main):
    """Run `main()` on the chosen loop; it returns (elapsed_ns, operations)."""
    elapsed, ops = run_coro(main())
    print(f"ns_per_op={elapsed / max(ops, 1):.3f}")


def now_ns():
    return time.perf_counter_ns()


def loop_name():
    """What the twin ran on, for its own printout."""
    return "uvloop" if uvloop_chosen() else f"CPython {sys.version.split()[0]}"
