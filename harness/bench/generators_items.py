"""async_generator: n integers through an async generator, consumed with `async for`."""

from bench_util import now_ns, run, size


async def numbers(n):
    for i in range(n):
        yield i


async def main():
    n = size(1_000_000)
    start = now_ns()
    total = 0
    async for x in numbers(n):
        total += x
    assert total == n * (n - 1) // 2
    return now_ns() - start, n


run(main)
