# python: 3.13
"""queue_repr: a queue's repr shows its maxsize, its items, the getters and putters
waiting, the unfinished tasks and a shutdown."""

import asyncio

from rosetta import log, repr_of


async def getter(q):
    await asyncio.sleep(1)
    log("getter", f"got {await q.get()}")


async def putter(q):
    await asyncio.sleep(1)
    await q.put(3)
    log("putter", "put 3")


async def main():
    q = asyncio.Queue(maxsize=1)
    log("main", repr_of(q))
    task = asyncio.create_task(getter(q))
    await asyncio.sleep(2)
    log("main", repr_of(q))
    q.put_nowait(5)
    await task
    log("main", repr_of(q))
    q.task_done()
    log("main", repr_of(q))
    q.shutdown()
    log("main", repr_of(q))

    lifo = asyncio.LifoQueue(maxsize=2)
    lifo.put_nowait(1)
    lifo.put_nowait(2)
    log("main", repr_of(lifo))
    task = asyncio.create_task(putter(lifo))
    await asyncio.sleep(2)
    log("main", repr_of(lifo))
    log("main", f"get_nowait: {lifo.get_nowait()}")
    await task
    log("main", repr_of(lifo))

    pq = asyncio.PriorityQueue()
    for item in (5, 1, 4, 2, 3):
        pq.put_nowait(item)
    log("main", repr_of(pq))
    log("main", f"get_nowait: {pq.get_nowait()}")
    pq.task_done()
    log("main", repr_of(pq))


asyncio.run(main())
