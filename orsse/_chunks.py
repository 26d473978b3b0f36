"""From events to typed chunks: ``[DONE]``, in-stream errors, truncation, bad JSON."""

from __future__ import annotations

import json
from itertools import chain
TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

from ._accumulate import Accumulator
from ._errors import (
    read_failure,
    ChunkDecodeError,
    IncompleteStreamError,
    InputTypeError,
    NotChatStreamError,
    OrsseError,
    StreamError,
    excerpt,
)
from ._json import invalid_json, json_object
from ._sse import DATA_UNLESS_TYPED, DEFAULT_MAX_EVENT_SIZE, CommentLine, DEFAULT_MAX_LINE_SIZE, aread_batches, new_decoder, read_batches
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

#: What :meth:`_ChunkReader.merge_alone` returns for a chunk it merged.
MERGED: Any = object()


def parse_chunk(data: Union[str, bytes, Dict[str, Any]], *, event_index: int = 0) -> ChatCompletionChunk:
    """One chunk from its JSON text or an already decoded dict.

    Raises :class:`ChunkDecodeError`, naming *event_index*, when the payload is not a JSON
    object or has the wrong shape (a ``choices`` that is not a list of objects, say).
    """
    if isinstance(data, dict):
        payload: Any = data
    elif not isinstance(data, (str, bytes, bytearray)):
        raise InputTypeError(
            f"parse_chunk() takes the JSON text (str or bytes) of one chunk or its decoded "
            f"dict, not {_kind(data)}"
        )
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
    try:
        return json.dumps(data, ensure_ascii=False, default=repr)
    except (RecursionError, ValueError, TypeError):
        # Nested too deeply to write out (or circular): the error still says where.
        return f"<a dict of {len(data)} keys, nested too deeply to show>"


class _ChunkReader:
    """The state shared by the sync and async iterators: the decoder, the event count,
    ``[DONE]``, and the accumulator whose partial result every error hands back."""

    __slots__ = ("accumulator", "decoder", "event_index", "stopped", "head", "bytes_read", "keep", "on_comment")

    def __init__(
        self,
        accumulator: Optional[Accumulator],
        on_comment: Optional[Callable[[str], None]],
        max_line_size: int,
        max_event_size: int,
        keep: bool = True,
    ) -> None:
        self.accumulator = Accumulator() if accumulator is None else accumulator
        #: Whether the typed chunks are wanted (iter_chunks), or only the completion
        #: (collect), which lets plain chunks go straight from dict to accumulator.
        self.keep = keep
        # The comments come among the events (CommentLine items) and are told from
        # take(), in their place: the updates' keep-alive then follows the content that
        # came before it in the same read, as it does when the two came in two reads.
        self.on_comment = on_comment
        self.decoder = new_decoder(DATA_UNLESS_TYPED, max_line_size=max_line_size, max_event_size=max_event_size)
        self.event_index = 0
        #: ``[DONE]`` was seen: nothing after it is read.
        self.stopped = False
        #: The first bytes of the body, to say what it was when it held no event.
        self.head = b""
        self.bytes_read = 0

    def reads(self, chunks: Iterable[bytes], caller: str) -> Iterator[bytes]:
        """*chunks*, checked: the wrong kind of *chunks* raises :class:`InputTypeError` at
        once, a read that is not bytes when it comes (a bytearray or memoryview is
        copied); the start of the body is kept for :meth:`finish`; an exception raised by
        the caller's byte source (a dropped connection) becomes
        :class:`IncompleteStreamError`, the original as ``__cause__``.

        Only the first reads pass through a Python generator: once the head is kept and
        every read so far was bytes, the rest go straight from the caller's iterator to the
        decoder (a generator on every read cost 25% of the throughput at 7-byte reads).
        A later read of the wrong kind, or an exception from the source after the head,
        is told apart in :func:`_chunk_batches`.
        """
        iterator = _iterator(chunks, caller)
        return chain(self._head_reads(iterator, caller), iterator)

    def _head_reads(self, iterator: Iterator[Any], caller: str) -> Iterator[bytes]:
        read = 0
        converting = False
        try:
            for piece in iterator:
                if type(piece) is not bytes:
                    piece = _as_bytes(piece, caller)
                    converting = True  # such a source is read through here to its end
                if read < _HEAD_SIZE:
                    self.head += piece[: _HEAD_SIZE - read]
                read += len(piece)
                self.bytes_read = read
                yield piece
                if read >= _HEAD_SIZE and not converting:
                    return
        except OrsseError:
            raise
        except Exception as exc:
            raise _source_failed(exc, read) from exc

    async def areads(self, chunks: AsyncIterable[bytes], caller: str) -> AsyncIterator[bytes]:
        """:meth:`reads` for an async iterable of bytes."""
        if not hasattr(chunks, "__aiter__"):
            raise InputTypeError(
                f"{caller}() takes an async iterable of bytes (such as httpx's "
                f"aiter_bytes()), not {_kind(chunks)}" + (
                    f"; for a plain iterable use {caller[1:]}()" if hasattr(chunks, "__iter__") else ""
                )
            )
        read = 0
        try:
            async for piece in chunks:
                if type(piece) is not bytes:
                    piece = _as_bytes(piece, caller)
                if read < _HEAD_SIZE:
                    self.head += piece[: _HEAD_SIZE - read]
                read += len(piece)
                self.bytes_read = read
                yield piece
        except OrsseError:
            raise
        except Exception as exc:
            raise _source_failed(exc, read) from exc

    def take(
        self, batch: Sequence[Union[str, ServerSentEvent, CommentLine]], decoded: Optional[Dict[str, Any]] = None
    ) -> Tuple[List[ChatCompletionChunk], Optional[OrsseError]]:
        """The chunks of the events one read completed, up to ``[DONE]``, and the error
        that came after them, if one did: the caller hands the chunks on (perhaps to be
        shown as they come) before it raises the error.

        *batch* is what a DATA_UNLESS_TYPED decoder gives: the data of each event
        without an ``event`` field, the whole event for the others, and each comment
        line (told to ``on_comment`` where it falls among them). When the chunks are
        not kept, the list stays empty and plain chunks skip their typed objects.
        *decoded* is the object of the batch's first data when the caller decoded it
        already (:meth:`merge_alone`, which found it not plain).
        """
        out: List[ChatCompletionChunk] = []
        append = out.append
        add = self.accumulator.add
        add_plain = None if self.keep else self.accumulator.add_plain
        index = self.event_index
        try:
            for data in batch:
                if type(data) is not str:
                    if type(data) is CommentLine:
                        if self.on_comment is not None:
                            self.on_comment(data.text)
                        continue
                    event: ServerSentEvent = data  # type: ignore[assignment]
                    data = event.data
                    if event.event == "error" and data != "[DONE]":
                        index += 1
                        raise self._event_error(data)
                    if event.event.startswith("response."):
                        raise _responses_stream(event.event, data)
                if data == "[DONE]":
                    self.accumulator.done = True
                    self.stopped = True
                    break
                index += 1
                if decoded is None:
                    payload = json_object(data, index)
                    if add_plain is not None and add_plain(payload):
                        continue
                else:
                    payload, decoded = decoded, None  # which add_plain refused already
                try:
                    chunk = _from_dict(payload)
                except (TypeError, AttributeError, ValueError, RecursionError) as exc:
                    raise ChunkDecodeError(f"unexpected shape: {exc}", data, index) from None
                if not chunk.choices and chunk.extra and self.accumulator.chunk_count == 0:
                    kind = chunk.extra.get("type")
                    if type(kind) is str and kind.startswith("response."):
                        raise _responses_stream(kind, data)
                add(chunk)
                if chunk.error is not None:
                    raise self._stream_error(chunk.error)
                if add_plain is None:
                    append(chunk)
        except OrsseError as error:
            self.event_index = index
            return out, error
        self.event_index = index
        return out, None

    def merge_alone(self, data: Union[str, ServerSentEvent, CommentLine]) -> Any:
        """The one item a read completed, merged straight from its dict when it is a plain
        chunk: :data:`MERGED` then; otherwise its decoded object, for :meth:`take` (None
        when it is not a chunk's data). For the chunks not kept (collect, the updates)
        on a live stream's usual read, without take()'s list and bookkeeping: collect
        0.87-0.95x and iter_updates 0.94-0.98x at one read per event, 0.95-0.99x at 64 B,
        iter_chunks within noise (benchmarks/compare.py, 25-31 rounds); PyPy within noise."""
        if type(data) is not str or data == "[DONE]":
            return None
        index = self.event_index + 1
        decoded = json_object(data, index)
        if self.accumulator.add_plain(decoded):
            self.event_index = index
            return MERGED
        return decoded

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
            if accumulator.chunk_count == 0:
                self._no_events()
            got = (
                "no event at all"
                if accumulator.chunk_count == 0
                else f"{accumulator.chunk_count} chunk(s) but no finish reason"
            )
            raise IncompleteStreamError(
                f"the stream ended without data: [DONE] ({got}): it was cut off",
                accumulator.result(),
            )

    def _no_events(self) -> None:
        """Say what a body without a single data event was, when it was not an event
        stream cut off before its first event (keep-alive comments and nothing more)."""
        head = self.head.lstrip(b"\xef\xbb\xbf \t\r\n")
        text = self.head.decode("utf-8", "replace")
        if not head:
            if self.bytes_read == 0:
                raise NotChatStreamError("the body was empty: not a single event arrived", "")
            return
        if head[:1] in (b"{", b"["):
            what = "a JSON document, not an event stream"
            if b'"chat.completion"' in head or b'"choices"' in head:
                what += ' (a non-streaming chat completion: was "stream": true sent?)'
            elif b'"error"' in head:
                what += " (an error response)"
            raise NotChatStreamError(f"the body is {what}; it begins {excerpt(text)}", text)
        if head.startswith(b":"):
            return  # comments only, then the end: cut off before the first event
        raise NotChatStreamError(
            f"the body has no data event: it is not an event stream; it begins {excerpt(text)}",
            text,
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


#: How much of the body's start is kept to describe a body that held no event.
_HEAD_SIZE = 256


def _kind(value: Any) -> str:
    if value is None:
        return "None"
    name = type(value).__name__
    return f"an {name}" if name[:1] in "aeiouAEIOU" else f"a {name}"


def _iterator(chunks: Any, caller: str) -> Iterator[Any]:
    if isinstance(chunks, (bytes, bytearray, memoryview)):
        raise InputTypeError(
            f"{caller}() takes an iterable of bytes (the reads of a response body), not one "
            f"{type(chunks).__name__} object: pass [body] for a body read whole"
        )
    if isinstance(chunks, str):
        raise InputTypeError(
            f"{caller}() takes an iterable of bytes, not a str: pass the body's bytes "
            "(its encoded text, or the raw reads)"
        )
    if hasattr(chunks, "__aiter__") and not hasattr(chunks, "__iter__"):
        raise InputTypeError(f"{caller}() takes an iterable of bytes; for an async iterable use a{caller}()")
    try:
        return iter(chunks)
    except TypeError:
        raise InputTypeError(f"{caller}() takes an iterable of bytes, not {_kind(chunks)}") from None


def _as_bytes(piece: Any, caller: str) -> bytes:
    """A read that is not ``bytes``: a bytearray or memoryview becomes bytes; text, a
    tuple or None is a mistake worth naming."""
    if isinstance(piece, (bytearray, memoryview)):
        return bytes(piece)
    if isinstance(piece, str):
        hint = "the raw bytes (httpx: iter_bytes(), not iter_text())"
    elif isinstance(piece, tuple):
        hint = "bytes, not pairs (aiohttp: response.content.iter_any(), not iter_chunks())"
    else:
        hint = "bytes"
    raise InputTypeError(f"{caller}() reads an iterable of bytes, and one read was {_kind(piece)}: pass {hint}")


def _responses_stream(kind: str, data: str) -> NotChatStreamError:
    return NotChatStreamError(
        f"this is a Responses API stream (an event {kind!r}), not a chat-completion stream",
        data[:_HEAD_SIZE],
    )


def _chunk_batches(
    reader: _ChunkReader, chunks: Iterable[bytes], caller: str = "iter_chunks", every_read: bool = False
) -> Iterator[List[ChatCompletionChunk]]:
    # One list of chunks per read, flattened by chain.from_iterable() in C; with
    # *every_read*, a list after every read that completed an event, empty or not.
    take = reader.take
    merge_alone = None if reader.keep else reader.merge_alone
    try:
        for batch in read_batches(reader.decoder, chunks):
            decoded = None if merge_alone is None or len(batch) != 1 else merge_alone(batch[0])
            if decoded is MERGED:
                if every_read:
                    yield []
                continue
            out, error = take(batch, decoded)
            if out or (every_read and batch):
                yield out
            if error is not None:
                raise error
            if reader.stopped:
                return
        reader.finish()
    except OrsseError as error:
        raise reader.with_partial(error)
    except Exception as exc:
        # Past the first reads (see _ChunkReader.reads), nothing stands between the
        # caller's iterator and the decoder: what escapes is either the source's own
        # exception or the decoder choking on a read that is not bytes.
        raise reader.with_partial(_read_failed(exc, caller, reader.bytes_read)) from exc


def _read_failed(exc: Exception, caller: str, read: int) -> OrsseError:
    return read_failure(exc, caller, _progress(read))


def _source_failed(exc: Exception, read: int) -> IncompleteStreamError:
    return IncompleteStreamError(f"the byte source raised {type(exc).__name__} {_progress(read)}: {exc}")


def _progress(read: int) -> str:
    return (f"after {read} bytes" if read < _HEAD_SIZE else "after the first bytes") + " of the stream"


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
    return _iter_chunks(chunks, "iter_chunks", accumulator, on_comment, max_line_size, max_event_size)


def _iter_chunks(
    chunks: Iterable[bytes],
    caller: str,
    accumulator: Optional[Accumulator],
    on_comment: Optional[Callable[[str], None]],
    max_line_size: int,
    max_event_size: int,
) -> Iterator[ChatCompletionChunk]:
    reader = _ChunkReader(accumulator, on_comment, max_line_size, max_event_size)
    return chain.from_iterable(_chunk_batches(reader, reader.reads(chunks, caller), caller))


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
    async for out in _achunk_batches(reader, chunks, "aiter_chunks"):
        for chunk in out:
            yield chunk


async def _achunk_batches(
    reader: _ChunkReader, chunks: AsyncIterable[bytes], caller: str, every_read: bool = False
) -> AsyncIterator[List[ChatCompletionChunk]]:
    take = reader.take
    merge_alone = None if reader.keep else reader.merge_alone
    try:
        async for batch in aread_batches(reader.decoder, reader.areads(chunks, caller)):
            decoded = None if merge_alone is None or len(batch) != 1 else merge_alone(batch[0])
            if decoded is MERGED:
                if every_read:
                    yield []
                continue
            out, error = take(batch, decoded)
            if out or (every_read and batch):
                yield out
            if error is not None:
                raise error
            if reader.stopped:
                return
        reader.finish()
    except OrsseError as error:
        raise reader.with_partial(error)


def merge_reads(
    chunks: Iterable[bytes],
    accumulator: Accumulator,
    caller: str,
    on_comment: Optional[Callable[[str], None]] = None,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
) -> Iterator[object]:
    """Merge the stream into *accumulator* read by read, yielding (a value of no meaning)
    after each read that completed an event: the seam for a layer that follows the
    accumulator (the updates), not the chunks. Plain chunks go to
    :meth:`Accumulator.add_plain`, so no typed chunk is built for them unless the
    accumulator's observer needs it. Raises what :func:`iter_chunks` raises; *caller*
    names the function in errors about the input.
    """
    reader = _ChunkReader(accumulator, on_comment, max_line_size, max_event_size, keep=False)
    return _chunk_batches(reader, reader.reads(chunks, caller), caller, every_read=True)


def amerge_reads(
    chunks: AsyncIterable[bytes],
    accumulator: Accumulator,
    caller: str,
    on_comment: Optional[Callable[[str], None]] = None,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
) -> AsyncIterator[object]:
    """:func:`merge_reads` for an async iterable of bytes."""
    reader = _ChunkReader(accumulator, on_comment, max_line_size, max_event_size, keep=False)
    return _achunk_batches(reader, chunks, caller, every_read=True)


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
    reader = _ChunkReader(accumulator, on_comment, max_line_size, max_event_size, keep=False)
    for _ in _chunk_batches(reader, reader.reads(chunks, "collect"), "collect"):
        pass  # with nothing kept, no batch is yielded: this runs to the end at once
    return reader.accumulator.result()


async def acollect(
    chunks: AsyncIterable[bytes],
    *,
    accumulator: Optional[Accumulator] = None,
    on_comment: Optional[Callable[[str], None]] = None,
    max_line_size: int = DEFAULT_MAX_LINE_SIZE,
    max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
) -> ChatCompletion:
    """:func:`collect` for an async iterable of bytes."""
    reader = _ChunkReader(accumulator, on_comment, max_line_size, max_event_size, keep=False)
    async for _ in _achunk_batches(reader, chunks, "acollect"):
        pass
    return reader.accumulator.result()
