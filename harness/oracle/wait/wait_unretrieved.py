"""wait_unretrieved: wait never reads a failure, whatever its mode: after ALL_COMPLETED and
FIRST_COMPLETED a failure nobody reads is reported when the task goes; FIRST_EXCEPTION
reads the failures it sees while it waits, and a task that fails once it has returned is
reported."""

import asyncio

from rosetta import exc, log


def handler(loop, context):
    name = context["future"].get_name()
    log("handler", f"{context['message']}: {name}: {exc(context['exception'])} {sorted(context)}")


async def work(delay):
    await asyncio.sleep(delay)
    return delay


async def fails(delay, message):
    await asyncio.sleep(delay)
    raise ValueError(message)


async def main():
    asyncio.get_running_loop().set_exception_handler(handler)

    tasks = [asyncio.create_task(fails(1, "all"), name="a"), asyncio.create_task(work(2), name="ok")]
    done, pending = await asyncio.wait(tasks)
    log("main", f"ALL_COMPLETED returned: {len(done)} done")
    del tasks, done, pending
    log("main", "dropped every handle")

    tasks = [
        asyncio.create_task(fails(1, "first"), name="b"),
        asyncio.create_task(fails(1, "same instant"), name="c"),
        asyncio.create_task(fails(2, "after the return"), name="d"),
    ]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    log("main", f"FIRST_EXCEPTION returned: {sorted(t.get_name() for t in done)} done")
    del tasks, done, pending
    log("main", "dropped every handle")
    await asyncio.sleep(2)

    tasks = [asyncio.create_task(fails(1, "completed"), name="e"), asyncio.create_task(fails(2, "later"), name="f")]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    log("main", f"FIRST_COMPLETED returned: {len(done)} done")
    del tasks, done, pending
    log("main", "dropped every handle")
    await asyncio.sleep(2)
    log("main", "end")


asyncio.run(main())
