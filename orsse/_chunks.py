"""From events to typed chunks: ``[DONE]``, in-stream errors, truncation, bad JSON."""

from __future__ import annotations

import json
from itertools import chain
TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

from ._accumulate import Accumulator
from ._errors import ChunkDecodeError, IncompleteStreamError, OrsseError, StreamError
from ._json import invalid_json, json_object
from ._sse import DATA_UNLESS_TYPED, DEFAULT_MAX_EVENT_SIZE, DEFAULT_MAX_LINE_SIZE, aread_batches, new_decoder, read_batches
from ._wire import ChatCompletionChunk, ErrorDetail

if TYPE_CHECKING:
    from typing import (
        Any,
        AsyncIterable,
        AsyncIterator,
        Callable,
        Dict,
        Iterable,
        Iterator,
        List,
        Optional,
        Sequence,
        Tuple,
        Union,
    )

    from ._sse import ServerSentEvent
    from ._completion import ChatCompletion

__all__ = ["parse_chunk", "iter_chunks", "aiter_chunks", "collect", "acollect"]

_loads = json.loads

_from_dict = ChatCompletionChunk.from_dict


def parse_chunk(data: Union[str, bytes, Dict[str, Any]], *, event_index: int = 0) -> ChatCompletionChunk:
    """One chunk from its JSON text or an already decoded dict.

    Raises :class:`ChunkDecodeError`, naming *event_index*, when the payload is not a JSON
    object or has the wrong shape (a ``choices`` that is not a list of objects, say).
    """
    if isinstance(data, dict):
        payload: Any = data
    else:
        if isinstance(data, (bytes, bytearray)):
            # What json.loads() does with bytes: UTF-8, -16 or -32, told by the first bytes.
            try:
                data = data.decode(json.detect_encoding(data), "surrogatepass")
            except UnicodeDecodeError as exc:
                raise ChunkDecodeError(invalid_json(exc), _text(data), event_index) from None
        payload = json_object(data, event_index)
    try:
        return _from_dict(payload)
    except (TypeError, AttributeError, ValueError, RecursionError) as exc:
        raise ChunkDecodeError(f"unexpected shape: {exc}", _text(data), event_index) from None


def _text(data: Union[str, bytes, bytearray, Dict[str, Any]]) -> str:
    if isinstance(data, str):
        return data
    if isinstance(data, (bytes, bytearray)):
        return data.decode("utf-8", "replace")
    return json.dumps(data, ensure_ascii=False, default=repr)


class _ChunkReader:
    """The state shared by the sync and async iterators: the decoder, the event count,
    ``[DONE]``, and the accumulator whose partial result every error hands back."""

    __slots__ = ("accumulator", "decoder", "event_index", "stopped")

    def __init__(
        self,
        accumulator: Optional[Accumulator],
        on_comment: Optional[Callable[[str], None]],
        max_line_size: int,
        max_event_size: int,
    ) -> None:
        self.accumulator = Accumulator() if accumulator is None else accumulator
        self.decoder = new_decoder(
            DATA_UNLESS_TYPED,
            max_line_size=max_line_size,
            max_event_size=max_event_size,
            on_comment=on_comment,
        )
        self.event_index = 0
        #: ``[DONE]`` was seen: nothing after it is read.
        self.stopped = False

    def take(
        self, batch: Sequence[Union[str, ServerSentEvent]]
    ) -> Tuple[List[ChatCompletionChunk], Optional[OrsseError]]:
        """The chunks of the events one read completed, up to ``[DONE]``, and the error
        that came after them, if one did: the caller hands the chunks on (perhaps to be
        shown as they come) before it raises the error.

        *batch* is what a DATA_UNLESS_TYPED decoder gives: the data of each event
        without an ``event`` field, the whole event for the others.
        """
        out: List[ChatCompletionChunk] = []
        append = out.append
        add = self.accumulator.add
        index = self.event_index
        try:
            for data in batch:
                if type(data) is not str:
                    event: ServerSentEvent = data  # type: ignore[assignment]
                    data = event.data
                    if event.event == "error" and data != "[DONE]":
                        index += 1
                        raise self._event_error(data)
                if data == "[DONE]":
                    self.accumulator.done = True
                    self.stopped = True
                    break
                index += 1
                payload = json_object(data, index)
                try:
                    chunk = _from_dict(payload)
                except (TypeError, AttributeError, ValueError, RecursionError) as exc:
                    raise ChunkDecodeError(f"unexpected shape: {exc}", data, index) from None
                add(chunk)
                if chunk.error is not None:
                    raise self._stream_error(chunk.error)
                append(chunk)
        except OrsseError as error:
            self.event_index = index
            return out, error
        self.event_index = index
        return out, None

    def with_partial(self, error: OrsseError) -> OrsseError:
        """*error*, carrying the completion so far (errors from the byte source too,
        such as a client's dropped connection)."""
        if error.partial is None:
            error.partial = self.accumulator.result()
        return error

    def finish(self) -> None:
        """At the end of the bytes: a stream with no ``[DONE]`` and no finish was cut off."""
        self.decoder.close()
        accumulator = self.accumulator
        if not accumulator.done and not accumulator.finished:
            got = (
                "no event at all"
                if accumulator.chunk_count == 0
                else f"{accumulator.chunk_count} chunk(s) but no finish reason"
            )
            raise IncompleteStreamError(
                f"the stream ended without data: [DONE] ({got}): it was cut off",
                accumulator.result(),
            )

    def _stream_error(self, error: ErrorDetail) -> StreamError:
        message = error.message if error.message is not None else "(no message)"
        return StreamError(error.code, message, error.metadata, self.accumulator.result())

    def _event_error(self, data: str) -> StreamError:
        # Some OpenAI-compatible servers name the event "error" instead of putting an
        # "error" key in a chunk; the payload is an error object, or plain text.
        try:
            payload = _loads(data)
        except (ValueError, RecursionError):
            payload = None
        if isinstance(payload, dict):
            body = payload.get("error", payload)
            if isinstance(body, dict):
                try:
                    return self._stream_error(ErrorDetail.from_dict(body))
                except (TypeError, AttributeError, ValueError):
                    pass
        return StreamError(None, data, None, self.accumulator.result())


def _chunk_batches(reader: _ChunkReader, chunks: Iterable[bytes]) -> Iterator[List[ChatCompletionChunk]]:
    # One list of chunks per read, flattened by chain.from_iterable() in C.
    take = reader.take
    try:
        for batch in read_batches(reader.decoder, chunks):
            out, error = take(batch)
            if out:
                yield out
            if error is not None:
                raise error
            if reader.stopped:
                return
        reader.finish()
    except OrsseError as error:
        raise reader.with_partial(error)


def iter_chunks(
    chunks: Iterable[bytes],
    *,
    accumulator: Optional[Accumulator] = None,
    on_comment: Optional[Callable[[str], None]] = None,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
) -> Iterator[ChatCompletionChunk]:
    """Typed chunks from the raw bytes of a streaming response, up to ``data: [DONE]``.

    Every chunk also goes into *accumulator* (a fresh one when not given), whose
    ``result()`` is the completion so far. An error reported inside the stream raises
    :class:`StreamError`; a stream cut off before its end raises
    :class:`IncompleteStreamError`; bad JSON raises :class:`ChunkDecodeError`. Each
    carries the partial completion as ``.partial``, and comes once the chunks before it
    have been delivered.
    """
    reader = _ChunkReader(accumulator, on_comment, max_line_size, max_event_size)
    return chain.from_iterable(_chunk_batches(reader, chunks))


async def aiter_chunks(
    chunks: AsyncIterable[bytes],
    *,
    accumulator: Optional[Accumulator] = None,
    on_comment: Optional[Callable[[str], None]] = None,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
) -> AsyncIterator[ChatCompletionChunk]:
    """:func:`iter_chunks` for an async iterable of bytes (httpx, aiohttp)."""
    reader = _ChunkReader(accumulator, on_comment, max_line_size, max_event_size)
    take = reader.take
    try:
        async for batch in aread_batches(reader.decoder, chunks):
            out, error = take(batch)
            for chunk in out:
                yield chunk
            if error is not None:
                raise error
            if reader.stopped:
                return
        reader.finish()
    except OrsseError as error:
        raise reader.with_partial(error)


def collect(
    chunks: Iterable[bytes],
    *,
    accumulator: Optional[Accumulator] = None,
    on_comment: Optional[Callable[[str], None]] = None,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
) -> ChatCompletion:
    """Read a whole streaming response and return the rebuilt completion.

    Takes the options of :func:`iter_chunks` and raises what it raises, with ``.partial``.
    """
    if accumulator is None:
        accumulator = Accumulator()
    for _ in iter_chunks(
        chunks,
        accumulator=accumulator,
        on_comment=on_comment,
        max_line_size=max_line_size,
        max_event_size=max_event_size,
    ):
        pass
    return accumulator.result()


async def acollect(
    chunks: AsyncIterable[bytes],
    *,
    accumulator: Optional[Accumulator] = None,
    on_comment: Optional[Callable[[str], None]] = None,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
) -> ChatCompletion:
    """:func:`collect` for an async iterable of bytes."""
    if accumulator is None:
        accumulator = Accumulator()
    async for _ in aiter_chunks(
        chunks,
        accumulator=accumulator,
        on_comment=on_comment,
        max_line_size=max_line_size,
        max_event_size=max_event_size,
    ):
        pass
    return accumulator.result()
