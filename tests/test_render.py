"""orsse/_render.py: completions as text and as strict JSON, in-process.

Expected texts are written from the streams' bytes (the model, the counts and the cost
each stream states), never by saving the renderer's output.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING

import pytest

import orsse
from orsse._render import (
    LiveView,
    ResponseLiveView,
    Style,
    delta_reasoning,
    describe,
    describe_response,
    describe_usage,
    message_reasoning,
    stats_line,
    thinking_line,
    to_json,
    token_line,
)
from _fixtures import FIXTURES, RECORDED, SEEDS, fixture_id, real_streams, sse_files
from _server import sse_event

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, List

THINKING = RECORDED / "TestOpenRouterThinking" / "anthropic" / "thinking-streaming.0.sse"
#: Streams whose pieces do not come in the order describe() prints (reasoning after the
#: answer has begun): the live view must say so and print the whole completion.
OUT_OF_ORDER = {"synthetic_chunks/unknown_fields.sse"}


def chunk(delta: Any, **fields: Any) -> bytes:
    payload = {"id": "gen-r", "model": "m/x", "choices": [{"index": 0, "delta": delta}]}
    payload.update(fields)
    return sse_event(payload)


def finish_chunk(reason: str = "stop") -> bytes:
    return sse_event({"id": "gen-r", "model": "m/x", "choices": [{"index": 0, "delta": {}, "finish_reason": reason}]})


def completion_of(*events: bytes) -> orsse.ChatCompletion:
    return orsse.collect([b"".join(events) + b"data: [DONE]\n\n"])


def live(body: bytes) -> List[str]:
    """What a LiveView prints for each chunk of *body*, then at the end."""
    view = LiveView()
    accumulator = orsse.Accumulator()
    pieces = []
    try:
        for c in orsse.iter_chunks([body], accumulator=accumulator):
            pieces.append(view.feed(c))
    except orsse.OrsseError:  # an error mid-stream: the rest describes the partial result
        pass
    return pieces + [view.finish(accumulator.result())]


# -- describe -------------------------------------------------------------------------------


def test_describe_a_recorded_stream_with_reasoning_and_a_tool_call() -> None:
    text = describe(orsse.collect([THINKING.read_bytes()]))
    for expected in (
        "model      anthropic/claude-4.5-haiku-20251001 (Amazon Bedrock)\nid         gen-",
        "\n\nreasoning\n  The user is asking for weather information in Florence, Italy.",
        "\n\ntool calls\n  [0] weather  id=toolu_",
        '\n      {"location": "Florence, Italy"}',
        "\n\nfinish     tool_calls (tool_use)\ndetails    1 reasoning.text, signed",
        "\n\nusage\n  tokens     607 prompt + 143 completion (99 reasoning) = 750\n  cost       $0.001322\n",
    ):
        assert expected in text, (expected, text)
    assert "\nmessage" not in text  # a tool call and no text: no empty message section
    assert text.index("reasoning") < text.index("tool calls") < text.index("finish") < text.index("usage")


def test_describe_in_full() -> None:
    completion = completion_of(
        chunk({"role": "assistant", "content": "", "reasoning": "Hmm.\n\nYes."}, provider="P"),
        chunk({"content": "Line one\n\nline three\n"}),
        chunk({"content": ""}, usage={"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}),
        sse_event({"id": "gen-r", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}),
    )
    assert describe(completion) == (
        "model      m/x (P)\n"
        "id         gen-r\n"
        "\n"
        "reasoning\n"
        "  Hmm.\n"
        "\n"
        "  Yes.\n"
        "\n"
        "message\n"
        "  Line one\n"
        "\n"
        "  line three\n"
        "\n"
        "\n"
        "finish     stop\n"
        "\n"
        "usage\n"
        "  tokens     3 prompt + 4 completion = 7\n"
    )
    assert describe(completion, Style(color=True)).count("\x1b[1m") == 3  # the headings, bold


def test_describe_says_what_is_missing() -> None:
    assert "message\n  (no choice arrived)" in describe(completion_of(sse_event({"id": "g", "choices": []})))
    empty = describe(completion_of(chunk({"content": ""})))
    assert "message\n  (empty)" in empty


def test_encrypted_reasoning_is_counted_not_shown() -> None:
    text = describe(orsse.collect([(SEEDS / "gemini-3.1-flash-lite_simple.sse").read_bytes()]))
    assert "reasoning\n" not in text
    assert "details    1 reasoning.encrypted" in text
    assert "message\n  Olá!" in text


def test_several_choices_are_labelled() -> None:
    completion = completion_of(
        sse_event({"choices": [{"index": 0, "delta": {"content": "A"}}, {"index": 1, "delta": {"content": "B"}}]}),
        sse_event({"choices": [{"index": 1, "delta": {}, "finish_reason": "length"}]}),
    )
    text = describe(completion)
    assert "message (choice 0)\n  A" in text and "message (choice 1)\n  B" in text
    assert "choice 1: length" in text


# -- reasoning under either name ---------------------------------------------------------


def test_reasoning_content_is_reasoning() -> None:
    body = b"".join(
        [
            chunk({"role": "assistant", "reasoning_content": "Think"}),
            chunk({"reasoning_content": "ing."}),
            chunk({"content": "Done."}),
        ]
    )
    completion = completion_of(body)
    assert message_reasoning(completion.message) == "Thinking."
    assert "reasoning\n  Thinking.\n\nmessage\n  Done." in describe(completion)
    deltas = [c.choices[0].delta for c in orsse.iter_chunks([body + b"data: [DONE]\n\n"])]
    assert [delta_reasoning(d) for d in deltas] == ["Think", "ing.", None]


def test_reasoning_from_details_when_no_text_field() -> None:
    delta = orsse.parse_chunk(
        {"choices": [{"delta": {"reasoning_details": [{"type": "reasoning.summary", "summary": "S"}]}}]}
    ).choices[0].delta
    assert delta_reasoning(delta) == "S"
    try:
        odd = orsse.parse_chunk({"choices": [{"delta": {"reasoning_content": 5}}]}).choices[0].delta
    except orsse.ChunkDecodeError:
        return  # chunk types that check reasoning_content: a number never reaches the renderer
    assert delta_reasoning(odd) is None  # kept as an unknown key: not text, not shown as reasoning


# -- values of the wrong type ------------------------------------------------------------

WRONG = ["0.001", [1, 2], {"a": 1}, True, None, math.inf, -math.inf, math.nan, "x" * 1000, 10**30]


@pytest.mark.parametrize("value", WRONG, ids=lambda value: repr(value)[:20])
def test_usage_of_any_type_never_crashes(value: Any) -> None:
    usage = {
        "prompt_tokens": value, "completion_tokens": value, "total_tokens": value, "cost": value,
        "is_byok": value, "prompt_tokens_details": {"cached_tokens": value, "cache_write_tokens": value},
        "completion_tokens_details": {"reasoning_tokens": value}, "cost_details": {"upstream_inference_cost": value},
    }  # fmt: skip
    completion = completion_of(chunk({"content": "A"}, usage=usage))
    text = describe(completion)
    line = stats_line(completion, 0.0, 0.5, 1.5)
    assert "usage" in text and line.startswith("usage: ")
    assert max(len(row) for row in text.splitlines()) < 1000  # a huge value is cut short
    json.loads(to_json(completion.to_dict()))


def test_wrong_types_are_shown_as_the_json_they_were() -> None:
    usage = orsse.Usage(prompt_tokens="12", completion_tokens=[3], total_tokens=None, cost="0.001")  # type: ignore[arg-type]
    assert token_line(usage) == '"12" prompt + [3] completion'
    assert 'cost       "0.001" (not a number)' in describe_usage(usage)
    assert "$inf" not in describe_usage(orsse.Usage(cost=math.inf)) and "inf" in describe_usage(orsse.Usage(cost=math.inf))
    line = stats_line(orsse.ChatCompletion(usage=usage), 0.0, 0.5, 1.5)
    assert "tokens/s" not in line  # no speed from a count that is not a number
    fine = stats_line(orsse.ChatCompletion(usage=orsse.Usage(completion_tokens=30, cost=0.5)), 0.0, 0.5, 1.5)
    assert "30.0 tokens/s" in fine and "cost $0.500000" in fine and "first token 0.50s" in fine


def test_other_fields_of_the_wrong_type() -> None:
    completion = completion_of(
        sse_event({"id": 7, "model": ["m"], "provider": {"p": 1}, "choices": [
            {"index": 0, "delta": {"content": "A"}, "finish_reason": 3, "native_finish_reason": [1]}]}),
    )  # fmt: skip
    text = describe(completion)
    assert 'model      ["m"] ({"p": 1})' in text
    assert "id         7" in text and "finish     3 ([1])" in text


# -- the live view -------------------------------------------------------------------------

STREAMS = real_streams() + sse_files("synthetic_chunks")


@pytest.mark.parametrize("path", STREAMS, ids=fixture_id)
def test_live_view_prints_what_describe_prints(path: Path) -> None:
    body = path.read_bytes()
    accumulator = orsse.Accumulator()
    try:
        for _ in orsse.iter_chunks([body], accumulator=accumulator):
            pass
    except orsse.OrsseError:
        pass
    expected = describe(accumulator.result())
    printed = "".join(live(body))
    if fixture_id(path) in OUT_OF_ORDER:
        assert "another order" in printed and printed.endswith("\n\n" + expected)
    else:
        assert printed == expected


def test_live_view_prints_the_answer_as_it_comes() -> None:
    body = b"".join([chunk({"reasoning": "a\n"}), chunk({"reasoning": "\nb"}), chunk({"content": "x"}), chunk({"content": "\ny"})])
    pieces = live(body + finish_chunk() + b"data: [DONE]\n\n")
    assert pieces[:4] == [
        "model      m/x\nid         gen-r\n\nreasoning\n  a\n",
        "\n  b",
        "\n\nmessage\n  x",
        "\n  y",
    ]
    assert pieces[-1] == "\n\nfinish     stop\n"


def test_live_view_after_the_answer_began_more_reasoning() -> None:
    body = chunk({"content": "x"}) + chunk({"reasoning": "late"}) + chunk({"content": "y"})
    pieces = live(body + finish_chunk())
    assert "".join(pieces[:3]) == "model      m/x\nid         gen-r\n\nmessage\n  x"
    assert "another order" in pieces[-1]
    assert pieces[-1].endswith(describe(completion_of(body + finish_chunk())))


# -- strict JSON, the indicator -----------------------------------------------------------


def test_to_json_is_strict() -> None:
    value = {"cost": math.inf, "n": [-math.inf, {"x": math.nan}], "ok": 1.5, "t": "é\ud800"}
    text = to_json(value)
    assert "Infinity" not in text and "NaN" not in text
    assert json.loads(text) == {"cost": None, "n": [None, {"x": None}], "ok": 1.5, "t": "é\ud800"}
    text.encode("utf-8")  # the lone surrogate stays an escape
    assert "\\ud800" in text
    assert to_json({"a": [1, 2]}, indent=None) == '{"a":[1,2]}'
    assert value["cost"] == math.inf  # the caller's value is left as it was


def test_to_json_of_a_stream_with_1e400() -> None:
    completion = completion_of(chunk({"content": "A"}, usage={"cost": 1e400, "prompt_tokens": 1}))
    assert json.loads(to_json(completion.to_dict()))["usage"] == {"cost": None, "prompt_tokens": 1}


def test_to_json_deeply_nested() -> None:
    deep: Any = math.nan
    for _ in range(200):
        deep = [deep]
    text = to_json(deep, indent=None)
    assert text == "[" * 200 + "null" + "]" * 200


def test_thinking_line() -> None:
    assert thinking_line(0.2) == "thinking… 0s"
    assert thinking_line(4.9) == "thinking… 4s"


# -- the Responses API ----------------------------------------------------------------------

RESPONSES = FIXTURES / "recorded-responses"
RESPONSE_TEXT = RESPONSES / "TestOpenAIResponsesCommon" / "openai-gpt-4o" / "simple_streaming.0.sse"
RESPONSE_THINKING = RESPONSES / "TestOpenAIResponsesWithSummaryThinking" / "openai-gpt-5" / "thinking-streaming.0.sse"
RESPONSE_STREAMS = sse_files("recorded-responses") + sse_files("synthetic_responses")
#: Reasoning that arrives after the text has begun.
RESPONSES_OUT_OF_ORDER = {"synthetic_responses/deltas_without_added.sse"}


def test_describe_a_response() -> None:
    text = describe_response(orsse.collect_response([RESPONSE_TEXT.read_bytes()]))
    assert text.startswith("model      gpt-4o-2024-08-06\nid         resp_099d6c816b4d9f35016a3c11f9593481a2a77e9b90b888ae50\n")
    assert "\n\nmessage\n  Olá!\n\nstatus     completed\n\nusage\n  tokens     20 input + 3 output = 23\n" in text


def test_describe_a_response_with_a_summary_and_a_function_call() -> None:
    text = describe_response(orsse.collect_response([RESPONSE_THINKING.read_bytes()]))
    assert "\n\nreasoning\n  **Getting weather info**\n\n  I need to respond" in text
    assert "\n\nfunction calls\n  weather  call_id=call_zgUaIBRPTwxxOusyyKw5NVMH\n      {\"location\": \"Florence, Italy\"}" in text
    assert "details    1 encrypted reasoning item(s)" in text
    assert "tokens     63 input + 121 output (64 reasoning) = 184" in text
    assert "\nmessage" not in text


def test_describe_a_response_that_stopped_short() -> None:
    incomplete = describe_response(orsse.collect_response([(FIXTURES / "synthetic_responses" / "incomplete.sse").read_bytes()]))
    assert "status     incomplete (" in incomplete
    refusal = describe_response(orsse.collect_response([(FIXTURES / "synthetic_responses" / "refusal.sse").read_bytes()]))
    assert "\nrefusal\n  " in refusal


def test_response_usage_of_the_wrong_type() -> None:
    usage = orsse.ResponseUsage.from_dict(
        {"input_tokens": "20", "output_tokens": [3], "input_tokens_details": "x", "cost": "0.1"}
    )
    response = orsse.Response(id="r", model="m", status="completed", usage=usage)
    text = describe_response(response)
    assert 'tokens     "20" input + [3] output' in text and 'cost       "0.1" (not a number)' in text


@pytest.mark.parametrize("path", RESPONSE_STREAMS, ids=fixture_id)
def test_response_live_view_prints_what_describe_prints(path: Path) -> None:
    view = ResponseLiveView()
    accumulator = orsse.ResponseAccumulator()
    pieces = []
    try:
        for event in orsse.iter_response_events([path.read_bytes()], accumulator=accumulator):
            pieces.append(view.feed(event))
    except orsse.OrsseError:
        pass
    expected = describe_response(accumulator.result())
    printed = "".join(pieces) + view.finish(accumulator.result())
    if fixture_id(path) in RESPONSES_OUT_OF_ORDER:
        assert "another order" in printed and printed.endswith("\n\n" + expected)
    else:
        assert printed == expected
        if "reasoning\n" in expected or "message\n" in expected:
            assert "".join(pieces), "the text should print before the end"
