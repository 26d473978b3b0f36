"""Every real stream in ``fixtures/`` (the seeds and the recorded OpenRouter streams)
rebuilds to its hand-checked expected result, whatever way its bytes are cut.

Expected files: ``NAME.expected.json`` beside each ``NAME.sse`` (``fixtures/README.md``).
"""

from __future__ import annotations

import json
import random
from typing import TYPE_CHECKING

import pytest

import orsse
from _fixtures import FIXTURES, expected_path, load_expected
from chunk_helpers import (
    acollect_sync,
    bytewise,
    collect_with,
    data_payloads,
    random_splits,
    strip_nulls,
)

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Dict, List, Tuple

SEED_STREAMS = sorted((FIXTURES / "seeds").glob("*.sse"))
RECORDED_STREAMS = sorted((FIXTURES / "recorded").rglob("*.sse"))
STREAMS = SEED_STREAMS + RECORDED_STREAMS

DETAIL_KEYS = ("type", "text", "summary", "data", "signature", "format", "index", "id")


def stream_id(sse: Path) -> str:
    return sse.relative_to(FIXTURES).as_posix()


stream_params = pytest.mark.parametrize("sse", STREAMS, ids=stream_id)


# -- the fixtures are all there -----------------------------------------------------------


def test_fixture_counts() -> None:
    assert len(SEED_STREAMS) == 4
    assert len(RECORDED_STREAMS) == 37


def test_every_stream_has_exactly_one_expected_file_and_back() -> None:
    used = [expected_path(sse) for sse in STREAMS]
    assert all(path.is_file() for path in used)
    assert len(set(used)) == len(used)
    on_disk = set((FIXTURES / "seeds").glob("*.expected.json")) | set(
        (FIXTURES / "recorded").rglob("*.expected.json")
    )
    assert set(used) == on_disk


# -- the rebuilt completion matches the expected file -------------------------------------


def _compare(completion: orsse.ChatCompletion, accumulator: orsse.Accumulator, expected: Dict[str, Any]) -> None:
    assert completion.id == expected["id"]
    assert completion.model == expected["model"]
    assert completion.provider == expected["provider"]
    assert completion.created == expected["created"]
    assert completion.system_fingerprint == expected.get("system_fingerprint")
    assert completion.object == "chat.completion"

    # The expected count includes the closing [DONE].
    assert accumulator.chunk_count + int(accumulator.done) == expected["data_events"]
    assert accumulator.done is expected["done"]

    assert len(completion.choices) == len(expected["choices"])
    for choice, want in zip(completion.choices, expected["choices"]):
        assert choice.index == want["index"]
        assert choice.finish_reason == want["finish_reason"]
        assert choice.native_finish_reason == want["native_finish_reason"]
        message, want_message = choice.message, want["message"]
        assert message.role == want_message["role"]
        assert message.content == want_message["content"]
        assert message.reasoning == want_message["reasoning"]

        details = message.reasoning_details
        want_details = want_message["reasoning_details"]
        assert len(details) == len(want_details)
        for detail, want_detail in zip(details, want_details):
            for key in DETAIL_KEYS:
                assert getattr(detail, key) == want_detail.get(key), (key, want_detail.get("type"))
            assert detail.extra == {k: v for k, v in want_detail.items() if k not in DETAIL_KEYS}

        calls = message.tool_calls
        want_calls = want_message["tool_calls"]
        assert [(c.id, c.type, c.function.name) for c in calls] == [
            (w["id"], w["type"], w["function"]["name"]) for w in want_calls
        ]
        for call, want_call in zip(calls, want_calls):
            assert call.function.arguments == want_call["function"]["arguments"]
            assert isinstance(json.loads(call.function.arguments), dict)


@stream_params
def test_collect_matches_expected(sse: Path) -> None:
    expected = load_expected(sse)
    completion, accumulator = collect_with([sse.read_bytes()])
    _compare(completion, accumulator, expected)
    # Usage is checked field by field here; whether explicit nulls survive is
    # test_usage_to_dict_is_the_reported_usage's business.
    assert completion.usage is not None
    assert strip_nulls(completion.usage.to_dict()) == strip_nulls(expected["usage"])


@stream_params
def test_usage_to_dict_is_the_reported_usage(sse: Path) -> None:
    """``usage.to_dict()`` gives back the usage object exactly as the stream reported it,
    including keys reported as ``null`` (``"upstream_inference_cost": null``)."""
    completion, _ = collect_with([sse.read_bytes()])
    assert completion.usage is not None
    assert completion.usage.to_dict() == load_expected(sse)["usage"]


@stream_params
def test_usage_is_the_last_reported_object_verbatim(sse: Path) -> None:
    """Read from the raw stream, independent of the expected files: usage is taken from
    the (single) chunk that carried it, never summed."""
    reported = [
        json.loads(p)["usage"]
        for p in data_payloads(sse.read_bytes())
        if p != "[DONE]" and json.loads(p).get("usage") is not None
    ]
    assert len(reported) == 1
    completion, _ = collect_with([sse.read_bytes()])
    assert completion.usage is not None
    assert strip_nulls(completion.usage.to_dict()) == strip_nulls(reported[0])


@stream_params
def test_async_collect_matches_expected(sse: Path) -> None:
    raw = sse.read_bytes()
    pieces = random_splits(raw, random.Random(stream_id(sse)), 257)
    accumulator = orsse.Accumulator()
    completion = acollect_sync(pieces, accumulator=accumulator)
    _compare(completion, accumulator, load_expected(sse))
    assert completion.to_dict() == orsse.collect([raw]).to_dict()


@stream_params
def test_iter_chunks_yields_every_data_event(sse: Path) -> None:
    raw = sse.read_bytes()
    payloads = [p for p in data_payloads(raw) if p != "[DONE]"]
    comments: List[str] = []
    chunks = list(orsse.iter_chunks([raw], on_comment=comments.append))
    assert [c.to_dict() for c in chunks] == [json.loads(p) for p in payloads]
    assert comments == ["OPENROUTER PROCESSING"] * raw.count(b": OPENROUTER PROCESSING")


# -- any split of the bytes gives the same result -----------------------------------------


@stream_params
def test_result_independent_of_splits(sse: Path) -> None:
    raw = sse.read_bytes()
    reference = orsse.collect([raw]).to_dict()
    rng = random.Random("splits:" + stream_id(sse))
    for max_size in (5, 23, 180, 4096):
        pieces = random_splits(raw, rng, max_size)
        assert b"".join(pieces) == raw
        assert orsse.collect(pieces).to_dict() == reference, max_size
    # Cut right after each byte of "\n\n" and inside every line: the list form.
    assert orsse.collect(iter(raw.splitlines(keepends=True))).to_dict() == reference


SMALL = [sse for sse in STREAMS if sse.stat().st_size <= 12_000]


@pytest.mark.parametrize("sse", SMALL, ids=stream_id)
def test_result_one_byte_at_a_time(sse: Path) -> None:
    raw = sse.read_bytes()
    assert orsse.collect(bytewise(raw)).to_dict() == orsse.collect([raw]).to_dict()


def test_some_streams_are_fed_bytewise() -> None:
    assert len(SMALL) >= 10


# -- the rebuilt completion has the non-streaming shape ----------------------------------


TOP_KEYS = {"id", "object", "created", "model", "provider", "choices", "usage"}
CHOICE_KEYS = ["index", "message", "finish_reason", "native_finish_reason", "logprobs"]


@stream_params
def test_to_dict_has_the_non_streaming_shape(sse: Path) -> None:
    expected = load_expected(sse)
    out = orsse.collect([sse.read_bytes()]).to_dict()

    optional = {"system_fingerprint", "service_tier"}
    assert TOP_KEYS <= set(out) <= TOP_KEYS | optional
    assert out["id"] == expected["id"]
    assert out["object"] == "chat.completion"
    assert out["created"] == expected["created"]
    assert out["model"] == expected["model"]
    assert out["provider"] == expected["provider"]
    assert isinstance(out["choices"], list) and out["choices"]
    assert isinstance(out["usage"], dict)

    for choice, want in zip(out["choices"], expected["choices"]):
        assert sorted(choice) == sorted(CHOICE_KEYS)
        assert choice["index"] == want["index"]
        assert choice["finish_reason"] == want["finish_reason"]
        assert choice["native_finish_reason"] == want["native_finish_reason"]
        assert choice["logprobs"] is None

        message = choice["message"]
        want_message = want["message"]
        keys = ["role", "content", "refusal", "reasoning"]
        if want_message["reasoning_details"]:
            keys.append("reasoning_details")
        if want_message["tool_calls"]:
            keys.append("tool_calls")
        assert sorted(message) == sorted(keys)
        assert message["role"] == "assistant"
        assert message["content"] == want_message["content"]
        assert message["refusal"] is None
        assert message["reasoning"] == want_message["reasoning"]

        for call, want_call in zip(message.get("tool_calls", []), want_message["tool_calls"]):
            assert sorted(call) == ["function", "id", "type"]
            assert call["id"] == want_call["id"]
            assert call["type"] == "function"
            assert sorted(call["function"]) == ["arguments", "name"]
            assert call["function"]["name"] == want_call["function"]["name"]
            assert isinstance(call["function"]["arguments"], str)
            assert call["function"]["arguments"] == want_call["function"]["arguments"]

        for detail, want_detail in zip(message.get("reasoning_details", []), want_message["reasoning_details"]):
            assert detail == {k: v for k, v in want_detail.items() if v is not None}

    assert json.loads(json.dumps(out)) == out


@stream_params
def test_reasoning_details_can_be_sent_back(sse: Path) -> None:
    """What goes back to the provider next turn: the details as dicts, each encrypted
    blob byte for byte as it arrived, each signature present."""
    raw = sse.read_bytes()
    completion = orsse.collect([raw])
    sent: List[Dict[str, Any]] = []
    for payload in data_payloads(raw):
        if payload == "[DONE]":
            continue
        for choice in json.loads(payload)["choices"]:
            sent.extend(choice["delta"].get("reasoning_details") or [])
    got = [d.to_dict() for d in completion.message.reasoning_details]
    blobs_in = [d["data"] for d in sent if d.get("type") == "reasoning.encrypted"]
    blobs_out = [d["data"] for d in got if d.get("type") == "reasoning.encrypted"]
    assert blobs_out == blobs_in
    signatures_in = [d["signature"] for d in sent if d.get("signature")]
    signatures_out = [d["signature"] for d in got if d.get("signature")]
    assert signatures_out == signatures_in
    text_in = "".join(d.get("text") or "" for d in sent)
    assert "".join(d.get("text") or "" for d in got) == text_in
    summary_in = "".join(d.get("summary") or "" for d in sent)
    assert "".join(d.get("summary") or "" for d in got) == summary_in


# -- other OpenAI-compatible servers (fixtures/recorded-compat/) ------------------------------
#
# OpenAI, Azure OpenAI, z.ai GLM, xAI, Groq, Hugging Face, llama.cpp, avian and Vercel's
# gateway. Their expected files hold more than the OpenRouter ones: the provider extras
# (by the rule of docs/streams.md), each choice's own extras, the reasoning's name.

COMPAT_STREAMS = sorted((FIXTURES / "recorded-compat").rglob("*.sse"))
compat_params = pytest.mark.parametrize("sse", COMPAT_STREAMS, ids=stream_id)


def test_compat_fixture_counts() -> None:
    assert len(COMPAT_STREAMS) == 98
    used = [expected_path(sse) for sse in COMPAT_STREAMS]
    assert all(path.is_file() for path in used)
    assert set(used) == set((FIXTURES / "recorded-compat").rglob("*.expected.json"))
    servers = {sse.parent.name for sse in COMPAT_STREAMS}
    for name in ("azure", "openai", "zai-glm", "xai", "groq", "huggingface", "llama-cpp", "avian"):
        assert any(name in server for server in servers), name
    assert any("Vercel" in sse.parts[-3] for sse in COMPAT_STREAMS)


def _compare_compat(completion: orsse.ChatCompletion, accumulator: orsse.Accumulator, expected: Dict[str, Any]) -> None:
    _compare(completion, accumulator, expected)
    assert completion.service_tier == expected["service_tier"]
    assert completion.extra == expected["extra"]
    assert "obfuscation" not in completion.to_dict()
    for choice, want in zip(completion.choices, expected["choices"]):
        assert choice.extra == want["extra"]
        message, want_message = choice.message, want["message"]
        assert message.refusal == want_message["refusal"]
        assert message.reasoning_name == want_message["reasoning_name"]
        assert message.extra == want_message["extra"]
    if expected["usage"] is None:
        assert completion.usage is None
    else:
        assert completion.usage is not None
        assert completion.usage.to_dict() == expected["usage"]


@compat_params
def test_compat_stream_matches_expected(sse: Path) -> None:
    completion, accumulator = collect_with([sse.read_bytes()])
    _compare_compat(completion, accumulator, load_expected(sse))


@compat_params
def test_compat_stream_under_any_split(sse: Path) -> None:
    raw = sse.read_bytes()
    reference = orsse.collect([raw]).to_dict()
    rng = random.Random("compat:" + stream_id(sse))
    for max_size in (3, 64, 2000):
        assert orsse.collect(random_splits(raw, rng, max_size)).to_dict() == reference, max_size
    pieces = random_splits(raw, rng, 300)
    accumulator = orsse.Accumulator()
    completion = acollect_sync(pieces, accumulator=accumulator)
    _compare_compat(completion, accumulator, load_expected(sse))


COMPAT_SMALL = [sse for sse in COMPAT_STREAMS if sse.stat().st_size <= 6_000]


@pytest.mark.parametrize("sse", COMPAT_SMALL, ids=stream_id)
def test_compat_stream_one_byte_at_a_time(sse: Path) -> None:
    raw = sse.read_bytes()
    assert orsse.collect(bytewise(raw)).to_dict() == orsse.collect([raw]).to_dict()


def test_some_compat_streams_are_fed_bytewise() -> None:
    assert len(COMPAT_SMALL) >= 20


@compat_params
def test_compat_chunks_round_trip_exactly(sse: Path) -> None:
    """``to_dict()`` of every chunk is the JSON object it came from: the same keys in the
    same order, explicit nulls and unknown keys included."""
    raw = sse.read_bytes()
    payloads = [p for p in data_payloads(raw) if p != "[DONE]"]
    chunks = list(orsse.iter_chunks([raw]))
    assert len(chunks) == len(payloads)
    for chunk, payload in zip(chunks, payloads):
        sent = json.loads(payload)
        assert chunk.to_dict() == sent
        assert json.dumps(chunk.to_dict()) == json.dumps(sent)


NON_STREAMING_TOP = ["id", "object", "created", "model", "provider", "system_fingerprint", "service_tier", "choices", "usage"]


@pytest.mark.parametrize("sse", STREAMS + COMPAT_STREAMS, ids=stream_id)
def test_completion_has_every_key_of_a_non_streaming_response(sse: Path) -> None:
    """The keys openai's ``ChatCompletion`` and OpenRouter's ``ChatResult`` read, null
    where the stream said nothing (``system_fingerprint`` is required by the latter)."""
    completion = orsse.collect([sse.read_bytes()])
    out = completion.to_dict()
    assert list(out)[: len(NON_STREAMING_TOP)] == NON_STREAMING_TOP
    assert out["object"] == "chat.completion"
    assert isinstance(out["id"], str) and out["id"]
    assert isinstance(out["created"], int) and out["created"] > 0
    assert isinstance(out["model"], str) and out["model"]
    for choice in out["choices"]:
        assert list(choice)[:5] == ["index", "message", "finish_reason", "native_finish_reason", "logprobs"]
        assert choice["finish_reason"] in ("stop", "tool_calls", "length", "content_filter")
        message = choice["message"]
        assert message["role"] == "assistant"
        assert {"content", "refusal"} <= set(message)
        assert ("reasoning" in message) != ("reasoning_content" in message)
        for call in message.get("tool_calls", []):
            assert call["type"] == "function" and isinstance(call["id"], str)
            assert isinstance(call["function"]["name"], str)
            assert isinstance(call["function"]["arguments"], str)
    usage = out["usage"]
    if usage is not None:
        for key in ("prompt_tokens", "completion_tokens", "total_tokens"):
            assert isinstance(usage[key], int)
    assert json.loads(json.dumps(out)) == out
