"""socket_pair_read: data written into the other end of a connected pair by a call_soon
callback is read through the loop's streams at once (0.0), with and without an unrelated
call_later(10.0) pending. A TCP pair, as the Rust side takes TCP sockets.
"""

import asyncio
import socket


def tcp_pair():
    listener = socket.create_server(("127.0.0.1", 0))
    ours = socket.create_connection(listener.getsockname())
    theirs, _ = listener.accept()
    listener.close()
    return ours, theirs


async def read_at(timer):
    loop = asyncio.get_running_loop()
    ours, theirs = tcp_pair()
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
