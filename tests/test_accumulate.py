"""The accumulator: merge rules, errors and truncation, checked against the hand-written
``fixtures/synthetic_chunks/*.expected.json`` and with streams built in the tests."""

from __future__ import annotations

import base64
import copy
import json
import random
from typing import TYPE_CHECKING

import pytest

import orsse
from chunk_helpers import (
    SYNTHETIC_CHUNKS,
    USAGE,
    acollect_sync,
    bytewise,
    chunk,
    data_payloads,
    random_splits,
    sse_body,
)

if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any, Dict, List, Optional, Sequence

SYNTHETIC = sorted(SYNTHETIC_CHUNKS.glob("*.sse"))


def _expected(sse: Path) -> Dict[str, Any]:
    return json.loads(sse.with_name(sse.name[: -len(".sse")] + ".expected.json").read_text("utf-8"))


def _load(name: str) -> bytes:
    return (SYNTHETIC_CHUNKS / name).read_bytes()


def _run(pieces: Sequence[bytes], *, use_async: bool = False) -> Dict[str, Any]:
    """What happened, in the shape of an expected file (minus the description)."""
    accumulator = orsse.Accumulator()
    raises: Optional[Dict[str, Any]] = None
    try:
        if use_async:
            completion = acollect_sync(pieces, accumulator=accumulator)
        else:
            completion = orsse.collect(pieces, accumulator=accumulator)
    except orsse.StreamError as exc:
        raises = {"type": "StreamError", "code": exc.code, "message": exc.message, "metadata": exc.metadata}
        assert exc.partial is not None
        completion = exc.partial
    except orsse.IncompleteStreamError as exc:
        raises = {"type": "IncompleteStreamError"}
        assert exc.partial is not None
        completion = exc.partial
    return {
        "data_events": accumulator.chunk_count + int(accumulator.done),
        "done": accumulator.done,
        "raises": raises,
        "completion": completion.to_dict(),
    }


def _message(completion: orsse.ChatCompletion, index: int = 0) -> orsse.Message:
    return completion.choices[index].message


# -- every synthetic fixture --------------------------------------------------------------------


def test_synthetic_fixtures_exist() -> None:
    assert len(SYNTHETIC) >= 18
    for sse in SYNTHETIC:
        assert sse.with_name(sse.name[: -len(".sse")] + ".expected.json").is_file()


@pytest.mark.parametrize("sse", SYNTHETIC, ids=lambda p: p.stem)
def test_synthetic_stream_gives_its_expected_result(sse: Path) -> None:
    expected = _expected(sse)
    got = _run([sse.read_bytes()])
    assert got["raises"] == expected["raises"]
    assert got["completion"] == expected["completion"]
    assert got["data_events"] == expected["data_events"]
    assert got["done"] == expected["done"]
    assert json.loads(json.dumps(got["completion"])) == got["completion"]


@pytest.mark.parametrize("sse", SYNTHETIC, ids=lambda p: p.stem)
def test_synthetic_stream_under_any_split(sse: Path) -> None:
    raw = sse.read_bytes()
    reference = _run([raw])
    rng = random.Random("split:" + sse.name)
    for max_size in (1, 2, 7, 40, 300):
        assert _run(random_splits(raw, rng, max_size)) == reference, max_size
    assert _run(bytewise(raw)) == reference
    assert _run(random_splits(raw, rng, 50), use_async=True) == reference


@pytest.mark.parametrize("sse", SYNTHETIC, ids=lambda p: p.stem)
def test_finished_tool_calls_have_json_arguments(sse: Path) -> None:
    expected = _expected(sse)
    if expected["raises"] is not None:
        return
    completion = orsse.collect([sse.read_bytes()])
    for choice in completion.choices:
        for call in choice.message.tool_calls:
            assert isinstance(json.loads(call.function.arguments), dict)


# -- errors inside the stream -------------------------------------------------------------------


def test_stream_error_with_an_error_choice() -> None:
    raw = _load("error_in_choice.sse")
    seen: List[orsse.ChatCompletionChunk] = []
    with pytest.raises(orsse.StreamError) as info:
        for parsed in orsse.iter_chunks([raw]):
            seen.append(parsed)
    error = info.value
    assert len(seen) == 2  # the chunks before the error were yielded first
    assert error.code == 502 and isinstance(error.code, int)
    assert error.message == "Provider returned error"
    assert error.metadata == {"provider_name": "TestProvider", "raw": '{"error":{"type":"overloaded_error"}}'}
    assert "502" in str(error) and "Provider returned error" in str(error)
    assert error.partial is not None
    assert error.partial.content == "The answer is"
    assert error.partial.choices[0].finish_reason == "error"
    assert isinstance(error, orsse.OrsseError)


def test_stream_error_with_empty_choices_and_a_string_code() -> None:
    with pytest.raises(orsse.StreamError) as info:
        orsse.collect([_load("error_empty_choices.sse")])
    error = info.value
    assert error.code == "server_error"
    assert error.message == "Internal error in the upstream provider"
    assert error.metadata == {"error_type": "server_error", "provider_name": "TestProvider"}
    partial = error.partial
    assert partial is not None
    assert partial.message.reasoning == "Let me look"
    assert [c.function.arguments for c in partial.message.tool_calls] == ['{"q": "wea']
    assert partial.choices[0].finish_reason is None


def test_stream_error_without_message_or_code() -> None:
    body = sse_body(chunk({"content": "a"}), chunk(choices=[], error={}), done=False)
    with pytest.raises(orsse.StreamError) as info:
        orsse.collect([body])
    assert info.value.code is None
    assert info.value.metadata is None
    assert info.value.partial is not None and info.value.partial.content == "a"


def test_stream_error_as_first_event() -> None:
    body = sse_body({"error": {"code": 429, "message": "Rate limited", "metadata": {"retry_after": 3}}, "choices": []})
    with pytest.raises(orsse.StreamError) as info:
        orsse.collect([body])
    assert info.value.code == 429
    assert info.value.partial is not None
    assert info.value.partial.choices == []


# -- truncation ------------------------------------------------------------------------------------


def test_truncated_stream_raises_incomplete_with_partial() -> None:
    with pytest.raises(orsse.IncompleteStreamError) as info:
        orsse.collect([_load("truncated.sse")])
    assert info.value.partial is not None
    assert info.value.partial.content == "Once upon a time"
    assert info.value.partial.choices[0].finish_reason is None
    assert "[DONE]" in str(info.value)


def test_empty_body_is_said_to_be_empty() -> None:
    for body in ([], [b""], [b"", b""]):
        with pytest.raises(orsse.NotChatStreamError, match="the body was empty") as info:
            orsse.collect(body)
        assert info.value.partial is not None
        assert info.value.partial.choices == []


def test_keep_alives_then_nothing_is_a_stream_cut_off() -> None:
    for body in ([b": OPENROUTER PROCESSING\n\n"], [b"\n\n"]):
        with pytest.raises(orsse.IncompleteStreamError, match="cut off") as info:
            orsse.collect(body)
        assert info.value.partial is not None


def test_iter_chunks_yields_everything_before_reporting_truncation() -> None:
    seen = []
    with pytest.raises(orsse.IncompleteStreamError):
        for parsed in orsse.iter_chunks([_load("truncated.sse")]):
            seen.append(parsed.choices[0].delta.content)
    assert seen == ["Once upon", " a time"]


def test_finish_reason_without_done_is_complete() -> None:
    accumulator = orsse.Accumulator()
    completion = orsse.collect([_load("finish_without_done.sse")], accumulator=accumulator)
    assert completion.content == "Short."
    assert accumulator.finished and not accumulator.done


# -- n > 1 ------------------------------------------------------------------------------------------


def test_two_choices_interleaved() -> None:
    completion = orsse.collect([_load("n2_choices.sse")])
    assert [c.index for c in completion.choices] == [0, 1]
    first, second = completion.choices
    assert first.message.content == "Hello"
    assert second.message.content == "Bonjour"
    assert [(t.id, t.function.name, t.function.arguments) for t in first.message.tool_calls] == [
        ("call_a", "lookup", '{"q": "x"}')
    ]
    assert [(t.id, t.function.name, t.function.arguments) for t in second.message.tool_calls] == [
        ("call_b", "translate", '{"text": "hi"}')
    ]
    assert (first.finish_reason, first.native_finish_reason) == ("tool_calls", "tool_use")
    assert (second.finish_reason, second.native_finish_reason) == ("length", "max_tokens")
    assert completion.message is first.message


def test_two_choices_finish_chunk_sent_twice() -> None:
    finish = chunk(
        choices=[
            {"index": 0, "delta": {"content": "!"}, "finish_reason": "stop"},
            {"index": 1, "delta": {"content": "?"}, "finish_reason": "stop"},
        ]
    )
    copy_with_usage = dict(finish, usage=USAGE)
    body = sse_body(
        chunk(choices=[{"index": 0, "delta": {"content": "a"}}, {"index": 1, "delta": {"content": "b"}}]),
        finish,
        copy_with_usage,
    )
    completion = orsse.collect([body])
    assert [c.message.content for c in completion.choices] == ["a!", "b?"]


# -- other delta content ------------------------------------------------------------------------------


def test_annotations_over_several_chunks() -> None:
    message = orsse.collect([_load("annotations.sse")]).message
    assert [a.url_citation.url for a in message.annotations if a.url_citation] == [
        "https://en.wikipedia.org/wiki/Paris",
        "https://www.insee.fr/en/statistiques",
    ]
    assert all(isinstance(a, orsse.Annotation) for a in message.annotations)


def _image_stream(size: int, seed: int) -> tuple:
    rng = random.Random(seed)
    png = b"\x89PNG\r\n\x1a\n" + rng.getrandbits(8 * size).to_bytes(size, "little")
    url = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    body = sse_body(
        chunk({"role": "assistant", "content": "Here is your image."}),
        chunk({"role": "assistant", "content": "", "images": [{"type": "image_url", "image_url": {"url": url}}]}),
        chunk({"role": "assistant", "content": ""}, finish_reason="stop", native_finish_reason="STOP"),
        chunk(choices=[], usage=dict(USAGE, completion_tokens_details={"reasoning_tokens": 0, "image_tokens": 1290})),
        comments=3,
    )
    return png, url, body


def test_image_event_of_several_megabytes() -> None:
    png, url, body = _image_stream(2_400_000, seed=99)
    assert len(body) > 3_000_000
    rng = random.Random(5)
    for pieces in ([body], random_splits(body, rng, 65536), random_splits(body, rng, 1500)):
        completion = orsse.collect(pieces)
        images = completion.message.images
        assert len(images) == 1
        assert images[0].type == "image_url"
        assert images[0].image_url is not None
        got = images[0].image_url.url
        assert got == url
        assert base64.b64decode(got.split(",", 1)[1]) == png
        assert completion.content == "Here is your image."
        assert completion.to_dict()["choices"][0]["message"]["images"] == [
            {"type": "image_url", "image_url": {"url": url}}
        ]
    assert acollect_sync(random_splits(body, rng, 100_000)).message.images[0].image_url.url == url  # type: ignore[union-attr]


def test_logprobs_lists_are_extended() -> None:
    choice = orsse.collect([_load("logprobs.sse")]).choices[0]
    logprobs = choice.logprobs
    assert logprobs is not None
    assert [t.token for t in logprobs.content or []] == ["Hi", " there"]
    assert [t.token for t in logprobs.refusal or []] == ["I can", "'t."]
    assert [t.token for t in (logprobs.content or [])[0].top_logprobs or []] == ["Hi", "Hello"]
    assert choice.message.refusal == "I can't."


def test_no_logprobs_means_null() -> None:
    assert orsse.collect([_load("content_empty_only.sse")]).choices[0].logprobs is None


def test_unknown_fields_are_kept_through_accumulation() -> None:
    completion = orsse.collect([_load("unknown_fields.sse")])
    assert completion.extra == {"openrouter_metadata": {"router": "auto", "attempt": 1}, "x_trace": "t3"}
    choice = completion.choices[0]
    assert choice.extra == {"x_choice_meta": {"k": 1}}
    assert choice.message.extra == {"x_delta_text": "abcd"}
    assert choice.message.reasoning_details[0].extra == {"x_rd": 1}
    call = choice.message.tool_calls[0].to_dict()
    assert call["x_tool_meta"] == {"m": 1}
    assert call["function"] == {"name": "f", "arguments": "{}", "x_fn": "v"}
    assert completion.usage is not None and completion.usage.extra == {"x_usage": "u"}


# -- usage ---------------------------------------------------------------------------------------------


def test_both_usage_shapes_give_the_same_result() -> None:
    final_chunk = orsse.collect([_load("usage_final_chunk.sse")])
    finish_twice = orsse.collect([_load("usage_finish_twice.sse")])
    assert final_chunk.to_dict() == finish_twice.to_dict()
    calls = finish_twice.message.tool_calls
    assert len(calls) == 2
    assert [c.function.arguments for c in calls] == ['{"city": "Rome"}', '{"city": "Oslo"}']
    assert finish_twice.content == "Checking both."
    assert finish_twice.usage is not None and finish_twice.usage.total_tokens == 90


def test_finish_chunk_repeated_with_content_counts_once() -> None:
    assert orsse.collect([_load("finish_repeated_content.sse")]).content == "Answer: x"


def test_distinct_chunks_that_each_carry_a_finish_reason_all_count() -> None:
    """Only an exact copy of the finish chunk is skipped: a server that sends the
    finish reason on several different chunks loses none of their text."""
    body = sse_body(
        chunk({"content": "a"}, finish_reason="stop"),
        chunk({"content": "b"}, finish_reason="stop"),
        chunk({"content": "c"}, finish_reason="stop"),
    )
    assert orsse.collect([body]).content == "abc"


def test_usage_is_never_summed() -> None:
    completion = orsse.collect([_load("usage_reported_twice.sse")])
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens, completion.usage.total_tokens) == (5, 2, 7)
    # The same usage reported three times is still that usage.
    body = sse_body(
        chunk({"content": "x"}, usage=USAGE),
        chunk({"content": ""}, finish_reason="stop", usage=USAGE),
        chunk(choices=[], usage=USAGE),
    )
    usage = orsse.collect([body]).usage
    assert usage is not None and usage.to_dict() == USAGE


def test_usage_object_is_the_reported_one() -> None:
    body = sse_body(chunk({"content": "x"}, finish_reason="stop"), chunk(choices=[], usage=USAGE))
    usage = orsse.collect([body]).usage
    assert isinstance(usage, orsse.Usage)
    assert usage.to_dict() == USAGE
    assert usage.cost_details is not None and usage.cost_details.upstream_inference_cost == 0.0001


# -- tool calls ----------------------------------------------------------------------------------------


def test_parallel_tool_calls_concatenate_exactly() -> None:
    calls = orsse.collect([_load("parallel_tool_calls.sse")]).message.tool_calls
    assert [(c.id, c.type, c.function.name, c.index) for c in calls] == [
        ("call_p0", "function", "set_a", 0),
        ("call_p1", "function", "get_weather", 1),
        ("call_p2", "function", "noop", 2),
    ]
    assert calls[0].function.arguments == '{"a": 1} '
    assert calls[1].function.arguments == '{"city": "Florence", "units": "c"}'
    assert calls[2].function.arguments == "{}"


def test_arguments_that_already_parse_are_not_finalized_early() -> None:
    payloads = [p for p in data_payloads(_load("parallel_tool_calls.sse")) if p != "[DONE]"]
    accumulator = orsse.Accumulator()
    seen = []
    for payload in payloads:
        accumulator.add(orsse.parse_chunk(payload))
        calls = accumulator.result().message.tool_calls
        seen.append(calls[0].function.arguments if calls else None)
    # '{"a": 1}' parses as JSON after the fourth event, yet the ' ' of the sixth is kept.
    assert seen[3] == '{"a": 1}'
    assert seen[5] == '{"a": 1} '
    assert seen[-1] == '{"a": 1} '


def test_tool_call_fragments_without_index() -> None:
    """Some OpenAI-compatible servers leave out the index when calls come one at a time."""
    body = sse_body(
        chunk({"tool_calls": [{"id": "c1", "type": "function", "function": {"name": "a", "arguments": '{"x"'}}]}),
        chunk({"tool_calls": [{"function": {"arguments": ": 1}"}}]}),
        chunk({"tool_calls": [{"id": "c2", "type": "function", "function": {"name": "b", "arguments": "{}"}}]}),
        chunk({"content": ""}, finish_reason="tool_calls"),
    )
    calls = orsse.collect([body]).message.tool_calls
    assert [(c.id, c.function.name, c.function.arguments) for c in calls] == [("c1", "a", '{"x": 1}'), ("c2", "b", "{}")]


# -- reasoning details -----------------------------------------------------------------------------------


def test_anthropic_signature_after_the_tool_calls_joins_its_text_block() -> None:
    message = orsse.collect([_load("reasoning_anthropic.sse")]).message
    assert len(message.reasoning_details) == 1
    detail = message.reasoning_details[0]
    assert detail.type == "reasoning.text"
    assert detail.text == "The user wants the weather."
    assert detail.signature == "EqQBCkgIARABGAIiQDbv+sig/Zz=="
    assert (detail.format, detail.index) == ("anthropic-claude-v1", 0)
    assert message.reasoning == "The user wants the weather."
    assert message.tool_calls[0].id == "toolu_01"


def test_xai_summary_and_encrypted_with_the_same_index_stay_apart() -> None:
    details = orsse.collect([_load("reasoning_xai.sse")]).message.reasoning_details
    assert [d.type for d in details] == ["reasoning.summary", "reasoning.encrypted"]
    summary, encrypted = details
    assert summary.summary == "First thought." and summary.data is None and summary.id is None
    assert encrypted.data == "gAAAAABencrypted/blob+==" and encrypted.summary is None
    assert encrypted.id == "rs_0a1b"
    assert summary.index == encrypted.index == 0


def test_gemini_encrypted_entry_keeps_the_tool_call_id() -> None:
    message = orsse.collect([_load("reasoning_gemini.sse")]).message
    text, encrypted = message.reasoning_details
    assert text.type == "reasoning.text" and text.text == "**Planning**\n\nI will call the tool."
    assert encrypted.type == "reasoning.encrypted"
    assert encrypted.id == message.tool_calls[0].id == "tool_weather_Xy12"
    assert encrypted.data == "CiQBjz1rX0Zq+enc/9=="


def test_unknown_detail_types_are_kept_verbatim() -> None:
    details = orsse.collect([_load("unknown_detail_type.sse")]).message.reasoning_details
    assert [d.to_dict() for d in details] == [
        {"type": "reasoning.future", "payload": {"x": 1}, "format": "new-v1", "index": 0},
        {"type": "reasoning.future", "payload": {"x": 2}, "format": "new-v1", "index": 0},
        {"type": "reasoning.text", "text": "plain text", "format": "new-v1", "index": 1},
        {"text": "orphan", "index": 2},
    ]


def test_two_thinking_blocks_and_a_redacted_one() -> None:
    fmt = "anthropic-claude-v1"
    body = sse_body(
        chunk({"reasoning_details": [{"type": "reasoning.text", "text": "one", "format": fmt, "index": 0}]}),
        chunk({"reasoning_details": [{"type": "reasoning.text", "signature": "S1", "format": fmt, "index": 0}]}),
        chunk({"reasoning_details": [{"type": "reasoning.encrypted", "data": "REDACTED", "format": fmt, "index": 1}]}),
        chunk({"reasoning_details": [{"type": "reasoning.text", "text": "two", "format": fmt, "index": 2}]}),
        chunk({"reasoning_details": [{"type": "reasoning.text", "text": "!", "format": fmt, "index": 2}]}),
        chunk({"reasoning_details": [{"type": "reasoning.text", "signature": "S2", "format": fmt, "index": 2}]}),
        chunk({"content": "done"}, finish_reason="stop"),
    )
    details = orsse.collect([body]).message.reasoning_details
    assert [(d.type, d.text, d.data, d.signature, d.index) for d in details] == [
        ("reasoning.text", "one", None, "S1", 0),
        ("reasoning.encrypted", None, "REDACTED", None, 1),
        ("reasoning.text", "two!", None, "S2", 2),
    ]


def test_first_reasoning_piece_is_not_dropped() -> None:
    pieces = ["A", "B", "C"]
    body = sse_body(
        *[chunk({"reasoning": p, "reasoning_details": [{"type": "reasoning.text", "text": p, "index": 0}]}) for p in pieces],
        chunk({"content": "x"}, finish_reason="stop"),
    )
    message = orsse.collect([body]).message
    assert message.reasoning == "ABC"
    assert [d.text for d in message.reasoning_details] == ["ABC"]


# -- role and content ------------------------------------------------------------------------------------


def test_role_is_assigned_not_concatenated() -> None:
    completion = orsse.collect([_load("parallel_tool_calls.sse")])
    assert completion.message.role == "assistant"


def test_content_null_versus_empty() -> None:
    assert orsse.collect([_load("content_null_only.sse")]).message.content is None
    assert orsse.collect([_load("content_null_only.sse")]).content == ""
    assert orsse.collect([_load("content_empty_only.sse")]).message.content == ""
    mixed = sse_body(chunk({"content": None}), chunk({"content": ""}), chunk({"content": None}, finish_reason="stop"))
    assert orsse.collect([mixed]).message.content == ""


# -- the accumulator used directly ----------------------------------------------------------------------


def _chunks_of(name: str) -> List[orsse.ChatCompletionChunk]:
    return [orsse.parse_chunk(p) for p in data_payloads(_load(name)) if p != "[DONE]"]


@pytest.mark.parametrize(
    "name", ["parallel_tool_calls.sse", "reasoning_anthropic.sse", "n2_choices.sse", "logprobs.sse", "unknown_fields.sse"]
)
def test_result_mid_stream_is_a_partial_and_changes_nothing(name: str) -> None:
    chunks = _chunks_of(name)
    plain = orsse.Accumulator()
    for parsed in chunks:
        plain.add(parsed)
    final = plain.result().to_dict()

    watched = orsse.Accumulator()
    partials = []
    for parsed in chunks:
        watched.add(parsed)
        first = watched.result()
        partials.append((first, copy.deepcopy(first.to_dict())))
        assert watched.result().to_dict() == first.to_dict()  # calling it again: the same
    assert watched.result().to_dict() == final
    # Snapshots taken mid-stream did not move as more chunks arrived.
    for partial, snapshot in partials:
        assert partial.to_dict() == snapshot
    assert watched.chunk_count == plain.chunk_count == len(chunks)


def test_partial_result_content_grows() -> None:
    accumulator = orsse.Accumulator()
    assert accumulator.result().choices == []
    assert accumulator.result().content == ""
    texts = []
    for parsed in _chunks_of("annotations.sse"):
        accumulator.add(parsed)
        texts.append(accumulator.result().content)
    assert texts[0] == "Paris is the capital"
    assert texts[1] == "Paris is the capital of France [1]."
    assert texts[-1] == "Paris is the capital of France [1]. It has about 2 million people [2]."
    assert not accumulator.done  # only iter_chunks sets it, on [DONE]
    assert accumulator.finished


def test_accumulator_passed_to_collect_is_filled() -> None:
    accumulator = orsse.Accumulator()
    completion = orsse.collect([_load("reasoning_xai.sse")], accumulator=accumulator)
    assert accumulator.done and accumulator.finished
    assert accumulator.result().to_dict() == completion.to_dict()
    assert accumulator.id == "gen-syn-xai"
    assert accumulator.usage is not None and accumulator.usage.total_tokens == 120


def test_first_id_and_created_win_last_model_and_provider_win() -> None:
    body = sse_body(
        chunk({"content": "a"}, id="gen-first", created=1, model="m1", provider="P1"),
        chunk({"content": "b"}, id="gen-second", created=2, model="m2", provider="P2"),
        chunk({"content": ""}, finish_reason="stop", id="gen-second", created=2, model=None, provider=None),
    )
    completion = orsse.collect([body])
    assert (completion.id, completion.created) == ("gen-first", 1)
    assert (completion.model, completion.provider) == ("m2", "P2")


# -- reasoning_content (GLM, xAI, DeepSeek-style servers) -------------------------------------


def test_reasoning_content_is_the_reasoning_written_back_under_its_name() -> None:
    body = sse_body(
        chunk({"role": "assistant", "content": None, "reasoning_content": "Let me "}),
        chunk({"role": "assistant", "content": None, "reasoning_content": "think."}),
        chunk({"role": "assistant", "content": "Hi"}, finish_reason="stop"),
    )
    completion = orsse.collect([body])
    message = completion.message
    assert message.reasoning == "Let me think."
    assert message.reasoning_name == "reasoning_content"
    assert message.extra == {}
    out = completion.to_dict()["choices"][0]["message"]
    assert out["reasoning_content"] == "Let me think."
    assert "reasoning" not in out


def test_reasoning_under_both_names_keeps_each() -> None:
    body = sse_body(
        chunk({"reasoning": "a", "reasoning_content": "b"}),
        chunk({"content": "Hi"}, finish_reason="stop"),
    )
    message = orsse.collect([body]).message
    assert message.reasoning == "a"
    assert message.reasoning_name == "reasoning"
    assert message.extra == {"reasoning_content": "b"}


# -- provider extras, Azure's preamble, OpenAI's padding ------------------------------------


def test_id_and_created_come_from_the_first_chunk_with_an_id() -> None:
    preamble = {"choices": [], "created": 0, "id": "", "model": "", "object": "",
                "prompt_filter_results": [{"prompt_index": 0}]}  # fmt: skip
    body = sse_body(
        preamble,
        chunk({"role": "assistant", "content": "Oi"}, id="chatcmpl-1", created=1782321591, model="o4-mini"),
        chunk({"content": "!"}, finish_reason="stop", id="chatcmpl-1", created=1782321591, model="o4-mini"),
    )
    completion = orsse.collect([body])
    assert (completion.id, completion.created, completion.model) == ("chatcmpl-1", 1782321591, "o4-mini")
    assert completion.extra == {"prompt_filter_results": [{"prompt_index": 0}]}
    # A stream with no id at all keeps what it had.
    only = orsse.collect([sse_body({"choices": [{"delta": {"content": "x"}, "finish_reason": "stop"}], "id": "", "created": 0})])
    assert (only.id, only.created) == ("", 0)


def test_provider_extras_keep_the_latest_value_that_says_something() -> None:
    verdict = {"protected_material_text": {"detected": False, "filtered": False}}
    body = sse_body(
        chunk({"content": "a"}, choices=[{"index": 0, "delta": {"content": "a"}, "content_filter_results": {}}],
              x_groq={"id": "req_1", "seed": 5}, obfuscation="pad1"),
        chunk(choices=[{"index": 0, "delta": {"content": "b"}, "content_filter_results": verdict}],
              timings={"n": 1}, obfuscation="pad22"),
        chunk(choices=[{"index": 0, "delta": {}, "finish_reason": "stop", "content_filter_results": {}}],
              x_groq={"id": "req_1", "usage": {"total_tokens": 3}}, timings=None, obfuscation="p"),
    )  # fmt: skip
    completion = orsse.collect([body])
    assert completion.extra == {"x_groq": {"id": "req_1", "usage": {"total_tokens": 3}}, "timings": {"n": 1}}
    assert completion.choices[0].extra == {"content_filter_results": verdict}
    out = completion.to_dict()
    assert "obfuscation" not in out
    assert out["choices"][0]["content_filter_results"] == verdict


# -- bounded time and memory ------------------------------------------------------------------
#
# How long these take is measured in benchmarks/accumulate_bounds.py; here, that the
# results are right at a size where quadratic joins used to take seconds.


def test_many_pieces_of_an_unknown_text_field_join_exactly() -> None:
    accumulator = orsse.Accumulator()
    pieces = [f"p{i} " for i in range(20_000)]
    for piece in pieces:
        accumulator.add(orsse.parse_chunk(chunk({"x_thoughts": piece, "x_list": [piece]})))
    message = accumulator.result().message
    assert message.extra["x_thoughts"] == "".join(pieces)
    assert message.extra["x_list"] == pieces


def test_unknown_field_changing_kind_takes_the_latest_value() -> None:
    accumulator = orsse.Accumulator()
    for value in ("a", "b", {"k": 1}, "c", ["x"], ["y"], 7):
        accumulator.add(orsse.parse_chunk(chunk({"x_field": value})))
        accumulator.add(orsse.parse_chunk(chunk({"x_other": value})))
    extra = accumulator.result().message.extra
    assert extra == {"x_field": 7, "x_other": 7}
    accumulator = orsse.Accumulator()
    for value in ({"k": 1}, "c", "d"):
        accumulator.add(orsse.parse_chunk(chunk({"x_field": value})))
    assert accumulator.result().message.extra == {"x_field": "cd"}


def test_index_less_fragments_continue_the_latest_call() -> None:
    fragments = []
    for call in range(300):
        fragments.append({"id": f"call_{call}", "type": "function", "function": {"name": "f", "arguments": ""}})
        fragments.extend({"function": {"arguments": piece}} for piece in ('{"n": ', str(call), "}"))
    accumulator = orsse.Accumulator()
    for fragment in fragments:
        accumulator.add(orsse.parse_chunk(chunk({"tool_calls": [fragment]})))
    calls = accumulator.result().message.tool_calls
    assert [c.id for c in calls] == [f"call_{n}" for n in range(300)]
    assert [json.loads(c.function.arguments) for c in calls] == [{"n": n} for n in range(300)]


def test_index_less_fragment_after_indexed_calls_continues_the_highest() -> None:
    accumulator = orsse.Accumulator()
    for fragment in (
        {"index": 2, "id": "c2", "function": {"name": "g", "arguments": "{"}},
        {"index": 0, "id": "c0", "function": {"name": "f", "arguments": "{}"}},
        {"function": {"arguments": "}"}},
        {"id": "c3", "function": {"name": "h", "arguments": "{}"}},
    ):
        accumulator.add(orsse.parse_chunk(chunk({"tool_calls": [fragment]})))
    calls = accumulator.result().message.tool_calls
    assert [(c.index, c.id, c.function.arguments) for c in calls] == [(0, "c0", "{}"), (2, "c2", "{}"), (3, "c3", "{}")]


@pytest.mark.parametrize("limit, make", [
    ("max_tool_calls", lambda i: chunk({"tool_calls": [{"index": i, "id": f"c{i}", "function": {"name": "f", "arguments": "{}"}}]})),
    ("max_choices", lambda i: chunk({"content": "x"}, index=i)),
    ("max_text", lambda i: chunk({"content": "0123456789"})),
])  # fmt: skip
def test_a_limit_on_the_completion_raises_with_the_partial(limit: str, make: Any) -> None:
    body = sse_body(*[make(i) for i in range(30)], chunk({}, finish_reason="stop"))
    with pytest.raises(orsse.CompletionLimitError, match=limit) as info:
        orsse.collect([body], accumulator=orsse.Accumulator(**{limit: 12}))
    error = info.value
    assert (error.limit_name, error.limit) == (limit, 12)
    assert error.size == 13 if limit != "max_text" else error.size == 20
    assert error.partial is not None
    partial = error.partial
    if limit == "max_tool_calls":
        assert len(partial.message.tool_calls) == 12
    elif limit == "max_choices":
        assert len(partial.choices) == 12
    else:
        assert partial.content == "0123456789" * 2
    # The defaults let the same stream through.
    orsse.collect([body])
    assert isinstance(error, orsse.OrsseError)


def test_ten_thousand_and_one_tool_call_indexes_stop_at_the_default() -> None:
    fragments = [{"index": i, "function": {"arguments": ""}} for i in range(10_001)]
    accumulator = orsse.Accumulator()
    with pytest.raises(orsse.CompletionLimitError, match="max_tool_calls"):
        accumulator.add(orsse.parse_chunk(chunk({"tool_calls": fragments})))
