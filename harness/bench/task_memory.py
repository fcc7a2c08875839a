"""task_memory: resident memory per task, n tasks blocked on an Event (RSS delta)."""

import asyncio

from bench_util import run, size


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


async def blocked(gate):
    await gate.wait()


async def main():
    n = size(100_000)
    gate = asyncio.Event()
    before = rss()
    tasks = [asyncio.create_task(blocked(gate)) for _ in range(n)]
    await asyncio.sleep(0)
    after = rss()
    gate.set()
    await asyncio.gather(*tasks)
    # "ns_per_op" carries bytes per task here, as the Rust side does.
    return after - before, n


run(main)
