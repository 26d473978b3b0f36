"""A sans-IO decoder for ``text/event-stream``, exactly as the WHATWG HTML standard parses it.

Bytes go in through :meth:`SSEDecoder.feed`, whole events come out. Nothing here does
I/O, so the same decoder serves urllib, requests, httpx, aiohttp or a file on disk.

This module holds the standard's algorithm, readable from top to bottom: the BOM, CR
and CRLF line ends, the partial line, the fields, dispatch, and the limits. Reads of
the shapes nearly every LLM stream has take measured shortcuts to the same result;
those live in :mod:`._sse_fast`, each with the benchmark ratio that justifies it, and
the general path here is what they fall back to for anything unusual.

The layers above (``_json``, ``_chunks``) use this module's seam, not the decoder's
insides: :func:`new_decoder` makes a decoder whose events come out as an
:class:`Output` chooses (whole events, just their data, ...), and
:func:`read_batches` / :func:`aread_batches` run it over an (async) iterable of reads,
one list of items per read that completed any.
"""

from __future__ import annotations

from itertools import chain, repeat

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

from ._sse_fast import SMALL_READ, _as_bytes, abatches, batches, big_read, small_read
from ._errors import OrsseError, SSELimitError

if TYPE_CHECKING:
    from typing import (
        Any,
        AsyncIterable,
        AsyncIterator,
        Callable,
        Iterable,
        Iterator,
        List,
        NoReturn,
        Optional,
        Union,
    )

    _Block = Union[bytes, bytearray]

__all__ = [
    "ServerSentEvent",
    "SSEDecoder",
    "iter_events",
    "aiter_events",
    "iter_data",
    "aiter_data",
    # The seam for the layers above (not re-exported by the package):
    "Output",
    "EVENTS",
    "DATA",
    "DATA_UNLESS_TYPED",
    "CommentLine",
    "new_decoder",
    "read_batches",
    "aread_batches",
]

_BOM = b"\xef\xbb\xbf"

#: Default limits. An OpenRouter image event can be several MiB of base64 on one
#: line, so the defaults leave room for that while still stopping a peer that never
#: ends a line long before memory runs out.
DEFAULT_MAX_LINE_SIZE = 32 * 1024 * 1024
DEFAULT_MAX_EVENT_SIZE = 32 * 1024 * 1024

#: A partial line longer than this is decoded on its own when its end arrives, and its
#: bytes dropped before its value is cut out, so a multi-MiB line is never held in
#: memory more than about twice.
_LONG_LINE = 1 << 16

#: ``retry`` values with more significant digits than this are ignored, as browsers
#: ignore one that overflows: ``int()`` refuses longer strings on recent CPythons and
#: takes quadratic time on the others.
_MAX_RETRY_DIGITS = 4300

#: The bytes that continue a UTF-8 character rather than start one.
_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))


class ServerSentEvent:
    """One dispatched event.

    ``event`` is ``"message"`` when the stream named no type; ``id`` is the last event
    id in force when the event was dispatched (``""`` when none); ``retry`` is the
    reconnection time in milliseconds given in this event's own block, if any.

    Written out rather than made a dataclass: the dataclasses module (and typing, which
    it imports) would be most of ``import orsse``'s cost, for four fields. It behaves
    like the equivalent dataclass: positional or keyword arguments, equality by value,
    unhashable, the same repr, and ``match`` by position.
    """

    __slots__ = ("data", "event", "id", "retry")
    __match_args__ = ("data", "event", "id", "retry")

    def __init__(self, data: str, event: str = "message", id: str = "", retry: Optional[int] = None) -> None:
        self.data = data
        self.event = event
        self.id = id
        self.retry = retry

    def __repr__(self) -> str:
        return (
            f"ServerSentEvent(data={self.data!r}, event={self.event!r}, id={self.id!r}, "
            f"retry={self.retry!r})"
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__ or not isinstance(other, ServerSentEvent):
            return NotImplemented
        return (self.data, self.event, self.id, self.retry) == (
            other.data, other.event, other.id, other.retry
        )  # fmt: skip

    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value


class Output:
    """What a decoder hands out for each event it dispatches, chosen once, when it is made.

    ``event(data, event_type, event_id, retry)`` makes the item of any event (its type
    ``""`` when the stream named none); ``message(data, event_id)`` that of an event with
    no type and no retry, the shape nearly every event has, which the shortcuts build
    without the general call; ``messages(values, event_id)`` those of several such
    events at once, as an iterable the caller appends to its list. ``comment(text)``,
    when there is one, makes an item of each comment line, in its place among the
    events, instead of calling the decoder's ``on_comment``.
    """

    __slots__ = ("name", "event", "message", "messages", "comment")

    def __init__(
        self,
        name: str,
        event: Callable[[str, str, str, Optional[int]], Any],
        message: Callable[[str, str], Any],
        messages: Callable[[List[str], str], Iterable[Any]],
        comment: Optional[Callable[[str], Any]] = None,
    ) -> None:
        self.name = name
        self.event = event
        self.message = message
        self.messages = messages
        self.comment = comment

    def __repr__(self) -> str:
        return f"<Output {self.name}>"


def _event(data: str, event_type: str, event_id: str, retry: Optional[int]) -> ServerSentEvent:
    return ServerSentEvent(data, event_type or "message", event_id, retry)


def _message(data: str, event_id: str) -> ServerSentEvent:
    return ServerSentEvent(data, "message", event_id, None)


def _messages(values: List[str], event_id: str) -> Iterable[ServerSentEvent]:
    return map(ServerSentEvent, values, repeat("message"), repeat(event_id))


def _data(data: str, event_type: str, event_id: str, retry: Optional[int]) -> str:
    return data


def _data_unless_typed(data: str, event_type: str, event_id: str, retry: Optional[int]) -> Any:
    return ServerSentEvent(data, event_type, event_id, retry) if event_type else data


def _message_data(data: str, event_id: str) -> str:
    return data


def _messages_data(values: List[str], event_id: str) -> List[str]:
    return values


#: Whole :class:`ServerSentEvent` objects: what :meth:`SSEDecoder.feed` gives.
EVENTS = Output("events", _event, _message, _messages)
#: The data string of each event, nothing else (iter_data, iter_json).
DATA = Output("data", _data, _message_data, _messages_data)


class CommentLine:
    """A comment line (``: OPENROUTER PROCESSING``) as an item among the events, for a
    layer that must know where it came between them: the updates put the keep-alive
    after the content that arrived before it, however the bytes were grouped into reads."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"CommentLine({self.text!r})"


#: The data string of each event with no ``event`` field, the whole event for the others,
#: and each comment line as a :class:`CommentLine`: the chunk layer must see ``event:
#: error`` and where the keep-alives fall, but needs no object for the rest.
DATA_UNLESS_TYPED = Output("data unless typed", _data_unless_typed, _message_data, _messages_data, CommentLine)


class SSEDecoder:
    """Incremental event-stream decoder: ``feed(bytes) -> [events]``, then ``close()``.

    The bytes may be cut anywhere: inside a CRLF, inside the BOM, inside a multi-byte
    UTF-8 character. Each complete line is decoded as UTF-8 with invalid bytes replaced
    by U+FFFD, so no ``UnicodeDecodeError`` can escape.

    ``max_line_size`` bounds the bytes of one line and ``max_event_size`` the characters
    of one event's data; the read that takes either past its limit raises
    :class:`SSELimitError`, and the decoder never keeps more than the limit. ``on_comment``
    is called with the text of each comment line (such as OpenRouter's
    ``: OPENROUTER PROCESSING`` keep-alive), without the leading colon and one optional
    space.
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

        # What each dispatched event becomes; new_decoder() chooses another.
        self._output = EVENTS
        # Bytes of the line still waiting for its end (never a CR or LF among them): a
        # bytearray grows in amortised constant time per byte, and only new bytes are
        # ever searched for a line end. The same object serves the decoder's whole life.
        self._partial_line = bytearray()
        # Until the stream's first three bytes are seen we cannot know whether they
        # are a BOM; this holds what has arrived of them (None once decided).
        self._head: Optional[bytes] = b""
        # A read that ended in CR: an LF opening the next read ends no second line.
        self._after_cr = False
        self._closed = False
        # True when a read with no CR or LF may simply be appended to the partial line:
        # open, the BOM question settled, no CR waiting for its LF. False is always
        # safe: it only sends the next read through _read().
        self._plain = False
        # For error messages: bytes of the stream before the partial line. Appending to
        # the partial line counts nothing: its length says how far it got.
        self._bytes_done = 0
        # For feed(): the partial line (by where it starts) whose data value was last
        # counted against max_event_size, and the length at which to count it again.
        self._look_from = -1
        self._look_at = 0

        self._data_lines: List[str] = []
        # Characters of the pending data lines, each counted with the LF that joins it
        # to the next: the event's data is one character shorter.
        self._data_size = 0
        self._event_type = ""
        self._id_buffer = ""
        self._block_retry: Optional[int] = None

    # -- input ------------------------------------------------------------------

    def feed(self, data: bytes) -> List[ServerSentEvent]:
        """Take the next bytes of the stream; return the events they complete."""
        if data.__class__ is not bytes:
            data = _as_bytes(data)
        if self._plain and 10 not in data and 13 not in data:  # ints: no exception path
            # No line end: only more of the partial line.
            partial = self._partial_line
            if len(partial) + len(data) > self.max_line_size:
                self._line_too_long(data)
            partial += data
            if len(partial) > self.max_event_size - self._data_size:
                # Looked at again only once it may have crossed (or a new line began).
                if len(partial) > self._look_at or self._look_from != self._bytes_done:
                    self._look_from = self._bytes_done
                    self._look_at = self._check_data_line()
            return []
        return self._read(data)

    def close(self) -> List[ServerSentEvent]:
        """Mark the end of the stream.

        As the standard says, an event whose blank line never came is discarded, and an
        ``id`` it carried is not committed. Returns the (always empty) list of events
        completed by the end, so callers can treat it like a last :meth:`feed`.
        """
        self._closed = True
        self._plain = False
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

    # -- lines ------------------------------------------------------------------

    def _line_too_long(self, data: bytes) -> NoReturn:
        """Raise for a read with no line end that the partial line cannot take."""
        size = len(self._partial_line) + len(data)
        self._past_line_limit(data, 0, size, self._bytes_done + size)

    def _past_line_limit(self, data: bytes, start: int, size: int, offset: int) -> NoReturn:
        """Raise for a line of *size* bytes, the partial line then *data* from *start*.

        A data line may have taken its event past ``max_event_size`` before its own
        limit: the partial line is filled up to ``max_line_size`` bytes (no more than
        the decoder may hold) to see which came first, so that the same limit is
        reported however the bytes were cut."""
        partial = self._partial_line
        room = self.max_line_size - len(partial)
        if room > 0:
            partial += memoryview(data)[start : start + room]
        if len(partial) > self.max_event_size - self._data_size:
            self._check_data_line()
        raise SSELimitError("max_line_size", self.max_line_size, size, offset)

    def _read(self, data: bytes) -> List[Any]:
        """One read that may end a line: the items (as the decoder's Output makes them) of
        the events it completes."""
        if not self._plain:
            if self._closed:
                raise OrsseError("SSEDecoder.feed() called after close()")
            if not data:
                return []
            # Bytes at the start of the read that are no line's: the BOM, the LF of a
            # CRLF. Skipped by index, for a read too big to copy (see below).
            skip = 0
            if self._head is not None:
                skip = self._strip_bom(data)
                if skip < 0 or skip == len(data):
                    return []
            if self._after_cr:
                self._after_cr = False
                if data[skip] == 10:
                    self._bytes_done += 1
                    skip += 1
                    if skip == len(data):
                        return []
            self._plain = True
            if skip:
                size = len(self._partial_line) + len(data) - skip
                if size > self.max_line_size or size + self._data_size > self.max_event_size:
                    out: List[Any] = []
                    self._near_limits(data, out, skip)
                    return out
                data = data[skip:]
        partial = self._partial_line
        # The bytes of the partial line and of this read, as they came (it is what
        # _bytes_done grows by, less the new partial line).
        size = len(partial) + len(data)
        # A read that might take a line or the pending event past its limit is checked
        # line by line before anything is copied (bytes bound characters from above, so
        # one that passes this test cannot break a limit on any path below).
        if size > self.max_line_size or size + self._data_size > self.max_event_size:
            out = []
            self._near_limits(data, out)
            return out
        if 13 in data:
            # Every line end becomes LF; a trailing CR may be half of a CRLF whose
            # LF opens the next read, which must then be skipped.
            self._after_cr = data[-1] == 13
            self._plain = not self._after_cr
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if len(partial) > _LONG_LINE:
            out = []
            if b"\n" in data:
                data = self._end_long_line(data, out)
            self._general(data, out)
        # The shortcuts (in _sse_fast) for the shapes LLM streams have; for anything
        # else they come back to _general() and _lines().
        elif len(data) <= SMALL_READ:
            out = small_read(self, data)
        else:
            out = []
            big_read(self, data, out)
        self._bytes_done += size - len(partial)
        return out

    def _general(self, data: bytes, out: List[Any]) -> None:
        """The lines a read completes, then what it leaves of the next one."""
        partial = self._partial_line
        end = data.rfind(b"\n") + 1
        if end:
            block = partial + data[:end]
            partial.clear()
            self._lines(block.decode("utf-8", "replace").split("\n")[:-1], out)
        partial += data[end:]

    def _offset(self, data: bytes) -> int:
        """Where this read ends in the stream (while the partial line is still whole)."""
        return self._bytes_done + len(self._partial_line) + len(data)

    def _strip_bom(self, data: bytes) -> int:
        """How many bytes at the start of *data* finish the BOM (-1: all of them, and
        the BOM question is still open). Bytes held back as a possible BOM that turn
        out not to be one start the first line."""
        held = self._head or b""
        expected = _BOM[len(held) :]
        if len(data) < len(expected) and expected.startswith(data):
            self._head = held + data
            return -1
        self._head = None
        if data.startswith(expected):
            self._bytes_done += len(_BOM)
            return len(expected)
        self._partial_line += held  # a BOM's first bytes: never a CR or LF
        return 0

    # -- the standard's algorithm, for what the shortcuts leave --------------------

    def _end_long_line(self, data: bytes, out: List[Any]) -> bytes:
        """Finish a long partial line: decode it alone (a data line's value straight from
        the bytes, with no copy of the line in between) and let go of its bytes at once.
        Returns what follows its LF."""
        partial = self._partial_line
        first = data.find(b"\n")
        if len(partial) + first > self.max_line_size:
            raise SSELimitError(
                "max_line_size", self.max_line_size, len(partial) + first, self._offset(data)
            )
        partial += data[:first]
        if partial[:5] == b"data:":  # as a rule: an image or another big payload
            with memoryview(partial) as view:
                value = str(view[6 if partial[5:6] == b" " else 5 :], "utf-8", "replace")
            partial.clear()  # gives the memory back, too
            self._add_data(value)
        else:
            line = partial.decode("utf-8", "replace")
            partial.clear()
            self._lines([line], out)
        return data[first + 1 :]

    def _near_limits(self, data: bytes, out: List[Any], begin: int = 0) -> None:
        """A read that might break a limit, taken one line at a time and each line's
        length checked before its bytes are copied, so that memory stays within the
        limit plus this read, and of two limits the one the stream crossed first is
        reported, however the bytes were cut. CR and CRLF are found here rather than
        replaced (a replace() would copy the whole read twice). The events that lines
        before the limit completed go with the error, as its ``events``. The read's
        first *begin* bytes (a BOM, an LF after CR) are no line's.

        ``_bytes_done`` follows the start of each line as it goes, so that an
        ``max_event_size`` error names the start of the data line that crossed it,
        whatever the read sizes.
        """
        partial = self._partial_line
        limit = self.max_line_size
        start = self._bytes_done + len(partial) - begin  # where data[0] sits in the stream
        seen = start + len(data)
        find = data.find
        # The next LF and the next CR at or after pos, each found again only once
        # passed, so that a read of CR-only lines is not searched to its end per line.
        lf = find(b"\n", begin)
        cr = find(b"\r", begin)
        pos = begin
        view = memoryview(data)
        try:
            while True:
                if 0 <= lf < pos:
                    lf = find(b"\n", pos)
                if 0 <= cr < pos:
                    cr = find(b"\r", pos)
                if cr >= 0 and (lf < 0 or cr < lf):
                    end = cr
                    after = cr + 2 if lf == cr + 1 else cr + 1
                elif lf >= 0:
                    end = lf
                    after = lf + 1
                else:
                    break
                length = len(partial) + end - pos
                if length > limit:
                    self._past_line_limit(data, pos, length, seen)
                partial += view[pos:end]
                if len(partial) > _LONG_LINE and partial[:5] == b"data:":
                    # Its value straight from the bytes, with no copy of the line.
                    with memoryview(partial) as line_view:
                        value = str(line_view[6 if partial[5:6] == b" " else 5 :], "utf-8", "replace")
                    partial.clear()
                    self._add_data(value)
                else:
                    line = partial.decode("utf-8", "replace")
                    partial.clear()
                    self._lines([line], out)
                pos = after
                self._bytes_done = start + pos
            if len(partial) + len(data) - pos > limit:
                self._past_line_limit(data, pos, len(partial) + len(data) - pos, seen)
            partial += view[pos:]
            if len(partial) > self.max_event_size - self._data_size:
                self._check_data_line()
        except SSELimitError as error:
            error.events = out
            raise
        # A CR that ends the read may be half of a CRLF: its LF, opening the next
        # read, ends no second line.
        self._after_cr = data[-1:] == b"\r"
        self._plain = not self._after_cr

    def _check_data_line(self) -> int:
        """Raise if the partial line is a data line whose value already takes the
        pending event past ``max_event_size``; else return the partial line's length
        at which that needs another look (each byte adds at most one character)."""
        partial = self._partial_line
        if len(partial) < 6:
            return len(partial)  # "data:" and its optional space not yet known
        if partial[:5] != b"data:":
            return self.max_line_size  # no data line: only the line limit applies
        value_start = 6 if partial[5] == 32 else 5
        room = self.max_event_size - self._data_size  # characters the value may have
        if len(partial) - value_start <= room:
            return value_start + room
        if partial.isascii():
            characters = len(partial) - value_start
        else:
            # Characters from bytes without decoding the line whole: every byte that
            # is not a UTF-8 continuation byte starts at least one decoded character.
            characters = 0
            with memoryview(partial) as view:
                for step in range(value_start, len(partial), 1 << 16):
                    block = bytes(view[step : step + (1 << 16)])
                    characters += len(block.translate(None, _CONTINUATION_BYTES))
        if characters > room:
            self._event_too_large(self._data_size + characters, self._bytes_done)
        return len(partial) + room - characters

    def _lines(self, lines: List[str], out: List[Any]) -> None:
        """The standard's algorithm, one decoded line at a time."""
        data_lines = self._data_lines
        for line in lines:
            if not line:
                if data_lines:
                    out.append(self._dispatch())
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
                if self._data_size > self.max_event_size + 1:
                    self._raise_event_too_large()
                data_lines.append(value)
                continue
            if line[0] == ":":
                comment = self._output.comment
                if comment is not None:
                    out.append(comment(line[2:] if line.startswith(" ", 1) else line[1:]))
                elif self.on_comment is not None:
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

    def _add_data(self, value: str) -> None:
        self._data_size += len(value) + 1
        if self._data_size > self.max_event_size + 1:
            self._raise_event_too_large()
        self._data_lines.append(value)

    def _field(self, field: str, value: str) -> None:
        if field == "data":
            # Only reached for "data" with no colon: an empty data line.
            self._add_data(value)
        elif field == "event":
            self._event_type = value
        elif field == "id":
            if "\0" not in value:
                self._id_buffer = value
        elif field == "retry":
            if value.isascii() and value.isdigit():
                if len(value.lstrip("0")) <= _MAX_RETRY_DIGITS:
                    self.retry = self._block_retry = int(value)
        # Any other field is ignored, as the standard says.

    def _dispatch(self) -> Any:
        data_lines = self._data_lines
        data = data_lines[0] if len(data_lines) == 1 else "\n".join(data_lines)
        self.last_event_id = event_id = self._id_buffer
        result = self._output.event(data, self._event_type, event_id, self._block_retry)
        self._data_lines = []
        self._data_size = 0
        self._event_type = ""
        self._block_retry = None
        return result

    def _raise_event_too_large(self) -> NoReturn:
        # The data line that crossed the limit has been taken out of the partial line:
        # _bytes_done is where it started.
        self._event_too_large(self._data_size - 1, self._bytes_done)

    def _event_too_large(self, size: int, offset: int) -> NoReturn:
        self._data_lines = []
        self._data_size = 0
        raise SSELimitError("max_event_size", self.max_event_size, size, offset)


# -- the seam for the layers above ----------------------------------------------------


def new_decoder(
    output: Output,
    *,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    on_comment: Optional[Callable[[str], None]] = None,
) -> SSEDecoder:
    """A decoder whose events come out as *output* makes them (:data:`EVENTS`,
    :data:`DATA` or :data:`DATA_UNLESS_TYPED`), for :func:`read_batches`. Its ``feed()``
    then returns those items too. With an *output* that makes comment items, comments
    come as items and *on_comment* is not called."""
    decoder = SSEDecoder(max_line_size=max_line_size, max_event_size=max_event_size, on_comment=on_comment)
    decoder._output = output
    return decoder


def read_batches(decoder: SSEDecoder, reads: Iterable[bytes]) -> Iterator[List[Any]]:
    """Run *decoder* over *reads*: for each read that completes events, the list of their
    items, in order (a read that completes none gives no list). A limit error is raised
    once the items the same read completed before the limit are out. The decoder is
    closed when the reads end.

    One list per read lets the caller work a read at a time and flatten with
    ``chain.from_iterable()``, in C, rather than resume a generator per event.
    """
    return batches(decoder, reads)


def aread_batches(decoder: SSEDecoder, reads: AsyncIterable[bytes]) -> AsyncIterator[List[Any]]:
    """:func:`read_batches` for an async iterable of reads."""
    return abatches(decoder, reads)


async def _flatten(lists: AsyncIterator[List[Any]]) -> AsyncIterator[Any]:
    async for batch in lists:
        for item in batch:
            yield item


# -- the public iterators -------------------------------------------------------------


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
    return chain.from_iterable(read_batches(decoder, chunks))


def aiter_events(
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
    return _flatten(aread_batches(decoder, chunks))


def iter_data(
    chunks: Iterable[bytes],
    *,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    on_comment: Optional[Callable[[str], None]] = None,
) -> Iterator[str]:
    """Just the ``data`` of each event, as :func:`iter_events` would give it.

    For streams where only the payload matters, such as one JSON document per event:
    no :class:`ServerSentEvent` is built, which makes this the fastest way through a
    stream. The event type, id and retry are parsed as usual but not returned.
    """
    decoder = new_decoder(
        DATA, max_line_size=max_line_size, max_event_size=max_event_size, on_comment=on_comment
    )
    return chain.from_iterable(read_batches(decoder, chunks))


def aiter_data(
    chunks: AsyncIterable[bytes],
    *,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    on_comment: Optional[Callable[[str], None]] = None,
) -> AsyncIterator[str]:
    """Just the ``data`` of each event from an async iterable of bytes; see :func:`iter_data`."""
    decoder = new_decoder(
        DATA, max_line_size=max_line_size, max_event_size=max_event_size, on_comment=on_comment
    )
    return _flatten(aread_batches(decoder, chunks))
