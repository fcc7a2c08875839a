"""as_completed_unretrieved: as_completed reads a failure when it gives it; a task whose
failure it never gave, and that nobody reads, is reported."""

import asyncio
import gc

from rosetta import exc, log


def handler(loop, context):
    name = context["future"].get_name()
    log("handler", f"{context['message']}: {name}: {exc(context['exception'])} {sorted(context)}")


async def fails(delay, message):
    await asyncio.sleep(delay)
    raise ValueError(message)


async def main():
    asyncio.get_running_loop().set_exception_handler(handler)
    tasks = [asyncio.create_task(fails(1, "given"), name="a"), asyncio.create_task(fails(2, "never given"), name="b")]
    for next_done in asyncio.as_completed(tasks):
        try:
            await next_done
        except ValueError as e:
            log("main", f"as_completed gave: {exc(e)}")
        break
    del tasks, next_done
    # b's done callback and as_completed's set of pending tasks refer to each other: the
    # cycle collector frees b (Rust's reference counting needs no such call).
    gc.collect()
    log("main", "dropped every handle")
    await asyncio.sleep(2)
    log("main", "end")


asyncio.run(main())
