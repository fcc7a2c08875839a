"""Runs the fuzzer's generated asyncio programs (`aio fuzz`) on the oracle's virtual-time
loop, one after the other in one interpreter, and marks the ones whose trace is not
defined.

Usage: python3 fuzz_runner.py SCRIPT.py...

For each script it prints `### run NAME`, the script's trace, then `### end NAME STATUS`,
STATUS being `ok`, `tie` (two timers due at the same instant: the order between them
would be the loop's tie-break, not asyncio's semantics), `stall` (nothing scheduled and
nothing can wake the loop: no program of the fuzzer's language waits on another thread),
`set-order` (`as_completed` was given two or more tasks already finished: asyncio makes
a set of them and yields those in the set's iteration order, which follows the objects'
hashes, not the program), or `error: ...` (the script itself failed).
"""

import asyncio
import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from rosetta import VirtualTimeLoop  # noqa: E402


class Tie(Exception):
    pass


class Stall(Exception):
    pass


class SetOrder:
    """Notes the calls of `asyncio.as_completed` whose order is the set's: the program
    runs on unchanged (the call is asyncio's own), its trace is then marked undefined."""

    seen = False

    @classmethod
    def install(cls):
        real = asyncio.as_completed

        def as_completed(fs, **kwargs):
            fs = list(fs)
            if sum(1 for f in set(fs) if isinstance(f, asyncio.Future) and f.done()) > 1:
                cls.seen = True
            return real(fs, **kwargs)

        asyncio.as_completed = as_completed


class FuzzLoop(VirtualTimeLoop):
    """The oracle's virtual-time loop, which refuses to decide between two timers due at
    the same instant and to wait for a wake-up that cannot come."""

    def __init__(self):
        super().__init__()
        virtual_select = self._selector.select

        def select(timeout=None):
            if timeout is None:
                raise Stall()
            if timeout > 0:
                live = [h.when() for h in self._scheduled if not h.cancelled()]
                first = min(live, default=None)
                if first is not None and sum(abs(w - first) < 5e-7 for w in live) > 1:
                    raise Tie()
            return virtual_select(timeout)

        self._selector.select = select


class FuzzPolicy(asyncio.DefaultEventLoopPolicy):
    def new_event_loop(self):
        return FuzzLoop()


def main(scripts):
    asyncio.set_event_loop_policy(FuzzPolicy())
    SetOrder.install()
    for script in scripts:
        name = os.path.basename(script)
        print(f"### run {name}", flush=True)
        SetOrder.seen = False
        try:
            runpy.run_path(script, run_name="__main__")
            status = "set-order" if SetOrder.seen else "ok"
        except Tie:
            status = "tie"
        except Stall:
            status = "stall"
        except BaseException as e:  # the script is generated: report, go on with the next
            status = f"error: {type(e).__name__}: {e}"
        print(f"### end {name} {status}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
