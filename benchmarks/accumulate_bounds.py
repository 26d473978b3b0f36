#!/usr/bin/env python3
"""The accumulator's time stays linear on the inputs that once made it quadratic.

    python benchmarks/accumulate_bounds.py

Each case merges N and then 2N chunks and prints the time ratio (linear: about 2;
quadratic: about 4). The cases are the ones issue #11 found: 80,000 pieces of an unknown
text field (``reasoning_content`` before it was typed took 4.4-7.3 s) and 40,000 tool-call
fragments without an index (``max()`` over the calls per fragment: 10 s).
"""

from __future__ import annotations

import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)  # measure the work tree's orsse, not an installed copy

import orsse  # noqa: E402


def _unknown_text(n: int) -> list:
    return [orsse.parse_chunk({"choices": [{"index": 0, "delta": {"x_thinking": "tok "}}]}) for _ in range(n)]


def _typed_reasoning_content(n: int) -> list:
    return [orsse.parse_chunk({"choices": [{"index": 0, "delta": {"reasoning_content": "tok "}}]}) for _ in range(n)]


def _index_less_calls(n: int) -> list:
    chunks = []
    for call in range(n // 4):
        fragments = [{"id": f"call_{call}", "type": "function", "function": {"name": "f", "arguments": ""}}]
        fragments += [{"function": {"arguments": piece}} for piece in ('{"n": ', str(call), "}")]
        chunks += [orsse.parse_chunk({"choices": [{"index": 0, "delta": {"tool_calls": [f]}}]}) for f in fragments]
    return chunks


def _merge(chunks: list) -> float:
    start = time.perf_counter()
    accumulator = orsse.Accumulator()
    for chunk in chunks:
        accumulator.add(chunk)
    accumulator.result()
    return time.perf_counter() - start


def main() -> None:
    print(f"orsse accumulator bounds: {sys.implementation.name} {sys.version.split()[0]}")
    for label, make, n in (
        ("unknown text field pieces", _unknown_text, 80_000),
        ("reasoning_content pieces", _typed_reasoning_content, 80_000),
        ("tool-call fragments without index", _index_less_calls, 40_000),
    ):
        small, large = make(n // 2), make(n)
        t_small = min(_merge(small) for _ in range(3))
        t_large = min(_merge(large) for _ in range(3))
        print(f"  {label:36} {n // 2:>7}: {t_small * 1e3:7.1f} ms  {n:>7}: {t_large * 1e3:7.1f} ms"
              f"  ratio {t_large / t_small:.2f} (linear ~2)")


if __name__ == "__main__":
    main()
