"""Each event's data as a JSON object: the shortest way from bytes to dicts.

``json.loads()`` spends about a third of its time on a chunk-sized document in Python:
the BOM check, two regular-expression matches for surrounding whitespace, and the
``raw_decode`` wrapper around the C scanner that does the actual parsing. A chunk has no
surrounding whitespace, so orsse calls that scanner directly and accepts its answer only
when it consumed the whole text; in every other case (whitespace, a BOM, bad JSON, a
value nested too deeply) ``json.loads`` itself decides, so values and errors are exactly
``json.loads``'s. On interpreters without the C scanner (PyPy, whose ``json.loads`` has a
fast path of its own) ``json.loads`` is used throughout.
"""

from __future__ import annotations

import json
import sys
from itertools import chain
from json.scanner import c_make_scanner  # type: ignore[attr-defined]  # not in typeshed

from ._errors import ChunkDecodeError
from ._sse import DATA, DEFAULT_MAX_EVENT_SIZE, DEFAULT_MAX_LINE_SIZE, aread_batches, new_decoder, read_batches

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    from typing import Any, AsyncIterable, AsyncIterator, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

__all__ = ["iter_json", "aiter_json"]

_loads = json.loads

#: The scanner json.loads() itself ends up in, with the default decoder's settings; None
#: where there is no C scanner (PyPy, whose json.loads has a fast path of its own).
scan: Optional[Callable[[str, int], Tuple[Any, int]]] = (
    None if c_make_scanner is None else c_make_scanner(json.JSONDecoder())
)


# PyPy 3.9's json decoder can put a corrupt string (a broken surrogate) in its error
# message, and merely formatting that string then crashes the interpreter with a
# SystemError (a fuzz test found it). Only CPython's wording is quoted; elsewhere the
# error says where, and the excerpt of the payload shows what.
_QUOTE_DECODER_MESSAGES = sys.implementation.name == "cpython"
_DECODER_FAILED = "invalid JSON: the interpreter's JSON decoder failed on it (SystemError)"


def invalid_json(exc: ValueError) -> str:
    position = getattr(exc, "pos", None)
    where = "" if position is None else f" at character {position}"
    if _QUOTE_DECODER_MESSAGES:
        message = getattr(exc, "msg", None) or str(exc)
        return f"invalid JSON{where}: {message}"
    return f"invalid JSON{where} ({type(exc).__name__})"


def _json_object_by_scanner(data: str, event_index: int) -> Dict[str, Any]:
    """``json.loads(data)``, which must be an object; :class:`ChunkDecodeError` naming
    event *event_index* otherwise."""
    try:
        payload, end = scan(data, 0)  # type: ignore[misc]  # only used where scan exists
    except (StopIteration, ValueError, RecursionError):
        return _json_object_slowly(data, event_index)
    if end == len(data) and type(payload) is dict:
        return payload
    return _json_object_slowly(data, event_index)


def _json_object_slowly(data: str, event_index: int) -> Dict[str, Any]:
    try:
        payload = _loads(data)
    except ValueError as exc:
        raise ChunkDecodeError(invalid_json(exc), data, event_index) from None
    except RecursionError:
        raise ChunkDecodeError("invalid JSON: nested too deeply", data, event_index) from None
    except SystemError:
        raise ChunkDecodeError(_DECODER_FAILED, data, event_index) from None
    if type(payload) is not dict:
        raise ChunkDecodeError(f"a JSON {type(payload).__name__}, not an object", data, event_index)
    return payload


#: The way from a payload to its object: through the scanner where there is one, else
#: json.loads alone.
json_object = _json_object_slowly if scan is None else _json_object_by_scanner


def _whole_by_loads(data: str, start: int) -> Tuple[Any, int]:
    # Where there is no C scanner: json.loads, which reads the whole text or raises.
    return _loads(data), len(data)


#: A first try at decoding a whole payload, for :func:`_objects`: (value, where it ended).
_first_try: Callable[[str, int], Tuple[Any, int]] = _whole_by_loads if scan is None else scan


def _objects(batches: Iterator[List[str]], done: Optional[str]) -> Iterator[List[Dict[str, Any]]]:
    # One list per read, as read_batches() gives the data: chain.from_iterable() flattens
    # them in C. An error after some objects of a read is raised once those are out.
    # json_object() written in rather than called: one Python call per event fewer,
    # 1-2% of iter_json on CPython (benchmarks/compare.py, 41 rounds), within noise on PyPy.
    event_index = 0
    for batch in batches:
        objects: List[Dict[str, Any]] = []
        append = objects.append
        for data in batch:
            if data == done:
                if objects:
                    yield objects
                return
            event_index += 1
            try:
                payload, end = _first_try(data, 0)
            except (StopIteration, ValueError, RecursionError):
                payload, end = None, -1
            if end != len(data) or type(payload) is not dict:
                try:
                    payload = _json_object_slowly(data, event_index)
                except ChunkDecodeError:
                    if objects:
                        yield objects
                    raise
            append(payload)
        yield objects


def iter_json(
    chunks: Iterable[bytes],
    *,
    done: Optional[str] = "[DONE]",
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    on_comment: Optional[Callable[[str], None]] = None,
) -> Iterator[Dict[str, Any]]:
    """Each event's data decoded as a JSON object, up to the event whose data is *done*.

    For callers who want the chunks as plain dicts (to forward or store them): the same
    values as ``json.loads(data)`` over :func:`iter_data`, faster. Data that is not a JSON
    object raises :class:`ChunkDecodeError` naming the event, once the objects before it
    have been delivered. Like :func:`iter_data` it ignores event types and does not judge
    whether the stream was cut off; :func:`iter_chunks` does both. ``done=None`` reads to
    the end of the bytes.
    """
    decoder = new_decoder(
        DATA, max_line_size=max_line_size, max_event_size=max_event_size, on_comment=on_comment
    )
    return chain.from_iterable(_objects(read_batches(decoder, chunks), done))


async def aiter_json(
    chunks: AsyncIterable[bytes],
    *,
    done: Optional[str] = "[DONE]",
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
    on_comment: Optional[Callable[[str], None]] = None,
) -> AsyncIterator[Dict[str, Any]]:
    """:func:`iter_json` for an async iterable of bytes."""
    decoder = new_decoder(
        DATA, max_line_size=max_line_size, max_event_size=max_event_size, on_comment=on_comment
    )
    event_index = 0
    async for batch in aread_batches(decoder, chunks):
        for data in batch:
            if data == done:
                return
            event_index += 1
            yield json_object(data, event_index)
