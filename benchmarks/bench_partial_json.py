#!/usr/bin/env python3
"""PartialJSONParser: linear time in the arguments, however small the pieces.

    python benchmarks/bench_partial_json.py           # 1 MiB and 2 MiB, 4-character pieces
    python benchmarks/bench_partial_json.py --quick   # 256 KiB and 512 KiB

The arguments are a tool call's JSON as large models write it (a list of edits, each with
a path, numbers, booleans, escaped text, then one long file body), fed in pieces of 4
characters. Times are medians with the cyclic garbage collector off, as in bench.py (the
same ratio with it on is printed after). Rows: the parser at the two sizes (time, MB/s, the ratio of the two, which is
2.0 for linear time and 4.0 for quadratic), ``json.loads`` of the whole text once (the
floor), and the re-parse-everything approach of other helpers at sizes small enough to
finish. Every result is checked against ``json.loads`` before it is timed.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from typing import Any, Callable, List

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)  # measure the work tree's orsse, not an installed copy

import orsse  # noqa: E402

PIECE = 4
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


def best_of(run: Callable[[], Any], repeats: int, collect: bool = False) -> float:
    """The median time of *repeats* runs, with the cyclic garbage collector off (as in
    bench.py) unless *collect*: its full passes walk every container alive, so with it on
    a run that builds a big value also measures how often CPython decides to walk it."""
    times = []
    for _ in range(repeats):
        gc.collect()
        if not collect:
            gc.disable()
        try:
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return min(times) if repeats < 3 else statistics.median(times)


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    options.add_argument("--repeats", type=int, default=None)
    args = options.parse_args()
    small = (256 if args.quick else 1024) * 1024
    repeats = args.repeats or (3 if args.quick else 5)

    print(f"PartialJSONParser, {PIECE}-character pieces ({sys.implementation.name} {sys.version.split()[0]})")
    rows = []
    collected = []
    for size in (small, 2 * small):
        text = arguments(size)
        pieces = pieces_of(text)
        if parse_incrementally(pieces) != json.loads(text):
            print(f"WRONG result at {size} characters")
            return 1
        seconds = best_of(lambda: parse_incrementally(pieces), repeats)
        floor = best_of(lambda: json.loads(text), repeats)
        rows.append(seconds)
        collected.append(best_of(lambda: parse_incrementally(pieces), repeats, collect=True))
        print(
            f"  {size / 1048576:5.2f} MiB  {len(pieces):>8} pieces  {seconds * 1000:9.1f} ms  "
            f"{size / seconds / 1e6:6.2f} MB/s  ({seconds / floor:5.0f}x json.loads of the whole text, "
            f"{floor * 1000:.1f} ms)"
        )
    ratio = rows[1] / rows[0]
    verdict = "ok" if ratio <= LIMIT else "TOO SLOW"
    print(f"  2x the size takes {ratio:.2f}x the time (linear: 2.0, limit {LIMIT}): {verdict}")
    print(
        f"  with the garbage collector on: {collected[0] * 1000:.1f} ms, {collected[1] * 1000:.1f} ms, "
        f"ratio {collected[1] / collected[0]:.2f}"
    )

    print("re-parsing the whole text on every piece (json.loads of the text so far):")
    naive = []
    for size in (16 * 1024, 32 * 1024):
        pieces = pieces_of(arguments(size))
        seconds = best_of(lambda: reparse_every_piece(pieces), 1)
        mine = best_of(lambda: parse_incrementally(pieces), repeats)
        naive.append(seconds)
        print(f"  {size // 1024:5} KiB  {seconds * 1000:9.1f} ms  ({seconds / mine:.0f}x PartialJSONParser)")
    print(f"  2x the size takes {naive[1] / naive[0]:.2f}x the time")
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
