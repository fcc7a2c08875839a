"""Items per second through a CPython async generator (the twin of
`cargo run --release -p aio-generators --example bench`).

    python3 harness/bench/generators_throughput.py [ITEMS]

Same two item kinds as the Rust benchmark: a bare int, and a string row built per item
(f"product-{i}"). Each run drains ITEMS items with `async for`, adding them up, inside
`asyncio.run`; best of 5 runs.
"""

import asyncio
import sys
import time


async def ints(n):
    for i in range(n):
        yield i


async def rows(n):
    for i in range(n):
        yield f"product-{i}"


class Ints:
    """The hand-written async iterator (`__aiter__` / `__anext__`)."""

    def __init__(self, n):
        self.i, self.n = 0, n

    def __aiter__(self):
        return self

    async def __anext__(self):
        if self.i >= self.n:
            raise StopAsyncIteration
        self.i += 1
        return self.i - 1


async def drain_ints(items):
    total = 0
    async for x in items:
        total += x
    return total


async def drain_rows(items):
    total = 0
    async for x in items:
        total += len(x)
    return total


def measure(kind, label, n, make):
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        asyncio.run(make())
        best = min(best, time.perf_counter() - start)
    per_second = n / best
    print(f"{'cpython':<7} {kind:<11} {label:<24} {per_second / 1e6:7.2f} M items/s {best / n * 1e9:7.1f} ns/item")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    print(f"Python {sys.version.split()[0]}, {n} items per run, best of 5 runs")
    measure("int", "async generator", n, lambda: drain_ints(ints(n)))
    measure("int", "__anext__ class", n, lambda: drain_ints(Ints(n)))
    measure("str row", "async generator", n, lambda: drain_rows(rows(n)))


if __name__ == "__main__":
    main()
