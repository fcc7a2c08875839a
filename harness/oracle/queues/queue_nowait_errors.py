"""queue_nowait_errors: QueueFull, QueueEmpty, and task_done() called too many times."""

import asyncio

from rosetta import log


async def main():
    q = asyncio.Queue(maxsize=1)
    q.put_nowait(1)
    try:
        q.put_nowait(2)
    except asyncio.QueueFull:
        log("main", "put_nowait(2): queue is full")
    log("main", f"get_nowait() -> {q.get_nowait()}")
    try:
        q.get_nowait()
    except asyncio.QueueEmpty:
        log("main", "get_nowait(): queue is empty")
    q.task_done()
    try:
        q.task_done()
    except ValueError as e:
        log("main", f"task_done(): {e}")


asyncio.run(main())
