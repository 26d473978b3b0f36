"""A sans-IO decoder for ``text/event-stream``, exactly as the WHATWG HTML standard parses it.

Bytes go in through :meth:`SSEDecoder.feed`, whole events come out. Nothing here does
I/O, so the same decoder serves urllib, requests, httpx, aiohttp or a file on disk.

How it stays fast in pure Python (``benchmarks/bench.py`` measures it, and
``tests/test_bench_inputs.py`` checks what it measures):

- A read with no CR and no LF in it only extends the partial line: two C-level ``in``
  tests on ints (``b"\\n" in data`` would go through a raised and cleared TypeError) and
  one ``bytearray +=``. :func:`iter_events` and :func:`iter_data` do even that inline,
  without a method call, which is what makes one-byte reads affordable.
- A small read that ends a line is split at LF, and its usual shapes (a data line, a
  data line and its blank line, a blank line) are handled without a loop.
- A bigger read is cut by one ``split(b"\\n\\ndata: ")``: between two cuts lies the whole
  data of one event of the shape nearly every LLM stream has, decoded once, with no
  per-line Python loop; the events of a read come out as one list, flattened in C.
- Anything else (other fields, comments, multi-line data, a read that might break a
  limit) takes the general path, the standard's algorithm line by line. CR and CRLF
  line ends are first turned into LF, so they only cost one ``replace`` per read.
"""

from __future__ import annotations

from itertools import chain, compress, count, repeat
from operator import contains as _contains
TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

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

__all__ = ["ServerSentEvent", "SSEDecoder", "iter_events", "aiter_events", "iter_data", "aiter_data"]

# What the decoder's internals hand out (their ``raw`` argument): whole events; the data
# strings alone (iter_data); or the data strings of events with no ``event`` field and
# whole events for the others (the chunk layer, which must see ``event: error`` but
# needs no event object for the rest). Only _dispatch() can meet an event field.
EVENTS = 0
DATA = 1
DATA_OR_TYPED = 2

_BOM = b"\xef\xbb\xbf"

#: Default limits. An OpenRouter image event can be several MiB of base64 on one
#: line, so the defaults leave room for that while still stopping a peer that never
#: ends a line long before memory runs out.
DEFAULT_MAX_LINE_SIZE = 32 * 1024 * 1024
DEFAULT_MAX_EVENT_SIZE = 32 * 1024 * 1024

#: What stands between two single-line data events of the common shape: splitting
#: ``data: A\n\ndata: B\n\n`` at it gives ``data: A`` and ``B\n\n``.
_NEXT_DATA = b"\n\ndata: "

#: A partial line longer than this is decoded on its own when its end arrives, and its
#: bytes dropped before its value is cut out, so a multi-MiB line is never held in
#: memory more than about twice.
_LONG_LINE = 1 << 16

#: Reads up to this size are split at LF; bigger ones at "\n\ndata: ".
_SMALL_READ = 512

#: ``retry`` values with more significant digits than this are ignored, as browsers
#: ignore one that overflows: ``int()`` refuses longer strings on recent CPythons and
#: takes quadratic time on the others.
_MAX_RETRY_DIGITS = 4300

#: Below this size, reads are "tiny" for iter_events() and iter_data(), which then put
#: up to _HOLD of them aside before joining them onto the partial line.
_TINY_READ = 32
_HOLD = 64
_NOTHING = [b""] * _HOLD


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
        if not isinstance(other, ServerSentEvent) or other.__class__ is not self.__class__:
            return NotImplemented
        return (self.data, self.event, self.id, self.retry) == (
            other.data, other.event, other.id, other.retry
        )  # fmt: skip

    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value


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
        # safe: it only sends the next read down the general path.
        self._plain = False
        # For error messages: bytes of the stream before the partial line. The fast path
        # counts nothing: the partial line's length says how far it got.
        self._bytes_done = 0

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
        if self._plain and 10 not in data and 13 not in data:  # ints: no exception path
            partial = self._partial_line
            if len(partial) + len(data) > self.max_line_size:
                self._line_too_long(len(data))
            partial += data
            return []
        return self._feed(data, EVENTS)

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

    # -- internals ----------------------------------------------------------------

    def _line_too_long(self, extra: int) -> NoReturn:
        """Raise for a fast-path read of *extra* bytes that the partial line cannot take."""
        size = len(self._partial_line) + extra
        raise SSELimitError("max_line_size", self.max_line_size, size, self._bytes_done + size)

    def _feed(self, data: bytes, raw: int) -> List[Any]:
        """:meth:`feed` for every read that may end a line; *raw* says what comes out (EVENTS, DATA...)."""
        if not self._plain:
            if self._closed:
                raise OrsseError("SSEDecoder.feed() called after close()")
            if not data:
                return []
            if self._head is not None:
                data = self._strip_bom(data)
                if not data:
                    return []
            if self._after_cr:
                self._after_cr = False
                if data[0] == 10:
                    self._bytes_done += 1
                    data = data[1:]
                    if not data:
                        return []
            self._plain = True
        partial = self._partial_line
        # The bytes of the partial line and of this read, as they came (it is what
        # _bytes_done grows by, less the new partial line; for the limits, a CR that is
        # dropped below only makes the check stricter).
        size = len(partial) + len(data)
        if 13 in data:
            # Every line end becomes LF; a trailing CR may be half of a CRLF whose
            # LF opens the next read, which must then be skipped.
            self._after_cr = data[-1] == 13
            self._plain = not self._after_cr
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if size > self.max_line_size or size > self.max_event_size:
            out: List[Any] = []
            self._near_limits(data, out, raw)
        elif len(data) <= _SMALL_READ and len(partial) <= _LONG_LINE:
            # A small read: it completes a line or two. Nothing in it can reach a limit
            # but pending data lines, which _add_data() counts.
            lines: List[_Block] = data.split(b"\n")  # type: ignore[assignment]
            rest = lines.pop()
            if not lines:
                partial += rest
                return []
            if partial:
                partial += lines[0]
                lines[0] = partial
            if len(lines) == 2 and not lines[1] and lines[0][:6] == b"data: ":
                # A data line and the blank line after it: the commonest case.
                value = lines[0][6:].decode("utf-8", "replace")
                if self._data_lines or self._event_type or self._block_retry is not None:
                    self._add_data(value)
                    out = [self._dispatch(raw)]
                else:
                    self.last_event_id = event_id = self._id_buffer
                    out = [value if raw else ServerSentEvent(value, "message", event_id, None)]
            else:
                out = []
                self._small(lines, out, raw)
            partial.clear()
            partial += rest
        else:
            out = []
            end = data.rfind(b"\n") + 1
            if len(partial) > _LONG_LINE and end:
                data = self._end_long_line(data, out, raw)
                end = data.rfind(b"\n") + 1
            # Cut the read itself at each "\n\ndata: ", so the bytes of a big read are
            # copied once.
            pieces: List[_Block] = data.split(_NEXT_DATA)  # type: ignore[assignment]
            if len(pieces) > 1:
                if partial:
                    pieces[0] = partial + pieces[0]
                    partial.clear()
                self._pieces(pieces, out, raw)
            else:
                if end:
                    block = partial + data[:end]
                    partial.clear()
                    self._lines(block.decode("utf-8", "replace").split("\n")[:-1], out, raw)
                partial += data[end:]
        self._bytes_done += size - len(partial)
        return out

    def _offset(self, data: bytes) -> int:
        """Where this read ends in the stream (while the partial line is still whole)."""
        return self._bytes_done + len(self._partial_line) + len(data)

    def _strip_bom(self, data: bytes) -> bytes:
        head = (self._head or b"") + data
        if len(head) < len(_BOM) and _BOM.startswith(head):
            self._head = head
            return b""
        self._head = None
        if head.startswith(_BOM):
            self._bytes_done += len(_BOM)
            return head[len(_BOM) :]
        return head

    def _end_long_line(self, data: bytes, out: List[Any], raw: int) -> bytes:
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
            self._lines([line], out, raw)
        return data[first + 1 :]

    def _near_limits(self, data: bytes, out: List[Any], raw: int) -> None:
        """A read that might break a limit: each line it completes is checked just
        before its turn, so that of two limits the one the stream crossed first is
        reported, however the bytes were cut. The events that lines before it completed
        go with the error, as its ``events`` (data strings for iter_data)."""
        partial = self._partial_line
        limit = self.max_line_size
        seen = self._offset(data)
        lines: List[_Block] = data.split(b"\n")  # type: ignore[assignment]
        rest = lines.pop()
        try:
            if lines:
                lines[0] = partial + lines[0]
                partial.clear()
                for line in lines:
                    if len(line) > limit:
                        raise SSELimitError("max_line_size", limit, len(line), seen)
                    self._lines([line.decode("utf-8", "replace")], out, raw)
            if len(partial) + len(rest) > limit:
                raise SSELimitError("max_line_size", limit, len(partial) + len(rest), seen)
        except SSELimitError as error:
            error.events = out
            raise
        partial += rest

    def _small(self, lines: List[_Block], out: List[Any], raw: int) -> None:
        """The complete lines of a small read (bytes, without their LF)."""
        line = lines[0]
        count = len(lines)
        if count == 1 or (count == 2 and not lines[1]):
            # One line, perhaps with a blank line after it: nearly every small read
            # that ends a line.
            if line[:6] == b"data: ":
                value = line[6:].decode("utf-8", "replace")
                if count == 1 or self._data_lines or self._event_type or self._block_retry is not None:
                    self._add_data(value)
                    if count == 2:
                        out.append(self._dispatch(raw))
                else:
                    self.last_event_id = event_id = self._id_buffer
                    out.append(value if raw else ServerSentEvent(value, "message", event_id, None))
                return
            if not line and count == 1:  # a blank line alone
                if self._data_lines:
                    out.append(self._dispatch(raw))
                else:
                    self.last_event_id = self._id_buffer
                    self._event_type = ""
                    self._block_retry = None
                return
        self._lines([line.decode("utf-8", "replace") for line in lines], out, raw)

    def _pieces(self, pieces: List[_Block], out: List[Any], raw: int) -> None:
        """A read cut at each ``\\n\\ndata: `` (SEP): first + SEP + p1 + ... + SEP + last.

        ``first`` (the partial line already in front of it) ends with the line end and
        blank line of SEP; each middle piece with no LF in it is the whole data of one
        event; ``last`` holds the rest of the read, up to the partial line it leaves.
        """
        last = pieces.pop()
        first = pieces[0]
        del pieces[0]
        # The first piece carries on from whatever the previous read left pending.
        if (
            first[:6] == b"data: "
            and 10 not in first
            and not self._data_lines
            and not self._event_type
            and self._block_retry is None
        ):
            value = first[6:].decode("utf-8", "replace")
            self.last_event_id = self._id_buffer
            out.append(value if raw else ServerSentEvent(value, "message", self._id_buffer, None))
        else:
            lines = first.decode("utf-8", "replace").split("\n")
            lines.append("")
            self._lines(lines, out, raw)
        # Every later piece follows a blank line: no type, data or retry is pending, and
        # the last event id is the id buffer.
        if pieces:
            try:
                values = [piece.decode() for piece in pieces]
            except UnicodeDecodeError:
                values = [piece.decode("utf-8", "replace") for piece in pieces]
            if 10 in b"".join(pieces):  # some are several lines (a comment, another field)
                self._mixed(pieces, values, out, raw)
            elif raw:
                out += values
            else:
                out += map(ServerSentEvent, values, repeat("message"), repeat(self._id_buffer))
        # The last piece: lines of "data: " + last, then what is left of the read.
        lf = last.find(b"\n")
        if lf < 0:  # the read ends inside the line "data: " + last
            self._partial_line += b"data: "
            self._partial_line += last
            return
        end = last.rfind(b"\n") + 1
        if lf == end - 2:  # "value\n\n": a whole event
            value = last[:lf].decode("utf-8", "replace")
            self.last_event_id = self._id_buffer
            out.append(value if raw else ServerSentEvent(value, "message", self._id_buffer, None))
        elif lf == end - 1:  # "value\n": a data line, its blank line yet to come
            value = last[:lf].decode("utf-8", "replace")
            self._data_lines.append(value)
            self._data_size = len(value) + 1
        else:
            lines = ("data: " + last[:end].decode("utf-8", "replace")).split("\n")
            lines.pop()
            self._lines(lines, out, raw)
        if end < len(last):
            self._partial_line += last[end:]

    def _mixed(self, pieces: List[_Block], values: List[str], out: List[Any], raw: int) -> None:
        """Middle pieces among which some are several lines: runs of one-line pieces go
        in bulk, the others line by line, all in order."""
        start = 0
        for stop in compress(count(), map(_contains, pieces, repeat(10))):
            if stop > start:
                if raw:
                    out += values[start:stop]
                else:
                    out += map(ServerSentEvent, values[start:stop], repeat("message"), repeat(self._id_buffer))
            lines = ("data: " + values[stop]).split("\n")
            lines.append("")
            self._lines(lines, out, raw)
            start = stop + 1
        if start < len(values):
            if raw:
                out += values[start:]
            else:
                out += map(ServerSentEvent, values[start:], repeat("message"), repeat(self._id_buffer))

    def _lines(self, lines: List[str], out: List[Any], raw: int) -> None:
        """The standard's algorithm, one decoded line at a time."""
        data_lines = self._data_lines
        for line in lines:
            if not line:
                if data_lines:
                    out.append(self._dispatch(raw))
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

    def _dispatch(self, raw: int) -> Any:
        data_lines = self._data_lines
        data = data_lines[0] if len(data_lines) == 1 else "\n".join(data_lines)
        self.last_event_id = event_id = self._id_buffer
        result = (
            data
            if raw == DATA or (raw and not self._event_type)
            else ServerSentEvent(data, self._event_type or "message", event_id, self._block_retry)
        )
        self._data_lines = []
        self._data_size = 0
        self._event_type = ""
        self._block_retry = None
        return result

    def _raise_event_too_large(self) -> NoReturn:
        size = self._data_size - 1
        self._data_lines = []
        self._data_size = 0
        raise SSELimitError(
            "max_event_size", self.max_event_size, size, self._bytes_done + len(self._partial_line)
        )


def _batches(decoder: SSEDecoder, chunks: Iterable[bytes], raw: int) -> Iterator[List[Any]]:
    # The decoder's fast path, inline: a read with no line end costs no method call.
    # The limit is checked after the append (one len() instead of two), and a read that
    # went past it is taken back out before raising, so the decoder never keeps more.
    # When the reads are tiny (the last one that ended a line was), even the append and
    # the len() are too dear: such reads are only put aside in a fixed list, and joined
    # onto the partial line, its size checked, when the list is full and before the next
    # read that may end a line. An endless line is then stopped up to _HOLD reads late,
    # which changes nothing a caller sees but how many reads were taken (events only
    # complete at line ends, and the read that ends an oversized line still raises).
    # What a read completes comes out as one list; chain.from_iterable() flattens them
    # in C, sparing a generator resumption per event.
    feed = decoder._feed
    partial = decoder._partial_line
    limit = decoder.max_line_size
    held = [b""] * _HOLD
    count = 0
    tiny = False
    plain = False
    for chunk in chunks:
        if plain and 10 not in chunk and 13 not in chunk:
            if tiny:
                try:
                    held[count] = chunk
                except IndexError:  # full
                    _join(decoder, held, count)
                    held[0] = chunk
                    count = 0
                count += 1
            else:
                partial += chunk
                if len(partial) > limit:
                    _too_long(decoder, chunk)
            continue
        if count:
            _join(decoder, held, count)
            count = 0
        try:
            out = feed(chunk, raw)
        except SSELimitError as error:
            # What the read completed before the limit was crossed still comes first.
            if error.events:
                yield list(error.events)
            raise
        plain = decoder._plain
        tiny = len(chunk) < _TINY_READ
        if out:
            yield out
    if count:
        _join(decoder, held, count)
    decoder.close()


async def _aiterate(decoder: SSEDecoder, chunks: AsyncIterable[bytes], raw: int) -> AsyncIterator[Any]:
    feed = decoder._feed
    partial = decoder._partial_line
    limit = decoder.max_line_size
    plain = False
    async for chunk in chunks:
        if plain and 10 not in chunk and 13 not in chunk:
            partial += chunk
            if len(partial) > limit:
                _too_long(decoder, chunk)
            continue
        try:
            out = feed(chunk, raw)
        except SSELimitError as error:
            for item in error.events:
                yield item
            raise
        plain = decoder._plain
        for item in out:
            yield item
    decoder.close()


def _join(decoder: SSEDecoder, held: List[bytes], count: int) -> None:
    """The first *count* reads put aside (no CR or LF in them) onto the partial line."""
    partial = decoder._partial_line
    partial += b"".join(held[:count])
    held[:count] = _NOTHING[:count]  # keep no read alive
    if len(partial) > decoder.max_line_size:
        size = len(partial)
        del partial[decoder.max_line_size :]  # keep no more than the limit
        raise SSELimitError(
            "max_line_size", decoder.max_line_size, size, decoder._bytes_done + size
        )


def _too_long(decoder: SSEDecoder, chunk: bytes) -> NoReturn:
    partial = decoder._partial_line
    del partial[len(partial) - len(chunk) :]
    decoder._line_too_long(len(chunk))


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
    return chain.from_iterable(_batches(decoder, chunks, EVENTS))


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
    return _aiterate(decoder, chunks, EVENTS)


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
    decoder = SSEDecoder(
        max_line_size=max_line_size, max_event_size=max_event_size, on_comment=on_comment
    )
    return chain.from_iterable(_batches(decoder, chunks, DATA))


def aiter_data(
    chunks: AsyncIterable[bytes],
    *,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    on_comment: Optional[Callable[[str], None]] = None,
) -> AsyncIterator[str]:
    """Just the ``data`` of each event from an async iterable of bytes; see :func:`iter_data`."""
    decoder = SSEDecoder(
        max_line_size=max_line_size, max_event_size=max_event_size, on_comment=on_comment
    )
    return _aiterate(decoder, chunks, DATA)
