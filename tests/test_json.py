"""``iter_json``/``aiter_json``, and the direct use of json's C scanner behind them and
behind ``iter_chunks``: whatever the payload, the value or the error must be exactly what
``json.loads`` makes of it."""

from __future__ import annotations

import asyncio
import json
import json.scanner
import math
import random
from typing import TYPE_CHECKING

import pytest

import orsse
from chunk_helpers import agen, chunk, data_payloads, sse_body
from _fixtures import one_byte_at_a_time, random_reads, real_streams
from orsse._json import _json_object_slowly, json_object, scan

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Dict, List, Optional, Tuple


def scanned(text: str) -> Tuple[str, Any]:
    """What orsse makes of *text* (the scanner first): ("value", v) or ("error", reason)."""
    try:
        return ("value", json_object(text, 1))
    except orsse.ChunkDecodeError as exc:
        return ("error", exc.reason)


def reference(text: str) -> Tuple[str, Any]:
    """json.loads alone (the slow path), its refusal put into the same words."""
    try:
        return ("value", _json_object_slowly(text, 1))
    except orsse.ChunkDecodeError as exc:
        return ("error", exc.reason)


def same(a: Tuple[str, Any], b: Tuple[str, Any]) -> bool:
    """Equal, counting NaN equal to NaN (json.loads accepts it)."""
    return a == b or json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


TRICKY = [
    '{"a": 1}',
    ' {"a": 1}',  # leading whitespace: the scanner refuses, json.loads accepts
    '{"a": 1} ',
    '{"a": 1}\t\r',
    '\ufeff{"a": 1}',  # a BOM: json.loads refuses with its own message
    '{"a": 1}{"b": 2}',  # extra data
    '{"a": 1} x',
    '{"a": NaN, "b": Infinity, "c": -Infinity}',
    '{"big": ' + "9" * 5000 + "}",  # over the int digit limit on recent CPythons
    '{"deep": ' + "[" * 100000 + "]" * 100000 + "}",
    '{"a": "\\ud800"}',  # a lone surrogate escape: accepted
    '{"a": "\x01"}',  # a raw control character: refused (strict)
    '{"a": "tab\there"}',
    "[DONE]",
    "[1, 2]",
    "1",
    '"text"',
    "null",
    "",
    " ",
    "{",
    '{"a":',
    '{"é": "ü", "😊": ["日本"]}',
    '{"a": 1, "a": 2}',  # duplicate keys: the last wins
    '{"a": 1.5e300, "b": -0.0, "c": 1e400}',
]


@pytest.mark.parametrize("text", TRICKY, ids=range(len(TRICKY)))
def test_fast_path_agrees_with_json_loads(text: str) -> None:
    assert same(scanned(text), reference(text))
    try:
        expected = json.loads(text)
    except (ValueError, RecursionError):
        return
    if type(expected) is dict:
        assert same(scanned(text), ("value", expected))


def test_the_scanner_is_used_where_it_exists() -> None:
    # On CPython the shortcut must really be taken (a plain json.loads would also pass
    # the tests above, only slower); PyPy has no C scanner and uses json.loads.
    if json.scanner.c_make_scanner is not None:  # type: ignore[attr-defined]
        assert type(scan).__name__ == "Scanner"
        assert scan('{"a": 1} tail', 0) == ({"a": 1}, 8)


def test_fast_path_agrees_with_json_loads_on_random_texts() -> None:
    rng = random.Random(20261122)
    alphabet = ['{', '}', '[', ']', '"', ':', ',', ' ', '\n', '1', '-', '.', 'e', 'a', 'n', 'u', 'l',
                't', 'r', 'N', 'I', '\\', 'é', '😊', '\ufeff', '\x00']
    seeds = ['{"a": [1, {"b": null}], "c": "d"}', '{"x": -1.5e3, "y": true, "z": "é\\n"}']
    for _ in range(4000):
        if rng.random() < 0.5:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        else:
            base = list(rng.choice(seeds))
            for _ in range(rng.randint(1, 3)):
                base[rng.randrange(len(base))] = rng.choice(alphabet)
            text = "".join(base)
        assert same(scanned(text), reference(text)), repr(text)


@pytest.mark.parametrize("path", real_streams(), ids=lambda p: p.relative_to(p.parents[2]).as_posix())
def test_iter_json_gives_json_loads_of_every_payload(path: Path) -> None:
    raw = path.read_bytes()
    payloads = data_payloads(raw)
    expected = [json.loads(p) for p in payloads[: payloads.index("[DONE]")]]
    assert list(orsse.iter_json([raw])) == expected
    rng = random.Random(len(raw))
    for _ in range(3):
        assert list(orsse.iter_json(random_reads(raw, rng, 300))) == expected
    assert asyncio.run(_alist(orsse.aiter_json(agen(random_reads(raw, rng, 300))))) == expected


def test_iter_json_byte_by_byte_with_comments_and_crlf() -> None:
    body = sse_body(chunk({"content": "Olá"}), chunk({"content": "!"}, finish_reason="stop"), comments=2)
    body = body.replace(b"\n", b"\r\n")
    got = list(orsse.iter_json(one_byte_at_a_time(body)))
    assert [c["choices"][0]["delta"]["content"] for c in got] == ["Olá", "!"]


async def _alist(values: Any) -> List[Any]:
    return [value async for value in values]


def test_done_ends_the_objects_and_nothing_after_it_is_read() -> None:
    reads = iter([sse_body({"a": 1}), b"data: {\"b\": 2}\n\n"])
    assert list(orsse.iter_json(reads)) == [{"a": 1}]
    assert next(reads) == b'data: {"b": 2}\n\n'  # left unread


@pytest.mark.parametrize("done", [None, "END", "{}"])
def test_other_done_markers(done: Optional[str]) -> None:
    body = b'data: {"a": 1}\n\ndata: {}\n\ndata: END\n\n'
    got = []
    try:
        for value in orsse.iter_json([body], done=done):
            got.append(value)
    except orsse.ChunkDecodeError as exc:
        assert done is None and exc.event_index == 3 and exc.payload == "END"
    expected: Dict[Optional[str], List[Any]] = {None: [{"a": 1}, {}], "END": [{"a": 1}, {}], "{}": [{"a": 1}]}
    assert got == expected[done]


@pytest.mark.parametrize("bad, reason", [
    ("{nope", "invalid JSON at character 1"),
    ("[1, 2]", "a JSON list, not an object"),
    (' {"padded": true} ', None),  # valid: json.loads allows the whitespace
])
def test_bad_payload_comes_after_the_objects_before_it(bad: str, reason: Optional[str]) -> None:
    body = sse_body({"a": 1}, {"b": 2}, bad, {"c": 3})
    for reads in ([body], one_byte_at_a_time(body)):
        got: List[Any] = []
        if reason is None:
            got = list(orsse.iter_json(reads))
            assert got == [{"a": 1}, {"b": 2}, {"padded": True}, {"c": 3}]
            continue
        with pytest.raises(orsse.ChunkDecodeError) as info:
            for value in orsse.iter_json(reads):
                got.append(value)
        assert got == [{"a": 1}, {"b": 2}]
        assert info.value.event_index == 3 and info.value.payload == bad
        assert info.value.reason.startswith(reason)


def test_aiter_json_error_names_the_event() -> None:
    body = sse_body({"a": 1}, "{nope")

    async def run() -> List[Any]:
        got = []
        async for value in orsse.aiter_json(agen([body])):
            got.append(value)
        return got

    with pytest.raises(orsse.ChunkDecodeError) as info:
        asyncio.run(run())
    assert info.value.event_index == 2


def test_nan_is_kept_as_json_loads_keeps_it() -> None:
    (value,) = orsse.iter_json([b'data: {"x": NaN}\n\n'], done=None)
    assert math.isnan(value["x"])


def test_limits_apply() -> None:
    body = b'data: {"a": "' + b"x" * 100 + b'"}\n\n'
    with pytest.raises(orsse.SSELimitError):
        list(orsse.iter_json([body], max_line_size=50))


# -- the chunk layer's use of the same fast path, and of typed events ------------------------


def test_typed_events_reach_the_chunk_layer_whole_under_any_split() -> None:
    ok = json.dumps(chunk({"content": "a"})).encode()
    end = json.dumps(chunk({"content": "b"}, finish_reason="stop")).encode()
    body = (
        b"event: message\ndata: " + ok + b"\n\n"
        b"event: progress\ndata: " + ok + b"\n\n"  # another type: still a chunk
        b"data: " + end + b"\n\n"
        b'event: error\ndata: {"error": {"code": 502, "message": "gone"}}\n\n'
    )
    for reads in ([body], one_byte_at_a_time(body), random_reads(body, random.Random(7), 40)):
        got: List[str] = []
        with pytest.raises(orsse.StreamError) as info:
            for c in orsse.iter_chunks(reads):
                got.append(c.choices[0].delta.content or "")
        assert got == ["a", "a", "b"]
        assert info.value.code == 502
        assert info.value.partial is not None and info.value.partial.content == "aab"


def test_padded_chunk_payload_is_accepted_like_json_loads() -> None:
    text = " " + json.dumps(chunk({"content": "x"}, finish_reason="stop")) + " "
    assert orsse.collect([sse_body(text)]).content == "x"


def test_chunk_payload_that_is_not_an_object() -> None:
    for reads in ([sse_body("[1]")], one_byte_at_a_time(sse_body("[1]"))):
        with pytest.raises(orsse.ChunkDecodeError, match="a JSON list, not an object"):
            orsse.collect(reads)


def test_chunks_before_a_bad_payload_in_the_same_read_come_first() -> None:
    body = sse_body(chunk({"content": "a"}), chunk({"content": "b"}), "{broken")
    got: List[str] = []
    with pytest.raises(orsse.ChunkDecodeError) as info:
        for c in orsse.iter_chunks([body]):
            got.append(c.choices[0].delta.content or "")
    assert got == ["a", "b"]
    assert info.value.event_index == 3
    assert info.value.partial is not None and info.value.partial.content == "ab"

