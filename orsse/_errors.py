"""The exceptions orsse raises: one base class, one subclass per kind of failure."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Mapping, Optional

    from ._types import ChatCompletion

#: How much of a bad payload an error message quotes: enough to recognise it,
#: never so much that a multi-megabyte event floods a log.
EXCERPT_CHARS = 200


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``repr`` of at most *limit* characters of *text*, saying how much was cut."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text)} characters in all)"


class OrsseError(Exception):
    """Base class of every error orsse raises.

    ``partial`` is the completion rebuilt from what arrived before the error, when the
    error happened while chunks were being collected (``iter_chunks``, ``collect``, the
    client); ``None`` when there was nothing to rebuild.
    """

    partial: Optional[ChatCompletion] = None


class SSEError(OrsseError, ValueError):
    """The bytes are not an event stream orsse will accept."""


class SSELimitError(SSEError):
    """A line or an event grew past the decoder's configured limit.

    Raised before the oversized data is stored, so memory stays bounded by the
    limit whatever the peer sends.
    """

    def __init__(self, limit_name: str, limit: int, size: int, offset: int) -> None:
        self.limit_name = limit_name
        self.limit = limit
        self.size = size
        self.offset = offset
        super().__init__(
            f"{limit_name} exceeded: {size} > {limit} near byte {offset} of the stream "
            f"(raise SSEDecoder({limit_name}=...) if such events are expected)"
        )


class ChunkDecodeError(OrsseError, ValueError):
    """A data event's payload is not a JSON object."""

    def __init__(self, reason: str, payload: str, event_index: int) -> None:
        self.reason = reason
        self.payload = payload
        self.event_index = event_index
        super().__init__(
            f"data event #{event_index} of the stream is not a JSON object ({reason}): "
            f"{excerpt(payload)}"
        )


class StreamError(OrsseError):
    """The server reported an error inside a stream that had started with 200 OK."""

    def __init__(
        self,
        code: Any,
        message: str,
        metadata: Optional[Mapping[str, Any]] = None,
        partial: Optional[ChatCompletion] = None,
    ) -> None:
        self.code = code
        self.message = message
        self.metadata = metadata
        self.partial = partial
        where = f" (code {code})" if code is not None else ""
        super().__init__(f"the server reported an error mid-stream{where}: {message}")


class IncompleteStreamError(OrsseError):
    """The stream ended with neither ``data: [DONE]`` nor a finish reason: it was cut off."""

    def __init__(self, message: str, partial: Optional[ChatCompletion] = None) -> None:
        super().__init__(message)
        self.partial = partial
