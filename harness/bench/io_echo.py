"""io_echo: concurrent echo connections on CPython asyncio, the twin of aio-io's echo_bench.

The same workload as `cargo run --release -p aio-io --example echo_bench`: N clients
connect, each sends ROUNDS lines and checks the echo; after its first round trip each
client waits until every client has made its first, so that all N connections are open at
once; then the rest of the rounds, an end of stream, and close. The server runs in a child
process (N connections on each side would not fit one process's 20,000 open files).

Usage: python3 io_echo.py [CLIENTS [ROUNDS]]
Prints one line: wall_s=... clients=... rounds=... lines=... peak=... rss_before=... rss_peak=...
cpu_user_us=... cpu_system_us=... (rss_* are the server process's resident memory in bytes,
once listening and at its peak; cpu_* its CPU time in user space and in the kernel).
"""

import asyncio
import resource
import subprocess
import sys
import time

DEADLINE = 300  # seconds: fail rather than hang


def raise_open_files(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    if soft < needed:
        sys.exit(f"this needs {needed} open files but the limit is {soft} (hard {hard}); raise it with `ulimit -n {needed}`")


def status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1]) * 1024
    return 0


def message(client, round_):
    return f"client {client} round {round_}\n".encode()


async def serve(clients):
    counts = {"open": 0, "peak": 0, "served": 0, "lines": 0}
    done = asyncio.Event()

    async def echo(reader, writer):
        counts["open"] += 1
        counts["peak"] = max(counts["peak"], counts["open"])
        lines = 0
        try:
            while line := await reader.readline():
                writer.write(line)
                await writer.drain()
                lines += 1
            writer.close()
            await writer.wait_closed()
        except ConnectionError:
            pass
        counts["open"] -= 1
        counts["served"] += 1
        counts["lines"] += lines
        if counts["served"] >= clients:
            done.set()

    # asyncio's default backlog is 100; aio-io asks for 4096, so does this.
    server = await asyncio.start_server(echo, "127.0.0.1", 0, backlog=4096)
    host, port = server.sockets[0].getsockname()[:2]
    before = status("VmRSS:")
    print(f"AIO_IO listening={host}:{port}", flush=True)
    await asyncio.wait_for(done.wait(), DEADLINE)
    server.close()
    await server.wait_closed()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"AIO_IO report runtime=cpython clients={clients} peak={counts['peak']} "
        f"served={counts['served']} lines={counts['lines']} rss_before={before} "
        f"rss_peak={status('VmHWM:')} cpu_user_us={int(usage.ru_utime * 1e6)} "
        f"cpu_system_us={int(usage.ru_stime * 1e6)}",
        flush=True,
    )


async def run_clients(host, port, clients, rounds):
    remaining = [clients]
    opened = asyncio.Event()

    def arrive():
        remaining[0] -= 1
        if remaining[0] == 0:
            opened.set()

    async def client(i):
        arrived = False
        try:
            reader, writer = await asyncio.open_connection(host, port)
            for r in range(rounds):
                sent = message(i, r)
                writer.write(sent)
                await writer.drain()
                got = await reader.readline()
                if got != sent:
                    raise AssertionError(f"client {i} round {r}: sent {sent!r}, got {got!r}")
                if r == 0:
                    arrived = True
                    arrive()
                    await opened.wait()
            writer.write_eof()
            rest = await reader.read()
            if rest:
                raise AssertionError(f"client {i}: unexpected {rest!r} after the last round")
            writer.close()
            await writer.wait_closed()
            return rounds
        finally:
            if not arrived:
                arrive()

    results = await asyncio.wait_for(
        asyncio.gather(*(client(i) for i in range(clients))), DEADLINE
    )
    return sum(results)


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--serve":
        clients = int(sys.argv[2])
        raise_open_files(clients + 64)
        asyncio.run(serve(clients))
        return
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    raise_open_files(clients + 64)
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(clients)], stdout=subprocess.PIPE, text=True
    )
    try:
        line = server.stdout.readline().strip()
        host, port = line.removeprefix("AIO_IO listening=").rsplit(":", 1)
        start = time.perf_counter()
        lines = asyncio.run(run_clients(host, int(port), clients, rounds))
        wall = time.perf_counter() - start
        report = server.stdout.readline().strip()
        server.wait(timeout=DEADLINE)
    finally:
        if server.poll() is None:
            server.kill()
    fields = dict(pair.split("=", 1) for pair in report.removeprefix("AIO_IO report ").split())
    print(
        f"wall_s={wall:.3f} clients={clients} rounds={rounds} lines={lines} "
        f"peak={fields['peak']} rss_before={fields['rss_before']} rss_peak={fields['rss_peak']} "
        f"cpu_user_us={fields['cpu_user_us']} cpu_system_us={fields['cpu_system_us']}"
    )


if __name__ == "__main__":
    main()
