"""Python 3.13's Condition.wait, for the oracle on older Pythons.

3.13 made a cancelled `Condition.wait` pass its notification on (`self._notify(1)` in
an `except BaseException:`); 3.11 loses it. The twins that show it import this module;
on 3.13 and newer it does nothing. The code is CPython's Lib/asyncio/locks.py (3.13),
comments shortened. Not a scenario: no trace of its own.
"""

import asyncio
import sys

if sys.version_info < (3, 13):
    from asyncio import exceptions

    def _notify(self, n):
        idx = 0
        for fut in self._waiters:
            if idx >= n:
                break
            if not fut.done():
                idx += 1
                fut.set_result(False)

    async def wait(self):
        if not self.locked():
            raise RuntimeError('cannot wait on un-acquired lock')
        self.release()
        try:
            try:
                fut = self._get_loop().create_future()
                self._waiters.append(fut)
                try:
                    await fut
                    return True
                finally:
                    self._waiters.remove(fut)
            finally:
                err = None
                while True:
                    try:
                        await self.acquire()
                        break
                    except exceptions.CancelledError as e:
                        err = e
                if err is not None:
                    try:
                        raise err
                    finally:
                        err = None
        except BaseException:
            self._notify(1)
            raise

    asyncio.Condition._notify = _notify
    asyncio.Condition.wait = wait
