"""shield_of_future: shield over a plain asyncio.Future; cancelling the outer leaves it pending."""

import asyncio

from rosetta import exc, log


async def setter(future, delay, value):
    await asyncio.sleep(delay)
    future.set_result(value)


async def main():
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    setting = asyncio.create_task(setter(future, 2, 42))
    outer = asyncio.shield(future)
    await asyncio.sleep(1)
    log("main", f"cancel outer: {str(outer.cancel()).lower()}, future done: {str(future.done()).lower()}")
    try:
        await outer
    except asyncio.CancelledError as e:
        log("main", f"await outer: {exc(e)}")
    log("main", f"await future: {await future}")
    await setting
    other = loop.create_future()
    outer = asyncio.shield(other)
    other.cancel("inner stop")
    try:
        await outer
    except asyncio.CancelledError as e:
        log("main", f"inner cancelled, await outer: {exc(e)}, outer cancelled: {str(outer.cancelled()).lower()}")
    try:
        await other
    except asyncio.CancelledError as e:
        log("main", f"await inner: {exc(e)}")
    failed = loop.create_future()
    failed.set_exception(ValueError("boom"))
    try:
        await asyncio.shield(failed)
    except ValueError as e:
        log("main", f"shield of a failed future: {exc(e)}")


asyncio.run(main())
