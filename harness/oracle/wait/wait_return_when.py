"""wait_return_when: FIRST_COMPLETED, FIRST_EXCEPTION (a cancellation does not count),
ALL_COMPLETED with a timeout (nothing cancelled), and wait on nothing."""

import asyncio

from rosetta import exc, log


async def work(delay, value):
    await asyncio.sleep(delay)
    return value


async def fails(delay):
    await asyncio.sleep(delay)
    raise ValueError("boom")


async def cancel_later(task, delay):
    await asyncio.sleep(delay)
    log("canceller", f"cancelling {task.get_name()}")
    task.cancel()


def names(tasks):
    return "[" + ", ".join(sorted(t.get_name() for t in tasks)) + "]"


async def main():
    a = asyncio.create_task(work(1, "A"), name="a")
    b = asyncio.create_task(fails(3), name="b")
    c = asyncio.create_task(work(5, "C"), name="c")
    v = asyncio.create_task(work(10, "V"), name="v")
    canceller = asyncio.create_task(cancel_later(v, 2))
    done, pending = await asyncio.wait([a, b, c, v], return_when=asyncio.FIRST_COMPLETED)
    log("main", f"FIRST_COMPLETED: done {names(done)}, pending {names(pending)}")
    done, pending = await asyncio.wait([b, c, v], return_when=asyncio.FIRST_EXCEPTION)
    log("main", f"FIRST_EXCEPTION: done {names(done)}, pending {names(pending)}")
    done, pending = await asyncio.wait([c], timeout=1)
    log("main", f"ALL_COMPLETED, timeout 1: done {names(done)}, pending {names(pending)}")
    log("main", f"c cancelled by the timeout: {c.cancelled()}")
    done, pending = await asyncio.wait([c])
    log("main", f"ALL_COMPLETED: done {names(done)}, pending {names(pending)}")
    try:
        await asyncio.wait([])
    except ValueError as e:
        log("main", f"wait on nothing: {exc(e)}")
    b.exception()
    await canceller


asyncio.run(main())
