#!/usr/bin/env python3
"""A/B: the same pipelines of two orsse trees, timed in one process, round by round.

    python benchmarks/compare.py BEFORE_TREE AFTER_TREE [--streams chat,tools] [--reads 1,64,event]

Each tree is a directory holding an ``orsse/`` package (a checkout, a worktree, a copy
with one shortcut switched off). Both are imported side by side under other names, and
every round times each pipeline on both, alternating which goes first; the figure shown
is the median over the rounds of after / before (below 1.00 means AFTER is faster). On a
busy machine this is far steadier than two runs of bench.py compared afterwards, which
is what a shortcut's "measured x" comment needs. Times are this process's CPU time
(``time.process_time``), so other processes taking the CPU do not count. Standard
library only.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import statistics
import sys
import time
from typing import Any, Callable, Dict, List, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))


def load_tree(path: str, name: str) -> Any:
    """The ``orsse`` package of the tree at *path*, imported as *name*."""
    package = os.path.join(os.path.abspath(path), "orsse")
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(package, "__init__.py"), submodule_search_locations=[package]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_streams() -> Any:
    spec = importlib.util.spec_from_file_location("orsse_bench_streams", os.path.join(HERE, "streams.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def pipelines(orsse: Any) -> Dict[str, Callable[[List[bytes]], Any]]:
    return {
        "iter_events": lambda reads: list(orsse.iter_events(reads)),
        "iter_data": lambda reads: list(orsse.iter_data(reads)),
        "iter_json": lambda reads: list(orsse.iter_json(reads)),
        "iter_chunks": lambda reads: list(orsse.iter_chunks(reads)),
        "collect": lambda reads: orsse.collect(reads),
        "iter_updates": lambda reads: list(orsse.iter_updates(reads)),
    }


def time_once(run: Callable[[List[bytes]], Any], reads: List[bytes], number: int) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        for _ in range(number):
            run(reads)
        return (time.process_time() - start) / number
    finally:
        gc.enable()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--streams", default="chat,tools")
    parser.add_argument("--reads", default="1,7,64,1024,16384,event")
    parser.add_argument("--pipelines", default="iter_data,iter_json,iter_chunks,collect,iter_updates")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--min-time", type=float, default=0.02, help="seconds per measurement")
    args = parser.parse_args()

    streams = load_streams()
    before = pipelines(load_tree(args.before, "orsse_before"))
    after = pipelines(load_tree(args.after, "orsse_after"))
    wanted = args.pipelines.split(",")
    by_name = {s.name: s for s in streams.benchmark_streams(quick=True)}
    print(f"{sys.implementation.name} {sys.version.split()[0]}: after / before, median of {args.rounds} rounds")
    print(f"{'stream':<10} {'reads':>6} " + " ".join(f"{p:>12}" for p in wanted))
    for stream_name in args.streams.split(","):
        stream = by_name[stream_name]
        for read in args.reads.split(","):
            reads = streams.reads_of(stream.raw, read)
            cells = []
            for label in wanted:
                runs: Tuple[Callable[[List[bytes]], Any], ...] = (before[label], after[label])
                for run in runs * 3:  # checked, and on PyPy the loops compiled, before timing
                    run(reads)
                elapsed = max(time_once(runs[0], reads, 1), 1e-6)
                number = max(1, int(args.min_time / elapsed))
                ratios = []
                for round_ in range(args.rounds):
                    order = runs if round_ % 2 == 0 else runs[::-1]
                    times = {id(run): time_once(run, reads, number) for run in order}
                    ratios.append(times[id(runs[1])] / times[id(runs[0])])
                cells.append(f"{statistics.median(ratios):11.2f}x")
            print(f"{stream_name:<10} {read:>6} " + " ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
