"""unix_socketpair_read: data written into the other end of socket.socketpair() by a
call_soon callback is read through the loop's streams at once (0.0), with and without an
unrelated call_later(10.0) pending.
"""

import asyncio
import socket


async def read_at(timer):
    loop = asyncio.get_running_loop()
    ours, theirs = socket.socketpair()
    start = loop.time()
    reader, writer = await asyncio.open_connection(sock=ours)
    if timer:
        loop.call_later(10.0, lambda: None)
    loop.call_soon(theirs.sendall, b"abc")
    data = await reader.read(100)
    print(f"timer pending: {timer}: read {data.decode()} at {loop.time() - start:.1f}")
    writer.close()
    await writer.wait_closed()
    theirs.close()


async def main():
    await read_at(False)
    await read_at(True)


asyncio.run(main())
