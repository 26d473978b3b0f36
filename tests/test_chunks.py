"""The typed-chunk layer: ``parse_chunk``, ``iter_chunks``/``aiter_chunks``,
``collect``/``acollect``: ``[DONE]``, comments, unknown keys, bad payloads."""

from __future__ import annotations

import json
import random
from typing import TYPE_CHECKING

import pytest

import orsse
from chunk_helpers import (
    FIXTURES,
    USAGE,
    acollect_sync,
    agen,
    chunk,
    data_payloads,
    outcome,
    random_splits,
    sse_body,
    strip_nulls,
)

if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

REAL_STREAMS = sorted((FIXTURES / "seeds").glob("*.sse")) + sorted((FIXTURES / "recorded").rglob("*.sse"))


def _real(name: str) -> bytes:
    return (FIXTURES / "recorded" / name).read_bytes()


# -- parse_chunk ----------------------------------------------------------------------------

SIMPLE = {
    "id": "gen-1",
    "object": "chat.completion.chunk",
    "created": 1758707452,
    "model": "google/gemini-2.0-flash-001",
    "provider": "Google",
    "choices": [
        {
            "index": 0,
            "delta": {"role": "assistant", "content": "Olá"},
            "finish_reason": None,
            "native_finish_reason": None,
            "logprobs": None,
        }
    ],
}


def test_parse_chunk_from_str_bytes_and_dict_agree() -> None:
    text = json.dumps(SIMPLE, ensure_ascii=False)
    from_str = orsse.parse_chunk(text)
    from_bytes = orsse.parse_chunk(text.encode("utf-8"))
    from_dict = orsse.parse_chunk(json.loads(text))
    assert from_str == from_bytes == from_dict
    assert isinstance(from_str, orsse.ChatCompletionChunk)
    assert from_str.id == "gen-1"
    assert from_str.object == "chat.completion.chunk"
    assert from_str.created == 1758707452
    assert from_str.model == "google/gemini-2.0-flash-001"
    assert from_str.provider == "Google"
    choice = from_str.choices[0]
    assert isinstance(choice, orsse.ChunkChoice)
    assert choice.index == 0
    assert isinstance(choice.delta, orsse.ChoiceDelta)
    assert choice.delta.role == "assistant"
    assert choice.delta.content == "Olá"
    assert choice.finish_reason is None
    assert from_str.to_dict() == SIMPLE


def test_parse_chunk_does_not_keep_or_change_the_dict() -> None:
    data = json.loads(json.dumps(SIMPLE))
    snapshot = json.dumps(data)
    parsed = orsse.parse_chunk(data)
    assert json.dumps(data) == snapshot
    parsed.to_dict()["choices"][0]["delta"]["content"] = "changed"
    assert parsed.choices[0].delta.content == "Olá"


@pytest.mark.parametrize("sse", REAL_STREAMS, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_every_real_chunk_round_trips_through_to_dict(sse: Any) -> None:
    for payload in data_payloads(sse.read_bytes()):
        if payload == "[DONE]":
            continue
        parsed = orsse.parse_chunk(payload)
        # The same keys, in the same order, with the same values and nulls: a relay that
        # forwards parsed chunks sends what it got.
        assert parsed.to_dict() == json.loads(payload)
        assert json.dumps(parsed.to_dict(), ensure_ascii=False) == json.dumps(json.loads(payload), ensure_ascii=False)
        assert orsse.parse_chunk(parsed.to_dict()) == parsed


def test_parse_chunk_with_the_usage_and_details_of_a_real_chunk() -> None:
    parsed = orsse.parse_chunk(chunk(choices=[], usage=USAGE))
    usage = parsed.usage
    assert isinstance(usage, orsse.Usage)
    assert usage.prompt_tokens == 10 and usage.completion_tokens == 5 and usage.total_tokens == 15
    assert usage.cost == 0.0001 and usage.is_byok is False
    assert isinstance(usage.prompt_tokens_details, orsse.PromptTokensDetails)
    assert usage.prompt_tokens_details.cached_tokens == 0
    assert isinstance(usage.completion_tokens_details, orsse.CompletionTokensDetails)
    assert usage.completion_tokens_details.reasoning_tokens == 0
    assert isinstance(usage.cost_details, orsse.CostDetails)
    assert usage.cost_details.upstream_inference_completions_cost == 0.00006
    assert parsed.to_dict()["usage"] == USAGE
    assert parsed.choices == []


# -- unknown keys at every level -------------------------------------------------------------

EVERYTHING = {
    "id": "gen-x",
    "object": "chat.completion.chunk",
    "created": 1,
    "model": "m",
    "provider": "p",
    "system_fingerprint": "fp_1",
    "service_tier": "default",
    "x_chunk": {"nested": [1, 2]},
    "openrouter_metadata": {"router": "auto"},
    "choices": [
        {
            "index": 0,
            "x_choice": "c",
            "delta": {
                "role": "assistant",
                "content": "hi",
                "refusal": "no",
                "reasoning": "think",
                "x_delta": 7,
                "audio": {"id": "audio_1", "data": "AAAA"},
                "reasoning_details": [
                    {"type": "reasoning.text", "text": "t", "signature": "s", "format": "f", "index": 0, "id": "r1", "x_detail": True},
                    {"type": "reasoning.future", "payload": {"a": [1]}, "index": 1},
                ],
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "call_1",
                        "type": "function",
                        "x_tool": "tc",
                        "function": {"name": "f", "arguments": "{}", "x_function": [True]},
                    }
                ],
                "annotations": [
                    {
                        "type": "url_citation",
                        "x_annotation": 1,
                        "url_citation": {
                            "url": "https://example.com",
                            "title": "Example",
                            "content": "c",
                            "start_index": 0,
                            "end_index": 2,
                            "x_citation": "cc",
                        },
                    }
                ],
                "images": [
                    {
                        "type": "image_url",
                        "x_image": 2,
                        "image_url": {"url": "data:image/png;base64,AAAA", "detail": "high"},
                    }
                ],
            },
            "finish_reason": "stop",
            "native_finish_reason": "end_turn",
            "logprobs": {
                "content": [
                    {
                        "token": "hi",
                        "logprob": -0.5,
                        "bytes": [104, 105],
                        "x_token": 3,
                        "top_logprobs": [{"token": "hi", "logprob": -0.5, "bytes": [104, 105], "x_top": 4}],
                    }
                ],
                "refusal": [{"token": "no", "logprob": -1.0, "bytes": None, "top_logprobs": []}],
                "x_logprobs": 5,
            },
        }
    ],
    "usage": {
        "prompt_tokens": 1,
        "completion_tokens": 2,
        "total_tokens": 3,
        "cost": 0.5,
        "is_byok": True,
        "x_usage": "u",
        "prompt_tokens_details": {"cached_tokens": 1, "cache_write_tokens": 0, "audio_tokens": 0, "video_tokens": 0, "x_ptd": 1},
        "completion_tokens_details": {"reasoning_tokens": 1, "image_tokens": 0, "audio_tokens": 0, "x_ctd": 2},
        "cost_details": {
            "upstream_inference_cost": 0.4,
            "upstream_inference_prompt_cost": 0.1,
            "upstream_inference_completions_cost": 0.3,
            "x_cost": 3,
        },
        "server_tool_use": {"web_search_requests": 1},
    },
    "error": {"code": 500, "message": "m", "metadata": {"raw": "r"}, "x_error": "e"},
}


def test_unknown_keys_are_kept_in_extra_at_every_level() -> None:
    parsed = orsse.parse_chunk(json.dumps(EVERYTHING))
    assert parsed.extra == {"x_chunk": {"nested": [1, 2]}, "openrouter_metadata": {"router": "auto"}}
    assert parsed.system_fingerprint == "fp_1"
    assert parsed.service_tier == "default"
    choice = parsed.choices[0]
    assert choice.extra == {"x_choice": "c"}
    delta = choice.delta
    assert delta.extra == {"x_delta": 7}
    assert delta.refusal == "no" and delta.reasoning == "think"
    assert delta.audio == {"id": "audio_1", "data": "AAAA"}
    text_detail, future_detail = delta.reasoning_details or []
    assert isinstance(text_detail, orsse.ReasoningDetail)
    assert (text_detail.type, text_detail.text, text_detail.signature, text_detail.format) == (
        "reasoning.text", "t", "s", "f",
    )  # fmt: skip
    assert (text_detail.index, text_detail.id) == (0, "r1")
    assert text_detail.extra == {"x_detail": True}
    assert future_detail.type == "reasoning.future"
    assert future_detail.extra == {"payload": {"a": [1]}}
    call = (delta.tool_calls or [])[0]
    assert isinstance(call, orsse.ToolCallDelta)
    assert call.extra == {"x_tool": "tc"}
    assert isinstance(call.function, orsse.FunctionCallDelta)
    assert call.function.extra == {"x_function": [True]}
    annotation = (delta.annotations or [])[0]
    assert isinstance(annotation, orsse.Annotation)
    assert annotation.extra == {"x_annotation": 1}
    assert isinstance(annotation.url_citation, orsse.UrlCitation)
    assert annotation.url_citation.extra == {"x_citation": "cc"}
    assert annotation.url_citation.end_index == 2
    image = (delta.images or [])[0]
    assert isinstance(image, orsse.Image)
    assert image.extra == {"x_image": 2}
    assert isinstance(image.image_url, orsse.ImageUrl)
    assert image.image_url.extra == {"detail": "high"}
    logprobs = choice.logprobs
    assert isinstance(logprobs, orsse.ChoiceLogprobs)
    assert logprobs.extra == {"x_logprobs": 5}
    token = (logprobs.content or [])[0]
    assert isinstance(token, orsse.TokenLogprob)
    assert token.extra == {"x_token": 3}
    top = (token.top_logprobs or [])[0]
    assert isinstance(top, orsse.TopLogprob)
    assert top.extra == {"x_top": 4}
    usage = parsed.usage
    assert usage is not None
    assert usage.extra == {"x_usage": "u"}
    assert usage.prompt_tokens_details is not None and usage.prompt_tokens_details.extra == {"x_ptd": 1}
    assert usage.completion_tokens_details is not None and usage.completion_tokens_details.extra == {"x_ctd": 2}
    assert usage.cost_details is not None and usage.cost_details.extra == {"x_cost": 3}
    assert usage.server_tool_use == {"web_search_requests": 1}
    error = parsed.error
    assert isinstance(error, orsse.ErrorDetail)
    assert (error.code, error.message, error.metadata) == (500, "m", {"raw": "r"})
    assert error.extra == {"x_error": "e"}

    # ... and everything comes back out, keys and values.
    assert parsed.to_dict() == EVERYTHING
    assert orsse.parse_chunk(parsed.to_dict()) == parsed


# The common delta shapes take a shortcut in ChoiceDelta.from_dict; each must give what the
# general path gives, unknown keys and wrong types included.
DELTA_SHAPES = [
    ({"content": "x"}, orsse.ChoiceDelta(content="x")),
    ({"role": "assistant", "content": "x"}, orsse.ChoiceDelta(role="assistant", content="x")),
    ({"content": "x", "role": "assistant"}, orsse.ChoiceDelta(role="assistant", content="x")),
    ({"role": None, "content": "x"}, orsse.ChoiceDelta(content="x")),
    ({"content": "x", "x_new": 1}, orsse.ChoiceDelta(content="x", extra={"x_new": 1})),
    ({"content": "x", "refusal": "no"}, orsse.ChoiceDelta(content="x", refusal="no")),
    ({"content": "x", "role": "assistant", "x_new": None},
     orsse.ChoiceDelta(role="assistant", content="x", extra={"x_new": None})),
    ({"role": "assistant"}, orsse.ChoiceDelta(role="assistant")),
    ({"content": None}, orsse.ChoiceDelta()),
    ({"content": ""}, orsse.ChoiceDelta(content="")),
    ({"content": "x", "reasoning": "r"}, orsse.ChoiceDelta(content="x", reasoning="r")),
]  # fmt: skip


@pytest.mark.parametrize("delta, expected", DELTA_SHAPES, ids=[json.dumps(d) for d, _ in DELTA_SHAPES])
def test_delta_shapes(delta: Dict[str, Any], expected: orsse.ChoiceDelta) -> None:
    parsed = orsse.parse_chunk(chunk(delta))
    assert parsed.choices[0].delta == expected
    # Every key comes back as it was sent, nulls included.
    assert parsed.choices[0].delta.to_dict() == delta


@pytest.mark.parametrize("role", [5, ["assistant"], {"r": 1}])
def test_delta_with_a_role_of_the_wrong_type(role: Any) -> None:
    with pytest.raises(orsse.ChunkDecodeError, match="delta.role"):
        orsse.parse_chunk(chunk({"role": role, "content": "x"}))


@pytest.mark.parametrize("choices, count", [
    ([], 0),
    (None, 0),
    ([{"index": 0, "delta": {"content": "a"}}], 1),
    ([{"index": 0, "delta": {"content": "a"}}, {"index": 1, "delta": {"content": "b"}}], 2),
])  # fmt: skip
def test_choice_lists(choices: Any, count: int) -> None:
    parsed = orsse.parse_chunk({"id": "x", "choices": choices})
    assert [c.index for c in parsed.choices] == list(range(count))


@pytest.mark.parametrize("choices", [{"0": {"delta": {}}}, "ab", 5, [5], [None]])
def test_choices_of_the_wrong_shape(choices: Any) -> None:
    with pytest.raises(orsse.ChunkDecodeError, match="unexpected shape"):
        orsse.parse_chunk({"id": "x", "choices": choices})


# -- missing and null fields -----------------------------------------------------------------


def test_empty_object_is_a_chunk() -> None:
    parsed = orsse.parse_chunk("{}")
    assert parsed.id is None and parsed.model is None and parsed.created is None
    assert parsed.choices == []
    assert parsed.usage is None and parsed.error is None
    assert parsed.extra == {}
    assert parsed.to_dict() == {}
    assert orsse.ChatCompletionChunk().to_dict() == {"choices": []}


def test_every_field_null_at_every_level() -> None:
    payload = {
        "id": None, "object": None, "created": None, "model": None, "provider": None,
        "system_fingerprint": None, "service_tier": None, "usage": None, "error": None,
        "choices": [
            {"index": None, "delta": None, "finish_reason": None, "native_finish_reason": None, "logprobs": None},
            {
                "index": 1,
                "delta": {
                    "role": None, "content": None, "refusal": None, "reasoning": None,
                    "reasoning_details": [{k: None for k in ("type", "text", "summary", "data", "signature", "format", "index", "id")}],
                    "tool_calls": [{"index": None, "id": None, "type": None, "function": None},
                                   {"index": 0, "function": {"name": None, "arguments": None}}],
                    "annotations": [{"type": None, "url_citation": None}],
                    "images": [{"type": None, "image_url": None}],
                    "audio": None,
                },
                "logprobs": {"content": None, "refusal": None},
            },
        ],
    }  # fmt: skip
    parsed = orsse.parse_chunk(payload)
    first, second = parsed.choices
    assert first.index == 0
    assert first.delta == orsse.ChoiceDelta()
    assert second.index == 1
    assert second.delta.content is None
    assert second.delta.reasoning_details == [orsse.ReasoningDetail()]
    assert second.delta.tool_calls == [orsse.ToolCallDelta(), orsse.ToolCallDelta(index=0, function=orsse.FunctionCallDelta())]
    # Fields all missing: the same chunk.
    assert orsse.parse_chunk(strip_nulls(payload)).choices[1] == second

    usage = orsse.parse_chunk({"usage": {"prompt_tokens_details": None, "cost": None}}).usage
    assert usage == orsse.Usage()
    assert orsse.parse_chunk({"usage": {}}).usage == orsse.Usage()
    assert orsse.parse_chunk({"error": {}}).error == orsse.ErrorDetail()


def test_stream_of_chunks_with_nothing_in_them() -> None:
    body = sse_body({}, {"choices": None}, {"choices": [{}]}, {"choices": [{"delta": {}, "finish_reason": "stop"}]})
    completion = orsse.collect([body])
    assert completion.id is None
    assert len(completion.choices) == 1
    assert completion.choices[0].finish_reason == "stop"
    assert completion.message.content is None
    assert completion.content == ""


# -- [DONE] ------------------------------------------------------------------------------------


def test_done_stops_iteration_and_nothing_after_it_is_read() -> None:
    body = sse_body(chunk({"content": "a"}), done=True) + b"data: this is not json\n\n" + sse_body(chunk({"content": "b"}))
    acc = orsse.Accumulator()
    chunks = list(orsse.iter_chunks([body], accumulator=acc))
    assert len(chunks) == 1
    assert acc.done
    assert acc.result().content == "a"


def test_done_without_space_is_done() -> None:
    body = sse_body(chunk({"content": "a"}), done=False) + b"data:[DONE]\n\n"
    acc = orsse.Accumulator()
    assert orsse.collect([body], accumulator=acc).content == "a"
    assert acc.done


def test_done_ends_a_stream_without_finish_reason() -> None:
    completion = orsse.collect([sse_body(chunk({"content": "a"}))])
    assert completion.content == "a"
    assert completion.choices[0].finish_reason is None


@pytest.mark.parametrize(
    "line",
    [b"data:  [DONE]", b"data: [DONE] ", b"data: [done]", b"data: [DONE]x", b"data: DONE", b"data: [DONE]\xc2\xa0"],
    ids=["two-spaces", "trailing-space", "lowercase", "suffix", "no-brackets", "nbsp"],
)
def test_almost_done_is_invalid_json(line: bytes) -> None:
    body = sse_body(chunk({"content": "before"}), done=False) + line + b"\n\n" + sse_body(chunk({"content": "after"}))
    with pytest.raises(orsse.ChunkDecodeError) as info:
        orsse.collect([body])
    assert info.value.event_index == 2
    assert "#2" in str(info.value)
    assert info.value.partial is not None
    assert info.value.partial.content == "before"


def test_done_in_a_multi_line_event_is_not_done() -> None:
    body = sse_body(chunk({"content": "a"}), done=False) + b"data: [DONE]\ndata: \n\n"
    with pytest.raises(orsse.ChunkDecodeError):
        orsse.collect([body])


# -- comments and other SSE fields --------------------------------------------------------------


def test_comments_are_skipped_and_reported() -> None:
    raw = _real("TestOpenRouterCommon/kimi/multi_tool_streaming.1.sse")
    assert raw.count(b": OPENROUTER PROCESSING") >= 2
    comments: List[str] = []
    with_cb = orsse.collect([raw], on_comment=comments.append)
    assert comments == ["OPENROUTER PROCESSING"] * raw.count(b": OPENROUTER PROCESSING")
    without = orsse.collect([raw.replace(b": OPENROUTER PROCESSING\n\n", b"")])
    assert with_cb.to_dict() == without.to_dict()


def test_comments_between_and_inside_events() -> None:
    body = (
        b": OPENROUTER PROCESSING\n\n"
        + b'data: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n'
        + b": a comment inside the event\n\n"
        + b":no space\n"
        + b'data: {"choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"stop"}]}\n\n'
    )
    comments: List[str] = []
    assert orsse.collect([body], on_comment=comments.append).content == "ab"
    assert comments == ["OPENROUTER PROCESSING", "a comment inside the event", "no space"]


def test_event_id_retry_fields_and_multi_line_data_are_accepted() -> None:
    body = (
        b"event: message\nid: 1\nretry: 1000\n"
        b'data: {"id":"g","choices":[{"index":0,\n'
        b'data: "delta":{"content":"a"}}]}\n\n'
        b'id: 2\ndata: {"id":"g","choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"stop"}]}\r\n\r\n'
        b"data: [DONE]\n\n"
    )
    assert orsse.collect([body]).content == "ab"


def test_error_named_event() -> None:
    body = sse_body(chunk({"content": "so far"}), done=False)
    body += b'event: error\ndata: {"error": {"code": 429, "message": "slow down"}}\n\n'
    with pytest.raises(orsse.StreamError) as info:
        orsse.collect([body])
    assert (info.value.code, info.value.message) == (429, "slow down")
    assert info.value.partial is not None and info.value.partial.content == "so far"


def test_error_named_event_with_plain_text() -> None:
    body = b"event: error\ndata: upstream went away\n\n"
    with pytest.raises(orsse.StreamError) as info:
        orsse.collect([body])
    assert info.value.message == "upstream went away"


# -- bad payloads -------------------------------------------------------------------------------


BAD_PAYLOADS = {
    "invalid-json": "{not json",
    "truncated-json": '{"id": "x", "choices": [',
    "a-list": "[1, 2]",
    "a-number": "42",
    "a-string": '"hello"',
    "null": "null",
    "true": "true",
    "choices-not-a-list": '{"choices": 5}',
    "choices-a-string": '{"choices": "abc"}',
    "choices-an-object": '{"choices": {"index": 0}}',
    "choice-a-number": '{"choices": [3]}',
    "delta-a-string": '{"choices": [{"index": 0, "delta": "abc"}]}',
    "delta-a-list": '{"choices": [{"index": 0, "delta": ["a", "b"]}]}',
    "tool-calls-not-a-list": '{"choices": [{"index": 0, "delta": {"tool_calls": 1}}]}',
    "tool-call-a-string": '{"choices": [{"index": 0, "delta": {"tool_calls": ["x"]}}]}',
    "function-a-string": '{"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": "f"}]}}]}',
    "details-an-object": '{"choices": [{"index": 0, "delta": {"reasoning_details": 1}}]}',
    "usage-a-list": '{"usage": [1]}',
    "usage-details-a-number": '{"usage": {"prompt_tokens_details": 3}}',
    "logprobs-a-string": '{"choices": [{"index": 0, "delta": {}, "logprobs": "x"}]}',
    "annotation-a-string": '{"choices": [{"index": 0, "delta": {"annotations": ["x"]}}]}',
    "image-url-a-string": '{"choices": [{"index": 0, "delta": {"images": [{"image_url": "x"}]}}]}',
    "error-a-list": '{"error": [1]}',
}


@pytest.mark.parametrize("payload", list(BAD_PAYLOADS.values()), ids=list(BAD_PAYLOADS))
def test_bad_payload_raises_chunk_decode_error(payload: str) -> None:
    with pytest.raises(orsse.ChunkDecodeError) as info:
        orsse.parse_chunk(payload, event_index=7)
    assert info.value.event_index == 7
    assert "#7" in str(info.value)
    with pytest.raises(orsse.ChunkDecodeError):
        orsse.parse_chunk(payload.encode("utf-8"))
    try:
        decoded = json.loads(payload)
    except ValueError:
        return
    if isinstance(decoded, dict):
        with pytest.raises(orsse.ChunkDecodeError):
            orsse.parse_chunk(decoded)


@pytest.mark.parametrize("payload", list(BAD_PAYLOADS.values()), ids=list(BAD_PAYLOADS))
def test_bad_event_in_a_stream_names_its_position_and_keeps_the_partial(payload: str) -> None:
    body = sse_body(
        chunk({"role": "assistant", "content": "Hel"}),
        chunk({"role": "assistant", "content": "lo"}),
        payload,
        chunk({"content": "never"}, finish_reason="stop"),
    )
    for run in (lambda: orsse.collect([body]), lambda: acollect_sync([body])):
        with pytest.raises(orsse.ChunkDecodeError) as info:
            run()
        error = info.value
        assert isinstance(error, orsse.OrsseError) and isinstance(error, ValueError)
        assert error.event_index == 3
        assert "#3" in str(error)
        assert error.payload == payload
        assert error.partial is not None
        assert error.partial.content == "Hello"
        assert error.partial.id == "gen-test-1"


def test_event_index_counts_data_events_not_comments() -> None:
    body = sse_body(chunk({"content": "a"}), done=False, comments=5) + b": x\n\n" + sse_body("nope", done=False)
    with pytest.raises(orsse.ChunkDecodeError) as info:
        orsse.collect([body])
    assert info.value.event_index == 2


def test_bad_payload_from_a_dict_is_a_chunk_decode_error() -> None:
    with pytest.raises(orsse.ChunkDecodeError):
        orsse.parse_chunk({"choices": [{"delta": "abc"}]})


def test_invalid_utf8_bytes_payload() -> None:
    with pytest.raises(orsse.ChunkDecodeError) as info:
        orsse.parse_chunk(b'{"id": "\xff\xfe"}')
    assert "\ufffd" in info.value.payload


def test_invalid_utf8_in_a_stream_becomes_replacement_characters() -> None:
    body = b'data: {"choices":[{"index":0,"delta":{"content":"a\xffb"},"finish_reason":"stop"}]}\n\n'
    assert orsse.collect([body]).content == "a\ufffdb"


@pytest.mark.parametrize("kind", ["invalid-json", "a-list", "wrong-shape"])
def test_huge_bad_payload_gives_a_short_message(kind: str) -> None:
    filler = "x" * 1_000_000
    payload = {
        "invalid-json": '{"content": "' + filler,
        "a-list": json.dumps([filler]),
        "wrong-shape": json.dumps({"choices": [{"delta": filler}]}),
    }[kind]
    assert len(payload) > 1_000_000
    with pytest.raises(orsse.ChunkDecodeError) as info:
        orsse.collect([sse_body(chunk({"content": "ok"}), payload)])
    message = str(info.value)
    assert len(message) < 1000
    assert "#2" in message
    assert payload[:40] in message  # the excerpt shows how the payload begins
    assert len(info.value.payload) == len(payload)
    with pytest.raises(orsse.ChunkDecodeError) as info2:
        orsse.parse_chunk(payload)
    assert len(str(info2.value)) < 1000


def test_deeply_nested_json_is_a_chunk_decode_error() -> None:
    """A hostile event nesting arrays 100k deep makes ``json.loads`` raise
    ``RecursionError``, which is neither a ``ValueError`` nor an orsse error."""
    payload = '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(orsse.ChunkDecodeError):
        orsse.parse_chunk(payload)
    with pytest.raises(orsse.ChunkDecodeError):
        orsse.collect([sse_body(payload)])


# -- values of the wrong type inside an otherwise valid chunk ------------------------------------
#
# Each is a chunk orsse accepts at parse time but cannot merge: the public API must
# still answer with an orsse error (a ChunkDecodeError naming the event), never a bare
# TypeError/AttributeError from inside the accumulator.

WRONG_TYPES = {
    "content-a-number": {"content": 5},
    "content-a-list-of-parts": {"content": [{"type": "text", "text": "hi"}]},
    "reasoning-an-object": {"reasoning": {"text": "x"}},
    "arguments-an-object": {"tool_calls": [{"index": 0, "id": "c", "type": "function", "function": {"name": "f", "arguments": {"a": 1}}}]},
    "tool-call-index-an-object": {"tool_calls": [{"index": {}, "function": {"arguments": "{}"}}]},
    "detail-type-a-list": {"reasoning_details": [{"type": ["reasoning.text"], "text": "x"}]},
    "detail-text-a-number": {"reasoning_details": [{"type": "reasoning.text", "text": 5, "index": 0}]},
    "audio-a-string": {"audio": "abc"},
}  # fmt: skip


@pytest.mark.parametrize("delta", list(WRONG_TYPES.values()), ids=list(WRONG_TYPES))
def test_wrong_value_types_give_an_orsse_error(delta: Dict[str, Any]) -> None:
    body = sse_body(chunk({"role": "assistant", "content": "ok"}), chunk(delta, finish_reason="stop"))
    try:
        orsse.collect([body])
    except orsse.OrsseError as exc:
        assert exc.partial is None or exc.partial.content in ("ok", None)
    # Anything else escapes and fails the test; so does silently accepting nothing
    # when a TypeError surfaces later from result().


def test_choice_index_of_the_wrong_type_gives_an_orsse_error() -> None:
    for index in ([0], {"i": 0}, "1"):
        body = sse_body(
            {"choices": [{"index": index, "delta": {"content": "x"}}]},
            chunk({"content": "y"}, finish_reason="stop"),
        )
        try:
            orsse.collect([body])
        except orsse.OrsseError:
            pass


# -- fuzzing: only chunks or orsse errors ----------------------------------------------------------


def _fuzz_source() -> bytes:
    return _real("TestOpenRouterThinking/anthropic/thinking-streaming.0.sse")


FUZZ_SOURCES = [
    "TestOpenRouterThinking/anthropic/thinking-streaming.0.sse",
    "TestOpenRouterCommon/grok/tool_streaming.0.sse",
    "TestOpenRouterCommon/gemini/multi_tool_streaming.0.sse",
]


def _mutate_bytes(raw: bytes, rng: random.Random) -> bytes:
    data = bytearray(raw)
    alphabet = b'{}[]:,"\\ 0123456789-.eEtrufalsn\n\r\x00\xff\xc3'
    for _ in range(rng.randint(1, 6)):
        pos = rng.randrange(len(data))
        op = rng.randrange(4)
        if op == 0:
            data[pos] = rng.choice(alphabet)
        elif op == 1:
            del data[pos : pos + rng.randint(1, 40)]
        elif op == 2:
            data[pos:pos] = bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 5)))
        else:
            data[pos] ^= 1 << rng.randrange(8)
    return bytes(data)


def _run_everything(raw: bytes, rng: random.Random) -> None:
    """Every public entry point over *raw*: results or orsse errors, nothing else; and the
    same outcome (completion, or error class and partial) however the bytes are cut."""
    pieces = [raw[i : i + 97] for i in range(0, len(raw), 97)]
    whole = outcome([raw])
    assert outcome(pieces) == whole
    assert outcome(random_splits(raw, rng, 7)) == whole  # tiny reads: the inline paths
    # iter_json: json.loads of each data up to [DONE], or an error at the first bad one.
    values: List[Any] = []
    error: Optional[str] = None
    for data in orsse.iter_data([raw]):
        if data == "[DONE]":
            break
        try:
            value = json.loads(data)
        except (ValueError, RecursionError):
            value = None
        if type(value) is not dict:
            error = "ChunkDecodeError"
            break
        values.append(value)
    for reads in ([raw], random_splits(raw, rng, 7)):
        got: List[Any] = []
        try:
            for value in orsse.iter_json(reads):
                got.append(value)
        except orsse.OrsseError as exc:
            assert (got, type(exc).__name__) == (values, error)
        else:
            assert (got, None) == (values, error)
    try:
        for parsed in orsse.iter_chunks([raw]):
            assert isinstance(parsed, orsse.ChatCompletionChunk)
            parsed.to_dict()
    except orsse.OrsseError:
        pass
    for payload in data_payloads(raw)[:3]:
        try:
            orsse.parse_chunk(payload)
        except orsse.OrsseError:
            pass


@pytest.mark.parametrize("name", FUZZ_SOURCES)
def test_fuzz_byte_mutations_give_chunks_or_orsse_errors(name: str) -> None:
    raw = _real(name)
    rng = random.Random("bytes:" + name)
    kinds = set()
    for _ in range(80):
        mutated = _mutate_bytes(raw, rng)
        kinds.add(outcome([mutated])[0])
        _run_everything(mutated, rng)
    assert kinds == {"ok", "error"}


_FUZZ_VALUES: List[Any] = [None, 0, -1, 1.5, True, "", "x", [], [1], {}, {"a": 1}, [{}], [None], "\x00"]


def _paths(value: Any, prefix: tuple = ()) -> List[tuple]:
    out = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(_paths(item, prefix + (key,)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.extend(_paths(item, prefix + (i,)))
    return out


def _replace(value: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        copy = dict(value)
    else:
        copy = list(value)
    copy[head] = _replace(value[head], rest, new)
    return copy


def test_fuzz_json_value_mutations_give_chunks_or_orsse_errors() -> None:
    """Replace one value somewhere in one real chunk with a value of another type."""
    raw = _fuzz_source()
    payloads = data_payloads(raw)
    events = [json.loads(p) for p in payloads if p != "[DONE]"]
    rng = random.Random(7)
    failures = []
    for trial in range(300):
        which = rng.randrange(len(events))
        target = events[which]
        path = rng.choice(_paths(target)[1:])
        mutated = list(events)
        mutated[which] = _replace(target, path, rng.choice(_FUZZ_VALUES))
        body = sse_body(*mutated)
        try:
            outcome([body])
        except Exception as exc:  # noqa: BLE001 - collected to report them all at once
            failures.append(f"event {which + 1} at {'/'.join(map(str, path))}: {type(exc).__name__}: {exc}")
    assert not failures, f"{len(failures)} of 300 mutations escaped as non-orsse errors, e.g.:\n" + "\n".join(
        sorted(set(failures))[:15]
    )


# -- async -------------------------------------------------------------------------------------------


def test_aiter_chunks_over_an_async_generator() -> None:
    import asyncio

    raw = _real("TestOpenRouterCommon/openai/multi_tool_streaming.0.sse")
    pieces = [raw[i : i + 50] for i in range(0, len(raw), 50)]

    async def run() -> List[orsse.ChatCompletionChunk]:
        acc = orsse.Accumulator()
        out = [c async for c in orsse.aiter_chunks(agen(pieces), accumulator=acc)]
        assert acc.done
        return out

    async_chunks = asyncio.run(run())
    sync_chunks = list(orsse.iter_chunks(pieces))
    assert async_chunks == sync_chunks
    assert len(async_chunks) == len([p for p in data_payloads(raw) if p != "[DONE]"])


def test_acollect_equals_collect_and_passes_options() -> None:
    raw = _real("TestOpenRouterCommon/grok/tool_streaming.1.sse")
    comments: List[str] = []
    pieces = [raw[i : i + 333] for i in range(0, len(raw), 333)]
    assert acollect_sync(pieces, on_comment=comments.append).to_dict() == orsse.collect([raw]).to_dict()
    assert comments and set(comments) == {"OPENROUTER PROCESSING"}


def test_async_errors_carry_the_partial() -> None:
    body = sse_body(
        chunk({"content": "partial "}),
        chunk({"content": ""}, finish_reason="error", error={"code": 502, "message": "upstream died"}),
        done=False,
    )
    with pytest.raises(orsse.StreamError) as info:
        acollect_sync([body])
    assert info.value.code == 502
    assert info.value.partial is not None and info.value.partial.content == "partial "

    truncated = sse_body(chunk({"content": "cut"}), done=False)
    with pytest.raises(orsse.IncompleteStreamError) as info2:
        acollect_sync([truncated])
    assert info2.value.partial is not None and info2.value.partial.content == "cut"


def test_async_stops_at_done() -> None:
    body = sse_body(chunk({"content": "a"}, finish_reason="stop")) + b"data: garbage\n\n"
    assert acollect_sync([body]).content == "a"


def test_limits_are_passed_through_and_give_an_orsse_error_with_partial() -> None:
    small = sse_body(chunk({"content": "small"}), done=False)
    big = sse_body(chunk({"content": "y" * 5000}, finish_reason="stop"))
    for option in ("max_event_size", "max_line_size"):
        with pytest.raises(orsse.SSELimitError) as info:
            orsse.collect([small, big], **{option: 1000})
        assert info.value.partial is not None and info.value.partial.content == "small"


def test_limit_error_partial_keeps_events_completed_earlier_in_the_same_read() -> None:
    """One read holding a complete small event and then an oversized one: the small
    event arrived whole before the error, so the partial must hold it."""
    body = sse_body(chunk({"content": "small"}), chunk({"content": "y" * 5000}, finish_reason="stop"))
    with pytest.raises(orsse.SSELimitError) as info:
        orsse.collect([body], max_event_size=1000)
    assert info.value.partial is not None and info.value.partial.content == "small"


# -- the wrong kind of input, a failing byte source, a body that is not a chat stream ---------


def test_deeply_nested_dict_gives_a_chunk_decode_error() -> None:
    deep: Any = "x"
    for _ in range(100_000):
        deep = {"a": deep}
    payload = chunk({"tool_calls": [{"index": 0, "function": {"name": "f", "arguments": deep}}]})
    with pytest.raises(orsse.ChunkDecodeError, match="nested too deeply|unexpected shape"):
        orsse.parse_chunk(payload)
    # Deep where only the extra keys hold it: kept as it came.
    parsed = orsse.parse_chunk({"x_deep": deep, "choices": []})
    assert parsed.extra["x_deep"] is deep


BODY = sse_body(chunk({"role": "assistant", "content": "Hi"}), chunk({}, finish_reason="stop"))


@pytest.mark.parametrize("wrong, says", [
    (BODY, "not one bytes object: pass \\[body\\]"),
    (bytearray(BODY), "not one bytearray object"),
    (memoryview(BODY), "not one memoryview object"),
    (BODY.decode(), "not a str"),
    (None, "not None"),
    (5, "not an int"),
    ([BODY.decode()], "one read was a str: pass the raw bytes \\(httpx: iter_bytes"),
    ([(BODY, True)], "one read was a tuple: pass bytes, not pairs \\(aiohttp"),
    ([BODY[:10], None], "one read was None"),
])  # fmt: skip
def test_wrong_kinds_of_input_say_what_to_pass(wrong: Any, says: str) -> None:
    for function in (orsse.collect, lambda c: list(orsse.iter_chunks(c))):
        with pytest.raises(orsse.InputTypeError, match=says) as info:
            function(wrong)
        assert isinstance(info.value, TypeError) and isinstance(info.value, orsse.OrsseError)
    with pytest.raises(orsse.InputTypeError):
        acollect_sync_any(wrong)


def acollect_sync_any(chunks: Any) -> Any:
    import asyncio

    async def items() -> Any:
        for piece in chunks:
            yield piece

    iterable = items() if isinstance(chunks, list) else chunks
    return asyncio.run(orsse.acollect(iterable))


def test_iter_chunks_refuses_the_wrong_input_at_the_call() -> None:
    with pytest.raises(orsse.InputTypeError, match="iter_chunks"):
        orsse.iter_chunks(BODY)
    with pytest.raises(orsse.InputTypeError, match="async iterable use aiter_chunks"):
        orsse.iter_chunks(agen([BODY]))


def test_aiter_chunks_given_a_plain_iterable_says_so() -> None:
    # Each names itself and its sync twin, not the function it is built on.
    with pytest.raises(orsse.InputTypeError, match=r"^acollect\(\).*for a plain iterable use collect\(\)"):
        acollect_sync_any(iter([BODY]))

    async def first_chunk() -> Any:
        async for chunk in orsse.aiter_chunks(iter([BODY])):  # type: ignore[arg-type]
            return chunk

    import asyncio

    with pytest.raises(orsse.InputTypeError, match=r"^aiter_chunks\(\).*for a plain iterable use iter_chunks\(\)"):
        asyncio.run(first_chunk())


def test_byte_views_and_bytearrays_are_read() -> None:
    view = memoryview(b"xx" + BODY)[2:]
    reads = [view[:7], bytearray(view[7:30]), view[30:]]
    assert orsse.collect(reads).content == "Hi"


class SourceFailed(Exception):
    """What a client library raises when the connection drops (ChunkedEncodingError...)."""


def _failing_source(pieces: List[bytes]) -> Any:
    for piece in pieces:
        yield piece
    raise SourceFailed("connection reset by peer")


def test_an_exception_from_the_byte_source_keeps_the_partial() -> None:
    first = sse_body(chunk({"role": "assistant", "content": "Hel"}), chunk({"content": "lo"}), done=False)
    with pytest.raises(orsse.IncompleteStreamError, match="byte source raised SourceFailed") as info:
        orsse.collect(_failing_source([first[:40], first[40:]]))
    assert isinstance(info.value.__cause__, SourceFailed)
    assert info.value.partial is not None and info.value.partial.content == "Hello"
    seen: List[str] = []
    with pytest.raises(orsse.IncompleteStreamError):
        for parsed in orsse.iter_chunks(_failing_source([first])):
            seen.append(parsed.choices[0].delta.content or "")
    assert seen == ["Hel", "lo"]


def test_an_exception_from_an_async_byte_source_keeps_the_partial() -> None:
    import asyncio

    first = sse_body(chunk({"role": "assistant", "content": "Hel"}), done=False)

    async def source() -> Any:
        yield first
        raise SourceFailed("reset")

    with pytest.raises(orsse.IncompleteStreamError) as info:
        asyncio.run(orsse.acollect(source()))
    assert isinstance(info.value.__cause__, SourceFailed)
    assert info.value.partial is not None and info.value.partial.content == "Hel"


def test_keyboard_interrupt_from_the_source_is_not_wrapped() -> None:
    def source() -> Any:
        yield BODY[:10]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        orsse.collect(source())


NON_STREAMING = json.dumps({
    "id": "gen-1", "object": "chat.completion", "created": 1, "model": "m",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi"}, "finish_reason": "stop"}],
}).encode()  # fmt: skip


@pytest.mark.parametrize("body, says", [
    (NON_STREAMING, 'a JSON document, not an event stream \\(a non-streaming chat completion: was "stream": true sent\\?\\)'),
    (json.dumps(json.loads(NON_STREAMING), indent=2).encode(), "a non-streaming chat completion"),
    (b'{"error": {"code": 400, "message": "bad"}}', "a JSON document, not an event stream \\(an error response\\)"),
    (b"<html><body>Bad gateway</body></html>\n", "no data event: it is not an event stream; it begins '<html>"),
    (b"", "the body was empty"),
])  # fmt: skip
def test_a_body_that_is_not_a_chat_stream_says_what_it_is(body: bytes, says: str) -> None:
    with pytest.raises(orsse.NotChatStreamError, match=says) as info:
        orsse.collect([body])
    assert info.value.head == body[:256].decode()
    assert info.value.partial is not None


def test_a_responses_api_stream_is_named() -> None:
    typed = (
        b'event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{}}\n\n'
        b'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"Hi"}\n\n'
    )
    untyped = typed.replace(b"event: response.created\n", b"").replace(b"event: response.output_text.delta\n", b"")
    for body in (typed, untyped):
        with pytest.raises(orsse.NotChatStreamError, match="Responses API stream \\(an event 'response.created'\\)"):
            orsse.collect([body])


def test_past_the_first_reads_the_same_errors_come() -> None:
    # The first 256 bytes pass through a checking generator, the rest go straight to
    # the decoder: a wrong read or a failing source there must be told apart the same way.
    long_body = sse_body(*[chunk({"content": f"piece {i}"}) for i in range(10)], done=False)
    assert len(long_body) > 1000
    for bad in ("text", None, (b"x", True), 5):
        with pytest.raises(orsse.InputTypeError, match="a read was not bytes") as info:
            orsse.collect([long_body[:600], bad])  # type: ignore[list-item]
        assert info.value.partial is not None
    with pytest.raises(orsse.IncompleteStreamError, match="byte source raised SourceFailed") as caught:
        orsse.collect(_failing_source([long_body[:600], long_body[600:]]))
    assert isinstance(caught.value.__cause__, SourceFailed)
    assert caught.value.partial is not None
    assert caught.value.partial.content == "".join(f"piece {i}" for i in range(10))
