"""gather_retrieves_failures: gather reads every child's failure, also those that come
after it has raised the first one: none is reported."""

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
    tasks = [asyncio.create_task(fails(1, "first"), name="a"), asyncio.create_task(fails(2, "second"), name="b")]
    try:
        await asyncio.gather(*tasks)
    except ValueError as e:
        log("main", f"gather raised: {exc(e)}")
    del tasks
    log("main", "dropped every handle")
    tasks = [asyncio.create_task(fails(1, "kept"), name="c")]
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    log("main", f"return_exceptions gave: {[exc(o) for o in outcomes]}")
    del tasks, outcomes
    log("main", "dropped every handle")
    await asyncio.sleep(2)
    log("main", "end")


asyncio.run(main())
