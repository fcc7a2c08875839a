"""queue_put_blocks_when_full: put waits while a bounded queue is full."""

import asyncio

from rosetta import log


async def producer(q):
    for i in range(4):
        log("producer", f"put {i}...")
        await q.put(i)
        log("producer", f"put {i} done, qsize={q.qsize()}")


async def consumer(q):
    await asyncio.sleep(2)
    for _ in range(4):
        item = await q.get()
        log("consumer", f"got {item}")
        await asyncio.sleep(1)


async def main():
    q = asyncio.Queue(maxsize=2)
    p = asyncio.create_task(producer(q))
    c = asyncio.create_task(consumer(q))
    await p
    await c


asyncio.run(main())
