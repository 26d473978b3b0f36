"""Not a test module: ``.ci/run`` type-checks this file with mypy --strict and pyright, so
that the public names are visible to a user's type checker as they are at run time."""

from __future__ import annotations

from orsse import Accumulator, ServerSentEvent, SSEDecoder, __all__, collect, iter_events


def first_event(body: bytes) -> ServerSentEvent:
    decoder = SSEDecoder()
    events = decoder.feed(body) + decoder.close()
    return events[0]


def content(body: bytes) -> str:
    accumulator = Accumulator()
    return collect([body], accumulator=accumulator).content


def count_events(body: bytes) -> int:
    return sum(1 for _ in iter_events([body])) + len(__all__)
