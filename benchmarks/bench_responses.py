#!/usr/bin/env python3
"""Throughput of orsse's Responses API layer, standard library only.

    python benchmarks/bench_responses.py            # about 30 s
    python benchmarks/bench_responses.py --quick    # a few seconds: indicative numbers only

Inputs: the 38 recorded Responses streams in ``fixtures/recorded-responses/`` (real OpenAI and
Azure traffic, 0.64 MB, 1,701 events), cut into reads of 64 B, 1 KiB and 16 KiB; and a
generated stream of many small text deltas, at two sizes, to show that the time per event
stays the same as the stream grows (linear time). Every pipeline's result is checked
before it is timed, so a broken parser cannot look fast. The floor is ``json.loads`` alone
on the same payloads.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any, Callable, List

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # measure the work tree's orsse, not an installed copy

import orsse  # noqa: E402

RECORDED = sorted((ROOT / "fixtures" / "recorded-responses").rglob("*.sse"))


def reads(data: bytes, size: int) -> List[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def payloads(data: bytes) -> List[str]:
    return [line[6:] for line in data.decode("utf-8").split("\n") if line.startswith("data: ")]


def best(run: Callable[[], Any], repeats: int) -> float:
    fastest = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        fastest = min(fastest, time.perf_counter() - start)
    return fastest


def delta_stream(count: int) -> bytes:
    """A long answer in token-sized deltas, shaped like the recordings (obfuscation included)."""
    events: List[dict] = [
        {"type": "response.created", "sequence_number": 0,
         "response": {"id": "resp_b", "object": "response", "status": "in_progress", "output": []}},
        {"type": "response.output_item.added", "sequence_number": 1, "output_index": 0,
         "item": {"id": "msg_b", "type": "message", "status": "in_progress", "content": [], "role": "assistant"}},
        {"type": "response.content_part.added", "sequence_number": 2, "item_id": "msg_b", "output_index": 0,
         "content_index": 0, "part": {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}},
    ]  # fmt: skip
    for number in range(count):
        events.append({"type": "response.output_text.delta", "content_index": 0, "delta": f" word{number % 97}",
                       "item_id": "msg_b", "logprobs": [], "obfuscation": "Zq81xv", "output_index": 0,
                       "sequence_number": 3 + number})  # fmt: skip
    events.append({"type": "response.completed", "sequence_number": 3 + count,
                   "response": {"id": "resp_b", "object": "response", "status": "completed", "output": []}})  # fmt: skip
    return "".join(
        f"event: {e['type']}\ndata: {json.dumps(e, separators=(',', ':'))}\n\n" for e in events
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 5 if args.quick else 25

    bodies = [path.read_bytes() for path in RECORDED]
    expected = []
    for body in bodies:
        for line in payloads(body):
            if line.startswith('{"type":"response.completed"'):
                expected.append(json.loads(line)["response"])
    total = sum(map(len, bodies))
    texts = [text for body in bodies for text in payloads(body)]
    print(f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}, "
          f"{os.cpu_count()} CPUs; best of {repeats}")  # fmt: skip
    print(f"recorded Responses streams: {len(bodies)} streams, {total / 1e6:.2f} MB, {len(texts)} events")
    floor = best(lambda: [json.loads(text) for text in texts], repeats)
    print(f"  {'json.loads alone (floor)':<36}{total / 1e6 / floor:8.1f} MB/s")
    for size in (64, 1024, 16384):
        cut = [reads(body, size) for body in bodies]
        got = [orsse.collect_response(pieces).to_dict() for pieces in cut]
        assert got == expected, "collect_response does not rebuild the recordings: not timed"
        rows = [
            ("iter_events", lambda: [list(orsse.iter_events(p)) for p in cut]),
            ("iter_response_events", lambda: [list(orsse.iter_response_events(p)) for p in cut]),
            ("collect_response", lambda: [orsse.collect_response(p) for p in cut]),
        ]
        for label, run in rows:
            seconds = best(run, repeats)
            print(f"  {label + f' ({size} B reads)':<36}{total / 1e6 / seconds:8.1f} MB/s"
                  f"  {seconds / floor:5.2f}x json.loads")  # fmt: skip

    print("many small deltas (time per event should not grow with the stream):")
    sizes = (2_000, 20_000) if args.quick else (10_000, 100_000)
    per_event = []
    for count in sizes:
        body = delta_stream(count)
        pieces = reads(body, 16384)
        response = orsse.collect_response(pieces)
        assert response.status == "completed" and len(payloads(body)) == count + 4
        accumulator = orsse.ResponseAccumulator()
        for _ in orsse.iter_response_events(pieces, accumulator=accumulator):
            pass
        assert accumulator.output()[0].to_dict()["content"][0]["text"].count(" word") == count
        seconds = best(lambda: [None for _ in orsse.iter_response_events(pieces, accumulator=orsse.ResponseAccumulator())],
                       max(3, repeats // 5))  # fmt: skip
        per_event.append(seconds / count)
        print(f"  {count:>7} deltas, {len(body) / 1e6:5.1f} MB: {seconds * 1e3:8.1f} ms, "
              f"{seconds / count * 1e6:5.2f} µs per event")  # fmt: skip
    print(f"  per-event time, large / small: {per_event[1] / per_event[0]:.2f}x (1.00x = linear)")


if __name__ == "__main__":
    main()
