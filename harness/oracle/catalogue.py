"""The CPython side of the error catalogue's check (`aio oracle --check`).

Reads, on stdin, a JSON list of rows: `{"id", "code", "exc", "cause", "python", "message"}`.
`code` is the body of an `async def`; it is run by `asyncio.run` on the oracle's
virtual-time loop and must raise. What it raised, printed by `exc` (the same formatter the
twins use), is compared with `exc` and `cause` (the Rust error, printed by the Rust side's
formatter; `null` for a row with no Rust error), with `message` (the catalogue's `str()`,
reprs collapsed on both sides)
and, when `python` is a class name, with the class. Prints one line per row:
`same ID`, or `differs ID: what`.
"""

import asyncio
import json
import sys
import textwrap

from rosetta import VirtualTimePolicy, collapse_reprs, exc


def raised(code):
    """What running `code` as a coroutine's body raises; None when it raises nothing."""
    namespace = {"asyncio": asyncio}
    exec("async def _case():\n" + textwrap.indent(code, "    ") + "\n", namespace)
    try:
        asyncio.run(namespace["_case"]())
    except BaseException as e:  # noqa: BLE001 (the row's exception is whatever it raises)
        return e
    return None


def check(row):
    e = raised(row["code"])
    if e is None:
        return "the snippet raised nothing"
    wrong = []
    if row["exc"] is not None and exc(e) != row["exc"]:
        wrong.append(f"CPython raises {exc(e)!r}, the Rust error prints {row['exc']!r}")
    if row["cause"] is not None and exc(e.__cause__) != row["cause"]:
        wrong.append(f"CPython's cause is {exc(e.__cause__)!r}, the Rust error's {row['cause']!r}")
    if collapse_reprs(str(e)) != collapse_reprs(row["message"]):
        wrong.append(f"CPython's str() is {str(e)!r}, the catalogue says {row['message']!r}")
    python = row["python"].rsplit(".", 1)[-1]
    if " " not in row["python"] and type(e).__name__ != python:
        wrong.append(f"CPython raises {type(e).__name__}, the catalogue says {row['python']}")
    return "; ".join(wrong)


def main():
    asyncio.set_event_loop_policy(VirtualTimePolicy())
    for row in json.load(sys.stdin):
        wrong = check(row)
        print(f"differs {row['id']}: {wrong}" if wrong else f"same {row['id']}", flush=True)


if __name__ == "__main__":
    main()
