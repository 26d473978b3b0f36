"""Where the test fixtures are, and how to cut their bytes into reads.

The one place tests learn fixture paths from: everything is located relative to this
file, so a fresh clone (or an unpacked sdist) passes on its own. The layout is described
in ``fixtures/README.md``: each stream ``NAME.sse`` has its expected result beside it,
``NAME.events.json`` (the events, for the SSE tests) or ``NAME.expected.json`` (the rebuilt
completion or response).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Dict, List, Sequence

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS.parent / "fixtures"
SEEDS = FIXTURES / "seeds"
RECORDED = FIXTURES / "recorded"
SYNTHETIC = FIXTURES / "synthetic"
SYNTHETIC_CHUNKS = FIXTURES / "synthetic_chunks"


def fixture_path(*parts: str) -> Path:
    """The path of a fixture file, e.g. ``fixture_path("synthetic", "crlf.sse")``."""
    return FIXTURES.joinpath(*parts)


def sse_files(kind: str) -> List[Path]:
    """Every ``.sse`` file under ``fixtures/<kind>/``, sorted, so test ids are stable."""
    return sorted((FIXTURES / kind).rglob("*.sse"))


def fixture_id(path: Path) -> str:
    """A readable test id: the path below ``fixtures/``."""
    return path.relative_to(FIXTURES).as_posix()


def real_streams() -> List[Path]:
    """The seeds and the recorded OpenRouter streams."""
    return sse_files("seeds") + sse_files("recorded")


def all_streams() -> List[Path]:
    """Every SSE-level ``.sse`` fixture: seeds, recorded and synthetic."""
    return real_streams() + sse_files("synthetic")


def beside(sse: Path, suffix: str) -> Path:
    """The file next to ``NAME.sse`` called ``NAME`` + *suffix* (``".expected.json"``...)."""
    return sse.with_name(sse.name[: -len(".sse")] + suffix)


def expected_path(sse: Path) -> Path:
    """The rebuilt result expected of a stream: ``NAME.expected.json`` beside it."""
    return beside(sse, ".expected.json")


def load_expected(sse: Path) -> Dict[str, Any]:
    return json.loads(expected_path(sse).read_text("utf-8"))


def load_expected_events(sse: Path) -> List[Dict[str, Any]]:
    """The hand-written ``NAME.events.json`` beside a synthetic ``NAME.sse``."""
    return json.loads(beside(sse, ".events.json").read_text("utf-8"))


def split_at(data: bytes, offsets: Sequence[int]) -> List[bytes]:
    """*data* cut at the given offsets (sorted, duplicates give empty pieces)."""
    pieces = []
    start = 0
    for offset in sorted(offsets):
        pieces.append(data[start:offset])
        start = offset
    pieces.append(data[start:])
    return pieces


def one_byte_at_a_time(data: bytes) -> List[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


def random_reads(data: bytes, rng: random.Random, max_size: int) -> List[bytes]:
    """*data* cut into reads of random sizes between 1 and *max_size*."""
    pieces = []
    pos = 0
    while pos < len(data):
        size = rng.randint(1, max_size)
        pieces.append(data[pos : pos + size])
        pos += size
    return pieces
