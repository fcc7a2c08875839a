"""queue_nowait_errors: QueueFull, QueueEmpty, and task_done() called too many times."""

import asyncio

from rosetta import exc, log


async def main():
    q = asyncio.Queue(maxsize=1)
    q.put_nowait(1)
    try:
        q.put_nowait(2)
    except asyncio.QueueFull as e:
        log("main", f"put_nowait(2): {exc(e)}")
    log("main", f"get_nowait() -> {q.get_nowait()}")
    try:
        q.get_nowait()
    except asyncio.QueueEmpty as e:
        log("main", f"get_nowait(): {exc(e)}")
    q.task_done()
    try:
        q.task_done()
    except ValueError as e:
        log("main", f"task_done(): {exc(e)}")


asyncio.run(main())
