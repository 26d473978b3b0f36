"""Not a test module: ``.ci/run`` type-checks this file with mypy --strict and pyright, so
that the public names are visible to a user's type checker as they are at run time."""

from __future__ import annotations

from typing import Optional

from orsse import (
    Accumulator,
    IncompleteStreamError,
    OrsseError,
    Response,
    ServerSentEvent,
    SSEDecoder,
    StreamError,
    __all__,
    collect,
    collect_response,
    iter_events,
)


def first_event(body: bytes) -> ServerSentEvent:
    decoder = SSEDecoder()
    events = decoder.feed(body) + decoder.close()
    return events[0]


def content(body: bytes) -> str:
    accumulator = Accumulator()
    return collect([body], accumulator=accumulator).content


def count_events(body: bytes) -> int:
    return sum(1 for _ in iter_events([body])) + len(__all__)


# Where an error's partial result is: a chat stream's completion in ``partial``, a
# Responses stream's response in ``partial_response``, each typed for what it holds.


def chat_text_so_far(body: bytes) -> Optional[str]:
    try:
        return collect([body]).content
    except (StreamError, IncompleteStreamError) as error:
        if error.partial is None or not error.partial.choices:
            return None
        return error.partial.choices[0].message.content


def responses_text_so_far(body: bytes) -> str:
    try:
        return collect_response([body]).output_text
    except StreamError as error:
        partial: Optional[Response] = error.partial_response
        if partial is None:
            return ""
        partial.choices  # type: ignore[attr-defined]  # a Response: mypy --strict says so, or this ignore is unused
        return partial.output_text
    except OrsseError as error:
        return error.partial_response.output_text if error.partial_response is not None else ""
