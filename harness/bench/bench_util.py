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


def run(main):
    """Run `main()` on the chosen loop; it returns (elapsed_ns, operations)."""
    if os.environ.get("ROSETTA_LOOP") == "uvloop":
        import uvloop

        elapsed, ops = uvloop.run(main())
    else:
        elapsed, ops = asyncio.run(main())
    print(f"ns_per_op={elapsed / max(ops, 1):.3f}")


def now_ns():
    return time.perf_counter_ns()
