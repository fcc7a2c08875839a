"""taskgroup_retrieves_failures: a TaskGroup reads every child's failure into its
ExceptionGroup: none is reported."""

import asyncio

from rosetta import exc, log


def handler(loop, context):
    name = context["future"].get_name()
    log("handler", f"{context['message']}: {name}: {exc(context['exception'])} {sorted(context)}")


async def fails(delay, message):
    await asyncio.sleep(delay)
    raise ValueError(message)


async def main():
    asyncio.get_running_loop().set_exception_handler(handler)
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fails(1, "a"), name="a")
            tg.create_task(fails(1, "b"), name="b")
    except* ValueError as group:
        log("main", f"group: {[exc(e) for e in group.exceptions]}")
    await asyncio.sleep(1)
    log("main", "end")


asyncio.run(main())
