"""The asyncio client: :class:`AsyncClient` and :class:`AsyncChatStream`.

The same sans-IO procedure (:func:`orsse._exchange.open_stream`) and HTTP parser as the
sync client, driven by awaits: this module only moves bytes, through an
``asyncio.Protocol`` (:class:`_Protocol`) that buffers what arrives and wakes the one
reader. No thread per stream, and no timer per read: one watchdog timer per
connection, moved only when it fires, enforces the read timeout, so a thousand open
streams cost little more than the parsing itself.
"""

from __future__ import annotations

import asyncio
import time
import warnings

from ._accumulate import Accumulator
from ._chunks import aiter_chunks, amerge_reads
from ._client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, FROM_ENVIRONMENT, ClientConfig, chat_body, responses_body
from ._errors import IncompleteStreamError, OrsseError, ProtocolError
from ._exchange import (
    Connect,
    Discard,
    Opened,
    Receive,
    Reuse,
    Send,
    Sleep,
    StartTLS,
    StreamClock,
    TimedOut,
    Unsupported,
    _why,
    broken_stream,
    open_stream,
)
from ._sync_client import DRAIN_BYTES, DRAIN_SECONDS, MAX_IDLE, _Counts

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    import ssl
    from typing import (
        Any,
        AsyncIterator,
        Awaitable,
        Callable,
        Coroutine,
        Dict,
        Generator,
        List,
        Mapping,
        Optional,
        Sequence,
        Tuple,
        TypeVar,
        Union,
    )

    _Item = TypeVar("_Item")

    from ._client import ProxyArg, TimeoutArg
    from ._http import Headers
    from ._redact import Redactor
    from ._response_types import Response, ResponseEvent
    from ._responses import ResponseAccumulator
    from ._completion import ChatCompletion
    from ._updates import AnyUpdate
    from ._wire import ChatCompletionChunk

__all__ = ["AsyncClient", "AsyncChatStream", "AsyncResponseStream"]

#: Buffered and unread, past this the connection stops reading until the caller catches up.
HIGH_WATER = 262144

#: Replaced by the tests, so that a retry costs no real time.
_sleep = asyncio.sleep


# -- moving bytes ---------------------------------------------------------------------------


class _Protocol(asyncio.Protocol):
    """One connection: what arrived, kept until the single reader asks for it."""

    __slots__ = (
        "loop", "transport", "_data", "_size", "_eof", "_error", "_paused", "_waiter",
        "_wait_deadline", "_timer", "_timer_when",
    )

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: Any = None
        self._data: List[bytes] = []
        self._size = 0
        self._eof = False
        self._error: Optional[BaseException] = None
        self._paused = False
        self._waiter: Optional[asyncio.Future[None]] = None
        self._wait_deadline: Optional[float] = None
        self._timer: Optional[asyncio.TimerHandle] = None
        self._timer_when = 0.0

    # -- asyncio's side --------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self._data.append(data)
        self._size += len(data)
        if self._size > HIGH_WATER and not self._paused:
            self._paused = True
            self.transport.pause_reading()
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def eof_received(self) -> bool:
        self._eof = True
        self._wake()
        return False

    def connection_lost(self, exc: Optional[BaseException]) -> None:
        self._eof = True
        if exc is not None and self._error is None:
            self._error = exc
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # -- the reader's side -------------------------------------------------------------------

    async def receive(self, timeout: Optional[float]) -> bytes:
        """What arrived since the last call, waiting up to *timeout* for something."""
        data = self._data
        if not data:
            if self._eof:
                return self._at_end()
            # The wait, inline: this runs once per network read of every stream.
            loop = self.loop
            waiter = loop.create_future()
            self._waiter = waiter
            if timeout is not None:
                deadline = loop.time() + timeout
                self._wait_deadline = deadline
                timer = self._timer
                if timer is None or self._timer_when > deadline:
                    if timer is not None:
                        timer.cancel()
                    self._timer = loop.call_at(deadline, self._on_timer)
                    self._timer_when = deadline
            try:
                await waiter
            finally:
                self._waiter = None
                self._wait_deadline = None
            if not data:
                return self._at_end()
        chunk = data[0] if len(data) == 1 else b"".join(data)
        data.clear()
        self._size = 0
        if self._paused:
            self._paused = False
            self.transport.resume_reading()
        return chunk

    def _at_end(self) -> bytes:
        error = self._error
        if error is not None:
            if isinstance(error, OSError):
                raise error
            raise ConnectionError(_why(error))
        return b""

    def _on_timer(self) -> None:
        # The read timeout. A wait that ended early left this timer in place: when it
        # fires, it checks the wait in progress (if any) and moves itself to that wait's
        # deadline, instead of every wait scheduling and cancelling a timer of its own.
        self._timer = None
        waiter = self._waiter
        deadline = self._wait_deadline
        if waiter is None or deadline is None or waiter.done():
            return
        if self.loop.time() >= deadline - 0.001:
            waiter.set_exception(TimedOut())
        else:
            self._timer = self.loop.call_at(deadline, self._on_timer)
            self._timer_when = deadline

    def send(self, data: bytes) -> None:
        transport = self.transport
        if transport is None or transport.is_closing():
            raise ConnectionResetError("the connection is closed")
        transport.write(data)

    def looks_alive(self) -> bool:
        transport = self.transport
        return transport is not None and not transport.is_closing() and not self._eof and not self._data

    def close(self) -> None:
        transport = self.transport
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if transport is not None:
            self.transport = None
            transport.close()
        self._eof = True
        self._wake()


class _Pool:
    """Idle kept-alive connections, per destination (one event loop's)."""

    def __init__(self) -> None:
        self._idle: Dict[Any, List[_Protocol]] = {}
        self.closed = False

    def take(self, key: Any, loop: asyncio.AbstractEventLoop) -> Optional[_Protocol]:
        idle = self._idle.get(key)
        while idle:
            protocol = idle.pop()
            if protocol.loop is loop and protocol.looks_alive():
                return protocol
            protocol.close()
        return None

    def give(self, key: Any, protocol: _Protocol) -> None:
        if not self.closed:
            idle = self._idle.setdefault(key, [])
            if len(idle) < MAX_IDLE:
                idle.append(protocol)
                return
        protocol.close()

    def close(self) -> None:
        self.closed = True
        idle = [p for protocols in self._idle.values() for p in protocols]
        self._idle.clear()
        for protocol in idle:
            protocol.close()


async def _connect(loop: asyncio.AbstractEventLoop, host: str, port: int, timeout: Optional[float]) -> _Protocol:
    protocol = _Protocol(loop)
    try:
        await asyncio.wait_for(loop.create_connection(lambda: protocol, host, port), timeout)
    except asyncio.TimeoutError:
        raise TimedOut() from None
    return protocol


async def _start_tls(protocol: _Protocol, context: ssl.SSLContext, server_hostname: str, timeout: Optional[float]) -> None:
    loop = protocol.loop
    transport = protocol.transport
    try:
        tls = await asyncio.wait_for(
            loop.start_tls(transport, protocol, context, server_hostname=server_hostname), timeout
        )
    except asyncio.TimeoutError:
        raise TimedOut() from None
    except (TypeError, AttributeError, NotImplementedError, RuntimeError) as exc:
        # TLS inside the TLS to an https:// proxy, on an asyncio that cannot stack them.
        raise Unsupported(
            f"this Python's asyncio (before 3.11) cannot start TLS inside the TLS to an https:// proxy "
            f"({_why(exc)}): use orsse.Client, or an http:// proxy URL"
        ) from None
    if tls is None:
        raise ConnectionResetError("the connection closed during the TLS handshake")
    protocol.transport = tls


async def _run(procedure: Generator[Any, Any, Opened], pool: _Pool) -> Tuple[_Protocol, Opened]:
    """Do what the sans-IO procedure asks until it returns the opened response."""
    loop = asyncio.get_running_loop()
    protocol: Optional[_Protocol] = None
    result: Any = None
    thrown: Optional[BaseException] = None
    try:
        while True:
            try:
                op = procedure.throw(thrown) if thrown is not None else procedure.send(result)
            except StopIteration as stop:
                assert protocol is not None
                return protocol, stop.value
            result = thrown = None
            try:
                kind = type(op)
                if kind is Receive:
                    assert protocol is not None
                    result = await protocol.receive(op.timeout)
                elif kind is Send:
                    assert protocol is not None
                    protocol.send(op.data)
                elif kind is Reuse:
                    protocol = pool.take(op.key, loop)
                    result = protocol is not None
                elif kind is Connect:
                    protocol = await _connect(loop, op.host, op.port, op.timeout)
                elif kind is StartTLS:
                    assert protocol is not None
                    await _start_tls(protocol, op.context, op.server_hostname, op.timeout)
                elif kind is Discard:
                    if protocol is not None:
                        protocol.close()
                    protocol = None
                elif kind is Sleep:
                    await _sleep(op.seconds)
                else:  # pragma: no cover - a mistake in _exchange
                    raise AssertionError(f"unknown operation {op!r}")
            except (OSError, TimedOut) as exc:
                thrown = exc
    except BaseException:
        if protocol is not None:
            protocol.close()
        raise


# -- the body -------------------------------------------------------------------------------


class _Body:
    """A response body being streamed: owns the connection until the body ends (then it
    goes back to the pool, when it can be reused) or :meth:`close`."""

    __slots__ = ("protocol", "parser", "clock", "url", "received", "_pool", "_key", "_closed")

    def __init__(self, protocol: _Protocol, opened: Opened, clock: StreamClock, pool: _Pool) -> None:
        self.protocol: Optional[_Protocol] = protocol
        self.parser = opened.parser
        self.clock = clock
        self.url = opened.route.url
        self.received = 0
        self._pool = pool
        self._key = opened.route.pool_key
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    async def reads(self, events_seen: Callable[[], int], whole: Callable[[], bool]) -> AsyncIterator[bytes]:
        """The body's bytes, one piece per wake-up; see ``_sync_client._Body.reads``."""
        parser = self.parser
        clock = self.clock
        simple = clock.simple
        wait: Optional[float] = clock.read
        kind = "read"
        try:
            first = parser.pending()
        except ProtocolError as exc:
            raise broken_stream(self.url, self.received, str(exc)) from None
        if first:
            self.received += len(first)
            yield first
            if parser.error is not None:
                raise broken_stream(self.url, self.received, str(parser.error))
        protocol = self.protocol
        if protocol is None:  # closed before the first read
            return
        receive = protocol.receive
        feed = parser.feed_body
        while not parser.complete:
            if not simple:
                wait, kind = clock.next_wait(events_seen())
            try:
                data = await receive(wait)
            except TimedOut:
                raise clock.error(kind, wait, self.url, self.received) from None
            except OSError as exc:
                parser.keep_alive = False
                if self._closed or whole():
                    self.release()
                    return
                raise broken_stream(self.url, self.received, _why(exc)) from exc
            if not data:
                if parser.end_of_input() or self._closed or whole():
                    break
                raise broken_stream(self.url, self.received, "closed by the server before the end of the body")
            try:
                data = feed(data)
            except ProtocolError as exc:
                parser.keep_alive = False
                if whole():
                    self.release()
                    return
                raise broken_stream(self.url, self.received, str(exc)) from None
            if data:
                self.received += len(data)
                yield data
            if parser.error is not None:
                parser.keep_alive = False
                if whole():
                    break
                raise broken_stream(self.url, self.received, str(parser.error))
        self.release()

    def release(self) -> None:
        """The body ended (or was left): reuse the connection when it can carry more."""
        if self.protocol is None:
            return
        protocol = self.protocol
        self.protocol = None
        if self.parser.complete and self.parser.keep_alive and not self._closed:
            self._pool.give(self._key, protocol)
        else:
            protocol.close()
        self._closed = True

    async def finish(self) -> None:
        """The layer above has its whole answer: read the end of the body, briefly, so
        that the connection can be reused; else close it."""
        parser = self.parser
        protocol = self.protocol
        if protocol is not None and not self._closed and not parser.complete:
            deadline = time.monotonic() + DRAIN_SECONDS
            drained = 0
            try:
                while not parser.complete and drained < DRAIN_BYTES:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    data = await protocol.receive(left)
                    if not data:
                        parser.end_of_input()
                        break
                    drained += len(parser.feed_body(data))
            except (OSError, TimedOut, ProtocolError):
                parser.keep_alive = False
            if drained:
                parser.keep_alive = False
        self.release()

    def close(self) -> None:
        """Close the connection now: the server sees it and can stop generating."""
        self._closed = True
        self.release()


# -- the stream -------------------------------------------------------------------------------


class _State:
    """How a stream ended, shared with its chunk iterator (which must not hold the stream
    itself: a stream dropped while open is then freed, and closed, at once)."""

    __slots__ = ("error", "ended", "closing")

    def __init__(self) -> None:
        self.error: Optional[OrsseError] = None
        self.ended = False
        self.closing = False


async def _guarded(
    chunks: AsyncIterator[_Item], body: _Body, state: _State, redactor: Redactor
) -> AsyncIterator[_Item]:
    try:
        async for chunk in chunks:
            yield chunk
    except OrsseError as exc:
        body.close()
        if state.closing:
            return
        state.error = redactor.error(exc)
        raise
    except BaseException:
        body.close()
        raise
    if state.closing:
        body.close()
        return
    state.ended = True
    await body.finish()


class _AsyncEventStream:
    """What every streaming endpoint's async stream shares (see ``_sync_client._EventStream``)."""

    def __init__(self, body: _Body, head: Any, *, model: str, redactor: Redactor) -> None:
        self.status: int = head.status
        self.headers: Headers = head.headers
        self.url = body.url
        self.model = model
        self._body = body
        self._state = _State()
        self._counts = _Counts()
        self._redactor = redactor
        self.accumulator = self._new_accumulator()
        self._chunks: Optional[AsyncIterator[Any]] = _guarded(self._items(body), body, self._state, redactor)

    def _new_accumulator(self) -> Any:
        raise NotImplementedError

    def record(self, write: Callable[[bytes], object]) -> None:
        """Call ``write(piece)`` with each piece of the response body as it arrives (the
        transfer framing removed), before it is parsed: ``stream.record(file.write)``
        saves the body byte for byte, so that ``orsse parse FILE`` replays it. Call it
        before reading; pieces already read are not given again."""
        self._counts.recorder = write

    def _items(self, body: _Body) -> AsyncIterator[Any]:
        raise NotImplementedError

    @property
    def error(self) -> Optional[OrsseError]:
        """The error that ended the stream, if one did."""
        return self._state.error

    @property
    def closed(self) -> bool:
        return self._body.closed

    @property
    def bytes_received(self) -> int:
        return self._body.received

    @property
    def comments(self) -> int:
        return self._counts.comments

    def __aiter__(self) -> Any:
        return self

    def __anext__(self) -> Awaitable[Any]:
        # The chunk iterator's own awaitable, handed on: no coroutine of ours per chunk.
        chunks = self._chunks
        if chunks is None:
            return _nothing().__anext__()
        return chunks.__anext__()

    async def result(self) -> Any:
        """Read the rest of the stream and return the whole result (see
        :meth:`ChatStream.result`)."""
        async for _ in self:
            pass
        state = self._state
        if state.error is not None:
            raise state.error
        if not state.ended:
            raise self._closed_early()
        return self.accumulator.result()

    async def aclose(self) -> None:
        """Close the connection now; safe to call more than once."""
        self._state.closing = True
        self._body.close()
        chunks = self._chunks
        self._chunks = None
        if chunks is not None:
            try:
                await chunks.aclose()  # type: ignore[attr-defined]
            except (RuntimeError, OrsseError):  # running elsewhere, or its own error
                pass

    async def __aenter__(self) -> Any:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.aclose()

    def __del__(self) -> None:
        body = getattr(self, "_body", None)
        if body is not None and not body.closed:
            message = f"{self!r} was not closed: use 'async with client.stream_...(...) as stream:'"
            # Closed before the warning, which a filter may turn into an exception.
            try:
                body.close()
            except RuntimeError:  # the event loop is already closed
                pass
            warnings.warn(message, ResourceWarning, stacklevel=2, source=self)

    def __repr__(self) -> str:
        state = "closed" if self._body.closed else "open"
        return (
            f"<{type(self).__name__} {self.model!r} from {self.url} status={self.status} "
            f"generation_id={self.generation_id!r} {self._progress()} {state}>"
        )

    @property
    def generation_id(self) -> Optional[str]:
        raise NotImplementedError

    def _progress(self) -> str:
        raise NotImplementedError

    def _closed_early(self) -> IncompleteStreamError:
        """The error ``result()`` raises for a stream closed before its end, with what it
        had rebuilt in the attribute typed for it."""
        raise NotImplementedError


class AsyncChatStream(_AsyncEventStream):
    """An open streaming chat completion, read with ``async for``.

    ``async with client.stream_chat(...) as stream: async for chunk in stream: ...``.
    Leaving the block early closes the connection (the generation stops upstream); a
    stream read to its end gives its connection back to the client. Errors carry
    ``.partial``. ``completion``, ``await result()``, ``headers``, ``generation_id``,
    ``status`` as on :class:`ChatStream`; :meth:`aclose` closes it.
    """

    accumulator: Accumulator

    def _new_accumulator(self) -> Accumulator:
        return Accumulator()

    def _items(self, body: _Body) -> AsyncIterator[ChatCompletionChunk]:
        return aiter_chunks(self._reads(body), accumulator=self.accumulator, on_comment=self._counts.comment)

    def _reads(self, body: _Body) -> AsyncIterator[bytes]:
        accumulator = self.accumulator
        return _arecorded(body.reads(lambda: accumulator.chunk_count, lambda: accumulator.done or accumulator.finished), self._counts)

    def __aiter__(self) -> AsyncChatStream:
        return self

    if TYPE_CHECKING:  # the base's __anext__, typed: no extra call per item at run time

        def __anext__(self) -> Awaitable[ChatCompletionChunk]: ...

    async def __aenter__(self) -> AsyncChatStream:
        return self

    @property
    def generation_id(self) -> Optional[str]:
        """OpenRouter's generation id: the ``X-Generation-Id`` header, else the chunks' id."""
        return self.headers.get("X-Generation-Id") or self.accumulator.id

    @property
    def completion(self) -> ChatCompletion:
        """The completion rebuilt from the chunks received so far."""
        return self.accumulator.result()

    async def result(self) -> ChatCompletion:
        """Read the rest of the stream and return the whole completion (see
        :meth:`ChatStream.result`)."""
        completion: ChatCompletion = await _AsyncEventStream.result(self)
        return completion

    def updates(self) -> AsyncIterator[AnyUpdate]:
        """The stream as typed updates (see :meth:`ChatStream.updates`): ``async for``."""
        tracker = self._counts.follow(self.accumulator)
        body = self._body
        if body.received == 0 and self._chunks is not None:
            # Nothing read yet: see ChatStream.updates.
            merged = amerge_reads(self._reads(body), self.accumulator, "updates", self._counts.comment)
            self._chunks = _guarded(merged, body, self._state, self._redactor)
        return tracker.afollow(self)

    def text_stream(self) -> AsyncIterator[str]:
        """Just the content's new text, piece by piece (see :meth:`ChatStream.text_stream`)."""
        from ._updates import acontent_text

        return acontent_text(self.updates())

    def _progress(self) -> str:
        return f"chunks={self.accumulator.chunk_count}"

    def _closed_early(self) -> IncompleteStreamError:
        return IncompleteStreamError("the stream was closed before its end", self.accumulator.result())


class AsyncResponseStream(_AsyncEventStream):
    """An open Responses API stream, read with ``async for``: :class:`ResponseStream`'s twin."""

    accumulator: ResponseAccumulator

    def _new_accumulator(self) -> ResponseAccumulator:
        from ._responses import ResponseAccumulator

        return ResponseAccumulator()

    def _items(self, body: _Body) -> AsyncIterator[ResponseEvent]:
        from ._responses import aiter_response_events

        accumulator = self.accumulator
        return aiter_response_events(
            _arecorded(body.reads(lambda: accumulator.event_count, lambda: accumulator.final is not None), self._counts),
            accumulator=accumulator,
            on_comment=self._counts.comment,
        )

    def __aiter__(self) -> AsyncResponseStream:
        return self

    if TYPE_CHECKING:  # the base's __anext__, typed: no extra call per item at run time

        def __anext__(self) -> Awaitable[ResponseEvent]: ...

    async def __aenter__(self) -> AsyncResponseStream:
        return self

    @property
    def generation_id(self) -> Optional[str]:
        """OpenRouter's ``X-Generation-Id`` header, else the response's id."""
        return self.headers.get("X-Generation-Id") or self.accumulator.result().id

    @property
    def response(self) -> Response:
        """The response rebuilt from the events received so far."""
        return self.accumulator.result()

    async def result(self) -> Response:
        """Read the rest of the stream and return the final response."""
        response: Response = await _AsyncEventStream.result(self)
        return response

    def _progress(self) -> str:
        return f"events={self.accumulator.event_count}"

    def _closed_early(self) -> IncompleteStreamError:
        return IncompleteStreamError(
            "the stream was closed before its end", partial_response=self.accumulator.result()
        )


async def _nothing() -> AsyncIterator[Any]:
    return
    yield  # an async generator that yields nothing


class _PendingStream:
    """What ``AsyncClient.stream_...()`` returns: ``async with`` it (or ``await`` it)
    for the open stream."""

    __slots__ = ("_start", "_stream")

    def __init__(self, start: Coroutine[Any, Any, Any]) -> None:
        self._start = start
        self._stream: Any = None

    def __await__(self) -> Generator[Any, None, Any]:
        return self._start.__await__()

    async def __aenter__(self) -> Any:
        stream = await self._start
        self._stream = stream
        return stream

    async def __aexit__(self, *exc_info: Any) -> None:
        if self._stream is not None:
            await self._stream.aclose()


class _PendingChat(_PendingStream):
    __slots__ = ()

    def __await__(self) -> Generator[Any, None, AsyncChatStream]:
        return self._start.__await__()

    async def __aenter__(self) -> AsyncChatStream:
        stream: AsyncChatStream = await _PendingStream.__aenter__(self)
        return stream


class _PendingResponses(_PendingStream):
    __slots__ = ()

    def __await__(self) -> Generator[Any, None, AsyncResponseStream]:
        return self._start.__await__()

    async def __aenter__(self) -> AsyncResponseStream:
        stream: AsyncResponseStream = await _PendingStream.__aenter__(self)
        return stream


# -- the client -------------------------------------------------------------------------------


class AsyncClient:
    """The asyncio twin of :class:`Client`: the same options, the same behaviour.

    ``async with orsse.AsyncClient() as client:`` then ``async with
    client.stream_chat(model, messages) as stream: async for chunk in stream: ...``.
    One client serves one event loop at a time; its idle connections stay with it.
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: TimeoutArg = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        headers: Optional[Mapping[str, Optional[str]]] = None,
        ssl_context: Optional[ssl.SSLContext] = None,
        proxy: ProxyArg = FROM_ENVIRONMENT,
        app_url: Optional[str] = None,
        app_title: Optional[str] = None,
    ) -> None:
        self._config = ClientConfig(
            api_key, base_url, timeout, max_retries, headers, ssl_context, proxy, app_url, app_title
        )
        self._pool = _Pool()

    @property
    def base_url(self) -> str:
        return self._config.base_display

    @property
    def timeout(self) -> Any:
        return self._config.timeout

    def stream_chat(
        self,
        model: str,
        messages: Union[str, Sequence[Any]],
        *,
        extra_body: Optional[Mapping[str, Any]] = None,
        **params: Any,
    ) -> _PendingChat:
        """Start a streaming chat completion: ``async with`` (or ``await``) the result
        for the :class:`AsyncChatStream`. Takes and checks what
        :meth:`Client.stream_chat` takes, at once (a bad argument raises here)."""
        body = chat_body(model, messages, params, extra_body, "stream_chat")
        return _PendingChat(self._start_chat(model, body))

    async def _start_chat(self, model: str, body: bytes) -> AsyncChatStream:
        protocol, opened, clock = await self._open("chat/completions", body)
        return AsyncChatStream(
            _Body(protocol, opened, clock, self._pool), opened.head, model=model, redactor=self._config.redactor
        )

    def stream_responses(
        self,
        model: str,
        input: Union[str, Sequence[Any]],  # noqa: A002 - the API's own name
        *,
        extra_body: Optional[Mapping[str, Any]] = None,
        **params: Any,
    ) -> _PendingResponses:
        """Start a Responses API stream (``POST {base_url}/responses``): ``async with``
        (or ``await``) the result for the :class:`AsyncResponseStream`."""
        body = responses_body(model, input, params, extra_body, "stream_responses")
        return _PendingResponses(self._start_responses(model, body))

    async def _start_responses(self, model: str, body: bytes) -> AsyncResponseStream:
        protocol, opened, clock = await self._open("responses", body)
        return AsyncResponseStream(
            _Body(protocol, opened, clock, self._pool), opened.head, model=model, redactor=self._config.redactor
        )

    async def _open(self, endpoint: str, body: bytes) -> Tuple[_Protocol, Opened, StreamClock]:
        """``POST`` a JSON *body* to ``{base_url}/{endpoint}`` and wait for its event stream
        to start: the generic path every streaming endpoint takes."""
        if self._pool.closed:
            raise RuntimeError("the client is closed")
        config = self._config
        protocol, opened = await _run(open_stream(config, config.route(endpoint), body), self._pool)
        return protocol, opened, StreamClock(config, opened.deadline)

    async def aclose(self) -> None:
        """Close the idle connections; streams still open keep theirs until they end."""
        self._pool.close()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"<orsse.AsyncClient {self._config.base_display}>"


async def _arecorded(reads: AsyncIterator[bytes], counts: _Counts) -> AsyncIterator[bytes]:
    """*reads*, each also handed to the stream's recorder when one is set."""
    async for piece in reads:
        recorder = counts.recorder
        if recorder is not None:
            recorder(piece)
        yield piece
