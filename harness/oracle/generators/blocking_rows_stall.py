"""blocking_rows_stall: a blocking iterator holds the loop; the ticker's t=0 tick comes after every row."""

import asyncio
import time

from rosetta import log

TABLE_SIZE = 5


async def ticker():
    log("ticker", "tick")
    for delay in (1, 2, 2):
        await asyncio.sleep(delay)
        log("ticker", "tick")


def fetch_page_blocking(offset, limit):
    log("db", f"fetch rows {offset}..{offset + limit}")
    time.sleep(0.002)  # a blocking driver: the loop can do nothing meanwhile
    return [(i, f"product-{i}") for i in range(offset, min(offset + limit, TABLE_SIZE))]


def blocking_rows(page_size):
    offset = 0
    while True:
        page = fetch_page_blocking(offset, page_size)
        yield from page
        if len(page) < page_size:
            return
        offset += page_size


async def main():
    ticker_task = asyncio.create_task(ticker())
    log("main", "for row in blocking_rows(2)")
    for row_id, name in blocking_rows(2):
        log("main", f"row {row_id} {name}")
    log("main", "no more rows")
    await ticker_task


asyncio.run(main())
