"""classic_demo: three tasks that block in time.sleep take three times as long as one;
three that await asyncio.sleep take as long as one; to_thread takes the blocking call's time.

Real time, 0.2 s per sleep; elapsed times rounded to 0.1 s. The Rust side runs the same
program on the warp clock (harness/tests/suite/warp.rs) and compares with classic_demo.out.
"""

import asyncio
import time


async def blocking():
    time.sleep(0.2)


async def polite():
    await asyncio.sleep(0.2)


async def main():
    loop = asyncio.get_running_loop()
    start = loop.time()
    await asyncio.gather(blocking(), blocking(), blocking())
    print(f"three tasks in time.sleep(0.2): {loop.time() - start:.1f}")
    start = loop.time()
    await asyncio.gather(polite(), polite(), polite())
    print(f"three tasks in asyncio.sleep(0.2): {loop.time() - start:.1f}")
    start = loop.time()
    await asyncio.to_thread(time.sleep, 0.2)
    print(f"to_thread(time.sleep, 0.2): {loop.time() - start:.1f}")


asyncio.run(main())
