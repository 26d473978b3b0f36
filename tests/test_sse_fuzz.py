"""Seeded fuzzing of ``orsse.SSEDecoder``: random bytes, token soups and mutated fixtures.

For every input the only outcomes allowed are a list of events or an ``orsse.OrsseError``,
and the outcome must be the same however the bytes are cut (the same events, or an error
of the same class). When no error is raised, the events and comments must also equal those
of a small, obviously-correct reference reading of the WHATWG rules written below.
"""

from __future__ import annotations

import asyncio
import random
import re
from typing import TYPE_CHECKING

import pytest

import orsse
from orsse import _sse
from _fixtures import (
    all_streams,
    fixture_id,
    load_expected_events,
    one_byte_at_a_time,
    random_reads,
    split_at,
    sse_files,
)

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Dict, List, Optional, Pattern, Tuple

BOM = b"\xef\xbb\xbf"
#: What a comment is among the events in the reference's chunk-layer view.
COMMENT = "<comment>"
_LINE_END = re.compile(rb"\r\n|\r|\n")


def reference(
    data: bytes, *, raw_types: bool = False, comments_in_place: bool = False
) -> Tuple[List[Tuple[str, str, str, Optional[int]]], List[str]]:
    """The events and comments of a whole stream, straight from the standard's prose.

    With *raw_types*, an event's type is what its ``event`` field said, ``""`` when it had
    none (the chunk layer's view), instead of defaulting to ``"message"``. With
    *comments_in_place*, each comment is among the events, as ``(COMMENT, text, "", None)``
    where it came (the chunk layer's view again)."""
    if data.startswith(BOM):
        data = data[3:]
    lines = _LINE_END.split(data)[:-1]  # what follows the last line end is no line
    events = []
    comments = []
    data_buffer = ""
    event_type = ""
    id_buffer = ""
    block_retry: Optional[int] = None
    for raw in lines:
        line = raw.decode("utf-8", "replace")
        if line == "":
            last_event_id = id_buffer
            if data_buffer == "":
                event_type = ""
                block_retry = None
                continue
            if data_buffer.endswith("\n"):
                data_buffer = data_buffer[:-1]
            kind = event_type if raw_types else event_type or "message"
            events.append((kind, data_buffer, last_event_id, block_retry))
            data_buffer = event_type = ""
            block_retry = None
            continue
        if line.startswith(":"):
            comment = line[2:] if line.startswith(": ") else line[1:]
            if comments_in_place:
                events.append((COMMENT, comment, "", None))
            else:
                comments.append(comment)
            continue
        if ":" in line:
            field, _, value = line.partition(":")
            if value.startswith(" "):
                value = value[1:]
        else:
            field, value = line, ""
        if field == "data":
            data_buffer += value + "\n"
        elif field == "event":
            event_type = value
        elif field == "id":
            if "\x00" not in value:
                id_buffer = value
        elif field == "retry":
            if value and all(c in "0123456789" for c in value):
                block_retry = int(value)
    return events, comments


def run(chunks: List[bytes], **limits: int) -> Tuple[str, Any]:
    """``("ok", (events, comments))`` or ``("error", ErrorClass)``; anything else fails."""
    comments: List[str] = []
    try:
        decoder = orsse.SSEDecoder(on_comment=comments.append, **limits)
        events = []
        for chunk in chunks:
            events.extend(decoder.feed(chunk))
        events.extend(decoder.close())
    except orsse.OrsseError as exc:
        return ("error", type(exc))
    for event in events:
        assert isinstance(event, orsse.ServerSentEvent)
    return ("ok", ([(e.event, e.data, e.id, e.retry) for e in events], comments))


def run_iterators(chunks: List[bytes], **limits: int) -> List[Tuple[Any, List[Any]]]:
    """What iter_events, iter_data and the chunk layer's mode of the same loop deliver (the
    inline fast path for reads that end no line, one list a read),
    each as (``"ok"`` or the error class, the items delivered before the end)."""
    runs: List[Tuple[Any, List[Any]]] = []
    for output in (_sse.EVENTS, _sse.DATA, _sse.DATA_UNLESS_TYPED):
        items: List[Any] = []
        try:
            for batch in _sse.read_batches(_sse.new_decoder(output, **limits), iter(chunks)):
                items.extend((COMMENT, i.text) if type(i) is _sse.CommentLine else i for i in batch)
        except orsse.OrsseError as exc:
            runs.append((type(exc), items))
        else:
            runs.append(("ok", items))
    return runs


def check_iterators(data: bytes, chunks: List[bytes], limits: Dict[str, int], expected: Tuple[str, Any]) -> None:
    events, _ = reference(data)
    typed, _ = reference(data, raw_types=True, comments_in_place=True)
    want = [
        [orsse.ServerSentEvent(e[1], e[0], e[2], e[3]) for e in events],
        [e[1] for e in events],
        [e[1] if not e[0] else (COMMENT, e[1]) if e[0] is COMMENT else orsse.ServerSentEvent(e[1], e[0], e[2], e[3]) for e in typed],
    ]
    for (outcome, items), full in zip(run_iterators(chunks, **limits), want):
        if expected[0] == "ok":
            assert (outcome, items) == ("ok", full), f"{data!r:.300} cut {len(chunks)} ways"
        else:
            # The same error, after some of the events (those completed before it).
            assert outcome is expected[1], f"{data!r:.300} with {limits}: {outcome}"
            assert items == full[: len(items)], f"{data!r:.300} with {limits}"


def cut_after(data: bytes, pattern: Pattern[bytes]) -> List[bytes]:
    """*data* cut after each match of *pattern*."""
    ends = [match.end() for match in pattern.finditer(data)]
    return split_at(data, ends)


def ways_to_cut(data: bytes, rng: random.Random) -> List[List[bytes]]:
    ways = [[data], split_at(data, [rng.randrange(len(data) + 1)])]
    for _ in range(3):
        count = rng.randint(2, 6)
        ways.append(split_at(data, [rng.randrange(len(data) + 1) for _ in range(count)]))
    ways.append(random_reads(data, rng, rng.choice((2, 3, 16, 100))))
    # As a live stream arrives: a read per event (cut after each blank line), or per line.
    ways.append(cut_after(data, re.compile(rb"\r\n\r\n|\n\n|\r\r")))
    ways.append(cut_after(data, re.compile(rb"\r\n|\n|\r")))
    if len(data) <= 2000:
        ways.append(one_byte_at_a_time(data))
    return ways


def random_limits(rng: random.Random) -> Dict[str, int]:
    limits: Dict[str, int] = {}
    if rng.random() < 0.3:
        limits["max_line_size"] = rng.choice((1, 8, 24, 64, 300))
    if rng.random() < 0.3:
        limits["max_event_size"] = rng.choice((1, 8, 24, 64, 300))
    return limits


def check(data: bytes, rng: random.Random) -> None:
    limits = random_limits(rng)
    ways = ways_to_cut(data, rng)
    results = [run(chunks, **limits) for chunks in ways]
    first = results[0]
    for i, result in enumerate(results[1:], 1):
        assert result == first, f"cut #{i} of {data!r:.300} with {limits} differs"
    for chunks in ways:
        check_iterators(data, chunks, limits, first)
    if first[0] == "ok":
        assert first[1] == reference(data), f"{data!r:.300} with {limits}"
    else:
        assert issubclass(first[1], orsse.SSELimitError) and limits, f"{data!r:.300}: {first[1]}"


# -- generators -----------------------------------------------------------------------------

TOKENS = [
    b"data:", b"data: ", b"data", b"id:", b"id: ", b"id", b"retry:", b"retry: ", b"retry",
    b"event:", b"event: ", b"event", b"Data:", b":", b": ", b" ", b"  ", b"\t",
    b"\r", b"\n", b"\r\n", b"\n\n", b"\r\n\r\n", b"\r\r", BOM, b"\x00",
    b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\x80", b"\xf0\x9f\x98", b"\xf4\x90\x80\x80",
    b"\xc3\xa1", b"\xe2\x82\xac", b"\xf0\x9f\x98\x80", b"\xe2\x80\xa8", b"\xc2\x85", b"\x0b", b"\x0c",
    b"0", b"7", b"42", b"1000", b"+5", b"-1", b"\xd9\xa3", b"x", b"hello", b"[DONE]",
    b'{"a": 1}', b"message", b"OPENROUTER PROCESSING",
]
_WEIGHTED_BYTES = b"\r\n:: data" + bytes(range(256))


def token_soup(rng: random.Random) -> bytes:
    return b"".join(rng.choice(TOKENS) for _ in range(rng.randint(0, 120)))


def random_bytes(rng: random.Random) -> bytes:
    n = rng.randint(0, 300)
    if rng.random() < 0.5:
        return bytes(rng.getrandbits(8) for _ in range(n))
    return bytes(rng.choice(_WEIGHTED_BYTES) for _ in range(n))


def mutate(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        pos = rng.randrange(len(buf) + 1)
        kind = rng.randrange(5)
        if kind == 0 and pos < len(buf):
            buf[pos] ^= 1 << rng.randrange(8)  # flip a bit
        elif kind == 1:
            buf[pos:pos] = bytes([rng.getrandbits(8)])  # insert a byte
        elif kind == 2:
            buf[pos:pos] = rng.choice(TOKENS)  # insert a token
        elif kind == 3:
            del buf[pos : pos + rng.randint(1, 40)]  # delete bytes
        else:
            end = min(len(buf), pos + rng.randint(1, 200))
            buf[pos:pos] = buf[pos:end]  # duplicate a run
    return bytes(buf)


# -- tests -------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_token_soup(seed: int) -> None:
    rng = random.Random(1000 + seed)
    for _ in range(40):
        check(token_soup(rng), rng)


@pytest.mark.parametrize("seed", range(4))
def test_random_bytes(seed: int) -> None:
    rng = random.Random(2000 + seed)
    for _ in range(40):
        check(random_bytes(rng), rng)


_MUTABLE = [p for p in all_streams() if p.stat().st_size <= 70 * 1024]


@pytest.mark.parametrize("path", _MUTABLE, ids=fixture_id)
def test_mutated_fixture(path: Path) -> None:
    rng = random.Random(fixture_id(path))
    original = path.read_bytes()
    data = original
    for _ in range(4 if len(original) > 8000 else 10):
        data = mutate(data if rng.random() < 0.5 else original, rng)
        check(data, rng)


def test_reference_agrees_with_hand_written_expectations() -> None:
    # The oracle itself is checked against the synthetic fixtures' expected events.
    for path in sse_files("synthetic"):
        expected = load_expected_events(path)
        if any("data_sha256" in e for e in expected):
            continue
        events, _ = reference(path.read_bytes())
        assert events == [(e["event"], e["data"], e["id"], e["retry"]) for e in expected], fixture_id(path)


def test_decoder_agrees_with_reference_on_fixtures() -> None:
    for path in _MUTABLE:
        data = path.read_bytes()
        assert run([data]) == ("ok", reference(data)), fixture_id(path)


# Reads that end exactly one event are taken whole by the read loop when nothing is
# pending; each case puts something pending just before such a read.
AROUND_WHOLE_EVENTS = [
    ([b"data: a\n\n", b"x", b"data: b\n\n"], {}),  # a partial line
    ([b"data: a\n\n", b"x", b"y", b"data: b\n\n"], {}),
    ([b"data: a\n", b"data: b\n\n"], {}),  # a data line
    ([b"data: a\n\n", b"event: e\n", b"data: b\n\n"], {}),  # a type
    ([b"retry: 5\n", b"data: b\n\n", b"data: c\n\n"], {}),  # a retry
    ([b"id: 7\n", b"data: b\n\n", b"data: c\n\n"], {}),  # an id
    ([b"data: a\r", b"\n\n", b"data: b\n\n"], {}),  # a CR waiting for its LF
    ([b"data: a\r", b"data: b\n\n"], {}),
    ([b"\xef\xbb", b"\xbfdata: b\n\n", b"data: c\n\n"], {}),  # the BOM
    ([b"\xef\xbb\xbf", b"data: b\n\n"], {}),
    ([b"data: a\n\n", b"data: \xf0\x9f\x98\n\n", b"data: c\n\n"], {}),  # bad UTF-8
    ([b"data: a\n\n", b"data: b\r\n\r\n", b"data: c\n\n"], {}),
    ([b"data: a\n\n", b"data: b\ndata: c\n\n", b"data: d\n\n"], {}),
    ([b"data: a\n\n", b"data: " + b"x" * 50 + b"\n\n"], {"max_line_size": 20}),  # limits
    ([b"data: a\n\n", b"data: " + b"x" * 50 + b"\n\n"], {"max_event_size": 20}),
    ([b"data: a\n\n", b"data: " + b"x" * 14 + b"\n\n"], {"max_line_size": 20}),
    ([b"data: a\n\n", b"data: " + b"x" * 15 + b"\n\n"], {"max_line_size": 20}),
]


@pytest.mark.parametrize("chunks, limits", AROUND_WHOLE_EVENTS)
def test_reads_around_whole_event_reads(chunks: List[bytes], limits: Dict[str, int]) -> None:
    data = b"".join(chunks)
    expected = run([data], **limits)
    assert run(chunks, **limits) == expected
    check_iterators(data, chunks, limits, expected)

    async def drain(output: Any) -> Tuple[Any, List[Any]]:
        async def reads() -> Any:
            for chunk in chunks:
                yield chunk

        items: List[Any] = []
        try:
            async for batch in _sse.aread_batches(_sse.new_decoder(output, **limits), reads()):
                items.extend(batch)
        except orsse.OrsseError as exc:
            return (type(exc), items)
        return ("ok", items)

    outputs = (_sse.EVENTS, _sse.DATA, _sse.DATA_UNLESS_TYPED)
    assert [asyncio.run(drain(output)) for output in outputs] == run_iterators(chunks, **limits)
