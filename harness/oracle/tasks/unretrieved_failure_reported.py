"""unretrieved_failure_reported: a failure nobody retrieved goes to the exception handler."""

import asyncio

from rosetta import exc, log


async def fails():
    raise RuntimeError("nobody listens")


def handler(loop, context):
    name = context["future"].get_name()
    log("handler", f"{context['message']}: {name}: {exc(context['exception'])} {sorted(context)}")


async def main():
    asyncio.get_running_loop().set_exception_handler(handler)
    task = asyncio.create_task(fails(), name="orphan")
    await asyncio.sleep(1)
    log("main", f"orphan done: {str(task.done()).lower()}")
    del task
    log("main", "dropped the last reference")


asyncio.run(main())
