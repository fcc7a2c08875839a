"""Python 3.13's Queue.shutdown and QueueShutDown, for the oracle on older Pythons.

The twins that use shutdown import this module; on 3.13 and newer it does nothing. On
3.11 and 3.12 it gives asyncio.Queue the 3.13 versions of put, put_nowait, get,
get_nowait and shutdown, as CPython's Lib/asyncio/queues.py defines them (comments
shortened). Not a scenario: no trace of its own.
"""

import asyncio
import sys

if sys.version_info < (3, 13):

    class QueueShutDown(Exception):
        """Raised when putting on to or getting from a shut-down Queue."""

    async def put(self, item):
        while self.full():
            if self._is_shutdown:
                raise QueueShutDown
            putter = self._get_loop().create_future()
            self._putters.append(putter)
            try:
                await putter
            except:
                putter.cancel()
                try:
                    self._putters.remove(putter)
                except ValueError:
                    pass
                if not self.full() and not putter.cancelled():
                    self._wakeup_next(self._putters)
                raise
            if self._is_shutdown:
                raise QueueShutDown
        return self.put_nowait(item)

    def put_nowait(self, item):
        if self._is_shutdown:
            raise QueueShutDown
        if self.full():
            raise asyncio.QueueFull
        self._put(item)
        self._unfinished_tasks += 1
        self._finished.clear()
        self._wakeup_next(self._getters)

    async def get(self):
        while self.empty():
            if self._is_shutdown and self.empty():
                raise QueueShutDown
            getter = self._get_loop().create_future()
            self._getters.append(getter)
            try:
                await getter
            except:
                getter.cancel()
                try:
                    self._getters.remove(getter)
                except ValueError:
                    pass
                if not self.empty() and not getter.cancelled():
                    self._wakeup_next(self._getters)
                raise
        return self.get_nowait()

    def get_nowait(self):
        if self.empty():
            if self._is_shutdown:
                raise QueueShutDown
            raise asyncio.QueueEmpty
        item = self._get()
        self._wakeup_next(self._putters)
        return item

    def shutdown(self, immediate=False):
        self._is_shutdown = True
        if immediate:
            while not self.empty():
                self._get()
                if self._unfinished_tasks > 0:
                    self._unfinished_tasks -= 1
            if self._unfinished_tasks == 0:
                self._finished.set()
        while self._getters:
            getter = self._getters.popleft()
            if not getter.done():
                getter.set_result(None)
        while self._putters:
            putter = self._putters.popleft()
            if not putter.done():
                putter.set_result(None)

    asyncio.QueueShutDown = QueueShutDown
    asyncio.Queue._is_shutdown = False
    asyncio.Queue.put = put
    asyncio.Queue.put_nowait = put_nowait
    asyncio.Queue.get = get
    asyncio.Queue.get_nowait = get_nowait
    asyncio.Queue.shutdown = shutdown
