"""Shared helpers for the tests: where the fixtures are, and how to run the SSE decoder.

Everything is located relative to this file, so a fresh clone passes on its own.
Test modules import the helpers with ``from conftest import ...``.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import orsse

if TYPE_CHECKING:
    from typing import Any, Dict, Iterable, List, Sequence, Tuple

TESTS = Path(__file__).resolve().parent
FIXTURES = TESTS.parent / "fixtures"
SEEDS = FIXTURES / "seeds"
RECORDED = FIXTURES / "recorded"
SYNTHETIC = FIXTURES / "synthetic"


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
    """Every ``.sse`` fixture: seeds, recorded and synthetic."""
    return real_streams() + sse_files("synthetic")


def load_expected_events(sse: Path) -> List[Dict[str, Any]]:
    """The hand-written ``NAME.events.json`` beside a synthetic ``NAME.sse``."""
    expected = sse.with_name(sse.name[: -len(".sse")] + ".events.json")
    return json.loads(expected.read_text("utf-8"))


def event_dict(event: orsse.ServerSentEvent) -> Dict[str, Any]:
    """An event as the plain dict the ``.events.json`` files hold."""
    return {"event": event.event, "data": event.data, "id": event.id, "retry": event.retry}


def decode(
    chunks: Iterable[bytes], **kwargs: Any
) -> Tuple[List[Dict[str, Any]], List[str], orsse.SSEDecoder]:
    """Feed *chunks* to a new decoder and close it: (events as dicts, comments, decoder)."""
    comments: List[str] = []
    decoder = orsse.SSEDecoder(on_comment=comments.append, **kwargs)
    events: List[orsse.ServerSentEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    events.extend(decoder.close())
    return [event_dict(e) for e in events], comments, decoder


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


def outcome(chunks: Iterable[bytes], **kwargs: Any) -> Tuple[str, Any]:
    """``("events", [...])`` or ``("error", ErrorClass)``: nothing else may happen.

    Any exception that is not an :class:`orsse.OrsseError` propagates and fails the test.
    """
    try:
        events, _, _ = decode(chunks, **kwargs)
    except orsse.OrsseError as exc:
        return ("error", type(exc))
    return ("events", events)


@pytest.fixture
def fixtures_dir() -> Path:
    """The ``fixtures/`` folder of the repository."""
    return FIXTURES

