"""The SSE decoder's shortcuts: the shapes nearly every LLM stream has, taken in bulk.

Each one gives exactly what the standard's algorithm in :mod:`._sse` gives (the fuzz and
every-split tests run all of them against a reference decoder) and earns its place by a
measured ratio, quoted beside it: ``benchmarks/compare.py`` timing this tree against a
copy with that one shortcut switched off, chat and tools streams, the time *without* it
over the time with it (so 1.25x means the shortcut saves a fifth), for iter_data,
iter_json, iter_chunks and collect, on CPython 3.11 and PyPy 3.9. The machine's noise in
such a comparison is about +-0.1x. They reach into the decoder's state because they are
part of the same layer; nothing above this layer may.

The tiny-read holding that used to sit in the read loop (reads under 32 bytes put aside
and joined 64 at a time) is gone: without it 1 B reads measured 0.8x-1.0x on CPython and
0.7x-0.9x on PyPy, i.e. no slower, and it let big reads after a tiny one pile up far past
``max_line_size`` (64 reads: 504 MiB of 8 MiB reads).

The decoder's reads go to :func:`small_read` and :func:`big_read` from
:meth:`SSEDecoder._read`, once the read's BOM, CR and limit questions are settled (no CR left in it, and nothing it could complete can pass a
limit except pending data lines, which ``_add_data()`` counts).
"""

from __future__ import annotations

from itertools import compress, count, repeat
from operator import contains as _contains

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

from ._errors import InputTypeError, SSELimitError

if TYPE_CHECKING:
    from typing import Any, AsyncIterable, AsyncIterator, Iterable, Iterator, List, Union

    from ._sse import SSEDecoder

    _Block = Union[bytes, bytearray]

#: Reads up to this size are split at LF (small_read); bigger ones at "\n\ndata: " (big_read).
SMALL_READ = 512

#: What stands between two single-line data events of the common shape: splitting
#: ``data: A\n\ndata: B\n\n`` at it gives ``data: A`` and ``B\n\n``.
NEXT_DATA = b"\n\ndata: "


# -- a small read ---------------------------------------------------------------------
#
# What a live stream delivers: a read ends a line or two. Split at LF and handle a data
# line, with or without its blank line, without going through the line loop and its
# field dispatch. Without it: 7 B reads 1.05-1.25x (CPython) and 1.05-1.86x (PyPy), 64 B
# reads 1.02-1.22x / 1.11-1.54x, one read per event 1.09-1.78x / 1.08-1.52x (before the
# whole-event read below took most of those).


def small_read(decoder: SSEDecoder, data: bytes) -> List[Any]:
    """A read of up to SMALL_READ bytes: the items of the events it completes."""
    partial = decoder._partial_line
    lines: List[_Block] = data.split(b"\n")  # type: ignore[assignment]
    rest = lines.pop()
    out: List[Any]
    if not lines:
        partial += rest
        return []
    if partial:
        partial += lines[0]
        lines[0] = partial  # decoded below, before partial is cleared
    line = lines[0]
    if len(lines) <= 2 and line[:6] == b"data: " and (len(lines) == 1 or not lines[1]):
        value = line[6:].decode("utf-8", "replace")
        if len(lines) == 2 and not (decoder._data_lines or decoder._event_type or decoder._block_retry is not None):
            # A whole event of the common shape.
            decoder.last_event_id = event_id = decoder._id_buffer
            out = [decoder._output.message(value, event_id)]
        else:
            decoder._add_data(value)
            out = [decoder._dispatch()] if len(lines) == 2 else []
    elif not line and len(lines) == 1:  # a blank line alone: the read after a data line
        if decoder._data_lines:
            out = [decoder._dispatch()]
        else:
            out = []
            decoder._lines([""], out)
    else:
        out = []
        decoder._lines([line.decode("utf-8", "replace") for line in lines], out)
    partial.clear()
    partial += rest
    return out


# -- a big read -----------------------------------------------------------------------
#
# Cut by one split(b"\n\ndata: "): between two cuts lies the whole data of one event of
# the common shape, decoded with no per-line Python loop, and the events of the read
# are made in one map() over the values. Without it on CPython: 1 KiB reads 1.02-1.60x
# (iter_data 1.53-1.60x, iter_json 1.10-1.15x), 16 KiB reads 1.02-2.72x (iter_json
# 1.20-1.25x). On PyPy it is within noise (0.9-1.1x, one outlier each way), which does
# not make it worth dropping on CPython's account.


def big_read(decoder: SSEDecoder, data: bytes, out: List[Any]) -> None:
    """A read of more than SMALL_READ bytes: cut at each "\\n\\ndata: " when it holds one."""
    pieces: List[_Block] = data.split(NEXT_DATA)  # type: ignore[assignment]
    if len(pieces) == 1:
        decoder._general(data, out)
        return
    partial = decoder._partial_line
    if partial:
        pieces[0] = partial + pieces[0]
        partial.clear()
    split_read(decoder, pieces, out)


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
# them, when reads are a few bytes) costs no method call. Without it: 1 B reads 4.1-4.7x
# (CPython) and 1.26-1.71x (PyPy), 7 B reads 2.2-3.7x / 1.03-1.31x, 64 B reads 1.2-1.7x /
# within noise.
#
# And a read that is exactly one event of the common shape (``data: ...\n\n``, one line,
# nothing pending before it), the way a live stream arrives, is taken whole in the loop
# too: no method call, no split, the data decoded straight from the read.
# ``quiet`` (with an empty partial line) says nothing is pending: no data lines, type
# or retry, no BOM or CR question open. It is tested after the test for a read that
# ends no line, which stays the first and cheapest: at 7 B reads even one more local
# test there measured 1.04-1.1x. Without it, one read per event: iter_data 1.56x,
# iter_json 1.09-1.15x, iter_chunks 1.08x, collect 1.05-1.10x (CPython); 1.67x, 1.23x,
# 1.15x, 1.14x (PyPy); other read sizes within noise. Testing the data slice for LF and
# CR (``in``, memchr) rather than ``find(b"\n", 6)`` on the read then bought another
# 1.25x (iter_data) and 1.06x (iter_json) on CPython, within noise on PyPy.


def batches(decoder: SSEDecoder, reads: Iterable[bytes]) -> Iterator[List[Any]]:
    """:func:`._sse.read_batches`."""
    read = decoder._read
    message = decoder._output.message
    partial = decoder._partial_line
    # A whole-event read no longer than this is within both limits, and a partial line
    # no longer than this needs no look (data lines count against max_event_size too).
    whole = limit = min(decoder.max_line_size, decoder.max_event_size)
    plain = quiet = False
    chunk: Any = b""
    try:
        for chunk in reads:
            if plain and 10 not in chunk and 13 not in chunk:
                # Appended first and taken back out if it went past the limit: one len()
                # instead of two, and never more than the limit plus this read held.
                partial += chunk
                if len(partial) > limit:
                    limit = _grown(decoder, chunk)
                continue
            if chunk.__class__ is not bytes:
                chunk = _as_bytes(chunk)
            if quiet and not partial and chunk[-2:] == b"\n\n" and chunk[:6] == b"data: " and len(chunk) <= whole:
                value = chunk[6:-2]
                if 10 not in value and 13 not in value:
                    decoder._bytes_done += len(chunk)
                    decoder.last_event_id = event_id = decoder._id_buffer
                    yield [message(value.decode("utf-8", "replace"), event_id)]
                    continue
            try:
                out = read(chunk)
            except SSELimitError as error:
                # What the read completed before the limit was crossed still comes first.
                if error.events:
                    yield list(error.events)
                raise
            plain = decoder._plain
            limit = whole - decoder._data_size  # a pending event leaves less room
            quiet = plain and not (decoder._data_lines or decoder._event_type or decoder._block_retry is not None)
            if out:
                yield out
    except TypeError:
        # A str (or other non-bytes) read fails the plain-read test above.
        if not isinstance(chunk, (bytes, bytearray, memoryview)):
            raise _not_bytes(chunk) from None
        raise
    decoder.close()


async def abatches(decoder: SSEDecoder, reads: AsyncIterable[bytes]) -> AsyncIterator[List[Any]]:
    """:func:`._sse.aread_batches`."""
    read = decoder._read
    message = decoder._output.message
    partial = decoder._partial_line
    whole = limit = min(decoder.max_line_size, decoder.max_event_size)
    plain = quiet = False
    chunk: Any = b""
    try:
        async for chunk in reads:
            if plain and 10 not in chunk and 13 not in chunk:
                partial += chunk
                if len(partial) > limit:
                    limit = _grown(decoder, chunk)
                continue
            if chunk.__class__ is not bytes:
                chunk = _as_bytes(chunk)
            if quiet and not partial and chunk[-2:] == b"\n\n" and chunk[:6] == b"data: " and len(chunk) <= whole:
                value = chunk[6:-2]
                if 10 not in value and 13 not in value:
                    decoder._bytes_done += len(chunk)
                    decoder.last_event_id = event_id = decoder._id_buffer
                    yield [message(value.decode("utf-8", "replace"), event_id)]
                    continue
            try:
                out = read(chunk)
            except SSELimitError as error:
                if error.events:
                    yield list(error.events)
                raise
            plain = decoder._plain
            limit = whole - decoder._data_size  # a pending event leaves less room
            quiet = plain and not (decoder._data_lines or decoder._event_type or decoder._block_retry is not None)
            if out:
                yield out
    except TypeError:
        # A str (or other non-bytes) read fails the plain-read test above.
        if not isinstance(chunk, (bytes, bytearray, memoryview)):
            raise _not_bytes(chunk) from None
        raise
    decoder.close()


def _grown(decoder: SSEDecoder, chunk: bytes) -> int:
    """The partial line, *chunk* appended, passed the size the loop watches for: raise
    if it is past max_line_size (taking *chunk* back out, so the decoder holds no more
    than the limit) or a data line past max_event_size; else the next size to watch for."""
    partial = decoder._partial_line
    if len(partial) > decoder.max_line_size:
        del partial[len(partial) - len(chunk) :]
        decoder._line_too_long(chunk)
    return min(decoder._check_data_line(), decoder.max_line_size)


def _as_bytes(chunk: Any) -> bytes:
    """A read that is not ``bytes``: a bytearray or memoryview becomes bytes (once, so
    every path sees the same type); anything else is refused."""
    if isinstance(chunk, (bytearray, memoryview)):
        return bytes(chunk)
    raise _not_bytes(chunk)


def _not_bytes(chunk: object) -> InputTypeError:
    return InputTypeError(
        f"the SSE decoder takes reads of bytes (or bytearray, memoryview): a read was not bytes but {type(chunk).__name__}"
    )
