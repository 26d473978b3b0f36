#!/usr/bin/env python3
"""PartialJSONParser: linear time in the arguments, however small the pieces.

    python benchmarks/bench_partial_json.py           # 1 MiB and 2 MiB, 4-character pieces
    python benchmarks/bench_partial_json.py --quick   # 256 KiB and 512 KiB

The arguments are a tool call's JSON as large models write it (a list of edits, each with
a path, numbers, booleans, escaped text, then one long file body), fed in pieces of 4
characters. Times are medians of runs interleaved round by round, with the cyclic garbage
collector off, as in bench.py (the ratio with it on is printed too). Rows: the parser at the
two sizes (time, MB/s, and the ratio of the two: 2.0 for linear time, 4.0 for quadratic),
``json.loads`` of the whole text once (the floor), and the re-parse-everything approach of
other helpers at sizes small enough to finish. Every result is checked against
``json.loads`` before it is timed.

As in bench.py, the ratio is measured twice: in this process, and in a child process with
glibc's mmap threshold pinned (``MALLOC_MMAP_THRESHOLD_=131072``). With its default, glibc
adapts the threshold to what was freed, so the smaller run may reuse warm heap pages while
the larger one faults on fresh ones: ``json.loads`` alone then shows the same excess. The
target is judged on the pinned run.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any, Callable, List

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)  # measure the work tree's orsse, not an installed copy

import orsse  # noqa: E402

PIECE = 4
PINNED_MALLOC = {"MALLOC_MMAP_THRESHOLD_": "131072"}
#: The ratio of the 2x size's time to the 1x size's that the issue allows.
LIMIT = 2.3


def arguments(size: int) -> str:
    """Deterministic tool-call arguments of exactly *size* characters."""
    edits = []
    length = 0
    number = 0
    while length < size // 2:
        edit = {
            "path": f"src/pkg/module_{number}.py",
            "line": 17 * number % 9973,
            "score": number / 7.0,
            "exp": 1.5e-7 * (number + 1),
            "replace": number % 3 == 0,
            "old": None,
            "new": f'def f{number}(x):\n\treturn "caf\u00e9" + x  # \\ {number}',
            "tags": ["edit", "auto", "\U0001f600"],
        }
        edits.append(edit)
        length += len(json.dumps(edit)) + 2
        number += 1
    head = json.dumps({"edits": edits, "content": ""})[:-2]
    body_size = size - len(head) - 2
    line = 'print(\\"hello, world\\")  # \\u00e9\\n'  # JSON string text, escapes whole
    body = line * (body_size // len(line)) + "x" * (body_size % len(line))
    text = head + body + '"}'
    assert len(text) == size, (len(text), size)
    return text


def pieces_of(text: str) -> List[str]:
    return [text[i : i + PIECE] for i in range(0, len(text), PIECE)]


def parse_incrementally(pieces: List[str]) -> Any:
    parser = orsse.PartialJSONParser()
    feed = parser.feed
    for piece in pieces:
        feed(piece)
    return parser.close()


def reparse_every_piece(pieces: List[str]) -> Any:
    """What helpers that re-parse the whole text on each piece do (here with json.loads
    on the text so far, errors ignored: cheaper than any partial parser, so a floor)."""
    text = ""
    value = None
    for piece in pieces:
        text += piece
        try:
            value = json.loads(text)
        except ValueError:
            pass
    return value


def run_once(run: Callable[[], Any], collect: bool = False) -> float:
    """One timed run, with the cyclic garbage collector off (as in bench.py) unless
    *collect*: its full passes walk every container alive, so with it on a run that
    builds a big value also measures how often CPython decides to walk it."""
    gc.collect()
    if not collect:
        gc.disable()
    try:
        start = time.perf_counter()
        run()
        return time.perf_counter() - start
    finally:
        gc.enable()


def interleaved(runs: List[Callable[[], Any]], repeats: int, collect: bool = False) -> List[float]:
    """The median time of each run, the runs taken in turn round by round, so that a
    change in the machine's load touches all of them alike."""
    times: List[List[float]] = [[] for _ in runs]
    for _ in range(repeats):
        for number, run in enumerate(runs):
            times[number].append(run_once(run, collect))
    return [statistics.median(each) for each in times]


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    options.add_argument("--repeats", type=int, default=None)
    options.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = options.parse_args()
    small = (256 if args.quick else 1024) * 1024
    repeats = args.repeats or (3 if args.quick else 5)
    if args.child:  # the pinned run: the parser's two medians, as JSON
        inputs = [pieces_of(arguments(size)) for size in (small, 2 * small)]
        print(json.dumps(interleaved([lambda pieces=pieces: parse_incrementally(pieces) for pieces in inputs], repeats)))
        return 0

    print(f"PartialJSONParser, {PIECE}-character pieces ({sys.implementation.name} {sys.version.split()[0]})")
    texts = [arguments(size) for size in (small, 2 * small)]
    inputs = [pieces_of(text) for text in texts]
    for text, pieces in zip(texts, inputs):
        if parse_incrementally(pieces) != json.loads(text):
            print(f"WRONG result at {len(text)} characters")
            return 1
    parse_runs = [lambda pieces=pieces: parse_incrementally(pieces) for pieces in inputs]
    rows = interleaved(parse_runs, repeats)
    floors = interleaved([lambda text=text: json.loads(text) for text in texts], repeats)
    for text, pieces, seconds, floor in zip(texts, inputs, rows, floors):
        print(
            f"  {len(text) / 1048576:5.2f} MiB  {len(pieces):>8} pieces  {seconds * 1000:9.1f} ms  "
            f"{len(text) / seconds / 1e6:6.2f} MB/s  ({seconds / floor:5.0f}x json.loads of the whole text, "
            f"{floor * 1000:.1f} ms)"
        )
    print(
        f"  2x the size takes {rows[1] / rows[0]:.2f}x the time here "
        f"(json.loads alone: {floors[1] / floors[0]:.2f}x)"
    )
    command = [sys.executable, os.path.abspath(__file__), "--child", "--repeats", str(repeats)]
    if args.quick:
        command.append("--quick")
    child = subprocess.run(
        command, env=dict(os.environ, **PINNED_MALLOC), capture_output=True, text=True, check=True
    )
    pinned = json.loads(child.stdout)
    ratio = pinned[1] / pinned[0]
    verdict = "ok" if ratio <= LIMIT else "TOO SLOW"
    print(
        f"  with glibc's mmap threshold pinned: {pinned[0] * 1000:.1f} ms, {pinned[1] * 1000:.1f} ms, "
        f"2x the size takes {ratio:.2f}x the time (linear: 2.0, limit {LIMIT}): {verdict}"
    )
    collected = interleaved(parse_runs, repeats, collect=True)
    print(
        f"  with the garbage collector on: {collected[0] * 1000:.1f} ms, {collected[1] * 1000:.1f} ms, "
        f"ratio {collected[1] / collected[0]:.2f}"
    )

    print("re-parsing the whole text on every piece (json.loads of the text so far):")
    small_inputs = [pieces_of(arguments(size)) for size in (16 * 1024, 32 * 1024)]
    naive = interleaved([lambda pieces=pieces: reparse_every_piece(pieces) for pieces in small_inputs], 1)
    mine = interleaved([lambda pieces=pieces: parse_incrementally(pieces) for pieces in small_inputs], repeats)
    for size, seconds, ours in zip((16, 32), naive, mine):
        print(f"  {size:5} KiB  {seconds * 1000:9.1f} ms  ({seconds / ours:.0f}x PartialJSONParser)")
    print(f"  2x the size takes {naive[1] / naive[0]:.2f}x the time")
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
