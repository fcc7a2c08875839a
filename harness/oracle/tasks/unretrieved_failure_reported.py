"""unretrieved_failure_reported: a failure nobody retrieved goes to the exception handler."""

import asyncio

from rosetta import exc, log


async def fails():
    raise RuntimeError("nobody listens")


def handler(loop, context):
    log("handler", f"{context['message']}: {context['future'].get_name()}: {exc(context['exception'])}")


async def main():
    asyncio.get_running_loop().set_exception_handler(handler)
    task = asyncio.create_task(fails(), name="orphan")
    await asyncio.sleep(1)
    log("main", f"orphan done: {str(task.done()).lower()}")
    del task
    log("main", "dropped the last reference")


asyncio.run(main())
