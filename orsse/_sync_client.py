"""The synchronous client: :class:`Client` and :class:`ChatStream`, over ``socket`` and ``ssl``.

A thin driver: :func:`orsse._exchange.open_stream` decides everything up to the first
byte of the stream, and :class:`orsse._http.ResponseParser` reads the body; this module
only moves bytes (:class:`_Connection`), keeps idle connections (:class:`_Pool`), and
hands body bytes to the chunk layer (:class:`_Body`, :class:`ChatStream`).
"""

from __future__ import annotations

import select
import socket
import threading
import time
import warnings

from ._accumulate import Accumulator
from ._chunks import iter_chunks, merge_reads
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
    _why,
    broken_stream,
    open_stream,
)

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    import ssl
    from typing import Any, Callable, Dict, Generator, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

    from ._client import ProxyArg, Route, TimeoutArg
    from ._http import Headers
    from ._response_types import Response, ResponseEvent
    from ._responses import ResponseAccumulator
    from ._completion import ChatCompletion
    from ._wire import ChatCompletionChunk
    from ._updates import AnyUpdate, UpdateTracker

__all__ = ["Client", "ChatStream", "ResponseStream"]

#: The most one read asks for: whatever the socket holds, up to this much.
READ_SIZE = 65536
#: Idle connections kept per destination.
MAX_IDLE = 8
#: After ``data: [DONE]``, how long and how much of the rest of the body is read so that
#: the connection can be reused (the empty last chunk usually follows at once).
DRAIN_SECONDS = 0.25
DRAIN_BYTES = 4096

#: Replaced by the tests, so that a retry costs no real time.
_sleep = time.sleep


# -- moving bytes ---------------------------------------------------------------------------


class _Connection:
    """One socket (TCP, TLS, or TLS inside the TLS to a proxy) with timeouts per call."""

    __slots__ = ("sock", "_timeout", "__weakref__")

    def __init__(self) -> None:
        self.sock: Any = None
        self._timeout: Optional[float] = -1.0

    def connect(self, host: str, port: int, timeout: Optional[float]) -> None:
        try:
            self.sock = socket.create_connection((host, port), timeout)
        except socket.timeout:
            raise TimedOut() from None
        self._timeout = timeout
        try:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def start_tls(self, context: ssl.SSLContext, server_hostname: str, timeout: Optional[float]) -> None:
        self._set_timeout(timeout)
        sock = self.sock
        try:
            if hasattr(sock, "getpeercert") or isinstance(sock, _TLSInTLS):
                # TLS to the server inside the TLS to an https:// proxy.
                self.sock = _TLSInTLS(sock, context, server_hostname)
            else:
                self.sock = context.wrap_socket(sock, server_hostname=server_hostname)
        except socket.timeout:
            raise TimedOut() from None

    def _set_timeout(self, timeout: Optional[float]) -> None:
        if timeout != self._timeout:
            self.sock.settimeout(timeout)
            self._timeout = timeout

    def send(self, data: bytes, timeout: Optional[float]) -> None:
        self._set_timeout(timeout)
        try:
            self.sock.sendall(data)
        except socket.timeout:
            raise TimedOut() from None

    def receive(self, timeout: Optional[float]) -> bytes:
        if timeout != self._timeout:
            self.sock.settimeout(timeout)
            self._timeout = timeout
        try:
            data: bytes = self.sock.recv(READ_SIZE)
        except socket.timeout:
            raise TimedOut() from None
        return data

    def looks_alive(self) -> bool:
        """An idle connection the server has not closed (nor sent anything on)."""
        sock = self.sock
        if sock is None:
            return False
        if isinstance(sock, _TLSInTLS):
            sock = sock.outer
        pending = getattr(sock, "pending", None)
        if pending is not None and pending():
            return False  # TLS bytes already decrypted and unread
        try:
            if hasattr(select, "poll"):  # any descriptor number, unlike select()
                poller = select.poll()
                poller.register(sock, select.POLLIN)
                return not poller.poll(0)
            readable, _, _ = select.select([sock], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable

    def shutdown(self) -> None:
        """Stop the connection now, waking a read blocked in another thread."""
        sock = self.sock
        if sock is not None:
            try:
                (sock.outer if isinstance(sock, _TLSInTLS) else sock).shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        sock = self.sock
        if sock is not None:
            self.sock = None
            try:
                (sock.outer if isinstance(sock, _TLSInTLS) else sock).shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                sock.close()
            except OSError:
                pass


class _TLSInTLS:
    """TLS over an ``ssl.SSLSocket`` (the tunnel through an ``https://`` proxy), with
    ``ssl.MemoryBIO``: the sockets module cannot stack one TLS socket on another."""

    __slots__ = ("outer", "_tls", "_incoming", "_outgoing")

    def __init__(self, outer: Any, context: ssl.SSLContext, server_hostname: str) -> None:
        import ssl

        self.outer = outer
        self._incoming = ssl.MemoryBIO()
        self._outgoing = ssl.MemoryBIO()
        self._tls = context.wrap_bio(self._incoming, self._outgoing, server_hostname=server_hostname)
        self._run(self._tls.do_handshake)

    def _run(self, operation: Callable[..., Any], *args: Any) -> Any:
        import ssl

        while True:
            try:
                result = operation(*args)
            except ssl.SSLWantReadError:
                self._flush()
                data = self.outer.recv(READ_SIZE)
                if not data:
                    self._incoming.write_eof()
                else:
                    self._incoming.write(data)
                continue
            self._flush()
            return result

    def _flush(self) -> None:
        pending = self._outgoing.read()
        if pending:
            self.outer.sendall(pending)

    def settimeout(self, timeout: Optional[float]) -> None:
        self.outer.settimeout(timeout)

    def sendall(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            sent = self._run(self._tls.write, view)
            view = view[sent:]

    def recv(self, size: int) -> bytes:
        import ssl

        try:
            data: bytes = self._run(self._tls.read, size)
        except ssl.SSLZeroReturnError:
            return b""
        except ssl.SSLEOFError:
            # The server closed TCP without a TLS close_notify. A direct TLS socket
            # (suppress_ragged_eofs) and asyncio read that as the end of the bytes, and
            # the body's framing then tells a cut-off body: the same here.
            return b""
        return data

    def close(self) -> None:
        self.outer.close()


class _Pool:
    """Idle kept-alive connections, per destination; safe across threads."""

    def __init__(self) -> None:
        self._idle: Dict[Any, List[_Connection]] = {}
        self._lock = threading.Lock()
        self.closed = False

    def take(self, key: Any) -> Optional[_Connection]:
        with self._lock:
            idle = self._idle.get(key)
            while idle:
                connection = idle.pop()
                if connection.looks_alive():
                    return connection
                connection.close()
        return None

    def give(self, key: Any, connection: _Connection) -> None:
        with self._lock:
            if not self.closed:
                idle = self._idle.setdefault(key, [])
                if len(idle) < MAX_IDLE:
                    idle.append(connection)
                    return
        connection.close()

    def close(self) -> None:
        with self._lock:
            self.closed = True
            idle = [c for connections in self._idle.values() for c in connections]
            self._idle.clear()
        for connection in idle:
            connection.close()


def _run(procedure: Generator[Any, Any, Opened], pool: _Pool) -> Tuple[_Connection, Opened]:
    """Do what the sans-IO procedure asks until it returns the opened response."""
    connection = _Connection()
    result: Any = None
    thrown: Optional[BaseException] = None
    try:
        while True:
            try:
                op = procedure.throw(thrown) if thrown is not None else procedure.send(result)
            except StopIteration as stop:
                return connection, stop.value
            result = thrown = None
            try:
                if type(op) is Receive:
                    result = connection.receive(op.timeout)
                elif type(op) is Send:
                    connection.send(op.data, op.timeout)
                elif type(op) is Reuse:
                    idle = pool.take(op.key)
                    if idle is not None:
                        connection = idle
                    result = idle is not None
                elif type(op) is Connect:
                    connection.connect(op.host, op.port, op.timeout)
                elif type(op) is StartTLS:
                    connection.start_tls(op.context, op.server_hostname, op.timeout)
                elif type(op) is Discard:
                    connection.close()
                    connection = _Connection()
                elif type(op) is Sleep:
                    _sleep(op.seconds)
                else:  # pragma: no cover - a mistake in _exchange
                    raise AssertionError(f"unknown operation {op!r}")
            except (OSError, TimedOut) as exc:
                thrown = exc
    except BaseException:
        connection.close()
        raise


# -- the body -------------------------------------------------------------------------------


class _Body:
    """A response body being streamed: owns the connection until the body ends (then it
    goes back to the pool, when it can be reused) or :meth:`close` (then it is closed).

    The stream above iterates :meth:`reads` and never sees the connection.
    """

    __slots__ = (
        "connection", "parser", "clock", "url", "received", "_pool", "_key", "_closed", "_reading", "_released",
    )

    def __init__(self, connection: _Connection, opened: Opened, clock: StreamClock, pool: _Pool) -> None:
        self.connection = connection
        self.parser = opened.parser
        self.clock = clock
        self.url = opened.route.url
        self.received = 0
        self._pool = pool
        self._key = opened.route.pool_key
        self._closed = False
        self._reading = False
        self._released = False

    @property
    def closed(self) -> bool:
        return self._closed

    def reads(self, events_seen: Callable[[], int], whole: Callable[[], bool]) -> Iterator[bytes]:
        """The body's bytes, one piece per network read.

        *events_seen* counts what the layer above decoded (for ``Timeout(event=...)``);
        *whole* says it has the whole answer, so that a connection lost just before the
        end of the body is a clean end.
        """
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
        receive = self.connection.receive
        feed = parser.feed_body
        while not parser.complete:
            if not simple:
                wait, kind = clock.next_wait(events_seen())
            self._reading = True
            try:
                data = receive(wait)
            except TimedOut:
                raise clock.error(kind, wait, self.url, self.received) from None
            except (OSError, ValueError, AttributeError) as exc:
                # (ValueError, AttributeError: the socket was closed under the read.)
                parser.keep_alive = False
                if self._closed or whole():
                    self.release()
                    return
                raise broken_stream(self.url, self.received, _why(exc)) from exc
            finally:
                self._reading = False
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
        """The body ended: the connection goes back to the pool when it can carry more."""
        if self._released:
            return
        self._released = True
        if self.parser.complete and self.parser.keep_alive and not self._closed:
            self._closed = True
            self._pool.give(self._key, self.connection)
        else:
            self._closed = True
            self.connection.close()

    def finish(self) -> None:
        """The layer above has its whole answer (``data: [DONE]``): read what is left of the
        body (its last, empty chunk, typically), briefly, so that the connection can be
        reused; else close it."""
        if self._closed:
            self.release()
            return
        parser = self.parser
        deadline = time.monotonic() + DRAIN_SECONDS
        drained = 0
        try:
            while not parser.complete and drained < DRAIN_BYTES:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                data = self.connection.receive(left)
                if not data:
                    parser.end_of_input()
                    break
                drained += len(parser.feed_body(data))
        except (OSError, TimedOut, ProtocolError, ValueError, AttributeError):
            parser.keep_alive = False
        if drained:
            parser.keep_alive = False  # events after [DONE]: not a connection to trust again
        self.release()

    def close(self) -> None:
        """Close the connection now (the server sees it and can stop generating).

        From another thread, while a read waits, it only shuts the socket down, which
        wakes the read; the reading thread then finds the body closed and releases it."""
        if self._closed:
            return
        self._closed = True
        if self._reading:
            self.connection.shutdown()
            return
        self.release()


# -- the stream -------------------------------------------------------------------------------


class _Counts:
    """What the chunk layer's comment hook counts, kept off the stream so that the chunk
    iterator holds no reference back to it: a stream dropped without ``close()`` is then
    freed (and closed) at once, not when the cycle collector runs."""

    __slots__ = ("comments", "tracker", "recorder")

    def __init__(self) -> None:
        self.comments = 0
        #: Where ``record()`` sends the raw body, piece by piece.
        self.recorder: Optional[Callable[[bytes], object]] = None
        #: The updates layer's tracker once ``updates()`` was asked for: it shows
        #: keep-alive comments as updates.
        self.tracker: Optional[UpdateTracker] = None

    def comment(self, text: str) -> None:
        self.comments += 1
        if self.tracker is not None:
            self.tracker.comment(text)

    def follow(self, accumulator: Accumulator) -> UpdateTracker:
        """A tracker on *accumulator*, told about every comment from now on."""
        from ._updates import UpdateTracker

        tracker = UpdateTracker(accumulator)
        self.tracker = tracker
        return tracker


class _EventStream:
    """What every streaming endpoint's stream shares: the body it reads, the accumulator
    its items go into, how it ended, and closing. A subclass says which accumulator and
    which items (:meth:`_new_accumulator`, :meth:`_items`)."""

    def __init__(self, body: _Body, head: Any, *, model: str, redactor: Any) -> None:
        self.status: int = head.status
        self.headers: Headers = head.headers
        self.url = body.url
        self.model = model
        #: The error that ended the stream, if one did.
        self.error: Optional[OrsseError] = None
        self._body = body
        self._redactor = redactor
        self._counts = _Counts()
        self._ended = False
        self._closing = False
        self._owner: Any = None
        self.accumulator = self._new_accumulator()
        self._chunks: Optional[Iterator[Any]] = self._items(body)

    def _new_accumulator(self) -> Any:
        raise NotImplementedError

    def record(self, write: Callable[[bytes], object]) -> None:
        """Call ``write(piece)`` with each piece of the response body as it arrives (the
        transfer framing removed), before it is parsed: ``stream.record(file.write)``
        saves the body byte for byte, so that ``orsse parse FILE`` replays it. Call it
        before reading; pieces already read are not given again."""
        self._counts.recorder = write

    def _items(self, body: _Body) -> Iterator[Any]:
        raise NotImplementedError

    def _owns(self, client: Any) -> None:
        """Close *client* with the stream (the one-call shortcut's own client)."""
        self._owner = client

    # -- what it holds -------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether the connection is released (at the end, on an error, or by ``close()``)."""
        return self._body.closed

    @property
    def bytes_received(self) -> int:
        """Bytes of the body received so far."""
        return self._body.received

    @property
    def comments(self) -> int:
        """Comment lines (keep-alives such as ``: OPENROUTER PROCESSING``) seen so far."""
        return self._counts.comments

    def result(self) -> Any:
        """Read the rest of the stream and return the whole result.

        Raises the error that ended the stream, if any; and :class:`IncompleteStreamError`
        (with ``.partial``) when the stream was closed before its end.
        """
        for _ in self:
            pass
        if self.error is not None:
            raise self.error
        if not self._ended:
            raise self._closed_early()
        return self.accumulator.result()

    # -- iteration ------------------------------------------------------------------------

    def __iter__(self) -> Any:
        return self

    def __next__(self) -> Any:
        chunks = self._chunks
        if chunks is None:
            raise StopIteration
        try:
            return next(chunks)
        except StopIteration:
            self._ended = not self._closing
            self._stop(finished=self._ended)
            raise
        except OrsseError as exc:
            if self._closing:  # closed from another thread while a read waited
                self._stop()
                raise StopIteration from None
            self.error = self._redactor.error(exc)
            self._stop()
            raise
        except BaseException:
            self._stop()
            raise

    def _stop(self, finished: bool = False) -> None:
        self._chunks = None
        if finished:
            self._body.finish()
        else:
            self._body.close()
            self._body.release()
        if self._owner is not None:
            self._owner.close()
            self._owner = None

    # -- closing -----------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection now (the server sees it closed and can stop generating).

        Safe to call more than once, and from another thread to stop a waiting read.
        """
        self._closing = True
        body = self._body
        reading = body._reading
        body.close()
        if not reading:
            body.release()
            chunks = self._chunks
            self._chunks = None
            close = getattr(chunks, "close", None)
            if close is not None:
                try:
                    close()
                except ValueError:  # running in another thread
                    pass
            if self._owner is not None:
                self._owner.close()
                self._owner = None

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __del__(self) -> None:
        body = getattr(self, "_body", None)
        if body is not None and not body.closed:
            message = (
                f"{self!r} was not closed: use 'with client.stream_chat(...) as stream:' "
                "or read it to its end"
            )
            # Closed before the warning, which a filter may turn into an exception.
            body.close()
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


class ChatStream(_EventStream):
    """An open streaming chat completion: iterate it for chunks, close it when done.

    Use it as a context manager; leaving the ``with`` block early (``break``, an
    exception) closes the connection, which stops the generation upstream. A stream
    read to its end gives its connection back to the client for the next request.
    Errors raised while iterating carry ``.partial``, the completion rebuilt so far.

    ``completion`` is the completion as it stands (partial while streaming); ``result()``
    reads to the end first. ``headers`` are the response headers, ``generation_id`` the
    ``X-Generation-Id`` header (or the id of the first chunk), ``status`` the HTTP status.
    ``accumulator`` is the :class:`Accumulator` every chunk went into.
    """

    accumulator: Accumulator

    def _new_accumulator(self) -> Accumulator:
        return Accumulator()

    def _items(self, body: _Body) -> Iterator[ChatCompletionChunk]:
        return iter_chunks(self._reads(body), accumulator=self.accumulator, on_comment=self._counts.comment)

    def _reads(self, body: _Body) -> Iterator[bytes]:
        accumulator = self.accumulator
        return _recorded(body.reads(lambda: accumulator.chunk_count, lambda: accumulator.done or accumulator.finished), self._counts)

    def __iter__(self) -> ChatStream:
        return self

    if TYPE_CHECKING:  # the base's __next__, typed: no extra call per item at run time

        def __next__(self) -> ChatCompletionChunk: ...

    def __enter__(self) -> ChatStream:
        return self

    @property
    def generation_id(self) -> Optional[str]:
        """OpenRouter's generation id: the ``X-Generation-Id`` header, else the chunks' id."""
        return self.headers.get("X-Generation-Id") or self.accumulator.id

    @property
    def completion(self) -> ChatCompletion:
        """The completion rebuilt from the chunks received so far."""
        return self.accumulator.result()

    def result(self) -> ChatCompletion:
        """Read the rest of the stream and return the whole completion.

        Raises the error that ended the stream, if any; and :class:`IncompleteStreamError`
        (with ``.partial``) when the stream was closed before its end.
        """
        completion: ChatCompletion = _EventStream.result(self)
        return completion

    def updates(self) -> Iterator[AnyUpdate]:
        """The stream as typed updates (``orsse.iter_updates``): text and tool calls as they
        form, keep-alives, and the rebuilt completion last. Ask before reading any chunk;
        leaving the loop early closes the stream."""
        tracker = self._counts.follow(self.accumulator)
        if self._body.received == 0 and self._chunks is not None:
            # Nothing read yet, and nobody will see the chunks: plain ones can go from
            # their dicts into the accumulator, as in iter_updates.
            self._chunks = merge_reads(self._reads(self._body), self.accumulator, "updates", self._counts.comment)
        return tracker.follow(self)

    def text_stream(self) -> Iterator[str]:
        """Just the content's new text, piece by piece, for the simplest display."""
        from ._updates import content_text

        return content_text(self.updates())

    def _progress(self) -> str:
        return f"chunks={self.accumulator.chunk_count}"

    def _closed_early(self) -> IncompleteStreamError:
        return IncompleteStreamError("the stream was closed before its end", self.accumulator.result())


class ResponseStream(_EventStream):
    """An open Responses API stream (``POST /responses``): iterate it for typed events.

    The same life as :class:`ChatStream` (``with``, ``close()``, reuse), its errors carrying
    the response so far as ``.partial_response``; ``response`` is the :class:`Response`
    rebuilt so far, ``result()`` reads to the end and returns the final one; ``accumulator``
    is its :class:`ResponseAccumulator`.
    """

    accumulator: ResponseAccumulator

    def _new_accumulator(self) -> ResponseAccumulator:
        from ._responses import ResponseAccumulator

        return ResponseAccumulator()

    def _items(self, body: _Body) -> Iterator[ResponseEvent]:
        from ._responses import iter_response_events

        accumulator = self.accumulator
        return iter_response_events(
            _recorded(body.reads(lambda: accumulator.event_count, lambda: accumulator.final is not None), self._counts),
            accumulator=accumulator,
            on_comment=self._counts.comment,
        )

    def __iter__(self) -> ResponseStream:
        return self

    if TYPE_CHECKING:  # the base's __next__, typed: no extra call per item at run time

        def __next__(self) -> ResponseEvent: ...

    def __enter__(self) -> ResponseStream:
        return self

    @property
    def generation_id(self) -> Optional[str]:
        """OpenRouter's ``X-Generation-Id`` header, else the response's id."""
        return self.headers.get("X-Generation-Id") or self.accumulator.result().id

    @property
    def response(self) -> Response:
        """The response rebuilt from the events received so far."""
        return self.accumulator.result()

    def result(self) -> Response:
        """Read the rest of the stream and return the final response (see
        :meth:`ChatStream.result`)."""
        response: Response = _EventStream.result(self)
        return response

    def _progress(self) -> str:
        return f"events={self.accumulator.event_count}"

    def _closed_early(self) -> IncompleteStreamError:
        return IncompleteStreamError(
            "the stream was closed before its end", partial_response=self.accumulator.result()
        )


# -- the client -------------------------------------------------------------------------------


class Client:
    """A reusable, thread-safe OpenRouter (or any OpenAI-compatible) client.

    ``api_key`` defaults to ``$OPENROUTER_API_KEY``; with no key, OpenRouter's own
    ``base_url`` raises :class:`MissingAPIKeyError` and any other sends no
    ``Authorization`` (local servers need none). ``timeout`` is an :class:`orsse.Timeout`,
    seconds for connect and read, or a ``(connect, read)`` pair. ``max_retries``: how
    often a failure before the stream starts is retried (see the README). ``headers``
    adds or replaces request headers (``None`` removes one); ``app_url`` / ``app_title``
    send OpenRouter's attribution headers. ``ssl_context`` replaces the default TLS
    context (to trust a private CA: ``ssl.create_default_context(cafile=...)``).
    ``proxy`` is an ``http://`` or ``https://`` proxy URL; by default it comes from
    ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``ALL_PROXY`` / ``NO_PROXY``; ``None`` ignores them.

    Connections are kept alive and reused after a stream read to its end. Use it as a
    context manager, or call :meth:`close`.
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
    ) -> ChatStream:
        """Start a streaming chat completion and return the open :class:`ChatStream`.

        ``POST {base_url}/chat/completions`` with ``{"model", "messages", **params,
        "stream": true}``. *messages* is a list of message dicts (a :class:`Message`
        from an earlier completion may stand in for one), or a string, sent as one user
        message. *params* go into the JSON body as they are (``temperature=0.2``,
        ``tools=[...]``, …); a client option among them (``timeout=``, ``verify=``, …)
        raises :class:`InvalidRequestError` (a ``TypeError``): a field of such a name
        goes in ``extra_body``.

        Raises :class:`APIStatusError` for an HTTP error (:class:`NotEventStreamError`
        for a success that is not an event stream), :class:`APIConnectionError` (and
        :class:`ConnectTimeout`, :class:`ProxyError`) when no connection could be made,
        :class:`ReadTimeout` when the response does not come.
        """
        body = chat_body(model, messages, params, extra_body, "stream_chat")
        connection, opened, clock = self._open("chat/completions", body)
        return ChatStream(
            _Body(connection, opened, clock, self._pool), opened.head, model=model, redactor=self._config.redactor
        )

    def stream_responses(
        self,
        model: str,
        input: Union[str, Sequence[Any]],  # noqa: A002 - the API's own name
        *,
        extra_body: Optional[Mapping[str, Any]] = None,
        **params: Any,
    ) -> ResponseStream:
        """Start a Responses API stream and return the open :class:`ResponseStream`.

        ``POST {base_url}/responses`` with ``{"model", "input", **params, "stream": true}``;
        *input* is a string or a list of input items. Checks *params* and raises as
        :meth:`stream_chat` does.
        """
        body = responses_body(model, input, params, extra_body, "stream_responses")
        connection, opened, clock = self._open("responses", body)
        return ResponseStream(
            _Body(connection, opened, clock, self._pool), opened.head, model=model, redactor=self._config.redactor
        )

    def _open(self, endpoint: str, body: bytes) -> Tuple[_Connection, Opened, StreamClock]:
        """``POST`` a JSON *body* to ``{base_url}/{endpoint}`` and wait for its event stream
        to start: the generic path every streaming endpoint takes."""
        if self._pool.closed:
            raise RuntimeError("the client is closed")
        config = self._config
        connection, opened = _run(open_stream(config, config.route(endpoint), body), self._pool)
        return connection, opened, StreamClock(config, opened.deadline)

    def close(self) -> None:
        """Close the idle connections; streams still open keep theirs until they end."""
        self._pool.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<orsse.Client {self._config.base_display}>"


def _recorded(reads: Iterator[bytes], counts: _Counts) -> Iterator[bytes]:
    """*reads*, each also handed to the stream's recorder when one is set (``record()``)."""
    for piece in reads:
        recorder = counts.recorder
        if recorder is not None:
            recorder(piece)
        yield piece
