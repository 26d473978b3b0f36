"""The Responses API layer (``orsse._responses``, ``orsse._response_types``): the hand-written
streams of ``fixtures/synthetic_responses/`` (failed, incomplete, ``error`` events, unknown
event types, a refusal, bad JSON, a stream joined late, OpenRouter's data-only shape), then
the errors, the size limit and the seams other layers call.
"""

from __future__ import annotations

import asyncio
import json
import pickle
import random
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import orsse
from _fixtures import FIXTURES, fixture_id, fixture_path, load_expected, sse_files
from chunk_helpers import agen, bytewise, chunk, random_splits, sse_body

if TYPE_CHECKING:
    from typing import Any, Dict, Iterable, List, Sequence, Tuple

SYNTHETIC = sse_files("synthetic_responses")
synthetic_params = pytest.mark.parametrize("sse", SYNTHETIC, ids=fixture_id)
RECORDED_TEXT = fixture_path("recorded-responses", "TestOpenAIResponsesCommon", "openai-gpt-4o", "simple_streaming.0.sse")
RECORDED_THINKING = fixture_path(
    "recorded-responses", "TestOpenAIResponsesWithSummaryThinking", "openai-o4-mini", "thinking-streaming.1.sse"
)


def outcome(pieces: Iterable[bytes]) -> Tuple[str, Any, List[str]]:
    """(``"ok"`` or the error's class name, the response or the error, the event types seen)."""
    seen: List[str] = []
    accumulator = orsse.ResponseAccumulator()
    try:
        for event in orsse.iter_response_events(pieces, accumulator=accumulator):
            seen.append(event.type)
    except orsse.OrsseError as error:
        return type(error).__name__, error, seen
    return "ok", accumulator.result(), seen


def aoutcome(pieces: Sequence[bytes]) -> Tuple[str, Any, List[str]]:
    async def run() -> Tuple[str, Any, List[str]]:
        seen: List[str] = []
        accumulator = orsse.ResponseAccumulator()
        try:
            async for event in orsse.aiter_response_events(agen(pieces), accumulator=accumulator):
                seen.append(event.type)
        except orsse.OrsseError as error:
            return type(error).__name__, error, seen
        return "ok", accumulator.result(), seen

    return asyncio.run(run())


def check(result: Tuple[str, Any, List[str]], expected: Dict[str, Any]) -> None:
    kind, value, seen = result
    assert kind == expected["outcome"]
    if "event_types" in expected:
        assert seen == expected["event_types"]
    if kind == "ok":
        assert value.to_dict() == expected["response"]
        if "output_text" in expected:
            assert value.output_text == expected["output_text"]
        return
    assert isinstance(value.partial_response, orsse.Response)
    assert value.partial_response.to_dict() == expected["partial"]
    if kind == "StreamError":
        assert value.code == expected["code"]
        assert value.message == expected["message"]
        if "metadata" in expected:
            assert value.metadata == expected["metadata"]
    if kind == "ChunkDecodeError":
        assert value.event_index == expected["event_index"]
        assert expected["event_type"] in str(value)


def test_synthetic_streams_are_there() -> None:
    names = {sse.name for sse in SYNTHETIC}
    assert {"failed.sse", "incomplete.sse", "error_event.sse", "error_nested.sse", "unknown_events.sse",
            "refusal.sse", "bad_json.sse", "deltas_without_added.sse", "data_only_done.sse"} <= names  # fmt: skip
    assert all(sse.with_name(sse.name[:-4] + ".expected.json").is_file() for sse in SYNTHETIC)


@synthetic_params
def test_synthetic_stream_gives_its_expected_outcome(sse: Path) -> None:
    check(outcome([sse.read_bytes()]), load_expected(sse))


@synthetic_params
def test_synthetic_stream_under_any_split_sync_and_async(sse: Path) -> None:
    raw = sse.read_bytes()
    expected = load_expected(sse)
    check(outcome(bytewise(raw)), expected)
    rng = random.Random(sse.name)
    for max_size in (2, 9, 100):
        check(outcome(random_splits(raw, rng, max_size)), expected)
    check(aoutcome([raw]), expected)
    check(aoutcome(random_splits(raw, rng, 7)), expected)


@pytest.mark.parametrize(
    "sse", [sse for sse in SYNTHETIC if "output_from_deltas_only" in load_expected(sse)], ids=fixture_id
)
def test_output_from_deltas_only(sse: Path) -> None:
    expected = load_expected(sse)
    kept = [
        block + b"\n\n"
        for block in sse.read_bytes().split(b"\n\n")
        if block.strip() and b'.done"' not in block and b'"response.completed"' not in block
    ]
    kind, error, _ = outcome(kept)
    assert kind == "IncompleteStreamError"
    assert [item.to_dict() for item in error.partial_response.output] == expected["output_from_deltas_only"]


def test_refusal_is_not_text() -> None:
    sse = FIXTURES / "synthetic_responses" / "refusal.sse"
    expected = load_expected(sse)
    response = orsse.collect_response([sse.read_bytes()])
    assert response.refusal == expected["refusal"]
    assert response.output_text == ""
    cut = sse.read_bytes().split(b"event: response.completed")[0]
    kind, error, _ = outcome([cut])
    assert kind == "IncompleteStreamError"
    assert [item.to_dict() for item in error.partial_response.output] == expected["partial_before_completed_output"]
    assert error.partial_response.refusal == expected["refusal"]


def test_incomplete_is_a_result_with_its_details() -> None:
    response = orsse.collect_response([(FIXTURES / "synthetic_responses" / "incomplete.sse").read_bytes()])
    assert response.status == "incomplete"
    assert response.incomplete_details == {"reason": "max_output_tokens"}


def test_unknown_events_are_kept_whole() -> None:
    sse = FIXTURES / "synthetic_responses" / "unknown_events.sse"
    expected = load_expected(sse)["unknown"]
    comments: List[str] = []
    events = list(orsse.iter_response_events([sse.read_bytes()], on_comment=comments.append))
    unknown = {e.type: e for e in events if isinstance(e, orsse.UnknownResponseEvent)}
    assert set(unknown) == set(expected)
    assert unknown["ping"].data is None and unknown["ping"].raw == expected["ping"]
    for name, payload in expected.items():
        if name != "ping":
            assert unknown[name].data == payload
            assert unknown[name].to_dict() == payload
            assert json.loads(unknown[name].raw) == payload
    assert comments == ["OPENROUTER PROCESSING"]
    delta = next(e for e in events if isinstance(e, orsse.TextDeltaEvent))
    assert delta.extra == {"brand_new_key": {"kept": True}}
    item = orsse.collect_response([sse.read_bytes()]).output[0]
    assert isinstance(item, orsse.OtherItem) and item.type == "web_search_call"
    assert item.extra == {"action": {"type": "search", "query": "orsse"}}


def test_data_only_stream_with_comments_and_done() -> None:
    sse = FIXTURES / "synthetic_responses" / "data_only_done.sse"
    expected = load_expected(sse)
    comments: List[str] = []
    accumulator = orsse.ResponseAccumulator()
    response = orsse.collect_response([sse.read_bytes()], accumulator=accumulator, on_comment=comments.append)
    assert accumulator.done
    assert len(comments) == expected["comments"]
    assert response.reasoning_summary == expected["reasoning_summary"]
    assert [{"call_id": c.call_id, "name": c.name, "arguments": c.arguments} for c in response.function_calls] == (
        expected["function_calls"]
    )
    reasoning = response.output[0]
    assert isinstance(reasoning, orsse.ReasoningItem)
    assert reasoning.encrypted_content == expected["response"]["output"][0]["encrypted_content"]
    assert orsse.detect_stream_kind(sse.read_bytes()) == "responses"


# -- errors ------------------------------------------------------------------------------


def events_body(*events: Any, done: bool = False) -> bytes:
    out = []
    for event in events:
        text = event if isinstance(event, str) else json.dumps(event)
        name = json.loads(text).get("type", "message") if not isinstance(event, str) else None
        out.append((f"event: {name}\n" if name else "") + f"data: {text}\n\n")
    if done:
        out.append("data: [DONE]\n\n")
    return "".join(out).encode()


CREATED = {"type": "response.created", "sequence_number": 0,
           "response": {"id": "resp_1", "object": "response", "status": "in_progress", "output": []}}  # fmt: skip
ADDED = {"type": "response.output_item.added", "sequence_number": 1, "output_index": 0,
         "item": {"id": "msg_1", "type": "message", "status": "in_progress", "role": "assistant", "content": []}}  # fmt: skip


def delta(text: Any, number: int = 2, **extra: Any) -> Dict[str, Any]:
    return {"type": "response.output_text.delta", "sequence_number": number, "item_id": "msg_1",
            "output_index": 0, "content_index": 0, "delta": text, **extra}  # fmt: skip


@pytest.mark.parametrize(
    "bad, where",
    [
        (delta(5), "delta"),
        (delta(None), "delta"),
        (delta("x", output_index="0"), "output_index"),
        (delta("x", content_index=True), "content_index"),
        ({"type": "response.output_item.added", "item": [1, 2]}, "item"),
        ({"type": "response.output_item.added", "item": {"type": "message", "content": "text"}}, "content"),
        ({"type": "response.content_part.added", "part": None}, "part"),
        ({"type": "response.completed", "response": {"output": {"a": 1}}}, "output"),
        ({"type": "response.completed"}, "response"),
        ({"type": "response.output_text.done", "text": ["a"]}, "text"),
        ({"type": "response.output_text.annotation.added", "annotation": "x"}, "annotation"),
    ],
)
def test_a_known_event_of_the_wrong_shape_is_a_chunk_decode_error(bad: Dict[str, Any], where: str) -> None:
    kind, error, seen = outcome([events_body(CREATED, ADDED, delta("ok"), bad)])
    assert kind == "ChunkDecodeError", error
    assert error.event_index == 4
    assert where in str(error) and bad["type"] in str(error)
    assert error.partial_response.output_text == "ok"
    assert seen == ["response.created", "response.output_item.added", "response.output_text.delta"]


def test_json_that_is_not_an_object() -> None:
    body = events_body(CREATED) + b"event: response.output_text.delta\ndata: [1, 2]\n\n"
    kind, error, _ = outcome([body])
    assert kind == "ChunkDecodeError" and "response.output_text.delta" in str(error)
    kind, error, _ = outcome([events_body(CREATED) + b"data: {not json\n\n"])
    assert kind == "ChunkDecodeError" and "no event: line" in str(error)


def test_done_before_the_final_response_is_a_cut() -> None:
    kind, error, seen = outcome([events_body(CREATED, ADDED, delta("Hel"), done=True) + events_body(delta("lo", 3))])
    assert kind == "IncompleteStreamError"
    assert "[DONE]" in str(error)
    assert seen == ["response.created", "response.output_item.added", "response.output_text.delta"]
    assert error.partial_response.output_text == "Hel"


def test_an_empty_stream_is_a_cut() -> None:
    for body in (b"", b": keep-alive\n\n"):
        kind, error, _ = outcome([body])
        assert kind == "IncompleteStreamError" and "no event at all" in str(error)
        assert error.partial_response.to_dict() == {"output": []}


def test_the_byte_source_failing_keeps_the_partial() -> None:
    def source() -> Iterable[bytes]:
        yield events_body(CREATED, ADDED, delta("Half an answer"))
        raise orsse.ReadTimeout("no byte for 30 s", timeout=30.0)

    kind, error, _ = outcome(source())
    assert kind == "ReadTimeout"
    assert error.partial_response.output_text == "Half an answer"


def test_failed_with_its_own_output_keeps_it() -> None:
    failed = {"type": "response.failed", "sequence_number": 3, "response": {
        "id": "resp_1", "status": "failed", "error": None,
        "output": [{"id": "msg_1", "type": "message", "status": "incomplete", "role": "assistant",
                    "content": [{"type": "output_text", "text": "server's own"}]}]}}  # fmt: skip
    kind, error, _ = outcome([events_body(CREATED, ADDED, delta("streamed"), failed)])
    assert kind == "StreamError"
    assert error.code is None and error.message == "(no message)"
    assert error.partial_response.to_dict() == failed["response"]


def test_stream_errors_survive_pickling_with_their_partial() -> None:
    for name in ("failed.sse", "error_event.sse"):
        _, error, _ = outcome([(FIXTURES / "synthetic_responses" / name).read_bytes()])
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is orsse.StreamError
        assert (copy.code, copy.message, str(copy)) == (error.code, error.message, str(error))
        assert copy.partial_response.to_dict() == error.partial_response.to_dict()


ERROR_EVENT = {"type": "error", "sequence_number": 3, "code": "server_error", "message": "the model broke"}


@pytest.mark.parametrize(
    "ending, kind",
    [
        ((), "IncompleteStreamError"),  # the bytes stop mid-answer
        ((ERROR_EVENT,), "StreamError"),
    ],
    ids=["cut", "error-event"],
)
def test_the_partial_response_is_in_its_typed_attribute_sync_and_async(ending: Tuple[Any, ...], kind: str) -> None:
    body = events_body(CREATED, ADDED, delta("Hel"), delta("lo, wor", 3), *ending)
    for got, error, _ in (outcome([body]), aoutcome(list(bytewise(body)))):
        assert got == kind
        response = error.partial_response
        assert isinstance(response, orsse.Response)
        assert response.output_text == "Hello, wor" and response.status == "in_progress"
        # Older code read it as .partial (typed for chat completions): the same object.
        assert error.partial is response


def test_chat_errors_have_no_partial_response() -> None:
    with pytest.raises(orsse.IncompleteStreamError) as info:
        orsse.collect([sse_body(chunk({"content": "so far"}), done=False)])
    error = info.value
    assert error.partial is not None and error.partial.content == "so far"
    assert error.partial_response is None


def test_collect_response_raises_with_the_partial_response() -> None:
    with pytest.raises(orsse.StreamError) as info:
        orsse.collect_response([events_body(CREATED, ADDED, delta("Half"), ERROR_EVENT)])
    error = info.value
    assert (error.code, error.message) == ("server_error", "the model broke")
    assert error.partial_response is not None and error.partial_response.output_text == "Half"
    copy = pickle.loads(pickle.dumps(error))
    assert copy.partial_response is not None and copy.partial_response.output_text == "Half"
    assert copy.partial is copy.partial_response


def test_mangled_recordings_give_a_response_or_an_orsse_error_never_anything_else() -> None:
    # A fuzz invariant, kept to a modest count: bytes flipped, deleted or duplicated.
    raw = RECORDED_THINKING.read_bytes()
    rng = random.Random(13)
    outcomes = set()
    for _ in range(150):
        data = bytearray(raw)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            action = rng.randrange(3)
            if action == 0:
                data[at] = rng.choice(b'{}[]":,\n 0a\\')
            elif action == 1:
                del data[at : at + rng.randint(1, 40)]
            else:
                data[at:at] = data[at : at + rng.randint(1, 40)]
        kind, value, _ = outcome([bytes(data)])
        outcomes.add(kind)
        if kind != "ok":
            assert isinstance(value.partial_response, orsse.Response)
            value.partial_response.to_dict()
    assert "ChunkDecodeError" in outcomes


# -- the size limit ---------------------------------------------------------------------


def test_the_rebuilt_response_is_bounded() -> None:
    big = [delta("x" * 1000, number) for number in range(2, 200)]
    with pytest.raises(orsse.ResponseLimitError) as info:
        orsse.collect_response([events_body(CREATED, ADDED, *big)], max_response_size=50_000)
    error = info.value
    assert error.limit == 50_000 and error.size > 50_000
    assert "max_response_size" in str(error)
    # Nothing past the limit was kept: the partial stops before the delta that crossed it.
    text = error.partial_response.output_text
    assert 45_000 <= len(text) <= 50_000 and set(text) == {"x"}
    assert isinstance(error, orsse.OrsseError)


def test_a_flood_of_empty_items_is_bounded_too() -> None:
    items = [dict(ADDED, output_index=i, item={"type": "message", "content": []}) for i in range(2000)]
    with pytest.raises(orsse.ResponseLimitError):
        orsse.collect_response([events_body(CREATED, *items)], max_response_size=20_000)


def test_the_limit_is_an_accumulator_option() -> None:
    with pytest.raises(ValueError):
        orsse.ResponseAccumulator(max_response_size=0)
    accumulator = orsse.ResponseAccumulator(max_response_size=10)
    with pytest.raises(orsse.ResponseLimitError):
        orsse.collect_response([RECORDED_TEXT.read_bytes()], accumulator=accumulator)


def test_a_real_response_fits_the_default_limit_with_room() -> None:
    accumulator = orsse.ResponseAccumulator()
    orsse.collect_response([RECORDED_THINKING.read_bytes()], accumulator=accumulator)
    assert 0 < accumulator.size < 4 * len(RECORDED_THINKING.read_bytes())


# -- the accumulator on its own ---------------------------------------------------------


def test_accumulator_result_is_callable_mid_stream_and_changes_nothing() -> None:
    accumulator = orsse.ResponseAccumulator()
    assert accumulator.result().to_dict() == {"output": []}
    assert accumulator.status is None and not accumulator.finished
    events = list(orsse.iter_response_events([RECORDED_TEXT.read_bytes()]))
    for event in events[:5]:  # up to the first text delta
        accumulator.add(event)
    first = accumulator.result()
    assert first.status == "in_progress" and first.output_text
    assert accumulator.result().to_dict() == first.to_dict()
    for event in events[5:]:
        accumulator.add(event)
    assert accumulator.result().status == "completed"
    assert len(accumulator.result().output_text) > len(first.output_text)


def test_items_are_found_by_id_when_the_output_index_is_missing() -> None:
    no_index = dict(delta("found by id"))
    del no_index["output_index"]
    accumulator = orsse.ResponseAccumulator()
    for event in orsse.iter_response_events([events_body(CREATED, ADDED, no_index)]):
        accumulator.add(event)
        if event.type == "response.output_text.delta":
            break
    assert [item.to_dict()["content"][0]["text"] for item in accumulator.result().output] == ["found by id"]


def test_response_to_dict_round_trips_explicit_nulls_and_unknown_keys() -> None:
    payload = {"id": "r", "object": "response", "status": "completed", "output": None, "usage": None,
               "error": None, "new_thing": {"x": [1, None]}, "metadata": {}}  # fmt: skip
    response = orsse.Response.from_dict(payload)
    assert response.to_dict() == payload
    assert response.output == [] and response.extra == {"new_thing": {"x": [1, None]}, "metadata": {}}


def test_typed_items_and_parts() -> None:
    response = orsse.collect_response([RECORDED_THINKING.read_bytes()])
    reasoning, message = response.output
    assert isinstance(reasoning, orsse.ReasoningItem) and isinstance(message, orsse.MessageItem)
    assert reasoning.summary and isinstance(reasoning.summary[0], orsse.ContentPart)
    assert reasoning.summary[0].type == "summary_text"
    assert reasoning.encrypted_content and reasoning.encrypted_content.startswith("gAAAA")
    assert response.reasoning_summary == reasoning.summary_text
    assert message.content and message.content[0].type == "output_text"
    assert message.content[0].annotations == []
    assert message.text == response.output_text


# -- seams and names ----------------------------------------------------------------------


def test_detect_stream_kind() -> None:
    assert orsse.detect_stream_kind(b"") is None
    assert orsse.detect_stream_kind(b": OPENROUTER PROCESSING\n\n") is None
    assert orsse.detect_stream_kind(b'event: response.created\ndata: {"type":"response.created"}\n') is None
    assert orsse.detect_stream_kind(b'event: response.created\ndata: {}\n\n') == "responses"
    assert orsse.detect_stream_kind(b'data: {"type": "response.created"}\n\n') == "responses"
    assert orsse.detect_stream_kind(b'data: {"object":"chat.completion.chunk","choices":[]}\n\n') == "chat"
    assert orsse.detect_stream_kind(b'data: {"type":"chat"}\n\n') == "chat"
    assert orsse.detect_stream_kind(b"data: [DONE]\n\n") == "chat"


RESPONSE_NAMES = [
    "ResponseAccumulator", "iter_response_events", "aiter_response_events", "collect_response",
    "acollect_response", "detect_stream_kind", "AnnotationAddedEvent", "ContentPart",
    "ContentPartEvent", "FunctionCallItem", "MessageItem", "OtherItem", "OutputItemEvent",
    "ReasoningItem", "Response", "ResponseError", "ResponseErrorEvent", "ResponseEvent",
    "ResponseStatusEvent", "ResponseUsage", "TextDeltaEvent", "TextDoneEvent",
    "UnknownResponseEvent", "parse_response_event",
]  # fmt: skip


def test_public_names_are_declared_in_all_three_places() -> None:
    from orsse import _response_types, _responses

    source = (Path(orsse.__file__).parent / "__init__.py").read_text("utf-8")
    assert sorted(RESPONSE_NAMES) == sorted(_responses.__all__ + _response_types.__all__)
    for name in RESPONSE_NAMES:
        assert name in orsse.__all__, name
        assert orsse._LAZY[name] in ("_responses", "_response_types"), name  # type: ignore[attr-defined]
        assert re.search(rf"\b{name} as {name}\b", source), name
        assert getattr(orsse, name).__doc__, name
    assert "ResponseLimitError" in orsse.__all__ and issubclass(orsse.ResponseLimitError, orsse.OrsseError)


def test_import_orsse_loads_no_response_module() -> None:
    import subprocess
    import sys

    code = "import sys, orsse; print([m for m in ('orsse._responses', 'orsse._response_types') if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(Path(orsse.__file__).parent.parent))  # fmt: skip
    assert out.stdout.strip() == "[]"


def test_done_events_are_whole_and_win_over_the_deltas() -> None:
    text_done = {"type": "response.output_text.done", "sequence_number": 3, "item_id": "msg_1",
                 "output_index": 0, "content_index": 0, "text": "Hello, world"}  # fmt: skip
    part_done = {"type": "response.content_part.done", "sequence_number": 5, "item_id": "msg_1",
                 "output_index": 0, "content_index": 0,
                 "part": {"type": "output_text", "text": "Hello, world!", "annotations": [{"type": "x"}]}}  # fmt: skip
    item_done = {"type": "response.output_item.done", "sequence_number": 7, "output_index": 0,
                 "item": {"id": "msg_1", "type": "message", "status": "completed", "role": "assistant",
                          "content": [{"type": "output_text", "text": "Final."}]}}  # fmt: skip

    def partial(*events: Any) -> List[Dict[str, Any]]:
        kind, error, _ = outcome([events_body(CREATED, ADDED, *events)])
        assert kind == "IncompleteStreamError"
        return [item.to_dict() for item in error.partial_response.output]

    content = lambda output: output[0]["content"]  # noqa: E731
    assert content(partial(delta("Hel"), text_done))[0]["text"] == "Hello, world"
    # Text after a part's .done does not change the part.
    assert content(partial(delta("Hel"), text_done, delta("lo", 4), part_done, delta("??", 6))) == [
        part_done["part"]
    ]
    # Nor does anything after the item's .done change the item.
    assert partial(delta("Hel"), item_done, delta("more", 8), part_done) == [item_done["item"]]


def test_function_arguments_done_and_a_late_name() -> None:
    added = {"type": "response.output_item.added", "sequence_number": 1, "output_index": 0,
             "item": {"id": "fc_1", "type": "function_call", "call_id": "call_1", "arguments": ""}}  # fmt: skip
    pieces = [{"type": "response.function_call_arguments.delta", "sequence_number": 2 + i, "item_id": "fc_1",
               "output_index": 0, "delta": piece} for i, piece in enumerate(['{"a"', ": 1", "}"])]  # fmt: skip
    done = {"type": "response.function_call_arguments.done", "sequence_number": 9, "item_id": "fc_1",
            "output_index": 0, "arguments": '{"a": 1}', "name": "add"}  # fmt: skip
    accumulator = orsse.ResponseAccumulator()
    with pytest.raises(orsse.IncompleteStreamError):
        for event in orsse.iter_response_events([events_body(CREATED, added, *pieces)], accumulator=accumulator):
            pass
    (call,) = accumulator.result().function_calls
    assert (call.call_id, call.name, call.arguments) == ("call_1", None, '{"a": 1}')
    accumulator.add(orsse.parse_response_event(done))
    (call,) = accumulator.result().function_calls
    assert (call.name, call.arguments) == ("add", '{"a": 1}')


def test_parse_response_event_from_text_bytes_or_dict() -> None:
    payload = delta("Hi", 7, obfuscation="pad")
    for data in (json.dumps(payload), json.dumps(payload).encode(), payload):
        event = orsse.parse_response_event(data)
        assert isinstance(event, orsse.TextDeltaEvent)
        assert (event.type, event.sequence_number, event.delta, event.obfuscation) == (
            "response.output_text.delta", 7, "Hi", "pad"
        )
        assert event.to_dict() == payload
    # The payload's own type wins over the event: line; the line names a typeless payload.
    assert orsse.parse_response_event(payload, "something.else").type == "response.output_text.delta"
    unnamed = orsse.parse_response_event({"sequence_number": 1}, "response.weird")
    assert isinstance(unnamed, orsse.UnknownResponseEvent) and unnamed.type == "response.weird"
    for bad in ("[1]", b"{nope", delta(3)):
        with pytest.raises(orsse.ChunkDecodeError) as info:
            orsse.parse_response_event(bad, event_index=9)
        assert info.value.event_index == 9


def test_the_async_byte_source_failing_keeps_the_partial() -> None:
    async def source() -> Any:
        yield events_body(CREATED, ADDED, delta("Half an answer"))
        await asyncio.sleep(0)
        raise orsse.ReadTimeout("no byte for 30 s", timeout=30.0)

    async def run() -> orsse.OrsseError:
        with pytest.raises(orsse.ReadTimeout) as info:
            await orsse.acollect_response(source())
        return info.value

    error = asyncio.run(run())
    assert error.partial_response.output_text == "Half an answer"


def test_payload_values_of_any_json_type_give_a_response_or_an_orsse_error() -> None:
    # A fuzz invariant over the shapes: values anywhere in the recorded payloads replaced by
    # JSON values of other types; reading, rebuilding and the accessors never raise
    # anything but an OrsseError. A modest count keeps it quick.
    rng = random.Random(7)
    streams = sse_files("recorded-responses")
    values: List[Any] = [None, 0, -1, True, 1.5, "", [], {}, [1], {"a": 1}, "xyz", [{}], [None]]

    def mutate(value: Any) -> Any:
        if isinstance(value, dict) and value and rng.random() < 0.7:
            key = rng.choice(list(value))
            return {**value, key: mutate(value[key])}
        if isinstance(value, list) and value and rng.random() < 0.7:
            at = rng.randrange(len(value))
            return value[:at] + [mutate(value[at])] + value[at + 1 :]
        return rng.choice(values)

    kinds = set()
    for _ in range(300):
        out = []
        for block in rng.choice(streams).read_text("utf-8").split("\n\n"):
            if block.strip():
                name, data = block.split("\n", 1)
                payload = json.loads(data[len("data: ") :])
                if rng.random() < 0.1:
                    payload = mutate(payload)
                out.append(f"{name}\ndata: {json.dumps(payload)}\n\n")
        kind, value, _ = outcome(["".join(out).encode()])
        kinds.add(kind)
        response = value if kind == "ok" else value.partial_response
        response.to_dict()
        (response.output_text, response.reasoning_summary, response.refusal, response.function_calls)
    assert "ok" in kinds and "ChunkDecodeError" in kinds


PART = {"type": "response.content_part.added", "sequence_number": 2, "item_id": "msg_1", "output_index": 0,
        "content_index": 0, "part": {"type": "output_text", "text": "", "annotations": []}}  # fmt: skip


def annotation(index: Any, url: str) -> Dict[str, Any]:
    return {"type": "response.output_text.annotation.added", "item_id": "msg_1", "output_index": 0,
            "content_index": 0, "annotation_index": index, "annotation": {"type": "url_citation", "url": url}}  # fmt: skip


@pytest.mark.parametrize("index", [-1, -5])
def test_a_negative_annotation_index_appends(index: int) -> None:
    # Negative on an empty list, and negative on a list it would wrap into: both append.
    for body in (
        events_body(CREATED, ADDED, PART, delta("ok"), annotation(index, "a")),
        events_body(CREATED, ADDED, PART, delta("ok"), annotation(0, "a"), annotation(index, "b")),
    ):
        kind, error, _ = outcome([body])
        assert kind == "IncompleteStreamError", error
        assert error.partial_response.output_text == "ok"
        annotations = error.partial_response.output[0].content[0].annotations
        assert [a["url"] for a in annotations] == (["a"] if body.count(b"url_citation") == 1 else ["a", "b"])


def deep_list(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [600, 800])
def test_json_nested_deep_is_read_counted_and_written_back_without_recursion_error(depth: int) -> None:
    # Valid JSON that json.loads accepts (on CPython and PyPy) but deeper than a recursive
    # walk of it survives inside the accumulator's size accounting or to_dict().
    part = f'{{"type":"output_text","text":"","logprobs":{deep_list(depth)}}}'
    item = f'{{"id":"msg_1","type":"message","content":[{part}]}}'
    body = events_body(
        CREATED,
        f'{{"type":"response.output_item.added","output_index":0,"item":{item}}}',
        f'{{"type":"response.content_part.added","output_index":0,"content_index":1,"part":{part}}}',
        delta("ok", content_index=1),
    )
    kind, error, seen = outcome([body])
    assert kind == "IncompleteStreamError", error
    assert len(seen) == 4 and error.partial_response.output_text == "ok"
    written = json.dumps(error.partial_response.to_dict()["output"][0]["content"][0]["logprobs"], separators=(",", ":"))
    assert written == deep_list(depth)
    final = '{"type":"response.completed","response":{"id":"resp_1","status":"completed","output":[' + item + "]}}"
    response = orsse.collect_response([body + events_body(final)])
    assert response.to_dict()["output"][0]["content"][0]["logprobs"] == json.loads(deep_list(depth))
    # The size accounting walks it too: a limit below its size stops the stream.
    with pytest.raises(orsse.ResponseLimitError) as info:
        orsse.collect_response([body], max_response_size=2 * depth)
    assert info.value.partial_response.to_dict()["output"] == []


def test_json_nested_past_what_the_decoder_takes_is_a_chunk_decode_error() -> None:
    item = f'{{"type":"message","content":[{{"type":"output_text","logprobs":{deep_list(200_000)}}}]}}'
    kind, error, _ = outcome([events_body(CREATED, f'{{"type":"response.output_item.added","item":{item}}}')])
    assert kind == "ChunkDecodeError" and error.event_index == 2, error


def test_parse_response_event_takes_a_dict_nested_deeper_than_json_dumps_can_write() -> None:
    logprobs: List[Any] = []
    inner = logprobs
    for _ in range(5000):
        inner.append([])
        inner = inner[0]
    payload = {"type": "response.output_item.added", "output_index": 0,
               "item": {"type": "message", "content": [{"type": "output_text", "logprobs": logprobs}]}}  # fmt: skip
    event = orsse.parse_response_event(payload)
    assert event.to_dict()["item"]["content"][0]["logprobs"] is not None


CALL_ADDED = {"type": "response.output_item.added", "output_index": 1,
              "item": {"id": "fc_1", "type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": ""}}  # fmt: skip


def call_delta(text: str) -> Dict[str, Any]:
    return {"type": "response.function_call_arguments.delta", "item_id": "fc_1", "output_index": 1, "delta": text}


@pytest.mark.parametrize(
    "events",
    [
        [ADDED, PART, delta("Hel"), delta("lo")],
        [ADDED, delta("Hel"), PART, delta("lo")],  # the part's .added after its first delta
        [delta("Hel"), ADDED, PART, delta("lo")],  # the item's .added after its first delta
        [ADDED, PART, delta("Hel"), ADDED, delta("lo")],  # the item's .added twice
        [ADDED, PART, delta("Hel"), PART, delta("lo")],  # the part's .added twice
        [delta("Hel"), PART, ADDED, ADDED, PART, delta("lo")],
    ],
    ids=["in-order", "part-late", "item-late", "item-twice", "part-twice", "all-late-and-twice"],
)
def test_late_or_repeated_added_events_keep_the_text_so_far(events: List[Dict[str, Any]]) -> None:
    for run in (outcome, aoutcome):
        kind, error, _ = run([events_body(CREATED, *events)])
        assert kind == "IncompleteStreamError", error
        assert error.partial_response.output_text == "Hello"
        (message,) = error.partial_response.output
        assert (message.id, message.role, message.status) == ("msg_1", "assistant", "in_progress")


def test_late_or_repeated_added_keep_function_arguments_and_done_still_wins() -> None:
    body = events_body(CREATED, call_delta('{"city":'), CALL_ADDED, call_delta(' "Paris"}'), CALL_ADDED)
    kind, error, _ = outcome([body])
    assert kind == "IncompleteStreamError", error
    (call,) = error.partial_response.function_calls
    assert (call.name, call.call_id, call.arguments) == ("get_weather", "call_1", '{"city": "Paris"}')
    done = {"type": "response.output_item.done", "output_index": 1,
            "item": {**CALL_ADDED["item"], "arguments": "{}", "status": "completed"}}  # fmt: skip
    kind, error, _ = outcome([body + events_body(done, CALL_ADDED, call_delta("x"))])
    (call,) = error.partial_response.function_calls
    assert (call.arguments, call.status) == ("{}", "completed")


def bare_delta(text: str) -> Dict[str, Any]:
    return {"type": "response.output_text.delta", "delta": text}


def test_deltas_that_name_no_item_continue_the_latest_one() -> None:
    kind, error, _ = outcome([events_body(CREATED, ADDED, PART, *map(bare_delta, "hello"))])
    assert kind == "IncompleteStreamError", error
    assert [(item.id, item.text) for item in error.partial_response.output] == [("msg_1", "hello")]
    # With no item yet, the first starts one and the rest continue it.
    kind, error, _ = outcome([events_body(CREATED, *map(bare_delta, "hello"))])
    assert [item.text for item in error.partial_response.output] == ["hello"]
    # After the latest item is whole, they start the next one rather than being dropped.
    done = {"type": "response.output_item.done", "output_index": 0,
            "item": {**ADDED["item"], "status": "completed", "content": [{"type": "output_text", "text": "A"}]}}  # fmt: skip
    kind, error, _ = outcome([events_body(CREATED, ADDED, PART, delta("A"), done, *map(bare_delta, "bc"))])
    assert [item.text for item in error.partial_response.output] == ["A", "bc"]


@pytest.mark.parametrize("named", [True, False], ids=["event-message-line", "data-only"])
def test_a_chat_style_error_object_with_no_type_is_a_stream_error(named: bool) -> None:
    error_data = '{"error": {"code": 502, "message": "Provider returned error"}}'
    tail = (b"event: message\n" if named else b"") + f"data: {error_data}\n\n".encode()
    for run in (outcome, aoutcome):
        kind, error, seen = run([events_body(CREATED, ADDED, PART, delta("Half")) + tail])
        assert kind == "StreamError", error
        assert (error.code, error.message) == (502, "Provider returned error")
        assert error.metadata == json.loads(error_data)  # as sent: it gains no "type"
        assert error.partial_response.output_text == "Half"
        assert len(seen) == 4


def test_the_byte_source_raising_anything_is_a_cut_with_the_partial_and_the_cause() -> None:
    reset = ConnectionResetError("peer reset")

    def source() -> Iterable[bytes]:
        yield events_body(CREATED, ADDED, PART, delta("Half an answer"))
        raise reset

    async def asource() -> Any:
        yield events_body(CREATED, ADDED, PART, delta("Half an answer"))
        await asyncio.sleep(0)
        raise reset

    async def acollect() -> orsse.OrsseError:
        with pytest.raises(orsse.IncompleteStreamError) as info:
            await orsse.acollect_response(asource())
        return info.value

    async def aiterate() -> orsse.OrsseError:
        with pytest.raises(orsse.IncompleteStreamError) as info:
            async for _ in orsse.aiter_response_events(asource()):
                pass
        return info.value

    errors = []
    for call in (orsse.collect_response, lambda s: list(orsse.iter_response_events(s))):
        with pytest.raises(orsse.IncompleteStreamError) as info:
            call(source())
        errors.append(info.value)
    errors += [asyncio.run(acollect()), asyncio.run(aiterate())]
    for error in errors:
        assert error.__cause__ is reset
        assert "ConnectionResetError" in str(error) and "4 event(s)" in str(error)
        assert error.partial_response.output_text == "Half an answer"


def test_reads_that_are_not_bytes_are_an_input_type_error() -> None:
    with pytest.raises(orsse.InputTypeError):
        orsse.collect_response(["data: {}\n\n"])  # type: ignore[list-item]


def summary_delta(text: str, item_id: str = "msg_1", output_index: int = 0) -> Dict[str, Any]:
    return {"type": "response.reasoning_summary_text.delta", "item_id": item_id,
            "output_index": output_index, "summary_index": 0, "delta": text}  # fmt: skip


def item_added(item: Dict[str, Any], output_index: int = 0) -> Dict[str, Any]:
    return {"type": "response.output_item.added", "output_index": output_index, "item": item}


@pytest.mark.parametrize(
    "events, key, kept",
    [
        # Summary text for a message, which has no summary.
        ([ADDED, PART, delta("Hi"), summary_delta("thinking")], "summary", [{"type": "summary_text", "text": "thinking"}]),
        # Text for a function call.
        ([CALL_ADDED, {**delta("stray"), "item_id": "fc_1", "output_index": 1}], "content",
         [{"type": "output_text", "text": "stray", "annotations": [], "logprobs": []}]),
        # Arguments for a message.
        ([ADDED, PART, delta("Hi"), {**call_delta("{}"), "item_id": "msg_1", "output_index": 0}], "arguments", "{}"),
        # A late .added that says the item is a function call after all: the text stays.
        ([ADDED, PART, delta("Hi"), {**CALL_ADDED, "output_index": 0}], "content",
         [{"type": "output_text", "text": "Hi", "annotations": []}]),
        # Text for an item of a type orsse does not model.
        ([item_added({"id": "ws_1", "type": "web_search_call", "status": "in_progress"}), {**delta("x"), "item_id": "ws_1"}],
         "content", [{"type": "output_text", "text": "x", "annotations": [], "logprobs": []}]),
        # Such an item sent with parts of its own: the deltas continue them, as a message's would.
        ([item_added({"id": "x_1", "type": "x_call", "content": [{"type": "output_text", "text": "A"}]}),
          {**delta("B"), "item_id": "x_1"}], "content", [{"type": "output_text", "text": "AB"}]),
        # ... and sent with something that is not parts: that stays, the text follows it.
        ([item_added({"id": "x_1", "type": "x_call", "content": ["raw"]}), {**delta("B"), "item_id": "x_1"}],
         "content", ["raw", {"type": "output_text", "text": "B", "annotations": [], "logprobs": []}]),
    ],
    ids=["summary-for-a-message", "text-for-a-call", "arguments-for-a-message", "added-changes-the-type",
         "text-for-another-item", "another-item-with-parts", "another-item-with-other-content"],
)
def test_text_aimed_at_an_item_without_that_field_is_kept_in_its_extra(
    events: List[Dict[str, Any]], key: str, kept: Any
) -> None:
    for run in (outcome, aoutcome):
        kind, error, _ = run([events_body(CREATED, *events)])
        assert kind == "IncompleteStreamError", error
        items = error.partial_response.output
        assert [item.extra[key] for item in items if key in item.extra] == [kept]
        # The message text, where there is one, is still the message's own.
        if any(isinstance(item, orsse.MessageItem) for item in items):
            assert error.partial_response.output_text == "Hi"
