"""async_for_rows: rows fetched lazily, a page at a time, with `async for`; a ticker runs during each query."""

import asyncio

from rosetta import log

TABLE_SIZE = 5


async def ticker():
    log("ticker", "tick")
    for delay in (1, 2, 2):
        await asyncio.sleep(delay)
        log("ticker", "tick")


async def fetch_page(offset, limit):
    log("db", f"fetch rows {offset}..{offset + limit}")
    await asyncio.sleep(2)
    return [(i, f"product-{i}") for i in range(offset, min(offset + limit, TABLE_SIZE))]


async def rows(page_size):
    offset = 0
    while True:
        page = await fetch_page(offset, page_size)
        for row in page:
            yield row
        if len(page) < page_size:
            return
        offset += page_size


async def main():
    ticker_task = asyncio.create_task(ticker())
    log("main", "async for row in rows(2)")
    async for row_id, name in rows(2):
        log("main", f"row {row_id} {name}")
    log("main", "no more rows")
    await ticker_task


asyncio.run(main())
