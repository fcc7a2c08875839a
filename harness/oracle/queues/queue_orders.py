"""queue_orders: the same puts come out FIFO, LIFO, or smallest first."""

import asyncio

from rosetta import log


async def main():
    fifo, lifo, prio = asyncio.Queue(), asyncio.LifoQueue(), asyncio.PriorityQueue()
    for item in (3, 1, 2):
        fifo.put_nowait(item)
        lifo.put_nowait(item)
        prio.put_nowait(item)
    log("main", f"Queue gives {[fifo.get_nowait() for _ in range(3)]}")
    log("main", f"LifoQueue gives {[lifo.get_nowait() for _ in range(3)]}")
    log("main", f"PriorityQueue gives {[prio.get_nowait() for _ in range(3)]}")


asyncio.run(main())
