"""A sans-IO decoder for ``text/event-stream``, exactly as the WHATWG HTML standard parses it.

Bytes go in through :meth:`SSEDecoder.feed`, whole events come out. Nothing here does
I/O, so the same decoder serves urllib, requests, httpx, aiohttp or a file on disk.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ._errors import OrsseError, SSELimitError

if TYPE_CHECKING:
    from typing import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator, List, Optional

__all__ = ["ServerSentEvent", "SSEDecoder", "iter_events", "aiter_events"]

_SLOTS = {"slots": True} if sys.version_info >= (3, 10) else {}

_BOM = b"\xef\xbb\xbf"

#: Default limits. An OpenRouter image event can be several MiB of base64 on one
#: line, so the defaults leave room for that while still stopping a peer that never
#: ends a line long before memory runs out.
DEFAULT_MAX_LINE_SIZE = 32 * 1024 * 1024
DEFAULT_MAX_EVENT_SIZE = 32 * 1024 * 1024


@dataclass(**_SLOTS)
class ServerSentEvent:
    """One dispatched event.

    ``event`` is ``"message"`` when the stream named no type; ``id`` is the last event
    id in force when the event was dispatched (``""`` when none); ``retry`` is the
    reconnection time in milliseconds given in this event's own block, if any.
    """

    data: str
    event: str = "message"
    id: str = ""
    retry: Optional[int] = None


class SSEDecoder:
    """Incremental event-stream decoder: ``feed(bytes) -> [events]``, then ``close()``.

    The bytes may be cut anywhere: inside a CRLF, inside the BOM, inside a multi-byte
    UTF-8 character. Each complete line is decoded as UTF-8 with invalid bytes replaced
    by U+FFFD, so no ``UnicodeDecodeError`` can escape.

    ``max_line_size`` bounds the bytes of one line and ``max_event_size`` the characters
    of one event's data; going past either raises :class:`SSELimitError` before the
    data is kept. ``on_comment`` is called with the text of each comment line (such as
    OpenRouter's ``: OPENROUTER PROCESSING`` keep-alive), without the leading colon
    and one optional space.
    """

    def __init__(
        self,
        *,
        max_line_size: int = DEFAULT_MAX_LINE_SIZE,
        max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
        on_comment: Optional[Callable[[str], None]] = None,
    ) -> None:
        if max_line_size < 1 or max_event_size < 1:
            raise ValueError("max_line_size and max_event_size must be positive")
        self.max_line_size = max_line_size
        self.max_event_size = max_event_size
        self.on_comment = on_comment
        #: The last event id committed by a blank line, as the standard's "last event
        #: ID string": what a reconnecting client would send as ``Last-Event-ID``.
        self.last_event_id = ""
        #: The reconnection time in milliseconds from the latest valid ``retry`` field.
        self.retry: Optional[int] = None

        # Bytes of the line still waiting for its end: a bytearray grows in amortised
        # constant time per byte, and only new bytes are ever searched for a line end.
        self._partial_line = bytearray()
        # Until the stream's first three bytes are seen we cannot know whether they
        # are a BOM; this holds what has arrived of them (None once decided).
        self._head: Optional[bytes] = b""
        # A read that ended in CR: an LF opening the next read ends no second line.
        self._after_cr = False
        self._bytes_seen = 0
        self._closed = False

        self._data_lines: List[str] = []
        self._data_size = 0
        self._event_type = ""
        self._id_buffer = ""
        self._block_retry: Optional[int] = None

    # -- input ------------------------------------------------------------------

    def feed(self, data: bytes) -> List[ServerSentEvent]:
        """Take the next bytes of the stream; return the events they complete."""
        if self._closed:
            raise OrsseError("SSEDecoder.feed() called after close()")
        if not data:
            return []
        self._bytes_seen += len(data)
        if self._head is not None:
            data = self._strip_bom(data)
            if not data:
                return []
        if self._after_cr:
            self._after_cr = False
            if data[:1] == b"\n":
                data = data[1:]
                if not data:
                    return []
        if b"\r" in data:
            # Every line end becomes LF; a trailing CR may be half of a CRLF whose
            # LF opens the next read, which must then be skipped.
            self._after_cr = data[-1:] == b"\r"
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")

        last_lf = data.rfind(b"\n")
        partial = self._partial_line
        if last_lf < 0:
            if len(partial) + len(data) > self.max_line_size:
                raise SSELimitError(
                    "max_line_size", self.max_line_size, len(partial) + len(data), self._bytes_seen
                )
            partial += data
            return []

        if partial:
            partial += data[: last_lf + 1]
            complete = partial
            self._partial_line = partial = bytearray()
        else:
            complete = data if last_lf + 1 == len(data) else data[: last_lf + 1]
        if last_lf + 1 < len(data):
            rest = data[last_lf + 1 :]
            if len(rest) > self.max_line_size:
                raise SSELimitError("max_line_size", self.max_line_size, len(rest), self._bytes_seen)
            partial += rest
        if len(complete) > self.max_line_size:
            self._check_line_sizes(complete)
        # Line ends are ASCII, so decoding a run of whole lines at once gives exactly
        # what decoding each line on its own would, at one call instead of many. The
        # decoded text is split at once and never named, so a multi-MiB line is not
        # held three times over.
        lines = complete.decode("utf-8", "replace").split("\n")
        del complete
        lines.pop()  # what follows the final line end: always empty here
        return self._process_lines(lines)

    def close(self) -> List[ServerSentEvent]:
        """Mark the end of the stream.

        As the standard says, an event whose blank line never came is discarded, and an
        ``id`` it carried is not committed. Returns the (always empty) list of events
        completed by the end, so callers can treat it like a last :meth:`feed`.
        """
        self._closed = True
        self._partial_line = bytearray()
        self._data_lines = []
        self._data_size = 0
        self._event_type = ""
        self._id_buffer = self.last_event_id
        return []

    @property
    def has_pending_data(self) -> bool:
        """Whether bytes of an unfinished line or event are waiting for more input."""
        return bool(self._partial_line or self._data_lines or (self._head and not self._closed))

    # -- internals ----------------------------------------------------------------

    def _strip_bom(self, data: bytes) -> bytes:
        head = (self._head or b"") + data
        if len(head) < len(_BOM) and _BOM.startswith(head):
            self._head = head
            return b""
        self._head = None
        return head[len(_BOM) :] if head.startswith(_BOM) else head

    def _check_line_sizes(self, complete: bytes | bytearray) -> None:
        start = 0
        limit = self.max_line_size
        while True:
            end = complete.find(b"\n", start)
            if end < 0:
                return
            if end - start > limit:
                raise SSELimitError("max_line_size", limit, end - start, self._bytes_seen)
            start = end + 1

    def _process_lines(self, lines: List[str]) -> List[ServerSentEvent]:
        events: List[ServerSentEvent] = []
        data_lines = self._data_lines
        for line in lines:
            if not line:
                if data_lines:
                    events.append(self._dispatch())
                    data_lines = self._data_lines
                else:
                    # A block without data dispatches nothing, yet its id still counts.
                    self.last_event_id = self._id_buffer
                    self._event_type = ""
                    self._block_retry = None
                continue
            if line.startswith("data:"):
                value = line[6:] if line.startswith(" ", 5) else line[5:]
                self._data_size += len(value) + 1
                if self._data_size > self.max_event_size:
                    self._raise_event_too_large()
                data_lines.append(value)
                continue
            if line[0] == ":":
                if self.on_comment is not None:
                    self.on_comment(line[2:] if line.startswith(" ", 1) else line[1:])
                continue
            colon = line.find(":")
            if colon < 0:
                field, value = line, ""
            else:
                field = line[:colon]
                value = line[colon + 2 :] if line.startswith(" ", colon + 1) else line[colon + 1 :]
            self._field(field, value)
            data_lines = self._data_lines
        return events

    def _field(self, field: str, value: str) -> None:
        if field == "data":
            # Only reached for "data" with no colon: an empty data line.
            self._data_size += 1
            if self._data_size > self.max_event_size:
                self._raise_event_too_large()
            self._data_lines.append(value)
        elif field == "event":
            self._event_type = value
        elif field == "id":
            if "\0" not in value:
                self._id_buffer = value
        elif field == "retry":
            if value and value.isascii() and value.isdigit():
                self.retry = self._block_retry = int(value)
        # Any other field is ignored, as the standard says.

    def _dispatch(self) -> ServerSentEvent:
        data_lines = self._data_lines
        data = data_lines[0] if len(data_lines) == 1 else "\n".join(data_lines)
        self.last_event_id = self._id_buffer
        event = ServerSentEvent(data, self._event_type or "message", self._id_buffer, self._block_retry)
        self._data_lines = []
        self._data_size = 0
        self._event_type = ""
        self._block_retry = None
        return event

    def _raise_event_too_large(self) -> None:
        size = self._data_size
        self._data_lines = []
        self._data_size = 0
        raise SSELimitError("max_event_size", self.max_event_size, size, self._bytes_seen)


def iter_events(
    chunks: Iterable[bytes],
    *,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    on_comment: Optional[Callable[[str], None]] = None,
) -> Iterator[ServerSentEvent]:
    """Events from any iterable of bytes: a response read in pieces, an open file, a list."""
    decoder = SSEDecoder(
        max_line_size=max_line_size, max_event_size=max_event_size, on_comment=on_comment
    )
    feed = decoder.feed
    for chunk in chunks:
        events = feed(chunk)
        if events:
            yield from events
    yield from decoder.close()


async def aiter_events(
    chunks: AsyncIterable[bytes],
    *,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    on_comment: Optional[Callable[[str], None]] = None,
) -> AsyncIterator[ServerSentEvent]:
    """Events from any async iterable of bytes (httpx ``aiter_bytes()``, aiohttp ``iter_any()``)."""
    decoder = SSEDecoder(
        max_line_size=max_line_size, max_event_size=max_event_size, on_comment=on_comment
    )
    feed = decoder.feed
    async for chunk in chunks:
        for event in feed(chunk):
            yield event
    for event in decoder.close():
        yield event
