"""Every input ``benchmarks/bench.py`` measures parses to exactly what it was generated from.

So a broken parser cannot look fast: each generated stream, in every read size the
benchmark uses, must give the same number of events, each with the very data that was
written, and the same comments, through every orsse path the benchmark times. No timing
here. The generators are loaded from ``benchmarks/streams.py`` by file path.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import orsse
from orsse import _sse

if TYPE_CHECKING:
    from types import ModuleType
    from typing import Any, List, Union


def _load_streams() -> ModuleType:
    path = Path(__file__).resolve().parent.parent / "benchmarks" / "streams.py"
    spec = importlib.util.spec_from_file_location("orsse_bench_streams", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


streams = _load_streams()
# The quick inputs are the full ones with fewer chat events, and the image event is the
# same 4 MiB in both: checking the quick set at every read size covers every shape.
QUICK = {s.name: s for s in streams.benchmark_streams(quick=True)}
FULL = {s.name: s for s in streams.benchmark_streams(quick=False)}


def _events(pieces: List[bytes]) -> Any:
    comments: List[str] = []
    events = list(orsse.iter_events(pieces, on_comment=comments.append))
    return events, comments


def _fed(pieces: List[bytes]) -> Any:
    comments: List[str] = []
    decoder = orsse.SSEDecoder(on_comment=comments.append)
    events = [event for piece in pieces for event in decoder.feed(piece)]
    events += decoder.close()
    return events, comments


def test_inputs_are_what_the_benchmark_says() -> None:
    assert list(QUICK) == list(FULL) == ["chat", "tools", "chat-crlf", "image"]
    assert streams.READ_SIZES == (1, 7, 64, 1024, 16384, 65536)
    for stream in FULL.values():
        assert stream.data[-1] == "[DONE]"
        assert stream.payloads == stream.data[:-1]
        for payload in stream.payloads:
            assert isinstance(json.loads(payload), dict)
    chat = FULL["chat"]
    assert len(chat.data) > 1000 and chat.comments
    assert any(ord(c) > 0xFFFF for c in "".join(chat.data))  # astral characters too
    assert b"\r\n" in FULL["chat-crlf"].raw and b"\r\n" not in chat.raw
    assert '"tool_calls"' in FULL["tools"].payloads[-3]
    big = max(FULL["image"].data, key=len)
    assert len(big) >= 4 * 1024 * 1024 - 16 and "base64," in big


def test_event_reads_are_one_block_each() -> None:
    for stream in QUICK.values():
        reads = streams.event_reads(stream.raw)
        assert b"".join(reads) == stream.raw
        assert len(reads) == len(stream.data) + len(stream.comments)
        end = b"\r\n\r\n" if b"\r\n" in stream.raw else b"\n\n"
        assert all(read.endswith(end) and read.count(end) == 1 for read in reads)


def test_generators_are_seeded() -> None:
    again = {s.name: s for s in streams.benchmark_streams(quick=True)}
    for name, stream in QUICK.items():
        assert again[name].raw == stream.raw


# Four million one-byte reads would take seconds: the 4 MiB event is checked in 64-byte
# reads and up, and a shortened one in 1- and 7-byte reads by the test after this one.
CASES = [
    (name, read)
    for name in QUICK
    for read in (*streams.READ_SIZES, streams.EVENT)
    if not (name == "image" and read in (1, 7))
]


@pytest.mark.parametrize("name, read", CASES)
def test_every_read_size_gives_the_generated_events(name: str, read: Union[int, str]) -> None:
    stream = QUICK[name]
    pieces = streams.reads_of(stream.raw, read)
    assert b"".join(pieces) == stream.raw
    events, comments = _events(pieces)
    assert len(events) == len(stream.data)
    assert [e.data for e in events] == stream.data
    assert all(e.event == "message" and e.id == "" and e.retry is None for e in events)
    assert comments == stream.comments
    assert list(_sse.iter_data(pieces)) == stream.data
    assert list(orsse.iter_json(pieces)) == [json.loads(p) for p in stream.payloads]
    fed, fed_comments = _fed(pieces)
    assert fed == events and fed_comments == comments


@pytest.mark.parametrize("read", [1, 7])
def test_long_event_in_tiny_reads(read: int) -> None:
    stream = streams.image_stream(size=256 * 1024)
    events, comments = _events(streams.cut(stream.raw, read))
    assert [e.data for e in events] == stream.data and comments == stream.comments


@pytest.mark.parametrize("name", list(FULL))
def test_full_inputs_in_the_benchmarks_read_sizes(name: str) -> None:
    stream = FULL[name]
    for read in (64, 1024, 16384, 65536):
        if name == "image" and read == 64:
            continue  # the same 4 MiB event as the quick set's, checked above
        events, comments = _events(streams.cut(stream.raw, read))
        assert [e.data for e in events] == stream.data, read
        assert comments == stream.comments, read


def test_chunk_pipelines_see_every_payload() -> None:
    # The (c) and (d) rows use orsse.iter_chunks and orsse.collect when they exist.
    iter_chunks = getattr(orsse, "iter_chunks", None)
    if iter_chunks is None:
        pytest.skip("orsse.iter_chunks is not there yet")
    for stream in QUICK.values():
        pieces = streams.cut(stream.raw, 1024)
        ids = [chunk.id for chunk in iter_chunks(pieces)]
        assert ids == [json.loads(p)["id"] for p in stream.payloads]


def test_one_4_mib_event_in_256_byte_reads() -> None:
    stream = QUICK["image"]
    events, _ = _events(streams.cut(stream.raw, 256))
    assert [e.data for e in events] == stream.data
