"""gather_return_exceptions: every outcome in its slot, failures and cancellations included."""

import asyncio

from rosetta import exc, log


async def work(name, delay, value):
    log(name, f"start, takes {delay}")
    await asyncio.sleep(delay)
    log(name, "done")
    return value


async def fails(delay):
    log("bad", f"fails in {delay}")
    await asyncio.sleep(delay)
    raise ValueError("boom")


async def cancel_later(task, delay):
    await asyncio.sleep(delay)
    log("canceller", "cancelling victim")
    task.cancel()


def describe(outcome):
    if isinstance(outcome, BaseException):
        return f"raised {exc(outcome)}"
    return f"value {outcome}"


async def main():
    ok = asyncio.create_task(work("ok", 1, "fine"))
    bad = asyncio.create_task(fails(2))
    victim = asyncio.create_task(work("victim", 5, "never"))
    canceller = asyncio.create_task(cancel_later(victim, 3))
    outcomes = await asyncio.gather(ok, bad, victim, return_exceptions=True)
    for outcome in outcomes:
        log("main", describe(outcome))
    await canceller


asyncio.run(main())
