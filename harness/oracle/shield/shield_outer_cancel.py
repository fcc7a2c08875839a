"""shield_outer_cancel: cancelling the outer future leaves the inner running; the outer is then cancelled."""

import asyncio

from rosetta import exc, log


async def save():
    log("save", "saving, takes 2")
    await asyncio.sleep(2)
    log("save", "saved")
    return "saved"


async def main():
    saving = asyncio.create_task(save(), name="save")
    outer = asyncio.shield(saving)
    await asyncio.sleep(1)
    log("main", f"cancel outer: {str(outer.cancel('no wait')).lower()}, cancelled: {str(outer.cancelled()).lower()}")
    log("main", f"cancel outer again: {str(outer.cancel()).lower()}")
    try:
        await outer
    except asyncio.CancelledError as e:
        log("main", f"await outer: {exc(e)}")
    try:
        await outer
    except asyncio.CancelledError as e:
        log("main", f"await outer again: {exc(e)}")
    log("main", f"save still running: {str(not saving.done()).lower()}")
    log("main", f"save gives '{await saving}'")
    later = asyncio.shield(saving)
    log("main", f"shield of a finished task: done: {str(later.done()).lower()}")
    log("main", f"cancel it: {str(later.cancel()).lower()}, cancelled: {str(later.cancelled()).lower()}")
    log("main", f"it gives '{await later}'")


asyncio.run(main())
