"""queue_mpmc: n items through an asyncio.Queue(1024), four producers and four consumers."""

import asyncio

from bench_util import now_ns, run, size


async def producer(q, count):
    for i in range(count):
        await q.put(i)


async def consumer(q, count):
    for _ in range(count):
        await q.get()
        q.task_done()


async def main():
    n = size(1_000_000)
    q = asyncio.Queue(maxsize=1024)
    start = now_ns()
    tasks = [asyncio.create_task(producer(q, n // 4)) for _ in range(4)]
    tasks += [asyncio.create_task(consumer(q, n // 4)) for _ in range(4)]
    await asyncio.gather(*tasks)
    await q.join()
    return now_ns() - start, n


run(main)
