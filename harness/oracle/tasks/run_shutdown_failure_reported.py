"""run_shutdown_failure_reported: asyncio.run cancels a leftover task whose cleanup raises:
the exception handler gets it, the task under the 'task' key."""

import asyncio

from rosetta import exc, log


def handler(loop, context):
    # Called once asyncio.run's loop has stopped running: `log` needs a running loop, so
    # this prints the same trace line from the loop's (virtual) clock itself.
    name = context["task"].get_name()
    text = f"{context['message']}: {name}: {exc(context['exception'])} {sorted(context)}"
    print(f"[t={round(loop.time())}] handler: {text}", flush=True)


async def leftover():
    try:
        await asyncio.sleep(10)
    finally:
        log("leftover", "cleanup raises")
        raise Exception("cleanup failed")


async def main():
    asyncio.get_running_loop().set_exception_handler(handler)
    asyncio.create_task(leftover(), name="leftover")
    await asyncio.sleep(1)
    log("main", "returns; asyncio.run cancels the leftover")


asyncio.run(main())
