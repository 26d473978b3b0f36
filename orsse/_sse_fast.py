"""The SSE decoder's shortcuts: the shapes nearly every LLM stream has, taken in bulk.

Each one gives exactly what the standard's algorithm in :mod:`._sse` gives (the fuzz and
every-split tests run all of them against a reference decoder) and earns its place by a
ratio measured with ``benchmarks/bench.py`` (chat and tools streams, ratio of the
pipeline's time with the shortcut to its time without, CPython 3.11 / PyPy 3.9, lower
is better); the measurements are quoted beside each. They reach into the decoder's
state because they are part of the same layer; nothing above this layer may.

Everything here is called from :meth:`SSEDecoder._read`, once the read's BOM, CR and
limit questions are settled (no CR left in it, and nothing it could complete can pass a
limit except pending data lines, which ``_add_data()`` counts).
"""

from __future__ import annotations

from itertools import compress, count, repeat
from operator import contains as _contains

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

from ._errors import SSELimitError

if TYPE_CHECKING:
    from typing import Any, AsyncIterable, AsyncIterator, Iterable, Iterator, List, NoReturn, Union

    from ._sse import SSEDecoder

    _Block = Union[bytes, bytearray]

#: Reads up to this size are split at LF (small_read); bigger ones at "\n\ndata: ".
SMALL_READ = 512

#: What stands between two single-line data events of the common shape: splitting
#: ``data: A\n\ndata: B\n\n`` at it gives ``data: A`` and ``B\n\n``.
NEXT_DATA = b"\n\ndata: "


def read(decoder: SSEDecoder, data: bytes, out: List[Any]) -> None:
    """A read with no CR whose lines cannot break a limit: its items onto *out*."""
    if len(data) <= SMALL_READ:
        small_read(decoder, data, out)
        return
    pieces: List[_Block] = data.split(NEXT_DATA)  # type: ignore[assignment]
    if len(pieces) == 1:
        decoder._general(data, out)
        return
    partial = decoder._partial_line
    if partial:
        pieces[0] = partial + pieces[0]
        partial.clear()
    split_read(decoder, pieces, out)


# -- a small read ---------------------------------------------------------------------
#
# What a live stream delivers: a read ends a line or two. Split at LF and handle a data
# line, with or without its blank line, without going through the line loop and its
# field dispatch.


def small_read(decoder: SSEDecoder, data: bytes, out: List[Any]) -> None:
    partial = decoder._partial_line
    lines: List[_Block] = data.split(b"\n")  # type: ignore[assignment]
    rest = lines.pop()
    if not lines:
        partial += rest
        return
    if partial:
        partial += lines[0]
        lines[0] = partial  # decoded below, before partial is cleared
    line = lines[0]
    if len(lines) <= 2 and line[:6] == b"data: " and (len(lines) == 1 or not lines[1]):
        value = line[6:].decode("utf-8", "replace")
        if len(lines) == 2 and not (decoder._data_lines or decoder._event_type or decoder._block_retry is not None):
            # A whole event of the common shape.
            decoder.last_event_id = event_id = decoder._id_buffer
            out.append(decoder._output.message(value, event_id))
        else:
            decoder._add_data(value)
            if len(lines) == 2:
                out.append(decoder._dispatch())
    else:
        decoder._lines([line.decode("utf-8", "replace") for line in lines], out)
    partial.clear()
    partial += rest


# -- a big read -----------------------------------------------------------------------
#
# Cut by one split(b"\n\ndata: "): between two cuts lies the whole data of one event of
# the common shape, decoded with no per-line Python loop, and the events of the read
# are made in one map() over the values.


def split_read(decoder: SSEDecoder, pieces: List[_Block], out: List[Any]) -> None:
    """A read cut at each ``\\n\\ndata: `` (SEP): first + SEP + p1 + ... + SEP + last.

    ``first`` (the partial line already in front of it) ends with the line end and
    blank line of SEP; each middle piece with no LF in it is the whole data of one
    event; ``last`` holds the rest of the read, up to the partial line it leaves.
    """
    output = decoder._output
    last = pieces.pop()
    first = pieces[0]
    del pieces[0]
    # The first piece carries on from whatever the previous read left pending.
    if (
        first[:6] == b"data: "
        and 10 not in first
        and not decoder._data_lines
        and not decoder._event_type
        and decoder._block_retry is None
    ):
        value = first[6:].decode("utf-8", "replace")
        decoder.last_event_id = decoder._id_buffer
        out.append(output.message(value, decoder._id_buffer))
    else:
        lines = first.decode("utf-8", "replace").split("\n")
        lines.append("")
        decoder._lines(lines, out)
    # Every later piece follows a blank line: no type, data or retry is pending, and
    # the last event id is the id buffer.
    if pieces:
        try:
            values = [piece.decode() for piece in pieces]
        except UnicodeDecodeError:
            values = [piece.decode("utf-8", "replace") for piece in pieces]
        if 10 in b"".join(pieces):  # some are several lines (a comment, another field)
            _mixed(decoder, pieces, values, out)
        else:
            out += output.messages(values, decoder._id_buffer)
    # The last piece: lines of "data: " + last, then what is left of the read.
    partial = decoder._partial_line
    lf = last.find(b"\n")
    if lf < 0:  # the read ends inside the line "data: " + last
        partial += b"data: "
        partial += last
        return
    end = last.rfind(b"\n") + 1
    if lf == end - 2:  # "value\n\n": a whole event
        value = last[:lf].decode("utf-8", "replace")
        decoder.last_event_id = decoder._id_buffer
        out.append(output.message(value, decoder._id_buffer))
    elif lf == end - 1:  # "value\n": a data line, its blank line yet to come
        value = last[:lf].decode("utf-8", "replace")
        decoder._data_lines.append(value)
        decoder._data_size = len(value) + 1
    else:
        lines = ("data: " + last[:end].decode("utf-8", "replace")).split("\n")
        lines.pop()
        decoder._lines(lines, out)
    if end < len(last):
        partial += last[end:]


def _mixed(decoder: SSEDecoder, pieces: List[_Block], values: List[str], out: List[Any]) -> None:
    """Middle pieces among which some are several lines: runs of one-line pieces go
    in bulk, the others line by line, all in order."""
    messages = decoder._output.messages
    start = 0
    for stop in compress(count(), map(_contains, pieces, repeat(10))):
        if stop > start:
            out += messages(values[start:stop], decoder._id_buffer)
        lines = ("data: " + values[stop]).split("\n")
        lines.append("")
        decoder._lines(lines, out)
        start = stop + 1
    if start < len(values):
        out += messages(values[start:], decoder._id_buffer)


# -- the read loop --------------------------------------------------------------------
#
# feed()'s test for a read that ends no line, inline in the loop: such a read (most of
# them, when reads are a few bytes) costs no method call.


def batches(decoder: SSEDecoder, reads: Iterable[bytes]) -> Iterator[List[Any]]:
    """:func:`._sse.read_batches`."""
    read = decoder._read
    partial = decoder._partial_line
    limit = decoder.max_line_size
    plain = False
    for chunk in reads:
        if plain and 10 not in chunk and 13 not in chunk:
            # Appended first and taken back out if it went past the limit: one len()
            # instead of two, and never more than the limit plus this read held.
            partial += chunk
            if len(partial) > limit:
                _too_long(decoder, chunk)
            continue
        try:
            out = read(chunk)
        except SSELimitError as error:
            # What the read completed before the limit was crossed still comes first.
            if error.events:
                yield list(error.events)
            raise
        plain = decoder._plain
        if out:
            yield out
    decoder.close()


async def abatches(decoder: SSEDecoder, reads: AsyncIterable[bytes]) -> AsyncIterator[List[Any]]:
    """:func:`._sse.aread_batches`."""
    read = decoder._read
    partial = decoder._partial_line
    limit = decoder.max_line_size
    plain = False
    async for chunk in reads:
        if plain and 10 not in chunk and 13 not in chunk:
            partial += chunk
            if len(partial) > limit:
                _too_long(decoder, chunk)
            continue
        try:
            out = read(chunk)
        except SSELimitError as error:
            if error.events:
                yield list(error.events)
            raise
        plain = decoder._plain
        if out:
            yield out
    decoder.close()


def _too_long(decoder: SSEDecoder, chunk: bytes) -> NoReturn:
    partial = decoder._partial_line
    del partial[len(partial) - len(chunk) :]
    decoder._line_too_long(len(chunk))
