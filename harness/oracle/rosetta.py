"""The CPython side of asyncio-rosetta: `log` prints the trace, and a virtual-time loop
makes CPython's asyncio deterministic.

An oracle script is plain asyncio plus `from rosetta import log`. Run it directly
(`python3 sleep/sleep_order.py`) and it runs in real time, one tick being one second.
Run it through this module (`python3 rosetta.py sleep/sleep_order.py`) and it runs on
the virtual-time loop below: the clock jumps to the next timer as soon as nothing is
ready, so the script finishes at once and its trace is exact. That is how the harness
runs it (`aio oracle`, `just oracle`).
"""

import asyncio
import os
import re
import runpy
import selectors
import sys

_START = {}


def log(task, message):
    """Print `[t=N] task: message`, N being the loop's clock in whole ticks (seconds)."""
    loop = asyncio.get_running_loop()
    start = _START.setdefault(id(loop), getattr(loop, "virtual_start", loop.time()))
    print(f"[t={round(loop.time() - start)}] {task}: {message}", flush=True)


def collapse_reprs(text):
    """`text` with every outermost object repr `<...>` (nested ones included) collapsed to
    `<...>`, so that no address reaches a trace; an unbalanced `<` is left as it is."""
    out = []
    while "<" in text:
        start = text.index("<")
        out.append(text[:start])
        depth, close = 0, None
        for i, ch in enumerate(text[start:], start):
            if ch == "<":
                depth += 1
            elif ch == ">":
                depth -= 1
            if depth == 0:
                close = i
                break
        if close is None:
            out.append(text[start:])
            text = ""
        else:
            out.append("<...>")
            text = text[close + 1 :]
    return "".join(out) + text


def repr_of(obj):
    """`repr(obj)` without the object's address (` object at 0x7f...`, ` at 0x7f...`), which
    changes from run to run, and without the parts that name Python code objects (a task's
    ` coro=<...>` and ` wait_for=<...>`, a future's ` cb=[...]`), which Rust has not."""
    text = re.sub(r" (?:object )?at 0x[0-9a-fA-F]+", "", repr(obj))
    text = re.sub(r" (?:coro|wait_for)=<(?:[^<>]|<[^<>]*>)*>", "", text)
    return re.sub(r" cb=\[[^\]]*\]", "", text)


def exc(e):
    """Print an exception as every trace does: `Type: str(e)`, or `Type` alone when `str(e)`
    is empty, with its object reprs collapsed (`collapse_reprs`). `exc(None)` is `None` (an
    absent `__cause__`). The Rust side's `aio_rt::format_exception` follows the same rule."""
    if e is None:
        return "None"
    text = collapse_reprs(str(e))
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    """A selector event loop whose clock is virtual.

    asyncio's loop asks its selector to wait until the next timer is due; here, when no
    file descriptor is ready, the selector moves the clock to that moment instead of
    waiting. Real events (a thread finishing a `to_thread` job writes to the loop's
    self-pipe) are still seen: the selector checks them first, and when nothing at all is
    scheduled it waits for them for real.
    """

    virtual_start = 0.0

    def __init__(self):
        super().__init__(selectors.SelectSelector())
        self._now = 0.0
        real_select = self._selector.select

        def select(timeout=None):
            ready = real_select(0)
            if ready or timeout == 0:
                return ready
            if timeout is None:
                # Nothing scheduled: only another thread can wake us. Wait for it, but
                # not forever: a run that can never finish is an error, not a hang.
                ready = real_select(10.0)
                if not ready:
                    raise RuntimeError("virtual loop: nothing is scheduled and nothing woke the loop for 10 s")
                return ready
            self._now += timeout
            return []

        self._selector.select = select

    def time(self):
        return self._now


class VirtualTimePolicy(asyncio.DefaultEventLoopPolicy):
    """Makes `asyncio.run` and `asyncio.new_event_loop` use `VirtualTimeLoop`."""

    def new_event_loop(self):
        return VirtualTimeLoop()


def main(argv):
    if len(argv) != 2:
        print("usage: python3 rosetta.py SCRIPT.py", file=sys.stderr)
        return 2
    script = argv[1]
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    asyncio.set_event_loop_policy(VirtualTimePolicy())
    runpy.run_path(script, run_name="__main__")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
