"""stream_reprs: a StreamReader's repr as it fills, is read and reaches its end."""

import asyncio


async def main():
    reader = asyncio.StreamReader()
    print(repr(reader))
    reader.feed_data(b"abc\ndef")
    await reader.readline()
    print(repr(reader))
    reader.feed_eof()
    await reader.read()
    print(repr(reader))
    print(repr(asyncio.StreamReader(limit=10)))


asyncio.run(main())
