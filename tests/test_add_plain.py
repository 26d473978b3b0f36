"""``Accumulator.add_plain``: the shortcut ``collect()`` takes for plain chunks must leave
the accumulator exactly as ``add(ChatCompletionChunk.from_dict(d))`` would, and must refuse
(changing nothing) every chunk it does not merge, malformed ones included, so that the
typed path raises the error that names the key."""

from __future__ import annotations

import copy
import json
import random
from typing import TYPE_CHECKING

import pytest

import orsse
from orsse._wire import ChatCompletionChunk

from _fixtures import sse_files
from chunk_helpers import data_payloads

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
