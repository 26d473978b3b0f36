"""From events to typed chunks: ``[DONE]``, in-stream errors, truncation, bad JSON."""

from __future__ import annotations

import json
import sys
TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

from ._accumulate import Accumulator
from ._errors import ChunkDecodeError, IncompleteStreamError, OrsseError, SSELimitError, StreamError
from ._sse import DEFAULT_MAX_EVENT_SIZE, DEFAULT_MAX_LINE_SIZE, SSEDecoder
from ._types import ChatCompletionChunk, ErrorDetail

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
        Union,
    )

    from ._sse import ServerSentEvent
    from ._types import ChatCompletion

__all__ = ["parse_chunk", "iter_chunks", "aiter_chunks", "collect", "acollect"]

_loads = json.loads

# PyPy 3.9's json decoder can put a corrupt string (a broken surrogate) in its error
# message, and merely formatting that string then crashes the interpreter with a
# SystemError (a fuzz test found it). Only CPython's wording is quoted; elsewhere the
# error says where, and the excerpt of the payload shows what.
_QUOTE_DECODER_MESSAGES = sys.implementation.name == "cpython"
_DECODER_FAILED = "invalid JSON: the interpreter's JSON decoder failed on it (SystemError)"


def _invalid_json(exc: ValueError) -> str:
    position = getattr(exc, "pos", None)
    where = "" if position is None else f" at character {position}"
    if _QUOTE_DECODER_MESSAGES:
        message = getattr(exc, "msg", None) or str(exc)
        return f"invalid JSON{where}: {message}"
    return f"invalid JSON{where} ({type(exc).__name__})"
_from_dict = ChatCompletionChunk.from_dict


def parse_chunk(data: Union[str, bytes, Dict[str, Any]], *, event_index: int = 0) -> ChatCompletionChunk:
    """One chunk from its JSON text or an already decoded dict.

    Raises :class:`ChunkDecodeError`, naming *event_index*, when the payload is not a JSON
    object or has the wrong shape (a ``choices`` that is not a list of objects, say).
    """
    if isinstance(data, dict):
        payload: Any = data
    else:
        try:
            payload = _loads(data)
        except ValueError as exc:  # also UnicodeDecodeError for bytes
            raise ChunkDecodeError(_invalid_json(exc), _text(data), event_index) from None
        except RecursionError:
            raise ChunkDecodeError("invalid JSON: nested too deeply", _text(data), event_index) from None
        except SystemError:
            raise ChunkDecodeError(_DECODER_FAILED, _text(data), event_index) from None
        if not isinstance(payload, dict):
            raise ChunkDecodeError(
                f"a JSON {type(payload).__name__}, not an object", _text(data), event_index
            )
    try:
        return _from_dict(payload)
    except (TypeError, AttributeError, ValueError, RecursionError) as exc:
        raise ChunkDecodeError(f"unexpected shape: {exc}", _text(data), event_index) from None


def _text(data: Union[str, bytes, Dict[str, Any]]) -> str:
    if isinstance(data, str):
        return data
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return json.dumps(data, ensure_ascii=False, default=repr)


class _ChunkReader:
    """The state shared by the sync and async iterators: the decoder, the event count,
    ``[DONE]``, and the accumulator whose partial result every error hands back."""

    __slots__ = ("accumulator", "decoder", "event_index", "stopped", "_pending_error")

    def __init__(
        self,
        accumulator: Optional[Accumulator],
        on_comment: Optional[Callable[[str], None]],
        max_line_size: int,
        max_event_size: int,
    ) -> None:
        self.accumulator = Accumulator() if accumulator is None else accumulator
        self.decoder = SSEDecoder(
            max_line_size=max_line_size, max_event_size=max_event_size, on_comment=on_comment
        )
        self.event_index = 0
        #: ``[DONE]`` was seen: nothing after it is read.
        self.stopped = False
        self._pending_error: Optional[OrsseError] = None

    def feed(self, raw: bytes) -> List[ChatCompletionChunk]:
        """The chunks one read completes, up to ``[DONE]``.

        An error found after some chunks of the same read is raised on the next call,
        so that those chunks still reach the caller (who may be showing them as they
        come) before the error does.
        """
        if self._pending_error is not None:
            raise self._pending_error
        limit_error: Optional[SSELimitError] = None
        try:
            events: Sequence[ServerSentEvent] = self.decoder.feed(raw)
        except SSELimitError as error:
            # The events the read completed before the limit was crossed still count.
            events, limit_error = error.events, error
        out: List[ChatCompletionChunk] = []
        try:
            for event in events:
                chunk = self.chunk(event)
                if chunk is None:
                    self.stopped = True
                    return out
                out.append(chunk)
        except OrsseError as error:
            if not out:
                raise
            self._pending_error = error
            return out
        if limit_error is not None:
            if not out:
                raise limit_error
            self._pending_error = limit_error
        return out

    def with_partial(self, error: OrsseError) -> OrsseError:
        """*error*, carrying the completion so far (errors from the byte source too,
        such as a client's dropped connection)."""
        if error.partial is None:
            error.partial = self.accumulator.result()
        return error

    def chunk(self, event: ServerSentEvent) -> Optional[ChatCompletionChunk]:
        """The chunk an event carries; ``None`` at ``[DONE]``. Raises on errors."""
        data = event.data
        if data == "[DONE]":
            self.accumulator.done = True
            return None
        self.event_index += 1
        if event.event == "error":
            raise self._event_error(data)
        try:
            payload = _loads(data)
        except ValueError as exc:
            raise ChunkDecodeError(_invalid_json(exc), data, self.event_index) from None
        except RecursionError:
            raise ChunkDecodeError("invalid JSON: nested too deeply", data, self.event_index) from None
        except SystemError:
            raise ChunkDecodeError(_DECODER_FAILED, data, self.event_index) from None
        if type(payload) is not dict:
            raise ChunkDecodeError(
                f"a JSON {type(payload).__name__}, not an object", data, self.event_index
            )
        try:
            chunk = _from_dict(payload)
        except (TypeError, AttributeError, ValueError, RecursionError) as exc:
            raise ChunkDecodeError(f"unexpected shape: {exc}", data, self.event_index) from None
        self.accumulator.add(chunk)
        error = chunk.error
        if error is not None:
            raise self._stream_error(error)
        return chunk

    def finish(self) -> None:
        """At the end of the bytes: a stream with no ``[DONE]`` and no finish was cut off."""
        if self._pending_error is not None:
            raise self._pending_error
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
    carries the partial completion as ``.partial``.
    """
    reader = _ChunkReader(accumulator, on_comment, max_line_size, max_event_size)
    feed = reader.feed
    try:
        for raw in chunks:
            batch = feed(raw)
            if batch:
                yield from batch
            if reader.stopped:
                return
        reader.finish()
    except OrsseError as error:
        raise reader.with_partial(error)


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
    try:
        async for raw in chunks:
            for chunk in reader.feed(raw):
                yield chunk
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
