"""Every ``.sse`` fixture decoded whole and cut every way, always to the same events.

Recorded and seed streams are also checked against what the bytes plainly say (one event
per ``data:`` line, ``[DONE]`` last, JSON objects before it); synthetic streams against the
hand-written ``NAME.events.json`` beside them.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import json
import random
from typing import TYPE_CHECKING

import pytest

import orsse
from sse_helpers import decode
from _fixtures import (
    SYNTHETIC,
    all_streams,
    fixture_id,
    load_expected_events,
    one_byte_at_a_time,
    random_reads,
    real_streams,
    split_at,
    sse_files,
)

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, AsyncIterator, Dict, List

#: Up to this size a stream is cut at every single offset; above it, at RANDOM_OFFSETS seeded
#: random ones (every offset of a 30 KB stream costs ~8 s: the work grows with the square).
EVERY_OFFSET_MAX = 10 * 1024
#: Above this size a stream is not fed one byte at a time (the 3 MiB event is fed in 256-byte reads).
BYTE_AT_A_TIME_MAX = 256 * 1024
RANDOM_OFFSETS = 300
BIG_RANDOM_OFFSETS = 24

ALL = all_streams()
REAL = real_streams()
SYNTH = sse_files("synthetic")
BIG_EVENT = SYNTHETIC / "big_event.sse"


def test_fixtures_are_present() -> None:
    assert len(sse_files("seeds")) == 4
    assert len(sse_files("recorded")) == 37
    assert len(SYNTH) >= 15
    for path in sse_files("seeds") + sse_files("recorded"):
        assert path.with_suffix(".json").is_file(), path


_CACHE: Dict[Path, List[Dict[str, Any]]] = {}


def whole(path: Path) -> List[Dict[str, Any]]:
    """The events of the file fed in one piece (cached: several tests compare with it)."""
    if path not in _CACHE:
        _CACHE[path] = decode([path.read_bytes()])[0]
    return _CACHE[path]


def _seed(path: Path, salt: str) -> int:
    return int.from_bytes(hashlib.sha256((fixture_id(path) + salt).encode()).digest()[:8], "big")


@pytest.mark.parametrize(
    "path", [p for p in ALL if p.stat().st_size <= BYTE_AT_A_TIME_MAX], ids=fixture_id
)
def test_one_byte_at_a_time(path: Path) -> None:
    assert decode(one_byte_at_a_time(path.read_bytes()))[0] == whole(path)


@pytest.mark.parametrize("path", ALL, ids=fixture_id)
def test_split_in_two(path: Path) -> None:
    data = path.read_bytes()
    expected = whole(path)
    if len(data) <= EVERY_OFFSET_MAX:
        offsets = range(len(data) + 1)
    else:
        rng = random.Random(_seed(path, "two"))
        count = BIG_RANDOM_OFFSETS if len(data) > BYTE_AT_A_TIME_MAX else RANDOM_OFFSETS
        offsets = sorted(rng.randrange(len(data) + 1) for _ in range(count))
    for offset in offsets:
        assert decode(split_at(data, [offset]))[0] == expected, f"split at {offset}"


@pytest.mark.parametrize("path", ALL, ids=fixture_id)
def test_split_in_three(path: Path) -> None:
    data = path.read_bytes()
    expected = whole(path)
    rng = random.Random(_seed(path, "three"))
    count = BIG_RANDOM_OFFSETS if len(data) > BYTE_AT_A_TIME_MAX else 200
    for _ in range(count):
        offsets = [rng.randrange(len(data) + 1), rng.randrange(len(data) + 1)]
        assert decode(split_at(data, offsets))[0] == expected, f"split at {sorted(offsets)}"


@pytest.mark.parametrize("path", ALL, ids=fixture_id)
def test_random_reads(path: Path) -> None:
    data = path.read_bytes()
    expected = whole(path)
    rng = random.Random(_seed(path, "reads"))
    big = len(data) > BYTE_AT_A_TIME_MAX
    plan = ((4096, 3), (65536, 3)) if big else ((2, 2), (7, 3), (64, 5), (1000, 10), (8192, 10))
    for max_size, runs in plan:
        for _ in range(runs):
            assert decode(random_reads(data, rng, max_size))[0] == expected, max_size


# -- what the real streams say ----------------------------------------------------------


@pytest.mark.parametrize("path", REAL, ids=fixture_id)
def test_real_stream_facts(path: Path) -> None:
    data = path.read_bytes()
    lines = data.split(b"\n")
    events, comments, decoder = decode([data])
    assert events == whole(path)
    assert len(events) == sum(1 for line in lines if line.startswith(b"data:"))
    assert len(comments) == sum(1 for line in lines if line.startswith(b":"))
    assert all(comment == "OPENROUTER PROCESSING" for comment in comments)
    assert events[-1]["data"] == "[DONE]"
    for event in events[:-1]:
        assert event["event"] == "message" and event["id"] == "" and event["retry"] is None
        chunk = json.loads(event["data"])
        assert isinstance(chunk, dict)
        assert chunk.get("object") == "chat.completion.chunk"
    assert decoder.last_event_id == ""
    assert decoder.retry is None


def test_seed_content_is_decoded_utf8() -> None:
    # The Kimi seed's cassette showed "á" in a Thai code page: the bytes must be C3 A1.
    path = SYNTHETIC.parent / "seeds" / "kimi-k2_simple.sse"
    assert b"\xc3\xa1" in path.read_bytes()
    contents = [
        json.loads(e["data"])["choices"][0]["delta"]["content"] for e in whole(path)[:-1]
    ]
    assert "".join(contents) == "Ol\u00e1!"


# -- the synthetic streams' expected events -----------------------------------------------


def _matches(actual: List[Dict[str, Any]], expected: List[Dict[str, Any]]) -> bool:
    if len(actual) != len(expected):
        return False
    for got, want in zip(actual, expected):
        if "data_sha256" in want:
            data = got["data"].encode("utf-8")
            if len(data) != want["data_length"] or hashlib.sha256(data).hexdigest() != want["data_sha256"]:
                return False
            got = {k: v for k, v in got.items() if k != "data"}
            want = {k: v for k, v in want.items() if k not in ("data_length", "data_sha256")}
        if got != want:
            return False
    return True


@pytest.mark.parametrize("path", SYNTH, ids=fixture_id)
def test_synthetic_expected_events(path: Path) -> None:
    expected = load_expected_events(path)
    actual = whole(path)
    if any("data_sha256" in e for e in expected):
        assert _matches(actual, expected)
    else:
        assert actual == expected


def _load_big_event_generator() -> Any:
    spec = importlib.util.spec_from_file_location("make_big_event", SYNTHETIC / "make_big_event.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_big_event_file_matches_its_generator() -> None:
    generator = _load_big_event_generator()
    made = generator.make()
    assert len(made) > 3 * 1024 * 1024
    assert hashlib.sha256(made).hexdigest() == hashlib.sha256(BIG_EVENT.read_bytes()).hexdigest()
    assert generator.expected_events() == load_expected_events(BIG_EVENT)


def test_big_event_in_256_byte_reads() -> None:
    data = BIG_EVENT.read_bytes()
    decoder = orsse.SSEDecoder()
    events: List[orsse.ServerSentEvent] = []
    for i in range(0, len(data), 256):
        events.extend(decoder.feed(data[i : i + 256]))
    events.extend(decoder.close())
    assert len(events) == 1
    (want,) = load_expected_events(BIG_EVENT)
    payload = events[0].data.encode("utf-8")
    assert len(payload) == want["data_length"]
    assert hashlib.sha256(payload).hexdigest() == want["data_sha256"]
    assert json.loads(events[0].data)["choices"][0]["delta"]["images"][0]["type"] == "image_url"


# -- iter_events and aiter_events -----------------------------------------------------------


@pytest.mark.parametrize("path", REAL[:6] + [SYNTHETIC / "fields.sse", SYNTHETIC / "crlf.sse"], ids=fixture_id)
def test_iter_events_over_chunk_list(path: Path) -> None:
    data = path.read_bytes()
    comments: List[str] = []
    chunks = random_reads(data, random.Random(_seed(path, "iter")), 300)
    events = list(orsse.iter_events(chunks, on_comment=comments.append))
    assert [(e.event, e.data, e.id, e.retry) for e in events] == [
        (e["event"], e["data"], e["id"], e["retry"]) for e in whole(path)
    ]
    assert comments == decode([data])[1]


@pytest.mark.parametrize(
    "path", [p for p in ALL if p.stat().st_size <= BYTE_AT_A_TIME_MAX], ids=fixture_id
)
def test_iter_events_one_byte_at_a_time_and_random_reads(path: Path) -> None:
    # iter_events may take its own route for small reads: it must agree with feed().
    data = path.read_bytes()
    expected = [(e["event"], e["data"], e["id"], e["retry"]) for e in whole(path)]
    rng = random.Random(_seed(path, "iter-reads"))
    for chunks in (one_byte_at_a_time(data), random_reads(data, rng, 5), random_reads(data, rng, 64)):
        comments: List[str] = []
        events = orsse.iter_events(iter(chunks), on_comment=comments.append)
        assert [(e.event, e.data, e.id, e.retry) for e in events] == expected
        assert comments == decode([data])[1]


@pytest.mark.parametrize("path", REAL[:6] + [SYNTHETIC / "invalid_utf8.sse"], ids=fixture_id)
def test_iter_events_over_binary_file(path: Path) -> None:
    with path.open("rb") as f:
        events = list(orsse.iter_events(iter(lambda: f.read(777), b"")))
    assert [(e.event, e.data, e.id, e.retry) for e in events] == [
        (e["event"], e["data"], e["id"], e["retry"]) for e in whole(path)
    ]


def test_iter_events_is_lazy() -> None:
    seen: List[bytes] = []

    def chunks() -> Any:
        for chunk in (b"data: a\n\n", b"data: b\n\n", b"data: c\n\n"):
            seen.append(chunk)
            yield chunk

    iterator = orsse.iter_events(chunks())
    assert next(iterator).data == "a"
    assert len(seen) == 1


def test_iter_events_passes_limits() -> None:
    with pytest.raises(orsse.SSELimitError):
        list(orsse.iter_events([b"data: " + b"x" * 100], max_line_size=50))
    with pytest.raises(orsse.SSELimitError):
        list(orsse.iter_events([b"data: x\n"] * 100, max_event_size=50))


@pytest.mark.parametrize("path", REAL[:6] + [SYNTHETIC / "mixed_line_ends.sse"], ids=fixture_id)
def test_aiter_events_over_async_generator(path: Path) -> None:
    data = path.read_bytes()
    pieces = random_reads(data, random.Random(_seed(path, "aiter")), 500)

    async def chunks() -> AsyncIterator[bytes]:
        for piece in pieces:
            await asyncio.sleep(0)
            yield piece

    async def collect() -> List[orsse.ServerSentEvent]:
        comments: List[str] = []
        out = [event async for event in orsse.aiter_events(chunks(), on_comment=comments.append)]
        assert comments == decode([data])[1]
        return out

    events = asyncio.run(collect())
    assert [(e.event, e.data, e.id, e.retry) for e in events] == [
        (e["event"], e["data"], e["id"], e["retry"]) for e in whole(path)
    ]


def test_aiter_events_passes_limits() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"data: " + b"x" * 100

    async def collect() -> None:
        async for _ in orsse.aiter_events(chunks(), max_line_size=50):
            pass

    with pytest.raises(orsse.SSELimitError):
        asyncio.run(collect())
