"""wait_for_unretrieved: wait_for raises the failure it awaited (retrieved); timing out on
a shield leaves the inner running, and its failure, read by nobody, is reported."""

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
    task = asyncio.create_task(fails(1, "raised"), name="a")
    try:
        await asyncio.wait_for(task, 5)
    except ValueError as e:
        log("main", f"wait_for raised: {exc(e)}")
    del task
    log("main", "dropped the handle")

    task = asyncio.create_task(fails(2, "after the timeout"), name="b")
    try:
        await asyncio.wait_for(asyncio.shield(task), 1)
    except TimeoutError as e:
        log("main", f"wait_for on the shield: {exc(e)}")
    del task
    log("main", "dropped the handle")
    await asyncio.sleep(2)
    log("main", "end")


asyncio.run(main())
