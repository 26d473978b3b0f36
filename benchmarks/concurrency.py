"""Many concurrent streams: can ``orsse.AsyncClient`` keep a server's pace, and at what cost?

A loopback server in another process opens N streams (100 and 1,000 by default) and
sends each one ~200 chat chunks spaced 20 ms apart (one timer tick writes the next event
to every open stream), then the finish, ``data: [DONE]`` and the end of the body. The
client process reads all N at once and the run reports, per client:

- ``wall``: from the first request to the last stream's end (the server needs
  ``events * interval`` seconds; more means the client fell behind);
- ``lag p50 / p99``: how long after the server wrote an event the client had it as a
  chunk (each event carries the server's send time);
- ``CPU``: the client process's user + system seconds over the run;
- ``RSS KB/stream``: the client's peak resident memory above its idle baseline, divided
  by N (kernel socket buffers are not in it; allocator slack and transient read buffers
  are);
- ``heap KB/stream``: the Python memory (``tracemalloc``) that N open streams hold, each
  past its first chunk, divided by N: a second run, whose server sends every stream its
  first event and then holds it open (tracemalloc slows a process down, so that run is
  not timed).

Clients: ``bare`` is a plain asyncio loop (``open_connection``, the request written by
hand, ``reader.read()`` into ``orsse.aiter_chunks``), the floor; ``orsse`` is
``orsse.AsyncClient`` (one client, its pool, its parser and timeouts); ``openai`` is
``openai.AsyncOpenAI`` when that package imports (never required: install it into a
throwaway venv and run this file with that venv's python). The server sends the body
delimited by the close of the connection (``--framing close``, what the bare loop can
read) or chunked (``--framing chunked``, what OpenRouter sends; the bare loop is skipped).

    python benchmarks/concurrency.py                  # 100 and 1000 streams, bare and orsse
    python benchmarks/concurrency.py --streams 1000 --clients orsse --framing chunked
    /tmp/openai-venv/bin/python benchmarks/concurrency.py --clients openai,orsse,bare
"""

from __future__ import annotations

import argparse
import asyncio
from array import array
import json
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import orsse  # noqa: E402

EVENTS = 200
INTERVAL = 0.020
SERVER_PROCESSES = int(os.environ.get("BENCH_SERVERS", "1"))
#: Set for the memory run: each stream gets its first event, then nothing more.
HOLD = os.environ.get("BENCH_HOLD") == "1"


# -- the server (a separate process) ---------------------------------------------------------


def _event(index: int, total: int, sent: float) -> bytes:
    chunk = {
        "id": "gen-bench",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "bench/model",
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": f" token{index}"}, "finish_reason": None}],
        "t": sent,
    }
    if index == total - 1:
        chunk["choices"][0]["finish_reason"] = "stop"
        chunk["usage"] = {"prompt_tokens": 5, "completion_tokens": total, "total_tokens": total + 5}
    return b"data: " + json.dumps(chunk, separators=(",", ":")).encode() + b"\n\n"


async def _serve(port_file: str, events: int, interval: float, framing: str) -> None:
    streams: List[Any] = []  # [transport, next event index]
    held: List[Any] = []

    class Stream(asyncio.Protocol):
        def connection_made(self, transport: Any) -> None:
            self.transport = transport
            self.buffer = b""

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            head, sep, rest = self.buffer.partition(b"\r\n\r\n")
            if not sep:
                return
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(rest) < length:
                return
            self.buffer = rest[length:]
            framing_header = b"Transfer-Encoding: chunked\r\n" if framing == "chunked" else b"Connection: close\r\n"
            self.transport.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n" + framing_header + b"\r\n")
            streams.append([self.transport, 0])

    loop = asyncio.get_running_loop()
    # Several server processes share the port (SO_REUSEPORT), so that the server, whose
    # sends also pay the loopback's receive path in the kernel, keeps its own pace.
    port = int(os.environ.get("BENCH_PORT", "0"))
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind(("127.0.0.1", port))
    server = await loop.create_server(Stream, sock=listener, backlog=4096)
    Path(port_file).write_text(str(listener.getsockname()[1]))

    def frame(data: bytes) -> bytes:
        return b"%x\r\n%s\r\n" % (len(data), data) if framing == "chunked" else data

    next_tick = loop.time()
    while True:
        next_tick += interval
        await asyncio.sleep(max(0.0, next_tick - loop.time()))
        if loop.time() - next_tick > interval:
            next_tick = loop.time()  # fell behind: do not burst to catch up
        # One encoding per event index per tick: the server must keep its own pace.
        sent = time.time()
        encoded: Dict[int, bytes] = {}
        for stream in list(streams):
            transport, index = stream
            if transport.is_closing():
                streams.remove(stream)
                continue
            data = encoded.get(index)
            if data is None:
                data = encoded[index] = _event(index, events, sent)
            stream[1] = index + 1
            if HOLD:
                transport.write(frame(data))  # the first event only, then the stream stays open
                streams.remove(stream)
                held.append(transport)
            elif stream[1] == events:
                data += b"data: [DONE]\n\n"
                transport.write(frame(data) + (b"0\r\n\r\n" if framing == "chunked" else b""))
                if framing == "close":
                    transport.close()
                streams.remove(stream)
            else:
                transport.write(frame(data))


def run_server(port_file: str, events: int, interval: float, framing: str) -> None:
    asyncio.run(_serve(port_file, events, interval, framing))


# -- the clients -------------------------------------------------------------------------------

class Lags:
    """Each chunk's delay, in a buffer allocated before the measurement starts (a list of
    floats would grow by 32 bytes per event and count as the client's memory)."""

    def __init__(self, size: int) -> None:
        self.values = array("d", bytes(8 * size))
        self.count = 0

    def append(self, value: float) -> None:
        self.values[self.count] = value
        self.count += 1

    def __len__(self) -> int:
        return self.count

    def sorted(self) -> List[float]:
        return sorted(self.values[: self.count])


REQUEST = json.dumps({"model": "bench/model", "messages": [{"role": "user", "content": "Hi"}], "stream": True}).encode()


class Gate:
    """For the memory run: every stream stops after its first chunk until all N have one."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.seen = 0
        self.all_open = asyncio.Event()
        self.release = asyncio.Event()

    async def first(self) -> None:
        self.seen += 1
        if self.seen == self.n:
            self.all_open.set()
        await self.release.wait()


async def _bare(port: int, lags: Lags, gate: Optional[Gate] = None) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Accept: text/event-stream\r\nContent-Length: %d\r\n\r\n%s" % (len(REQUEST), REQUEST)
    )
    await reader.readuntil(b"\r\n\r\n")

    async def reads() -> Any:
        while True:
            data = await reader.read(65536)
            if not data:
                return
            yield data

    count = 0
    async for chunk in orsse.aiter_chunks(reads()):
        lags.append(time.time() - chunk.extra["t"] if "t" in chunk.extra else 0.0)
        count += 1
        if gate is not None:
            await gate.first()
            break
    writer.close()
    return count


async def _orsse(client: Any, lags: Lags, gate: Optional[Gate] = None) -> int:
    count = 0
    async with client.stream_chat("bench/model", "Hi") as stream:
        async for chunk in stream:
            lags.append(time.time() - chunk.extra["t"])
            count += 1
            if gate is not None:
                await gate.first()
                break
    return count


async def _openai(client: Any, lags: Lags, gate: Optional[Gate] = None) -> int:
    count = 0
    stream = await client.chat.completions.create(model="bench/model", messages=[{"role": "user", "content": "Hi"}], stream=True)
    async for chunk in stream:
        extra = getattr(chunk, "model_extra", None) or {}
        lags.append(time.time() - extra.get("t", time.time()))
        count += 1
        if gate is not None:
            await gate.first()
            break
    await stream.close()
    return count


def _rss_kb() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _measure(kind: str, port: int, n: int, memory: bool = False) -> Dict[str, Any]:
    lags = Lags(n * EVENTS)
    client: Any = None
    if kind == "orsse":
        client = orsse.AsyncClient(
            api_key="", base_url=f"http://127.0.0.1:{port}/v1", timeout=orsse.Timeout(connect=30, read=30), max_retries=0
        )
    elif kind == "openai":
        import openai

        # Its default pool allows 1,000 connections: enough for the largest run here.
        client = openai.AsyncOpenAI(api_key="none", base_url=f"http://127.0.0.1:{port}/v1", max_retries=0, timeout=30)
    if memory:
        return await _heap(kind, port, n, client, lags)
    baseline = _rss_kb()
    peak = [baseline]
    done = asyncio.Event()

    async def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss_kb())
            await asyncio.sleep(0.05)

    sampler = asyncio.ensure_future(sample())
    cpu = _cpu()
    started = time.perf_counter()
    if kind == "bare":
        jobs = [_bare(port, lags) for _ in range(n)]
    elif kind == "orsse":
        jobs = [_orsse(client, lags) for _ in range(n)]
    else:
        jobs = [_openai(client, lags) for _ in range(n)]
    counts = await asyncio.gather(*jobs)
    wall = time.perf_counter() - started
    cpu = _cpu() - cpu
    done.set()
    await sampler
    if kind == "orsse":
        await client.aclose()
    elif kind == "openai":
        await client.close()
    if any(count != EVENTS for count in counts):
        raise SystemExit(f"{kind}: a stream gave {min(counts)}..{max(counts)} chunks, not {EVENTS}")
    delays = lags.sorted()
    return {
        "client": kind,
        "streams": n,
        "wall": wall,
        "lag_p50_ms": 1000 * delays[len(delays) // 2],
        "lag_p99_ms": 1000 * delays[int(len(delays) * 0.99)],
        "cpu": cpu,
        "kb_per_stream": (peak[0] - baseline) / n,
    }


async def _heap(kind: str, port: int, n: int, client: Any, lags: Lags) -> Dict[str, Any]:
    """The Python memory (tracemalloc) that N open streams hold, each past its first chunk."""
    import tracemalloc

    gate = Gate(n)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    run = {"bare": _bare, "orsse": _orsse, "openai": _openai}[kind]
    jobs = asyncio.ensure_future(asyncio.gather(*[run(client, lags, gate) if kind != "bare" else _bare(port, lags, gate) for _ in range(n)]))
    await asyncio.wait_for(gate.all_open.wait(), 240)
    await asyncio.sleep(0.5)
    held = tracemalloc.get_traced_memory()[0] - before
    gate.release.set()
    await jobs
    tracemalloc.stop()
    if kind == "orsse":
        await client.aclose()
    elif kind == "openai":
        await client.close()
    return {"traced_kb_per_stream": held / 1024 / n}


def measure(kind: str, n: int, framing: str, memory: bool = False) -> Dict[str, Any]:
    """One run in a fresh process pair, so no run inherits another's heap."""
    port_file = f"/tmp/orsse-bench-port-{os.getpid()}-{kind}-{n}"
    if os.path.exists(port_file):
        os.remove(port_file)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    servers = [
        subprocess.Popen(
            [sys.executable, __file__, "--serve", f"{port_file}.{i}", "--framing", framing],
            stdout=subprocess.DEVNULL, env=dict(os.environ, BENCH_PORT=str(port), BENCH_HOLD="1" if memory else "0"),
        )
        for i in range(SERVER_PROCESSES)
    ]
    try:
        for _ in range(200):
            if all(os.path.exists(f"{port_file}.{i}") for i in range(SERVER_PROCESSES)):
                break
            time.sleep(0.05)
        out = subprocess.run(
            [sys.executable, __file__, "--client", kind, "--port", str(port), "--n", str(n)]
            + (["--memory"] if memory else []),
            capture_output=True, text=True, timeout=300 if memory else 600,
        )
        if out.returncode:
            raise SystemExit(f"the {kind} client failed:\n{out.stderr[-3000:]}")
        result: Dict[str, Any] = json.loads(out.stdout)
        return result
    finally:
        for server in servers:
            server.terminate()
            server.wait(10)
        for i in range(SERVER_PROCESSES):
            if os.path.exists(f"{port_file}.{i}"):
                os.remove(f"{port_file}.{i}")


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", default="100,1000")
    parser.add_argument("--clients", default="bare,orsse,openai")
    parser.add_argument("--framing", choices=("close", "chunked"), default="close")
    parser.add_argument("--json", help="write the results here too")
    parser.add_argument("--no-heap", action="store_true", help="skip the tracemalloc run")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        run_server(args.serve, EVENTS, INTERVAL, args.framing)
        return
    if args.client:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))
        print(json.dumps(asyncio.run(_measure(args.client, args.port, args.n, args.memory))))
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 8192)), hard))
    kinds = [k for k in args.clients.split(",") if k]
    if "openai" in kinds:
        try:
            import openai  # noqa: F401
        except ImportError:
            kinds.remove("openai")
    if args.framing == "chunked" and "bare" in kinds:
        kinds.remove("bare")
    ideal = EVENTS * INTERVAL
    print(f"{EVENTS} events {INTERVAL * 1000:g} ms apart per stream (the server needs {ideal:.1f} s); "
          f"body framing: {args.framing}; {sys.implementation.name} {sys.version.split()[0]}")
    print(f"{'client':8} {'streams':>7} {'wall s':>7} {'lag p50 ms':>10} {'lag p99 ms':>10} {'CPU s':>6} "
          f"{'CPU vs bare':>11} {'RSS KB/stream':>13} {'heap KB/stream':>14}")
    results = []
    for n in [int(x) for x in args.streams.split(",")]:
        bare_cpu = None
        for kind in kinds:
            r = measure(kind, n, args.framing)
            r["traced_kb_per_stream"] = None
            if not args.no_heap:
                try:
                    r["traced_kb_per_stream"] = measure(kind, n, args.framing, memory=True)["traced_kb_per_stream"]
                except (SystemExit, subprocess.TimeoutExpired):
                    pass  # too slow under tracemalloc (openai at 1,000 streams): reported as "-"
            results.append(r)
            if kind == "bare":
                bare_cpu = r["cpu"]
            ratio = f"{r['cpu'] / bare_cpu:.2f}x" if bare_cpu else "-"
            heap = "-" if r["traced_kb_per_stream"] is None else f"{r['traced_kb_per_stream']:.1f}"
            print(f"{kind:8} {n:7d} {r['wall']:7.2f} {r['lag_p50_ms']:10.1f} {r['lag_p99_ms']:10.1f} "
                  f"{r['cpu']:6.2f} {ratio:>11} {r['kb_per_stream']:13.1f} {heap:>14}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
