"""The limits hold whatever the read sizes: the read that takes a line or an event past its
limit raises, in every output of the SSE layer (events, data, JSON, chunks), sync and async.

Big reads after small ones are the case that matters: a shortcut for small reads must not
let the big ones that follow pile up. The limits here are small, so the reads are too.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

import orsse
from orsse import _sse

if TYPE_CHECKING:
    from typing import Any, AsyncIterator, Callable, Dict, Iterator, List, Sequence

LIMIT = 10_000
BIG = 3_000  # four of these cross LIMIT; three do not

#: How each layer is run over the same reads: the sync iterator and its async twin.
LAYERS: Dict[str, Any] = {
    "events": (orsse.iter_events, orsse.aiter_events),
    "data": (orsse.iter_data, orsse.aiter_data),
    "json": (orsse.iter_json, orsse.aiter_json),
    "chunks": (orsse.iter_chunks, orsse.aiter_chunks),
    "collect": (orsse.collect, orsse.acollect),
}

EVENT = b'data: {"id":"a","choices":[]}\n\n'

#: Small reads that end a line, then big reads with no line end at all: an endless line.
ENDLESS_LINE = {
    "after a tiny read": [b": c\n", b"data: "] + [b"x" * BIG] * 40,
    "after an event in tiny reads": [EVENT[:3], EVENT[3:-1], b"\n", b"data: x"] + [b"x" * BIG] * 40,
    "after a small event": [EVENT, b"data: x"] + [b"x" * BIG] * 40,
    "inside a comment": [EVENT, b":"] + [b"x" * BIG] * 40,
}

#: Small reads, then big reads of whole data lines: an endless event.
ENDLESS_EVENT = {
    "after a tiny read": [b"\n"] + [b"data: " + b"y" * (BIG - 7) + b"\n"] * 40,
    "after a small event": [EVENT] + [b"data: " + b"y" * (BIG - 7) + b"\n"] * 40,
    "in one-line pieces": [EVENT, b"data: y"] + [b"y" * (BIG - 7) + b"\ndata: "] * 40,
}


class Reads:
    """The reads, counting how many were taken."""

    def __init__(self, reads: Sequence[bytes]) -> None:
        self.reads = reads
        self.taken = 0

    def __iter__(self) -> Iterator[bytes]:
        for read in self.reads:
            self.taken += 1
            yield read

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for read in self.reads:
            self.taken += 1
            await asyncio.sleep(0)
            yield read


def run(layer: str, asynchronous: bool, reads: Reads, **limits: int) -> orsse.SSELimitError:
    sync, async_ = LAYERS[layer]
    if asynchronous:
        async def drain() -> None:
            result = async_(reads, **limits)
            if layer == "collect":
                await result
            else:
                async for _ in result:
                    pass

        with pytest.raises(orsse.SSELimitError) as info:
            asyncio.run(drain())
    else:
        with pytest.raises(orsse.SSELimitError) as info:
            result = sync(reads, **limits)
            if layer != "collect":
                for _ in result:
                    pass
    return info.value


def first_read_past(reads: Sequence[bytes], size_of: Callable[[bytes], int], limit: int) -> int:
    """How many reads it takes for the running total of size_of() to pass *limit*."""
    total = 0
    for number, read in enumerate(reads, 1):
        total += size_of(read)
        if total > limit:
            return number
    raise AssertionError("the reads never pass the limit")


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("layer", sorted(LAYERS))
@pytest.mark.parametrize("case", sorted(ENDLESS_LINE))
def test_endless_line_stops_at_the_read_that_crosses_the_limit(case: str, layer: str, asynchronous: bool) -> None:
    pieces = ENDLESS_LINE[case]
    # The line starts after the last LF of the small reads.
    start = max(i for i, piece in enumerate(pieces) if b"\n" in piece)
    tail = [pieces[start].rsplit(b"\n", 1)[1], *pieces[start + 1 :]]
    reads = Reads(pieces)
    error = run(layer, asynchronous, reads, max_line_size=LIMIT)
    assert error.limit_name == "max_line_size"
    assert reads.taken == start + first_read_past(tail, len, LIMIT)
    assert LIMIT < error.size <= LIMIT + BIG


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("layer", sorted(LAYERS))
@pytest.mark.parametrize("case", sorted(ENDLESS_EVENT))
def test_endless_event_stops_at_the_read_that_crosses_the_limit(case: str, layer: str, asynchronous: bool) -> None:
    pieces = ENDLESS_EVENT[case]
    reads = Reads(pieces)
    error = run(layer, asynchronous, reads, max_event_size=LIMIT)
    assert error.limit_name == "max_event_size"
    # Each big read carries BIG - 7 characters of data and ends a data line; the event
    # limit counts characters, so it is crossed by the read whose line makes the total
    # pass it (its LF included, as the limit counts the LFs joining data lines).
    data_per_read = BIG - 7 + 1
    first_big = next(i for i, piece in enumerate(pieces) if len(piece) >= BIG - 7)
    crossing = first_big + 1 + (LIMIT + 1) // data_per_read
    assert reads.taken in (crossing, crossing + 1)  # +1: a line whose LF opens the next read
    assert LIMIT < error.size <= LIMIT + BIG


@pytest.mark.parametrize("piece_size", [1, 7, 31, 64, 600])
def test_big_reads_after_small_ones_never_pile_up(piece_size: int) -> None:
    # Each output of the read loop, fed reads of piece_size bytes that end lines, then
    # reads of BIG bytes that end none: the decoder holds at most the limit plus a read.
    small = (EVENT * 40)[: piece_size * 20]
    head = [small[i : i + piece_size] for i in range(0, len(small), piece_size)]
    head.append(b"\ndata: ")
    for output in (_sse.EVENTS, _sse.DATA, _sse.DATA_UNLESS_TYPED):
        decoder = _sse.new_decoder(output, max_line_size=LIMIT)
        reads = Reads(head + [b"x" * BIG] * 40)
        with pytest.raises(orsse.SSELimitError):
            for _ in _sse.read_batches(decoder, reads):
                assert len(decoder._partial_line) <= LIMIT + BIG
        assert reads.taken == len(head) + first_read_past([b"data: "] + [b"x" * BIG] * 40, len, LIMIT) - 1
        assert len(decoder._partial_line) <= LIMIT


def test_one_feed_at_a_time_keeps_no_more_than_the_limit() -> None:
    decoder = orsse.SSEDecoder(max_line_size=LIMIT)
    decoder.feed(b": c\n")
    decoder.feed(b"data: ")
    fed = 6
    with pytest.raises(orsse.SSELimitError):
        while True:
            decoder.feed(b"x" * BIG)
            fed += BIG
            assert len(decoder._partial_line) <= LIMIT
    assert fed + BIG > LIMIT >= fed


# -- a data line still growing counts against max_event_size ---------------------------

EVENT_LIMIT = 100

#: An endless data line, after a pending data line or none, in ASCII and in two-byte
#: characters (the limit counts characters, so bytes alone would cross it too early).
GROWING_DATA_LINE = {
    "alone": ([b"data: "], b"x" * 30),
    "after a pending data line": ([b"data: " + b"y" * 50 + b"\n", b"data: "], b"x" * 30),
    "two-byte characters": ([b": c\n", b"data:"], "\u00e9".encode() * 15),
    "after an event, one read": ([EVENT + b"data: " + b"x" * 20], b"x" * 30),
}


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("layer", sorted(LAYERS))
@pytest.mark.parametrize("case", sorted(GROWING_DATA_LINE))
def test_growing_data_line_stops_at_the_read_that_crosses_the_event_limit(
    case: str, layer: str, asynchronous: bool
) -> None:
    head, more = GROWING_DATA_LINE[case]
    pieces = head + [more] * 1000
    # Characters of the event so far, counted the way the standard joins data lines.
    pending = 51 if case == "after a pending data line" else 0
    tail = head[-1].rsplit(b"\n", 1)[-1]
    value = tail[6:] if tail.startswith(b"data: ") else tail[5:]
    taken = len(head) + first_read_past([more] * 1000, lambda read: len(read.decode()), EVENT_LIMIT - pending - len(value))
    reads = Reads(pieces)
    error = run(layer, asynchronous, reads, max_line_size=10**7, max_event_size=EVENT_LIMIT)
    assert error.limit_name == "max_event_size"
    assert reads.taken == taken
    assert EVENT_LIMIT < error.size <= EVENT_LIMIT + len(more)


def test_feed_stops_a_growing_data_line_at_the_event_limit() -> None:
    decoder = orsse.SSEDecoder(max_event_size=EVENT_LIMIT)
    decoder.feed(b"data: ")
    fed = 0
    with pytest.raises(orsse.SSELimitError) as info:
        while True:
            decoder.feed("\u00e9".encode() * 10)
            fed += 10
    assert info.value.limit_name == "max_event_size"
    assert fed == EVENT_LIMIT  # the read of characters 101 to 110 raised


# -- the offset of a max_event_size error ------------------------------------------------

#: 1000 small events, then one whose data line crosses max_event_size: the error names
#: where that line starts, whatever the reads.
BIG_EVENT_AFTER_SMALL = b"data: a\n\n" * 1000 + b"data: " + b"y" * 200 + b"\n\n"


@pytest.mark.parametrize("line_end", [b"\n", b"\r", b"\r\n"], ids=["LF", "CR", "CRLF"])
@pytest.mark.parametrize("max_line_size", [10**6, 150], ids=["line limit far", "line limit near"])
def test_event_limit_error_names_the_same_offset_for_every_read_size(line_end: bytes, max_line_size: int) -> None:
    stream = BIG_EVENT_AFTER_SMALL.replace(b"\n", line_end)
    start = stream.index(b"data: y")
    for size in (len(stream), 4096, 600, 64, 7, 1):
        reads = [stream[i : i + size] for i in range(0, len(stream), size)]
        got: List[str] = []
        with pytest.raises(orsse.SSELimitError) as info:
            for data in orsse.iter_data(reads, max_event_size=EVENT_LIMIT, max_line_size=max_line_size):
                got.append(data)
        error = info.value
        assert (error.limit_name, error.offset) == ("max_event_size", start), size
        assert got == ["a"] * 1000, size


def test_event_limit_offset_counts_a_bom_and_a_crlf_split_between_reads() -> None:
    stream = b"\xef\xbb\xbf" + b"data: a\r\n\r\n" * 10 + b"data: " + b"y" * 200 + b"\r\n"
    start = stream.index(b"data: y")
    for size in (len(stream), 64, 11, 2, 1):
        reads = [stream[i : i + size] for i in range(0, len(stream), size)]
        with pytest.raises(orsse.SSELimitError) as info:
            list(orsse.iter_events(reads, max_event_size=EVENT_LIMIT))
        assert info.value.offset == start, size


# -- memory: at most the limit plus one read ---------------------------------------------

MEMORY_LIMIT = 64 * 1024
MEMORY_READ = 512 * 1024
#: What the decoder may allocate beyond the limit and the read (which the test makes
#: before it measures): small objects, a 64 KiB block of the character count.
MEMORY_SLACK = 96 * 1024

#: A first small read, then big reads; each shape crosses a limit in its first big read.
MEMORY_SHAPES = {
    "no line end": (b"data: x", b"x" * MEMORY_READ),
    "LF": (b"data: x", b"x" * (MEMORY_READ - 1) + b"\n"),
    "CR": (b"data: x\r", b"x" * (MEMORY_READ - 1) + b"\r"),
    "CRLF": (b"data: x\r\n", b"x" * (MEMORY_READ - 2) + b"\r\n"),
    "CRLF split": (b"data: x\r", b"\n" + b"x" * (MEMORY_READ - 1)),
    "BOM split": (b"\xef", b"\xbb\xbfdata: " + b"x" * MEMORY_READ),
    "data lines": (b"data: x\n", (b"data: " + b"y" * 1000 + b"\n") * (MEMORY_READ // 1007)),
    "comment": (b":x", b"x" * (MEMORY_READ - 2) + b"\n:"),
    "two-byte data": (b"data: ", "\u00e9".encode() * (MEMORY_READ // 2)),
}

MEMORY_LAYERS: Dict[str, Any] = {
    **LAYERS,
    "responses": (orsse.iter_response_events, orsse.aiter_response_events),
    "collect_response": (orsse.collect_response, orsse.acollect_response),
}


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("layer", sorted(MEMORY_LAYERS))
@pytest.mark.parametrize("shape", sorted(MEMORY_SHAPES))
def test_memory_stays_within_the_limit_plus_one_read(shape: str, layer: str, asynchronous: bool) -> None:
    # PyPy has no tracemalloc; the code measured is the same on both.
    tracemalloc = pytest.importorskip("tracemalloc", reason="tracemalloc is CPython's")

    first, big = MEMORY_SHAPES[shape]
    sync, async_ = MEMORY_LAYERS[layer]
    limits = {"max_line_size": MEMORY_LIMIT, "max_event_size": MEMORY_LIMIT}
    reads = [first] + [big] * 4  # the same object each time: the reads cost nothing here

    async def drain_async() -> None:
        result = async_(Reads(reads), **limits)
        if asyncio.iscoroutine(result):
            await result
        else:
            async for _ in result:
                pass

    tracemalloc.start()
    try:
        with pytest.raises(orsse.SSELimitError):
            if asynchronous:
                asyncio.run(drain_async())
            else:
                result = sync(Reads(reads), **limits)
                if hasattr(result, "__next__"):
                    for _ in result:
                        pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A read with no line end is appended before the limit is checked (one len() per
    # tiny read instead of two) and taken back out: the decoder then holds one read
    # more, for a moment. A read that ends a line is measured before anything is copied.
    allowed = MEMORY_LIMIT + MEMORY_SLACK + (MEMORY_READ + len(first) if b"\n" not in big and b"\r" not in big else 0)
    assert peak <= allowed, peak


# -- the type of a read -------------------------------------------------------------------

TYPE_STREAM = b"data: a\n\ndata: b\r\n\r\n" * 40 + b"data: [DONE]\n\n"


@pytest.mark.parametrize("convert", [bytes, bytearray, memoryview])
@pytest.mark.parametrize("size", [1, 7, 64, 600, len(TYPE_STREAM)])
def test_bytes_like_reads_give_the_same_events_at_every_size(convert: Any, size: int) -> None:
    reads = [convert(TYPE_STREAM[i : i + size]) for i in range(0, len(TYPE_STREAM), size)]
    assert list(orsse.iter_data(reads)) == ["a", "b"] * 40 + ["[DONE]"]
    decoder = orsse.SSEDecoder()
    fed = [event.data for read in reads for event in decoder.feed(read)]
    assert fed == ["a", "b"] * 40 + ["[DONE]"]


@pytest.mark.parametrize("position", ["first", "after a line end", "inside a line"])
def test_a_str_read_raises_input_type_error(position: str) -> None:
    before = {"first": [], "after a line end": [b"data: a\n\n"], "inside a line": [b"data: a"]}[position]
    with pytest.raises(orsse.InputTypeError, match="a read was not bytes but str"):
        list(orsse.iter_data(before + ["data: x\n\n"]))  # type: ignore[list-item]
    decoder = orsse.SSEDecoder()
    for read in before:
        decoder.feed(read)
    with pytest.raises(orsse.InputTypeError, match="a read was not bytes but str"):
        decoder.feed("data: x\n\n")  # type: ignore[arg-type]
