"""task_repr: a Task's repr shows its name and its state: pending, finished with its
result or its exception, cancelled."""

import asyncio

from rosetta import exc, log, repr_of


async def work():
    await asyncio.sleep(1)
    return 42


async def fail():
    await asyncio.sleep(1)
    raise ValueError("boom")


async def main():
    worker = asyncio.create_task(work(), name="worker")
    log("main", repr_of(worker))
    await asyncio.sleep(0)
    log("main", repr_of(worker))
    await worker
    log("main", repr_of(worker))
    failer = asyncio.create_task(fail(), name="failer")
    await asyncio.sleep(2)
    log("main", repr_of(failer))
    log("main", f"exception(): {exc(failer.exception())}")
    victim = asyncio.create_task(work(), name="victim")
    await asyncio.sleep(0)
    victim.cancel()
    try:
        await victim
    except asyncio.CancelledError:
        pass
    log("main", repr_of(victim))


asyncio.run(main())
