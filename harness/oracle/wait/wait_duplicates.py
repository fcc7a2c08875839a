"""wait_duplicates: wait and as_completed take a set: the same task given twice counts
once."""

import asyncio

from rosetta import log


async def work(delay, value):
    await asyncio.sleep(delay)
    return value


def names(tasks):
    return "[" + ", ".join(sorted(t.get_name() for t in tasks)) + "]"


async def main():
    a = asyncio.create_task(work(1, "A"), name="a")
    b = asyncio.create_task(work(2, "B"), name="b")
    given = [a, b, a, b, a]
    done, pending = await asyncio.wait(given, return_when=asyncio.FIRST_COMPLETED)
    log("main", f"wait: done {names(done)}, pending {names(pending)}")
    count = 0
    for next_done in asyncio.as_completed(given):
        log("main", f"as_completed: {await next_done}")
        count += 1
    log("main", f"as_completed gave {count} outcomes")


asyncio.run(main())
