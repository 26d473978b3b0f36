"""The error hierarchy: every error is an ``OrsseError``, and each survives pickling
(multiprocessing, task queues) with its message and attributes, ``partial`` included."""

from __future__ import annotations

import pickle
from typing import TYPE_CHECKING

import pytest

import orsse
from chunk_helpers import chunk, sse_body

if TYPE_CHECKING:
    from typing import List



def test_error_classes() -> None:
    for cls in (orsse.ChunkDecodeError, orsse.StreamError, orsse.IncompleteStreamError, orsse.SSEError):
        assert issubclass(cls, orsse.OrsseError)
    assert issubclass(orsse.ChunkDecodeError, ValueError)


def _every_error() -> List[orsse.OrsseError]:
    partial = orsse.collect([sse_body(chunk({"content": "so far"}, finish_reason="stop"))])
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
    ]


@pytest.mark.parametrize("error", _every_error(), ids=lambda e: type(e).__name__)
def test_errors_survive_pickling(error: orsse.OrsseError) -> None:
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error) and again.args == error.args
    assert again.__dict__.keys() == error.__dict__.keys()
    for key, value in error.__dict__.items():
        assert getattr(again, key) == value, key
