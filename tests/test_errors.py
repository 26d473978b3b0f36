"""The error hierarchy: every error is an ``OrsseError``, and each survives pickling
(multiprocessing, task queues) with its message and attributes, ``partial`` and
``partial_response`` included."""

from __future__ import annotations

import pickle
from typing import TYPE_CHECKING

import pytest

import orsse
from chunk_helpers import chunk, sse_body

if TYPE_CHECKING:
    from typing import List

RESPONSE_BODY = (
    b'event: response.created\ndata: {"type":"response.created","response":{"id":"resp_1","status":"in_progress","output":[]}}\n\n'
    b'event: response.completed\ndata: {"type":"response.completed","response":{"id":"resp_1","status":"completed",'
    b'"output":[{"id":"msg_1","type":"message","role":"assistant","content":[{"type":"output_text","text":"so far"}]}]}}\n\n'
)


def test_error_classes() -> None:
    for cls in (orsse.ChunkDecodeError, orsse.StreamError, orsse.IncompleteStreamError, orsse.SSEError):
        assert issubclass(cls, orsse.OrsseError)
    assert issubclass(orsse.ChunkDecodeError, ValueError)


def _every_error() -> List[orsse.OrsseError]:
    partial = orsse.collect([sse_body(chunk({"content": "so far"}, finish_reason="stop"))])
    response = orsse.collect_response([RESPONSE_BODY])
    timeout = orsse.ReadTimeout("stalled", 30.0)
    timeout.partial_response = response  # as the Responses layer sets it on a timeout mid-stream
    limit = orsse.SSELimitError("max_line_size", 10, 11, 12)
    limit.events = [orsse.ServerSentEvent("x")]
    return [
        orsse.OrsseError("plain"),
        orsse.SSEError("bad stream"),
        limit,
        orsse.ChunkDecodeError("invalid JSON at character 1", "{x", 3),
        orsse.StreamError(429, "slow down", {"provider_name": "P"}, partial),
        orsse.IncompleteStreamError("cut off", partial),
        orsse.MissingAPIKeyError("no key"),
        orsse.APIConnectionError("refused", "https://example.invalid/"),
        orsse.ConnectTimeout("too slow", 5.0, "https://example.invalid/"),
        orsse.ReadTimeout("stalled", 30.0, "https://example.invalid/", partial),
        orsse.APIStatusError(429, reason="Too Many Requests", code=429, message="slow", retry_after=2.0),
        orsse.NotEventStreamError(200, content_type="text/html", body="<html>"),
        # The Responses API's errors, their partial in partial_response:
        orsse.StreamError("server_error", "boom", {"type": "error"}, partial_response=response),
        orsse.IncompleteStreamError("cut off", partial_response=response),
        orsse.ResponseLimitError("too big", 10, 11, response),
        timeout,
        orsse.ToolArgumentsError(
            "expected a value", 3, arguments='{"a', tool_call_id="call_1", name="get", index=0
        ),
        orsse.NotChatStreamError("the body is a JSON document", '{"choices": []}'),
        orsse.CompletionLimitError("max_text", 4, 5, 2, partial),
        orsse.InputTypeError("iter_chunks() takes an iterable of bytes, not a str"),
        orsse.ProxyError("tunnel refused", "https://example.invalid/", proxy="http://proxy:3128", status=403),
        orsse.ProtocolError("garbled status line", "https://example.invalid/"),
        orsse.InvalidRequestError("verify= is a client option"),
        orsse.TotalTimeout("deadline", 60.0, "https://example.invalid/", partial),
        orsse.PartialJSONError("expected ',' or '}'", 7),
        orsse.APITimeoutError("timed out", 1.5),
    ]


def test_every_error_class_is_covered() -> None:
    # The tests over _every_error() hold for each error orsse raises: a new class is
    # added there, or it is missed by them.
    public = {
        value
        for value in (getattr(orsse, name) for name in orsse.__all__)
        if isinstance(value, type) and issubclass(value, orsse.OrsseError)
    }
    assert {type(error) for error in _every_error()} >= public


@pytest.mark.parametrize("error", _every_error(), ids=lambda e: type(e).__name__)
def test_errors_survive_pickling(error: orsse.OrsseError) -> None:
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error) and again.args == error.args
    assert again.__dict__.keys() == error.__dict__.keys()
    for key, value in error.__dict__.items():
        assert again.__dict__[key] == value, key
    assert again.partial == error.partial and again.partial_response == error.partial_response


def test_where_the_partial_is() -> None:
    # A chat stream's completion in partial; a Responses stream's response in
    # partial_response, which partial also returns, for code written before it.
    completion = orsse.collect([sse_body(chunk({"content": "so far"}, finish_reason="stop"))])
    response = orsse.collect_response([RESPONSE_BODY])
    chat = orsse.StreamError(429, "slow down", None, completion)
    assert chat.partial is completion and chat.partial_response is None
    responses = orsse.StreamError(None, "boom", partial_response=response)
    assert responses.partial_response is response and responses.partial is response
    assert orsse.OrsseError("plain").partial is None and orsse.OrsseError("plain").partial_response is None
    later = orsse.IncompleteStreamError("cut off")
    later.partial = completion  # the chat layer fills it in on the way out
    assert later.partial is completion and vars(later)["partial"] is completion
