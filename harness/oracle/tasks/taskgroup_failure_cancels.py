"""taskgroup_failure_cancels: the first failure cancels the siblings and the body."""

import asyncio

from rosetta import exc, log


async def fails():
    await asyncio.sleep(1)
    raise RuntimeError("child failed")


async def sleeper():
    try:
        await asyncio.sleep(5)
        log("sleeper", "never")
    finally:
        log("sleeper", "cleanup")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            quits = tg.create_task(asyncio.sleep(10))
            tg.create_task(fails())
            tg.create_task(sleeper())
            await asyncio.sleep(0)
            log("body", f"cancel one child on its own: {str(quits.cancel()).lower()}")
            try:
                await asyncio.sleep(10)
                log("body", "never")
            finally:
                log("body", "cleanup")
    except ExceptionGroup as eg:
        log("main", f"{exc(eg)}: " + ", ".join(exc(e) for e in eg.exceptions))


asyncio.run(main())
