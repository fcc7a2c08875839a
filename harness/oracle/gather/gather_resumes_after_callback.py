"""gather_resumes_after_callback: a gather learns that a child finished through a done
callback, one loop turn later, then wakes its awaiter: a task awaiting its child
directly resumes first, although its child finished second."""

import asyncio

from rosetta import log


async def child(name):
    log(name, "done")
    return name


async def gatherer():
    c = asyncio.create_task(child("g-child"), name="g-child")
    log("gatherer", f"gather: {await asyncio.gather(c)}")


async def awaiter():
    c = asyncio.create_task(child("a-child"), name="a-child")
    log("awaiter", f"await: {await c}")


async def main():
    g = asyncio.create_task(gatherer(), name="gatherer")
    a = asyncio.create_task(awaiter(), name="awaiter")
    await g
    await a


asyncio.run(main())
