"""shield_outer_cancelled: cancelling the task that awaits shield(inner) leaves inner running."""

import asyncio

from rosetta import log


async def save():
    log("save", "saving, takes 2")
    await asyncio.sleep(2)
    log("save", "saved")
    return "saved"


async def handler(save_task):
    try:
        await asyncio.shield(save_task)
        log("handler", "never")
    finally:
        log("handler", "cleanup")


async def main():
    saving = asyncio.create_task(save(), name="save")
    handling = asyncio.create_task(handler(saving), name="handler")
    await asyncio.sleep(1)
    log("main", f"cancel handler: {str(handling.cancel()).lower()}")
    try:
        await handling
    except asyncio.CancelledError:
        log("main", "handler cancelled")
    log("main", f"save still running: {str(not saving.done()).lower()}")
    log("main", f"save gives '{await saving}'")


asyncio.run(main())
