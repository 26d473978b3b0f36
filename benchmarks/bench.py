#!/usr/bin/env python3
"""Throughput, memory and import-time benchmarks for orsse, standard library only.

    python benchmarks/bench.py            # the full run (several minutes)
    python benchmarks/bench.py --quick    # CI-sized: smaller streams, fewer repeats

Every pipeline is checked against the generated streams before it is timed, so a broken
parser cannot look fast. Peers (openai's SSE decoder, httpx-sse, sseclient-py) join the
tables when they are importable; none of them is ever required. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple, Union

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)  # measure the work tree's orsse, not an installed copy

import orsse  # noqa: E402


def _load_streams() -> Any:
    spec = importlib.util.spec_from_file_location("orsse_bench_streams", os.path.join(HERE, "streams.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


streams = _load_streams()
DONE = streams.DONE
_loads = json.loads

# -- pipelines ------------------------------------------------------------------------
#
# A pipeline turns the list of reads into a list of results; ``kind`` says how its output is
# checked: "events" (objects with .data), "dicts", "chunks" or "completion".


class Pipeline:
    def __init__(self, label: str, kind: str, run: Callable[[List[bytes]], Any],
                 peer: bool = False, quadratic: bool = False) -> None:
        self.label = label
        self.kind = kind
        self.run = run
        self.peer = peer
        #: Copies a growing line on every read: too slow to run on a long line in small reads.
        self.quadratic = quadratic


def _orsse_pipelines() -> List[Pipeline]:
    """orsse's rows, in table order. A new row is one more entry here (and, for a kind
    not yet known, a case in _check()); every read size, event-aligned reads included,
    then measures it."""
    iter_events = orsse.iter_events

    def events(pieces: List[bytes]) -> List[Any]:
        return list(iter_events(pieces))

    def dicts(pieces: List[bytes]) -> List[Any]:
        return [_loads(e.data) for e in iter_events(pieces) if e.data != DONE]

    def data_dicts(pieces: List[bytes]) -> List[Any]:
        return [_loads(d) for d in orsse.iter_data(pieces) if d != DONE]

    def json_dicts(pieces: List[bytes]) -> List[Any]:
        return list(orsse.iter_json(pieces))

    def chunks(pieces: List[bytes]) -> List[Any]:
        return list(orsse.iter_chunks(pieces))

    def updates(pieces: List[bytes]) -> List[Any]:
        return list(orsse.iter_updates(pieces))

    return [
        Pipeline("orsse (a) events", "events", events),
        Pipeline("orsse (b) dicts", "dicts", dicts),
        Pipeline("orsse (b) iter_data", "dicts", data_dicts),
        Pipeline("orsse (b) iter_json", "dicts", json_dicts),
        Pipeline("orsse (c) chunks", "chunks", chunks),
        Pipeline("orsse (d) collect", "completion", orsse.collect),
        Pipeline("orsse (e) updates", "updates", updates),
    ]


#: How reads are shown: a size in bytes, or "event" for one read per event.
Read = Union[int, str]
EVENT = streams.EVENT


def _read_order(read: Read) -> Tuple[int, int]:
    """Table order: the fixed sizes, smallest first, then event-aligned reads."""
    return (1, 0) if read == EVENT else (0, int(read))


def _mean_read(raw: bytes, read: Read) -> float:
    return len(raw) / len(streams.event_reads(raw)) if read == EVENT else float(read)


def _peer_pipelines() -> Tuple[List[Pipeline], List[str]]:
    """Peers that import; and a note for each that does not."""
    found: List[Pipeline] = []
    notes: List[str] = []

    def add(name: str, iter_data: Callable[[List[bytes]], Iterable[Any]], quadratic: bool = False) -> None:
        def events(pieces: List[bytes]) -> List[Any]:
            return list(iter_data(pieces))

        def dicts(pieces: List[bytes]) -> List[Any]:
            return [_loads(e.data) for e in iter_data(pieces) if e.data != DONE]

        found.append(Pipeline(f"{name} (a) events", "events", events, True, quadratic))
        found.append(Pipeline(f"{name} (b) dicts", "dicts", dicts, True, quadratic))

    try:
        from openai import __version__ as openai_version
        from openai._streaming import SSEDecoder as OpenAIDecoder
    except Exception as exc:  # any failure to import means: not installed here
        notes.append(f"openai: not measured ({type(exc).__name__})")
    else:
        def openai_events(pieces: List[bytes]) -> Iterable[Any]:
            return OpenAIDecoder().iter_bytes(iter(pieces))

        add("openai", openai_events)
        notes.append(f"openai {openai_version}: openai._streaming.SSEDecoder().iter_bytes()")
    try:
        import httpx
        import httpx_sse
        from importlib.metadata import version
    except Exception as exc:
        notes.append(f"httpx-sse: not measured ({type(exc).__name__})")
    else:
        headers = {"content-type": "text/event-stream"}

        def httpx_sse_events(pieces: List[bytes]) -> Iterable[Any]:
            response = httpx.Response(200, headers=headers, content=iter(pieces))
            return httpx_sse.EventSource(response).iter_sse()

        add("httpx-sse", httpx_sse_events)
        notes.append(f"httpx-sse {version('httpx-sse')} (httpx {httpx.__version__}): "
                     "EventSource(httpx.Response(content=reads)).iter_sse()")
    try:
        import sseclient
        from importlib.metadata import version
    except Exception as exc:
        notes.append(f"sseclient-py: not measured ({type(exc).__name__})")
    else:
        def sseclient_events(pieces: List[bytes]) -> Iterable[Any]:
            return sseclient.SSEClient(iter(pieces)).events()

        add("sseclient", sseclient_events, quadratic=True)
        notes.append(f"sseclient-py {version('sseclient-py')}: SSEClient(reads).events() "
                     "(copies a growing line on every read: skipped where that is quadratic)")
    return found, notes


def _floor(payloads: List[str]) -> Callable[[List[bytes]], Any]:
    def floor(pieces: List[bytes]) -> List[Any]:
        return [_loads(p) for p in payloads]

    return floor


def _check(pipeline: Pipeline, result: Any, stream: Any) -> Optional[str]:
    """None when *result* is what *stream* must decode to, else what is wrong."""
    kind = pipeline.kind
    if kind == "events":
        got = [e.data for e in result]
        want = stream.data
    elif kind == "dicts":
        got = result
        want = [_loads(p) for p in stream.payloads]
    elif kind == "chunks":
        got = [c.id for c in result]
        want = [_loads(p)["id"] for p in stream.payloads]
    elif kind == "completion":
        return _check_text(_completion_text(result), stream)
    elif kind == "updates":
        if not result or result[-1].type != "completion":
            return "the updates do not end with the completion"
        pieces = "".join(u.delta for u in result if u.type in ("content.delta", "tool_call.arguments.delta"))
        return _check_text(pieces, stream) or _check_text(_completion_text(result[-1].completion), stream)
    else:
        return f"unknown kind {kind}"
    if got == want:
        return None
    if len(got) != len(want):
        return f"{len(got)} results, expected {len(want)}"
    first = next(i for i, (a, b) in enumerate(zip(got, want)) if a != b)
    return f"result #{first} differs"


def _completion_text(completion: Any) -> str:
    message = completion.choices[0].message
    return (message.content or "") + "".join(call.function.arguments for call in message.tool_calls)


def _check_text(got: str, stream: Any) -> Optional[str]:
    """None when *got* is every content and tool-argument piece of *stream*, in order."""
    want = []
    for payload in stream.payloads:
        delta = _loads(payload)["choices"][0]["delta"]
        want.append(delta.get("content") or "")
        want.extend(call["function"].get("arguments") or "" for call in delta.get("tool_calls") or ())
    if got == "".join(want):
        return None
    return f"the text differs ({len(got)} characters, expected {len(''.join(want))})"


# -- timing ---------------------------------------------------------------------------


#: What a measurement reads: wall time by default; --timer cpu makes it this process's CPU
#: time, which on a machine shared with other busy processes is much steadier.
_clock = time.perf_counter


def _time_once(run: Callable[[List[bytes]], Any], pieces: List[bytes], number: int) -> float:
    gc.collect()
    gc.disable()
    try:
        start = _clock()
        for _ in range(number):
            run(pieces)
        return (_clock() - start) / number
    finally:
        gc.enable()


class Cell:
    """The measurements of one pipeline on one stream at one read size."""

    def __init__(self, stream: str, read: Read, label: str) -> None:
        self.stream = stream
        self.read = read
        self.label = label
        self.times: List[float] = []
        self.note = ""
        self.nbytes = 0
        self.nevents = 0

    @property
    def seconds(self) -> Optional[float]:
        return statistics.median(self.times) if self.times else None


def measure_streams(args: argparse.Namespace, stream_list: List[Any], pipelines: List[Pipeline],
                    log: Callable[[str], None]) -> Dict[Tuple[str, Read, str], Cell]:
    cells: Dict[Tuple[str, Read, str], Cell] = {}
    for stream in stream_list:
        floor = Pipeline("json.loads floor", "dicts", _floor(stream.payloads))
        # Largest reads first, so a slow pipeline's time at the next size can be predicted.
        last: Dict[str, Tuple[int, float]] = {}
        for read in sorted(args.reads, key=lambda r: _mean_read(stream.raw, r), reverse=True):
            if args.quick and stream.name == "image" and read in (1, 7):
                for p in [floor, *pipelines]:
                    cell = cells[(stream.name, read, p.label)] = Cell(stream.name, read, p.label)
                    cell.note = "skipped (--quick)"
                continue
            pieces = streams.reads_of(stream.raw, read)
            active: List[Tuple[Pipeline, Cell, int]] = []
            for p in [floor, *pipelines]:
                cell = cells[(stream.name, read, p.label)] = Cell(stream.name, read, p.label)
                cell.nbytes = len(stream.raw)
                cell.nevents = len(stream.data) if p.kind == "events" else len(stream.payloads)
                if p.quadratic and _quadratic_cost(stream.raw, _mean_read(stream.raw, read)) > 2e9:
                    cell.note = "skipped (quadratic)"
                    continue
                if p.label in last:
                    pieces_before, t_before = last[p.label]
                    predicted = t_before * len(pieces) / pieces_before
                    if predicted > args.budget:
                        cell.note = f"skipped (~{predicted:.0f} s a run)"
                        continue
                log(f"{stream.name} {read} {p.label}: check")
                start = time.perf_counter()
                try:
                    result = p.run(pieces)
                except Exception as exc:  # a peer that cannot parse the stream
                    cell.note = f"FAILED: {type(exc).__name__}"
                    continue
                elapsed = time.perf_counter() - start
                wrong = _check(p, result, stream)
                del result
                if wrong:
                    cell.note = f"WRONG: {wrong}"
                    continue
                elapsed = _warm(p.run, pieces, args.warmup, elapsed)
                last[p.label] = (len(pieces), elapsed)
                number = max(1, math.ceil(args.min_time / max(elapsed, 1e-9)))
                if elapsed > args.budget / 4:
                    cell.times.append(elapsed)  # one run is all it gets
                    cell.note = "1 run"
                    continue
                active.append((p, cell, number))
            for rep in range(args.repeats):
                # Interleaved: every pipeline once per round, the order rotating each round.
                shift = rep % len(active) if active else 0
                for p, cell, number in active[shift:] + active[:shift]:
                    cell.times.append(_time_once(p.run, pieces, number))
            for p, cell, _ in active:
                # Predict the next size from the measured time, not the checking run's,
                # which on PyPy includes compiling the loop.
                last[p.label] = (len(pieces), statistics.median(cell.times))
            log(f"{stream.name} {read}: done")
    return cells


def _warm(run: Callable[[List[bytes]], Any], pieces: List[bytes], seconds: float, elapsed: float) -> float:
    """Run a pipeline again and again for *seconds* (PyPy: until its JIT has compiled the
    loops), and return the time of its last run."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        run(pieces)
        elapsed = time.perf_counter() - start
    return elapsed


def _quadratic_cost(raw: bytes, read: float) -> float:
    longest = max(len(line) for line in raw.split(b"\n"))
    return longest * longest / 2 / read


# -- memory ---------------------------------------------------------------------------


def _peak(run: Callable[[List[bytes]], Any], pieces: List[bytes]) -> int:
    import tracemalloc

    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        result = run(pieces)
        peak = tracemalloc.get_traced_memory()[1] - base
        del result
        return peak
    finally:
        tracemalloc.stop()


def measure_memory(args: argparse.Namespace, pipelines: List[Pipeline]) -> List[Tuple[str, str]]:
    try:
        import tracemalloc
    except ImportError:  # PyPy has no tracemalloc
        return [("memory", "not measured: no tracemalloc on this Python")]
    rows: List[Tuple[str, str]] = []
    image = streams.image_stream()
    size = max(len(d) for d in image.data)
    for read in (256, 65536):
        pieces = streams.cut(image.raw, read)
        for p in pipelines:
            if p.kind != "events" or (p.quadratic and _quadratic_cost(image.raw, read) > 2e9):
                continue
            peak = _peak(p.run, pieces)
            rows.append((f"peak, 4 MiB event in {read} B reads, {p.label}",
                         f"{peak / 2**20:7.2f} MiB = {peak / size:4.2f}x the event"))
    # An idle decoder: fresh, and after a 4 MiB event went through it.
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    many = [orsse.SSEDecoder() for _ in range(1000)]
    fresh = (tracemalloc.get_traced_memory()[0] - base) / len(many)
    del many
    gc.collect()
    base = tracemalloc.get_traced_memory()[0]
    decoder = orsse.SSEDecoder()
    events = [e for piece in streams.cut(image.raw, 65536) for e in decoder.feed(piece)]
    del events
    gc.collect()
    after = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    del decoder
    rows.append(("idle SSEDecoder, fresh", f"{fresh:7.0f} B"))
    rows.append(("idle SSEDecoder, after a 4 MiB event", f"{after:7.0f} B"))
    return rows


# -- linearity ------------------------------------------------------------------------


def measure_linearity(args: argparse.Namespace, pipelines: List[Pipeline]) -> Dict[str, Dict[str, float]]:
    """One 4 MiB and one 8 MiB event in 256-byte reads, and the chat stream in 16 KiB
    reads, interleaved round by round; per pipeline: the median seconds of each, the
    median per-round ratio 8 MiB / 4 MiB, and the median per-round ratio of seconds
    per byte, 4 MiB event / chat."""
    sizes = (4 * 2**20, 8 * 2**20)
    inputs: Dict[str, Tuple[int, List[bytes]]] = {}
    for size in sizes:
        raw = streams.image_stream(size).raw
        inputs[str(size)] = (len(raw), streams.cut(raw, 256))
    chat = streams.chat_stream(300 if args.quick else 1500).raw
    inputs["chat"] = (len(chat), streams.cut(chat, 16384))
    chosen = [p for p in pipelines if not p.peer and p.kind in ("events", "dicts")]
    times: Dict[str, Dict[str, List[float]]] = {p.label: {k: [] for k in inputs} for p in chosen}
    faults: Dict[str, Dict[str, List[int]]] = {p.label: {k: [] for k in inputs} for p in chosen}
    for _ in range(args.repeats):
        for p in chosen:
            for key, (_, pieces) in inputs.items():
                number = 1 if key != "chat" else (2 if args.quick else 10)
                before = _minor_faults()
                times[p.label][key].append(_time_once(p.run, pieces, number))
                faults[p.label][key].append((_minor_faults() - before) // number)
    four, eight = str(sizes[0]), str(sizes[1])
    result: Dict[str, Dict[str, float]] = {}
    for label, by in times.items():
        result[label] = {
            "4 MiB": statistics.median(by[four]),
            "8 MiB": statistics.median(by[eight]),
            "chat": statistics.median(by["chat"]),
            "ratio": statistics.median(b / a for a, b in zip(by[four], by[eight])),
            "per byte": statistics.median(
                (a / inputs[four][0]) / (c / inputs["chat"][0]) for a, c in zip(by[four], by["chat"])
            ),
            "MB/s": inputs[four][0] / statistics.median(by[four]) / 1e6,
            "chat MB/s": inputs["chat"][0] / statistics.median(by["chat"]) / 1e6,
            "faults 4 MiB": statistics.median(faults[label][four]),
            "faults 8 MiB": statistics.median(faults[label][eight]),
        }
    return result


def _minor_faults() -> int:
    """Minor page faults of this process so far (0 where getrusage is missing)."""
    try:
        import resource
    except ImportError:
        return 0
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


#: glibc's own initial mmap threshold. By default glibc raises the threshold to the size
#: of each large block freed, so whether a big allocation reuses warm heap pages or gets
#: fresh ones (a page fault and a zeroed page per 4 KiB) depends on what was freed
#: before: a 4 MiB event can come out faultless while an 8 MiB one faults on every page.
#: Pinning the threshold (which turns the adaptation off) makes every run pay the same
#: per page, so the 8 MiB / 4 MiB ratio measures the code rather than that history.
PINNED_MALLOC = {"MALLOC_MMAP_THRESHOLD_": "131072"}


def measure_linearity_pinned(args: argparse.Namespace) -> Optional[Dict[str, Dict[str, float]]]:
    """measure_linearity() in a child interpreter with glibc's mmap threshold pinned; None
    where the C library is not glibc (the setting would mean nothing there)."""
    if platform.libc_ver()[0] != "glibc":
        return None
    command = [sys.executable, os.path.abspath(__file__), "--linear-child", "--repeats", str(args.repeats)]
    if args.quick:
        command.append("--quick")
    env = dict(os.environ, **PINNED_MALLOC)
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, check=True, universal_newlines=True)
    result: Dict[str, Dict[str, float]] = json.loads(done.stdout)
    return result


# -- import time ----------------------------------------------------------------------

_IMPORT_SNIPPET = (
    "import time; t = time.perf_counter(); import {}; print(time.perf_counter() - t)"
)


def measure_imports(args: argparse.Namespace) -> Dict[str, float]:
    statements = ["json", "dataclasses", "dataclasses, json", "orsse"]
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    runs = 7 if args.quick else 21
    samples: Dict[str, List[float]] = {s: [] for s in statements}
    for statement in statements:  # warm the bytecode caches
        _import_once(statement, env)
    for _ in range(runs):
        for statement in statements:
            samples[statement].append(_import_once(statement, env))
    return {s: statistics.median(v) for s, v in samples.items()}


def _import_once(statement: str, env: Dict[str, str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _IMPORT_SNIPPET.format(statement)],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout
    return float(out)


# -- report ---------------------------------------------------------------------------


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    impl = platform.python_implementation()
    return f"{impl} {platform.python_version()} on {platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} CPUs"


def ratio_to_floor(cell: Optional[Cell], floor: Optional[Cell]) -> Optional[float]:
    """Median over the rounds of (this pipeline's time / the floor's time in the same
    round): robust to a machine whose speed drifts between rounds."""
    if cell is None or floor is None or not cell.times or not floor.times:
        return None
    if len(cell.times) == len(floor.times):
        return statistics.median(t / f for t, f in zip(cell.times, floor.times))
    return statistics.median(cell.times) / statistics.median(floor.times)


def _fmt_cell(cell: Cell, floor: Optional[Cell]) -> str:
    s = cell.seconds
    if s is None:
        return f"{'':>9} {'':>10} {'':>8}  {cell.note}"
    r = ratio_to_floor(cell, floor)
    ratio = "" if r is None else f"{r:7.2f}x"
    note = f"  {cell.note}" if cell.note else ""
    return f"{cell.nbytes / s / 1e6:9.1f} {cell.nevents / s:10.0f} {ratio:>8}{note}"


def report_streams(cells: Dict[Tuple[str, Read, str], Cell], stream_list: List[Any],
                   labels: List[str], reads: List[Read]) -> List[str]:
    out = []
    for stream in stream_list:
        out.append("")
        out.append(f"{stream.name}: {len(stream.raw)} bytes, {len(stream.data)} events "
                   f"({len(stream.payloads)} JSON), {len(stream.comments)} comments")
        out.append(f"{'read':>6}  {'pipeline':<24} {'MB/s':>9} {'events/s':>10} {'x floor':>8}")
        for read in sorted(reads, key=_read_order):
            floor = cells.get((stream.name, read, "json.loads floor"))
            for label in ["json.loads floor", *labels]:
                cell = cells.get((stream.name, read, label))
                if cell is None:
                    continue
                out.append(f"{read:>6}  {label:<24} {_fmt_cell(cell, floor)}")
    return out


def _ratio(cells: Dict[Tuple[str, Read, str], Cell], stream: str, read: Read, label: str) -> Optional[float]:
    return ratio_to_floor(cells.get((stream, read, label)), cells.get((stream, read, "json.loads floor")))


def _mbps(cells: Dict[Tuple[str, Read, str], Cell], stream: str, read: Read, label: str) -> Optional[float]:
    cell = cells.get((stream, read, label))
    if cell is None or cell.seconds is None:
        return None
    return cell.nbytes / cell.seconds / 1e6


def report_targets(cells: Dict[Tuple[str, Read, str], Cell], linear: Dict[str, Dict[str, float]],
                   pinned: Optional[Dict[str, Dict[str, float]]], memory: List[Tuple[str, str]], peaks: Dict[str, float],
                   imports: Dict[str, float], labels: List[str]) -> List[str]:
    out = ["", "targets (chat stream, medians; ratio to the json.loads floor):"]
    dict_labels = [label for label in labels if label.startswith("orsse (b)")]

    def line(ok: Optional[bool], text: str) -> None:
        mark = "n/a " if ok is None else ("MET " if ok else "MISS")
        out.append(f"  {mark} {text}")

    for read, limit in ((16384, 1.15), (1024, 1.3), (64, 1.6), (7, 2.5), (1, 10.0)):
        for label in dict_labels:
            r = _ratio(cells, "chat", read, label)
            line(None if r is None else r <= limit,
                 f"bytes->dicts at {read} B reads, {label}: {_f(r)}x (target <= {limit}x)")
    if "orsse (c) chunks" in labels:
        r = _ratio(cells, "chat", 16384, "orsse (c) chunks")
        line(None if r is None else r <= 2.0, f"bytes->chunks at 16384 B reads: {_f(r)}x (target <= 2x)")
    else:
        line(None, "bytes->chunks: orsse.iter_chunks not available")
    # Issue 15: the reads a live stream delivers (one per event), and 16 KiB reads; on
    # PyPy, collect against PyPy's own floor.
    if platform.python_implementation() == "PyPy":
        live = [("orsse (d) collect", EVENT, 2.0)]
    else:
        live = [("orsse (b) iter_json", EVENT, 1.05), ("orsse (c) chunks", EVENT, 1.35),
                ("orsse (d) collect", EVENT, 1.30), ("orsse (e) updates", EVENT, 1.6),
                ("orsse (d) collect", 16384, 1.20), ("orsse (b) iter_json", 16384, 0.95)]
    for label, read, limit in live:
        if label not in labels:
            continue
        r = _ratio(cells, "chat", read, label)
        where = "event-aligned reads" if read == EVENT else f"{read} B reads"
        line(None if r is None else r <= limit, f"{label} at {where}: {_f(r)}x (target <= {limit}x)")
    for label, by in linear.items():
        if pinned is not None and label in pinned:
            # Judged with the allocator pinned: see PINNED_MALLOC for why.
            line(pinned[label]["ratio"] <= 2.2,
                 f"linear, {label}, 256 B reads: 8 MiB / 4 MiB = {pinned[label]['ratio']:.2f} with glibc's "
                 f"mmap threshold pinned, {by['ratio']:.2f} with its default (target <= 2.2)")
        else:
            line(by["ratio"] <= 2.2,
                 f"linear, {label}, 256 B reads: 8 MiB / 4 MiB = {by['ratio']:.2f} (target <= 2.2)")
        line(by["per byte"] <= 1.0,
             f"per byte, {label}: 4 MiB event in 256 B reads {by['MB/s']:.1f} MB/s vs chat in 16 KiB "
             f"reads {by['chat MB/s']:.1f} MB/s, time per byte ratio {by['per byte']:.2f} (target <= 1)")
    for label, ratio in peaks.items():
        line(ratio <= 3.0, f"peak memory, 4 MiB event in 256 B reads, {label}: {ratio:.2f}x (target <= 3x)")
    extra = (imports["orsse"] - imports["dataclasses, json"]) * 1e3
    line(extra <= 3.0, f"import orsse: {extra:+.2f} ms beside import dataclasses, json (target <= +3 ms)")
    return out


def _f(value: Optional[float], digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def report_markdown(cells: Dict[Tuple[str, Read, str], Cell], labels: List[str], reads: List[Read],
                    imports: Dict[str, float], machine: str) -> List[str]:
    """Chat stream, bytes -> dicts (and chunks): the ratio to the json.loads floor."""
    rows = [label for label in labels if any(k in label for k in ("(b)", "(c)", "(d)", "(e)"))]
    out = ["", "README table (markdown):", "",
           f"Chat stream, time relative to `json.loads` alone on the same payloads (lower is "
           f"better; 1.00x = the floor). {machine}.", ""]
    columns = sorted(reads, key=_read_order)
    out.append("| pipeline | " + " | ".join("event-aligned" if r == EVENT else f"{r} B reads" for r in columns) + " |")
    out.append("|---|" + "---:|" * len(reads))
    for label in rows:
        values = []
        for read in columns:
            r = _ratio(cells, "chat", read, label)
            values.append("n/a" if r is None else f"{r:.2f}x")
        out.append(f"| {label} | " + " | ".join(values) + " |")
    extra = (imports["orsse"] - imports["dataclasses, json"]) * 1e3
    out.append("")
    out.append(f"`import orsse`: {imports['orsse'] * 1e3:.1f} ms; "
               f"`import dataclasses, json`: {imports['dataclasses, json'] * 1e3:.1f} ms ({extra:+.1f} ms).")
    return out


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="CI-sized: smaller streams, 5 rounds")
    parser.add_argument("--repeats", type=int, help="rounds per measurement (default 7, 5 with --quick)")
    parser.add_argument("--reads", help="comma-separated read sizes, 'event' for one read per event "
                        "(default 1,7,64,1024,16384,65536,event)")
    parser.add_argument("--timer", choices=("wall", "cpu"), default="wall",
                        help="time measurements by the wall clock (default) or by this process's CPU time")
    parser.add_argument("--warmup", type=float, help="seconds each pipeline runs before it is timed "
                        "(default 0.3 on PyPy, 0.1 with --quick; 0 elsewhere)")
    parser.add_argument("--streams", help="comma-separated stream names (default: all)")
    parser.add_argument("--no-peers", action="store_true", help="leave out openai, httpx-sse, sseclient-py")
    parser.add_argument("--skip", default="", help="comma-separated sections to skip: throughput,memory,linear,import")
    parser.add_argument("--json", metavar="PATH", help="also write the raw medians as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="progress on stderr")
    parser.add_argument("--linear-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.repeats = args.repeats or (5 if args.quick else 7)
    args.reads = ([r if r == EVENT else int(r) for r in args.reads.split(",")] if args.reads
                  else [*streams.READ_SIZES, EVENT])
    if args.warmup is None:  # PyPy's JIT compiles a loop only after many runs of it
        args.warmup = (0.1 if args.quick else 0.3) if platform.python_implementation() == "PyPy" else 0.0
    args.min_time = 0.02 if args.quick else 0.1
    args.budget = 2.0 if args.quick else 10.0
    skip = set(filter(None, args.skip.split(",")))
    global _clock
    _clock = time.process_time if args.timer == "cpu" else time.perf_counter

    def log(message: str) -> None:
        if args.verbose:
            print(message, file=sys.stderr, flush=True)

    if args.linear_child:  # measure_linearity_pinned()'s child: the numbers, as JSON
        print(json.dumps(measure_linearity(args, _orsse_pipelines())))
        return 0

    machine = _machine()
    ours = _orsse_pipelines()
    peers, peer_notes = ([], ["peers: left out (--no-peers)"]) if args.no_peers else _peer_pipelines()
    pipelines = ours + peers
    labels = [p.label for p in pipelines]
    stream_list = streams.benchmark_streams(args.quick)
    if args.streams:
        wanted = args.streams.split(",")
        stream_list = [s for s in stream_list if s.name in wanted]

    out = [f"orsse {orsse.__version__} benchmarks: {machine}",
           f"mode: {'quick' if args.quick else 'full'}, {args.repeats} interleaved rounds, medians; "
           f"MB/s counts the stream's bytes, events/s its events (dicts for (b), chunks for (c))"]
    out.extend(peer_notes)

    cells: Dict[Tuple[str, Read, str], Cell] = {}
    if "throughput" not in skip:
        cells = measure_streams(args, stream_list, pipelines, log)
        out.extend(report_streams(cells, stream_list, labels, args.reads))

    linear: Dict[str, Dict[str, float]] = {}
    pinned: Optional[Dict[str, Dict[str, float]]] = None
    if "linear" not in skip:
        log("linearity")
        linear = measure_linearity(args, pipelines)
        pinned = measure_linearity_pinned(args)
        out.append("")
        out.append("one long event in 256-byte reads, beside the chat stream in 16 KiB reads (medians;")
        out.append("minor page faults per run for the 4 and 8 MiB events):")
        for title, measured in (("this process, default allocator", linear),
                                ("glibc's mmap threshold pinned at 128 KiB (a child process)", pinned)):
            if measured is None:
                continue
            out.append(f" {title}:")
            for label, by in measured.items():
                out.append(f"  {label:<24} 4 MiB {by['4 MiB'] * 1e3:7.1f} ms  8 MiB {by['8 MiB'] * 1e3:7.1f} ms  "
                           f"ratio {by['ratio']:.2f}  {by['MB/s']:6.1f} MB/s (chat {by['chat MB/s']:5.1f} MB/s)  "
                           f"faults {by['faults 4 MiB']:5.0f} / {by['faults 8 MiB']:5.0f}")

    memory: List[Tuple[str, str]] = []
    peaks: Dict[str, float] = {}
    if "memory" not in skip:
        log("memory")
        memory = measure_memory(args, pipelines)
        out.append("")
        out.append("memory (tracemalloc):")
        for name, value in memory:
            out.append(f"  {name:<58} {value}")
            if name.startswith("peak, 4 MiB event in 256 B reads, orsse"):
                peaks[name.rsplit(", ", 1)[1]] = float(value.split("=")[1].split("x")[0])

    imports: Dict[str, float] = {}
    if "import" not in skip:
        log("import time")
        imports = measure_imports(args)
        out.append("")
        out.append("import time (fresh interpreters, medians):")
        for statement, seconds in imports.items():
            out.append(f"  import {statement:<20} {seconds * 1e3:7.2f} ms")

    if cells and linear and imports:
        out.extend(report_targets(cells, linear, pinned, memory, peaks, imports, labels))
        out.extend(report_markdown(cells, labels, args.reads, imports, machine))
    print("\n".join(out))

    if args.json:
        raw = {
            "machine": machine,
            "cells": [{"stream": c.stream, "read": c.read, "pipeline": c.label,
                       "seconds": c.seconds, "note": c.note} for c in cells.values()],
            "linear": linear,
            "linear, mmap threshold pinned": pinned,
            "memory": dict(memory),
            "imports": imports,
        }
        with open(args.json, "w") as f:
            json.dump(raw, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
