"""gather_results_in_order: results come in argument order whatever the finishing order."""

import asyncio

from rosetta import log


async def work(name, delay, value):
    log(name, f"start, takes {delay}")
    await asyncio.sleep(delay)
    log(name, "done")
    return value


async def main():
    results = await asyncio.gather(work("a", 3, "A"), work("b", 1, "B"), work("c", 2, "C"))
    log("main", f"results in argument order: {', '.join(results)}")
    nothing = await asyncio.gather()
    log("main", f"gather of nothing: {len(nothing)} results")
    n, s = await asyncio.gather(work("n", 2, 7), work("s", 1, "seven"))
    log("main", f"mixed types: {n} and {s}")


asyncio.run(main())
