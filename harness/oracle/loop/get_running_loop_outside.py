"""get_running_loop_outside: get_running_loop() fails outside a loop and gives the running loop inside one."""

import asyncio

from rosetta import exc, log


def outside():
    try:
        asyncio.get_running_loop()
        return "got a loop"
    except RuntimeError as error:
        return exc(error)


before = outside()
loop = asyncio.new_event_loop()


def callback():
    log("callback", f"in a callback too: {str(asyncio.get_running_loop() is loop).lower()}")


async def main():
    log("main", f"outside a loop: {before}")
    same = asyncio.get_running_loop() is loop
    log("main", f"inside: get_running_loop() is the loop running main: {str(same).lower()}")
    loop.call_soon(callback)
    await asyncio.sleep(0)


loop.run_until_complete(main())
loop.close()
