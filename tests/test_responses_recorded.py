"""Every recorded Responses API stream (``fixtures/recorded-responses/``) gives its typed
events and rebuilds to the response its own ``response.completed`` event carries, whatever
way its bytes are cut; cut short, it still gives every item rebuilt from the deltas.

Expected files: ``NAME.expected.json`` beside each ``NAME.sse`` (see ``fixtures/README.md``),
written from the raw bytes: the completed response, the partial a cut just before it must
give, and the output rebuilt from the ``.added`` and ``.delta`` events alone.
"""

from __future__ import annotations

import asyncio
import collections
import json
import random
from typing import TYPE_CHECKING

import pytest

import orsse
from _fixtures import FIXTURES, expected_path, fixture_id, load_expected, sse_files
from chunk_helpers import agen, bytewise, data_payloads, random_splits

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Dict, Iterable, List

STREAMS = sse_files("recorded-responses")
stream_params = pytest.mark.parametrize("sse", STREAMS, ids=fixture_id)


def blocks(raw: bytes) -> List[bytes]:
    """The event blocks of a recording (these have LF line ends and one-line data)."""
    return [block + b"\n\n" for block in raw.split(b"\n\n") if block.strip()]


def block_type(block: bytes) -> str:
    first = block.split(b"\n", 1)[0]
    assert first.startswith(b"event: ")
    return first[7:].decode()


def collect_error(pieces: Iterable[bytes]) -> orsse.OrsseError:
    with pytest.raises(orsse.OrsseError) as info:
        orsse.collect_response(pieces)
    return info.value


def test_fixture_counts_and_expected_files() -> None:
    assert len(STREAMS) == 38
    expected = [expected_path(sse) for sse in STREAMS]
    assert all(path.is_file() for path in expected)
    assert set(expected) == set((FIXTURES / "recorded-responses").rglob("*.expected.json"))


@stream_params
def test_whole_stream_rebuilds_the_completed_response_exactly(sse: Path) -> None:
    expected = load_expected(sse)
    response = orsse.collect_response([sse.read_bytes()])
    assert response.to_dict() == expected["response"]
    assert response.status == "completed"
    assert response.id == expected["response"]["id"]
    assert response.model == expected["response"]["model"]
    assert response.output_text == expected["output_text"]
    calls = [{"call_id": c.call_id, "name": c.name, "arguments": c.arguments} for c in response.function_calls]
    assert calls == expected["function_calls"]
    usage = response.usage
    assert usage is not None
    assert usage.to_dict() == expected["response"]["usage"]
    assert usage.total_tokens == expected["response"]["usage"]["total_tokens"]
    assert usage.reasoning_tokens == expected["response"]["usage"]["output_tokens_details"]["reasoning_tokens"]


@stream_params
def test_typed_events_one_per_sse_event_and_each_gives_back_its_payload(sse: Path) -> None:
    raw = sse.read_bytes()
    expected = load_expected(sse)
    events = list(orsse.iter_response_events([raw]))
    payloads = [json.loads(data) for data in data_payloads(raw)]
    assert len(events) == expected["event_count"] == len(payloads)
    assert dict(collections.Counter(event.type for event in events)) == expected["event_types"]
    assert [event.sequence_number for event in events] == list(range(len(events)))
    for event, payload in zip(events, payloads):
        assert event.type == payload["type"]
        assert not isinstance(event, orsse.UnknownResponseEvent), event.type
        # Unknown keys (OpenAI's "obfuscation" padding, say) are kept, nulls included.
        assert event.to_dict() == payload
    deltas = [event for event in events if isinstance(event, orsse.TextDeltaEvent)]
    assert all(type(event.delta) is str and event.item_id for event in deltas)


@stream_params
def test_byte_by_byte_and_random_splits_give_the_same_response(sse: Path) -> None:
    raw = sse.read_bytes()
    expected = load_expected(sse)["response"]
    assert orsse.collect_response(bytewise(raw)).to_dict() == expected
    rng = random.Random(sse.name)
    for max_size in (3, 17, 200, 4096):
        assert orsse.collect_response(random_splits(raw, rng, max_size)).to_dict() == expected


@stream_params
def test_async_gives_the_same_response_and_events(sse: Path) -> None:
    raw = sse.read_bytes()
    expected = load_expected(sse)
    pieces = random_splits(raw, random.Random(sse.name), 64)

    async def run() -> Any:
        events = [event async for event in orsse.aiter_response_events(agen(pieces))]
        response = await orsse.acollect_response(agen([raw]))
        return events, response

    events, response = asyncio.run(run())
    assert response.to_dict() == expected["response"]
    assert [event.to_dict() for event in events] == [
        event.to_dict() for event in orsse.iter_response_events([raw])
    ]


@stream_params
def test_a_closing_done_line_changes_nothing(sse: Path) -> None:
    raw = sse.read_bytes() + b"data: [DONE]\n\n"
    accumulator = orsse.ResponseAccumulator()
    response = orsse.collect_response([raw], accumulator=accumulator)
    assert response.to_dict() == load_expected(sse)["response"]
    assert accumulator.done


@stream_params
def test_cut_just_before_completed_gives_every_item_whole(sse: Path) -> None:
    raw = sse.read_bytes()
    expected = load_expected(sse)
    cut = raw[: raw.index(b"event: response.completed\n")]
    for pieces in ([cut], random_splits(cut, random.Random(1), 300)):
        error = collect_error(pieces)
        assert isinstance(error, orsse.IncompleteStreamError)
        partial = error.partial_response
        assert isinstance(partial, orsse.Response)
        assert partial.to_dict() == expected["partial_before_completed"]
        assert partial.status == "in_progress"
        assert partial.output_text == expected["output_text"]

    # The output equals the completed one, but for the encrypted reasoning, which the
    # server encrypts afresh for each event that carries it.
    final_output = expected["response"]["output"]
    partial_output = expected["partial_before_completed"]["output"]
    assert len(partial_output) == len(final_output)
    for got, want in zip(partial_output, final_output):
        if got.get("encrypted_content") != want.get("encrypted_content"):
            assert got["type"] == "reasoning"
            assert got["encrypted_content"] and want["encrypted_content"]
        assert {k: v for k, v in got.items() if k != "encrypted_content"} == {
            k: v for k, v in want.items() if k != "encrypted_content"
        }


@stream_params
def test_output_rebuilt_from_added_and_delta_events_alone(sse: Path) -> None:
    raw = sse.read_bytes()
    kept = b"".join(
        block for block in blocks(raw)
        if not block_type(block).endswith(".done") and block_type(block) != "response.completed"
    )  # fmt: skip
    error = collect_error([kept])
    assert isinstance(error, orsse.IncompleteStreamError)
    assert [item.to_dict() for item in error.partial_response.output] == load_expected(sse)["output_from_deltas_only"]


@stream_params
def test_result_mid_stream_grows_by_prefixes_and_never_changes_an_earlier_result(sse: Path) -> None:
    raw = sse.read_bytes()
    final = load_expected(sse)["response"]["output"]
    accumulator = orsse.ResponseAccumulator()
    earlier: List[Any] = []
    for number, event in enumerate(orsse.iter_response_events([raw])):
        accumulator.add(event)
        response = accumulator.result()
        for item, whole in zip(response.output, final):
            if isinstance(item, orsse.MessageItem):
                assert whole["type"] == "message"
                final_text = "".join(p["text"] for p in whole["content"] if p["type"] == "output_text")
                assert final_text.startswith(item.text)
            elif isinstance(item, orsse.FunctionCallItem):
                assert whole["arguments"].startswith(item.arguments or "")
            elif isinstance(item, orsse.ReasoningItem):
                for part, whole_part in zip(item.summary or (), whole["summary"]):
                    assert whole_part["text"].startswith(part.text or "")
        if number % 7 == 0:
            earlier.append((response, response.to_dict()))
    for response, as_dict in earlier:
        assert response.to_dict() == as_dict
    assert accumulator.result().to_dict() == load_expected(sse)["response"]
    assert accumulator.finished and accumulator.status == "completed"


@stream_params
def test_stream_kind_is_told_from_the_first_event(sse: Path) -> None:
    raw = sse.read_bytes()
    assert orsse.detect_stream_kind(raw) == "responses"
    first_block = blocks(raw)[0]
    assert orsse.detect_stream_kind(first_block) == "responses"
    assert orsse.detect_stream_kind(first_block[:-1]) is None  # no whole event yet


def test_chat_streams_are_told_apart() -> None:
    for sse in sse_files("recorded") + sse_files("seeds"):
        assert orsse.detect_stream_kind(sse.read_bytes()) == "chat", sse


@pytest.mark.parametrize(
    "name",
    [
        "TestOpenAIResponsesCommon/openai-gpt-4o-mini/multi_tool_streaming.1.sse",
        "TestOpenAIResponsesWithSummaryThinking/openai-o4-mini/thinking-streaming.0.sse",
        "TestOpenAIResponsesCommon/openai-gpt-5/tool_streaming.0.sse",
    ],
)
def test_cut_anywhere_gives_a_partial_that_the_final_response_continues(name: str) -> None:
    sse = FIXTURES / "recorded-responses" / name
    raw = sse.read_bytes()
    final = orsse.collect_response([raw])
    final_reasoning = [item.summary_text for item in final.output if isinstance(item, orsse.ReasoningItem)]
    end = raw.index(b"event: response.completed\n")
    for offset in range(0, end, 11):  # a modest stride keeps this under a second
        error = collect_error([raw[:offset]])
        assert isinstance(error, orsse.IncompleteStreamError), offset
        partial = error.partial_response
        assert final.output_text.startswith(partial.output_text), offset
        for call in partial.function_calls:
            whole = next(c for c in final.function_calls if c.id == call.id)
            assert (whole.arguments or "").startswith(call.arguments or ""), offset
            assert (call.call_id, call.name) == (whole.call_id, whole.name)
        reasoning = [item.summary_text for item in partial.output if isinstance(item, orsse.ReasoningItem)]
        assert all(whole.startswith(part) for part, whole in zip(reasoning, final_reasoning)), offset
