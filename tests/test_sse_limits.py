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
