"""gather_awaiter_cancelled: cancelling a task that awaits a gather cancels the gather,
which cancels its children at once: a child that has not started never runs."""

import asyncio

from rosetta import exc, log


async def child():
    log("child", "started")
    return "child"


async def worker(children):
    c = asyncio.create_task(child(), name="child")
    children.append(c)
    log("worker", "gathers the child")
    results = await asyncio.gather(c, return_exceptions=True)
    log("worker", f"never: {results}")


async def main():
    children = []
    w = asyncio.create_task(worker(children), name="worker")
    await asyncio.sleep(0)
    log("main", f"cancel worker: {str(w.cancel()).lower()}")
    try:
        await w
    except asyncio.CancelledError as e:
        log("main", f"await worker: {exc(e)}")
    c = children[0]
    log("main", f"child cancelled: {str(c.cancelled()).lower()}")


asyncio.run(main())
