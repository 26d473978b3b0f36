"""``Accumulator.add_plain``: the shortcut ``collect()`` takes for plain chunks must leave
the accumulator exactly as ``add(ChatCompletionChunk.from_dict(d))`` would, and must refuse
(changing nothing) every chunk it does not merge, malformed ones included, so that the
typed path raises the error that names the key."""

from __future__ import annotations

import asyncio
import copy
import json
import random
import re
from typing import TYPE_CHECKING

import pytest

import orsse
from orsse._updates import UpdateTracker
from orsse._wire import ChatCompletionChunk

from _fixtures import sse_files
from chunk_helpers import agen, bytewise, data_payloads, random_splits

if TYPE_CHECKING:
    from typing import Any, Dict, List, Tuple

# For each key: values of the plain shape, and values that are wrong, odd or not plain
# (taken now and then, so that both kinds of chunk are common).
_A = object()  # the key left out
_TEXT = (["", "hi", "é🙂", None, _A, _A, "x"], [3, [], {}, True])
_DETAILS = (
    [[], None, _A, _A, _A, [{"type": "reasoning.text", "text": "think", "format": "x", "index": 0}],
     [{"type": "reasoning.encrypted", "data": "QUJD"}, {"type": "reasoning.summary", "summary": "s"}]],
    ["", {}, [{"type": "reasoning.text", "text": 5}], ["not an object"]],
)  # fmt: skip
_CALLS = (
    [[], None, _A, _A, _A,
     [{"index": 0, "id": "c1", "type": "function", "function": {"name": "f", "arguments": ""}}],
     [{"index": 0, "function": {"arguments": "{\"a"}}], [{"function": {"arguments": "1}"}}],
     [{"index": 1, "id": "c2", "function": {"arguments": {"as": "json"}}}]],
    [{}, 0, [{"index": "0"}], [{"index": 0, "function": []}]],
)  # fmt: skip


def _pick(rng: random.Random, into: Dict[str, Any], key: str, values: Tuple[List[Any], List[Any]]) -> None:
    plain, odd = values
    value = rng.choice(odd if rng.random() < 0.04 else plain)
    if value is not _A:
        into[key] = copy.deepcopy(value)


def _random_chunk(rng: random.Random) -> Any:
    delta: Dict[str, Any] = {}
    for key in ("role", "content", "refusal", "reasoning", "reasoning_content"):
        _pick(rng, delta, key, _TEXT)
    _pick(rng, delta, "reasoning_details", _DETAILS)
    _pick(rng, delta, "tool_calls", _CALLS)
    if rng.random() < 0.04:
        delta[rng.choice(("annotations", "images", "audio", "new_key"))] = rng.choice((None, [], {}, "v"))
    choice: Dict[str, Any] = {}
    _pick(rng, choice, "index", ([0, 0, 1, None, _A], ["0", True, 2.0]))
    _pick(rng, choice, "delta", ([delta, delta, delta, None, _A], [[], "text"]))
    _pick(rng, choice, "finish_reason", ([None, None, _A, _A, _A], ["stop"]))
    _pick(rng, choice, "native_finish_reason", ([None, _A, _A], ["end_turn", 7]))
    _pick(rng, choice, "logprobs", ([None, _A, _A], [{"content": []}]))
    if rng.random() < 0.04:
        choice["extra_key"] = 1
    chunk: Dict[str, Any] = {}
    _pick(rng, chunk, "id", (["gen-1", "", None, _A], [5]))
    _pick(rng, chunk, "object", (["chat.completion.chunk", _A], [None]))
    _pick(rng, chunk, "created", ([1, 0, None, _A], ["late"]))
    _pick(rng, chunk, "model", (["m/a", "", None, _A], [["m"]]))
    _pick(rng, chunk, "provider", (["P", _A], [{"x": 1}]))
    _pick(rng, chunk, "system_fingerprint", (["fp", _A], [0]))
    _pick(rng, chunk, "service_tier", (["default", _A], [1]))
    _pick(rng, chunk, "usage", ([None, _A, _A], [{"total_tokens": 3}]))
    _pick(rng, chunk, "error", ([None, _A, _A], ["boom", {"message": "m"}]))
    _pick(rng, chunk, "choices", ([[choice]], [[], [choice, copy.deepcopy(choice)], None, "x", [None]]))
    if rng.random() < 0.04:
        chunk["provider_extra"] = {"k": 1}
    if rng.random() < 0.02:
        return rng.choice(([], "a chunk", None, 3))
    return chunk


def _state(accumulator: orsse.Accumulator) -> Tuple[Any, ...]:
    result = accumulator.result()
    return (
        json.dumps(result.to_dict(), sort_keys=True, default=repr),
        accumulator.chunk_count,
        accumulator.text_size,
        accumulator.finished,
        accumulator.done,
        accumulator.error,
    )


def _typed(accumulator: orsse.Accumulator, payload: Any) -> bool:
    """``add(from_dict(payload))``, as iter_chunks does it; whether it took the chunk."""
    try:
        chunk = ChatCompletionChunk.from_dict(payload)
    except (TypeError, AttributeError, ValueError, RecursionError):
        return False
    accumulator.add(chunk)
    return True


@pytest.mark.parametrize("seed", range(8))
def test_add_plain_merges_as_the_typed_path_does_or_changes_nothing(seed: int) -> None:
    rng = random.Random(seed)
    plain, typed = orsse.Accumulator(), orsse.Accumulator()
    merged = refused = 0
    for _ in range(400):
        payload = _random_chunk(rng)
        before = _state(plain)
        took = plain.add_plain(copy.deepcopy(payload)) if isinstance(payload, dict) else False
        if took:
            merged += 1
            assert _typed(typed, payload), f"add_plain took a chunk from_dict refuses: {payload!r}"
        else:
            refused += 1
            assert _state(plain) == before, f"add_plain refused {payload!r} but changed the accumulator"
            # What collect() then does: the typed path, on both.
            if _typed(plain, payload):
                assert _typed(typed, payload)
            else:
                assert not _typed(typed, payload)
        assert _state(plain) == _state(typed), payload
    # The generator must exercise both sides, or this test proves nothing.
    assert merged > 50 and refused > 50


def test_add_plain_refuses_when_an_observer_listens() -> None:
    accumulator = orsse.Accumulator()
    seen: List[Any] = []
    accumulator.observer = lambda chunk, merged: seen.append(chunk)
    payload = {"choices": [{"index": 0, "delta": {"content": "hi"}}]}
    assert accumulator.add_plain(payload) is False
    assert accumulator.chunk_count == 0 and not seen


def test_add_plain_tells_a_parts_observer_what_it_merged() -> None:
    accumulator = orsse.Accumulator()
    typed: List[Any] = []
    told: List[Any] = []
    accumulator.observer = lambda chunk, merged: typed.append(chunk)
    accumulator.parts_observer = lambda *parts: told.append(parts)
    text = {"id": "g", "choices": [{"index": 1, "delta": {"role": "assistant", "content": "hi"}}]}
    assert accumulator.add_plain(text) is True
    assert told == [(1, "hi", None, None, None, None, None, ())] and not typed
    calls = [{"index": 3, "id": "c", "function": {"name": "f", "arguments": "{"}}, {"function": {"arguments": "}"}}]
    assert accumulator.add_plain({"choices": [{"delta": {"reasoning": "think", "tool_calls": calls}}]})
    index, content, refusal, reasoning, reasoning_content, details, fragments, indexes = told[1]
    assert (index, content, refusal, reasoning, reasoning_content, details) == (0, None, None, "think", None, None)
    assert [f.function.arguments for f in fragments] == ["{", "}"] and list(indexes) == [3, 3]
    # Not plain: refused, for the observer to be given the typed chunk.
    before = _state(accumulator)
    assert accumulator.add_plain({"choices": [{"delta": {}, "finish_reason": "stop"}]}) is False
    assert _state(accumulator) == before and len(told) == 2 and not typed
    assert accumulator.result().choices[1].message.content == "hi"


# Deltas of the plain shape as servers send them (the random ones rarely are).
_DELTAS = [
    {"role": "assistant", "content": "Hi"},
    {"role": "assistant", "content": ""},
    {"content": "no role"},
    {"role": "assistant", "content": "", "reasoning": "think", "reasoning_details": [
        {"type": "reasoning.text", "text": "think", "format": "anthropic-claude-v1", "index": 0}]},
    {"reasoning_details": [{"type": "reasoning.text", "text": "only details"}]},
    {"reasoning_details": [{"type": "reasoning.summary", "summary": "in short"}]},
    {"reasoning_content": "glm thinking"},
    {"refusal": "no"},
    {"role": "assistant", "content": None, "tool_calls": [
        {"index": 0, "id": "call_1", "type": "function", "function": {"name": "get", "arguments": ""}}]},
    {"tool_calls": [{"index": 0, "function": {"arguments": "{\"city\": "}}]},
    {"tool_calls": [{"index": 0, "function": {"arguments": "\"Paris\"}"}}]},
    {"tool_calls": [{"index": 1, "id": "call_2", "function": {"name": "put", "arguments": "{}"}}]},
    {"tool_calls": [{"function": {"arguments": " "}}]},
]  # fmt: skip


def _typed_updates(pieces: List[bytes]) -> Tuple[List[Any], Any]:
    """The updates as the tracker makes them from typed chunks (what a client stream's
    updates() runs), and how the stream ended."""
    accumulator = orsse.Accumulator()
    tracker = UpdateTracker(accumulator)
    return _drain(tracker.follow(orsse.iter_chunks(pieces, accumulator=accumulator, on_comment=tracker.comment)))


def _drain(updates: Any) -> Tuple[List[Any], Any]:
    got: List[Any] = []
    try:
        for update in updates:
            # By repr: a ToolCallDone's error is an exception, equal only to itself.
            got.append(repr(update))
    except orsse.OrsseError as exc:
        partial = None if exc.partial is None else exc.partial.to_dict()
        return got, (type(exc).__name__, str(exc), partial)
    return got, None


def _cuts(raw: bytes, rng: random.Random) -> List[List[bytes]]:
    # Whole, a byte at a time, at random, and one event per read (as a live stream).
    events = re.findall(rb".*?(?:\r\n\r\n|\n\n|\r\r)|.+", raw, re.S)
    assert b"".join(events) == raw
    return [[raw], bytewise(raw), random_splits(raw, rng, 64), events]


@pytest.mark.parametrize("seed", range(40))
def test_iter_updates_shortcut_gives_the_typed_paths_updates_and_errors(seed: int) -> None:
    """iter_updates merges plain chunks from their dicts; what it hands out, errors
    included, must be what the tracker makes of the typed chunks."""
    rng = random.Random(1000 + seed)
    events = [
        _random_chunk(rng) if rng.random() < 0.5 else {"id": "g", "choices": [{"index": 0, "delta": rng.choice(_DELTAS)}]}
        for _ in range(rng.randrange(1, 40))
    ]
    raw = b"".join(
        b": keep-alive\n\n" * (rng.random() < 0.1) + b"data: " + json.dumps(event).encode() + b"\n\n"
        for event in events
    ) + (b"data: [DONE]\n\n" if rng.random() < 0.8 else b"")
    for pieces in _cuts(raw, rng):
        assert _drain(orsse.iter_updates(pieces)) == _typed_updates(pieces)


def test_iter_updates_shortcut_on_every_recorded_stream() -> None:
    rng = random.Random(7)
    streams = [*sse_files("recorded"), *sse_files("recorded-compat")]
    assert len(streams) > 100
    for sse in streams:
        raw = sse.read_bytes()
        for pieces in _cuts(raw, rng):
            assert _drain(orsse.iter_updates(pieces)) == _typed_updates(pieces), sse.name


def test_add_plain_keeps_the_limits() -> None:
    accumulator = orsse.Accumulator(max_text=4)
    assert accumulator.add_plain({"choices": [{"delta": {"content": "abc"}}]})
    with pytest.raises(orsse.CompletionLimitError) as caught:
        accumulator.add_plain({"choices": [{"delta": {"content": "de"}}]})
    assert caught.value.partial is not None and caught.value.partial.content == "abcde"
    accumulator = orsse.Accumulator(max_choices=1)
    assert accumulator.add_plain({"choices": [{"index": 0, "delta": {}}]})
    with pytest.raises(orsse.CompletionLimitError, match="max_choices"):
        accumulator.add_plain({"choices": [{"index": 1, "delta": {}}]})


def _recorded_payloads() -> List[Dict[str, Any]]:
    payloads: List[Dict[str, Any]] = []
    for kind in ("recorded", "recorded-compat"):
        for sse in sse_files(kind):
            for data in data_payloads(sse.read_bytes()):
                try:
                    value = json.loads(data)
                except ValueError:
                    continue
                if isinstance(value, dict):
                    payloads.append(value)
    return payloads


def test_every_recorded_chunk_merges_the_same_either_way() -> None:
    payloads = _recorded_payloads()
    assert len(payloads) > 1000
    plain, typed = orsse.Accumulator(), orsse.Accumulator()
    taken = 0
    for payload in payloads:
        if plain.add_plain(payload):
            taken += 1
        else:
            _typed(plain, payload)
        _typed(typed, payload)
    assert _state(plain) == _state(typed)
    # Nearly every real chunk is plain: the shortcut is what collect() really runs.
    assert taken > 0.8 * len(payloads)


def _ending(run: Any) -> Tuple[Any, ...]:
    """What a whole read of the stream ends with: the completion, or the error (its class,
    its event index where it has one, and its partial completion)."""
    try:
        completion = run()
    except orsse.OrsseError as error:
        partial = None if error.partial is None else json.dumps(error.partial.to_dict(), sort_keys=True, default=repr)
        return type(error).__name__, getattr(error, "event_index", None), partial
    return "ok", json.dumps(completion.to_dict(), sort_keys=True, default=repr)


def _typed_collect(pieces: List[bytes]) -> orsse.ChatCompletion:
    # iter_chunks keeps its chunks, so it never merges from the dicts: the reference.
    accumulator = orsse.Accumulator()
    for _ in orsse.iter_chunks(pieces, accumulator=accumulator):
        pass
    return accumulator.result()


@pytest.mark.parametrize("seed", range(40))
def test_collect_merging_from_the_dicts_ends_as_the_typed_path_does(seed: int) -> None:
    """collect() and acollect() merge plain chunks from their dicts (one read per event
    straight to the accumulator): completion, error, event index and partial must be
    what the typed chunks give, whatever the cut, with bad JSON and errors mixed in."""
    rng = random.Random(2000 + seed)
    events = []
    for _ in range(rng.randrange(1, 40)):
        roll = rng.random()
        if roll < 0.03:
            events.append(b'{"choices": [{"delta": {"content": "cut')  # bad JSON
        elif roll < 0.05:
            events.append(b'{"error": {"code": 502, "message": "upstream"}}')
        else:
            chunk = _random_chunk(rng) if rng.random() < 0.5 else {"id": "g", "choices": [{"index": 0, "delta": rng.choice(_DELTAS)}]}
            events.append(json.dumps(chunk).encode())
    raw = b"".join(b": keep-alive\n\n" * (rng.random() < 0.1) + b"data: " + event + b"\n\n" for event in events)
    raw += b"data: [DONE]\n\n" if rng.random() < 0.8 else b""
    for pieces in _cuts(raw, rng):
        expected = _ending(lambda: _typed_collect(pieces))
        assert _ending(lambda: orsse.collect(pieces)) == expected
        assert _ending(lambda: asyncio.run(orsse.acollect(agen(pieces)))) == expected
