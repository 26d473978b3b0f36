"""Running the SSE decoder in the tests: feed pieces, get plain dicts back."""

from __future__ import annotations

from typing import TYPE_CHECKING

import orsse

if TYPE_CHECKING:
    from typing import Any, Dict, Iterable, List, Tuple


def event_dict(event: orsse.ServerSentEvent) -> Dict[str, Any]:
    """An event as the plain dict the ``.events.json`` files hold."""
    return {"event": event.event, "data": event.data, "id": event.id, "retry": event.retry}


def decode(
    chunks: Iterable[bytes], **kwargs: Any
) -> Tuple[List[Dict[str, Any]], List[str], orsse.SSEDecoder]:
    """Feed *chunks* to a new decoder and close it: (events as dicts, comments, decoder)."""
    comments: List[str] = []
    decoder = orsse.SSEDecoder(on_comment=comments.append, **kwargs)
    events: List[orsse.ServerSentEvent] = []
    for chunk in chunks:
        events.extend(decoder.feed(chunk))
    events.extend(decoder.close())
    return [event_dict(e) for e in events], comments, decoder


def outcome(chunks: Iterable[bytes], **kwargs: Any) -> Tuple[str, Any]:
    """``("events", [...])`` or ``("error", ErrorClass)``: nothing else may happen.

    Any exception that is not an :class:`orsse.OrsseError` propagates and fails the test.
    """
    try:
        events, _, _ = decode(chunks, **kwargs)
    except orsse.OrsseError as exc:
        return ("error", type(exc))
    return ("events", events)
