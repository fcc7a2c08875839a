"""CPython's side of the aio-tasks benchmark: create_task + await of N trivial tasks
(best of 5), and bytes per pending task (tracemalloc).

Run: python3 harness/bench/tasks_spawn.py [N]
Rust's side: cargo run --release -p aio-tasks --example bench [N]
"""

import asyncio
import sys
import time
import tracemalloc


async def trivial(i):
    return i


async def spawn_and_await(n):
    tasks = [asyncio.create_task(trivial(i)) for i in range(n)]
    total = 0
    for task in tasks:
        total += await task
    assert total == n * (n - 1) // 2


async def waits(future):
    await future


async def pending_bytes(n):
    forever = asyncio.get_running_loop().create_future()
    await asyncio.sleep(0)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tasks = [asyncio.create_task(waits(forever)) for _ in range(n)]
    await asyncio.sleep(0)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return (after - before) / n


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        asyncio.run(spawn_and_await(n))
        best = min(best, time.perf_counter() - start)
    per_task = asyncio.run(pending_bytes(n))
    print(f"CPython {sys.version.split()[0]}: create_task + await of {n} trivial tasks: {best * 1e3:.1f} ms (best of 5)")
    print(f"CPython: bytes per pending task (tracemalloc): {per_task:.0f}")


if __name__ == "__main__":
    main()
