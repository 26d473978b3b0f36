"""The exceptions orsse raises: one base class, one subclass per kind of failure."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    from typing import Any, Mapping, Optional, Sequence, Tuple, Type

    from ._completion import ChatCompletion
    from ._response_types import Response

#: How much of a bad payload an error message quotes: enough to recognise it,
#: never so much that a multi-megabyte event floods a log.
EXCERPT_CHARS = 200


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``repr`` of at most *limit* characters of *text*, saying how much was cut."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text)} characters in all)"


class OrsseError(Exception):
    """Base class of every error orsse raises.

    ``partial`` is the chat completion rebuilt from what arrived before the error, when
    the error happened while chunks were being collected (``iter_chunks``, ``collect``,
    ``stream_chat``); ``None`` when there was nothing to rebuild.

    ``partial_response`` is the same for a Responses API stream (``iter_response_events``,
    ``collect_response``, ``stream_responses``): the :class:`Response` rebuilt so far, typed
    as one; ``None`` on every other error. Code written before it existed read that response
    as ``partial``, so ``partial`` still returns it on such an error at run time, though a
    type checker sees a chat completion there: read ``partial_response`` instead.
    """

    partial_response: Optional[Response] = None

    @property
    def partial(self) -> Optional[ChatCompletion]:
        """The chat completion so far (see the class); on a Responses stream's error, its
        ``partial_response``, for code written before that attribute."""
        completion: Optional[ChatCompletion] = self.__dict__.get("partial")
        if completion is None and self.partial_response is not None:
            # The one place a Response passes as a chat completion: kept so that old
            # Responses code (``error.partial.output_text``) runs; typed code reads
            # ``partial_response``, which says what it holds.
            return self.partial_response  # type: ignore[return-value]
        return completion

    @partial.setter
    def partial(self, completion: Optional[ChatCompletion]) -> None:
        # Kept in the instance dict under its own name, as when it was a plain attribute:
        # pickles and ``vars(error)`` see it as before.
        self.__dict__["partial"] = completion

    def __reduce__(self) -> Tuple[Any, ...]:
        # The default rebuilds an exception by calling its class with ``args`` (the
        # message alone), which the subclasses' constructors do not take. Rebuilt
        # without __init__ instead, an error crosses pickle (multiprocessing, a task
        # queue) with its message and every attribute, ``partial`` included.
        return (_rebuild, (type(self), self.args), self.__dict__)


def _rebuild(cls: Type[OrsseError], args: Tuple[Any, ...]) -> OrsseError:
    error = cls.__new__(cls, *args)
    error.args = args  # OSError's __new__ (the timeouts' TimeoutError) leaves them to __init__
    return error


class SSEError(OrsseError, ValueError):
    """The bytes are not an event stream orsse will accept."""


class SSELimitError(SSEError):
    """A line or an event grew past the decoder's configured limit.

    Raised before the oversized data is stored, so memory stays bounded by the
    limit whatever the peer sends. ``events`` holds what the same read completed
    before the limit was crossed (events; data strings for ``iter_data`` and
    ``iter_json``): the iterators deliver those first (the chunk iterators as chunks),
    so nothing that arrived whole is lost.
    """

    events: Sequence[Any] = ()

    def __init__(self, limit_name: str, limit: int, size: int, offset: int) -> None:
        self.limit_name = limit_name
        self.limit = limit
        self.size = size
        self.offset = offset
        super().__init__(
            f"{limit_name} exceeded: {size} > {limit} near byte {offset} of the stream "
            f"(raise SSEDecoder({limit_name}=...) if such events are expected)"
        )


class ChunkDecodeError(OrsseError, ValueError):
    """A data event's payload is not a JSON object."""

    def __init__(self, reason: str, payload: str, event_index: int) -> None:
        self.reason = reason
        self.payload = payload
        self.event_index = event_index
        super().__init__(
            f"data event #{event_index} of the stream is not a JSON object ({reason}): "
            f"{excerpt(payload)}"
        )


class StreamError(OrsseError):
    """The server reported an error inside a stream that had started with 200 OK.

    ``partial`` holds the chat completion so far; on a Responses API stream (a
    ``response.failed`` or ``error`` event), ``partial_response`` holds the response so far.
    """

    def __init__(
        self,
        code: Any,
        message: str,
        metadata: Optional[Mapping[str, Any]] = None,
        partial: Optional[ChatCompletion] = None,
        *,
        partial_response: Optional[Response] = None,
    ) -> None:
        self.code = code
        self.message = message
        self.metadata = metadata
        self.partial = partial
        self.partial_response = partial_response
        where = f" (code {code})" if code is not None else ""
        super().__init__(f"the server reported an error mid-stream{where}: {message}")


class IncompleteStreamError(OrsseError):
    """The stream ended with neither ``data: [DONE]`` nor a finish reason: it was cut off.

    ``partial`` holds the chat completion so far; on a Responses API stream (no
    ``response.completed``, ``.incomplete`` or ``.failed``), ``partial_response`` holds the
    response so far.
    """

    def __init__(
        self, message: str, partial: Optional[ChatCompletion] = None, *, partial_response: Optional[Response] = None
    ) -> None:
        super().__init__(message)
        self.partial = partial
        self.partial_response = partial_response


class ResponseLimitError(OrsseError, ValueError):
    """A rebuilt Responses API response grew past its accumulator's ``max_response_size``.

    Raised before more is kept, so memory stays bounded whatever the server sends;
    ``partial_response`` is the response rebuilt so far, ``limit`` and ``size`` are in
    characters.
    """

    def __init__(self, message: str, limit: int, size: int, partial_response: Optional[Response] = None) -> None:
        super().__init__(message)
        self.limit = limit
        self.size = size
        self.partial_response = partial_response


class ToolArgumentsError(OrsseError, ValueError):
    """A tool call's ``arguments`` text is not valid JSON (the model wrote it wrong, or the
    stream was cut off inside it).

    ``tool_call_id``, ``name`` and ``index`` name the call; ``reason`` and ``position`` (a
    character offset in ``arguments``) say what is wrong and where; ``arguments`` is the
    whole text, so that it can be shown or sent back to the model for a retry.
    """

    def __init__(
        self,
        reason: str,
        position: int,
        *,
        arguments: str = "",
        tool_call_id: Optional[str] = None,
        name: Optional[str] = None,
        index: Optional[int] = None,
    ) -> None:
        self.reason = reason
        self.position = position
        self.arguments = arguments
        self.tool_call_id = tool_call_id
        self.name = name
        self.index = index
        call = f"tool call #{index}" if index is not None else "tool call"
        if name is not None:
            call += f" {name!r}"
        if tool_call_id is not None:
            call += f" (id {tool_call_id!r})"
        super().__init__(
            f"the arguments of {call} are not valid JSON: {reason} at character {position} "
            f"of {excerpt(arguments)}"
        )




class NotChatStreamError(OrsseError, ValueError):
    """The body is not a chat-completion stream at all: empty, a JSON document (a
    non-streaming response: was ``"stream": true`` sent?), or another API's event stream
    (the Responses API's). ``head`` is the start of the body, as text."""

    def __init__(self, message: str, head: str = "") -> None:
        super().__init__(message)
        self.head = head


class CompletionLimitError(OrsseError):
    """The completion rebuilt from a stream grew past a limit of its ``Accumulator``
    (``max_text``, ``max_tool_calls``, ``max_choices``): a stream that would exhaust
    memory. ``partial`` holds the completion up to the chunk that crossed the limit."""

    def __init__(
        self,
        limit_name: str,
        limit: int,
        size: int,
        chunk_index: int,
        partial: Optional[ChatCompletion] = None,
    ) -> None:
        self.limit_name = limit_name
        self.limit = limit
        self.size = size
        self.chunk_index = chunk_index
        self.partial = partial
        super().__init__(
            f"the rebuilt completion exceeded {limit_name}: {size} > {limit} at chunk "
            f"#{chunk_index} (pass Accumulator({limit_name}=...) if such answers are expected)"
        )


class InputTypeError(OrsseError, TypeError):
    """A function was given the wrong kind of input (text where bytes belong, one bytes
    object where an iterable of reads belongs…); the message says what to pass."""


# -- the client's errors (orsse.stream_chat) ---------------------------------------------


class MissingAPIKeyError(OrsseError):
    """No API key was given and ``OPENROUTER_API_KEY`` is not set (or is empty)."""


class APIConnectionError(OrsseError):
    """The connection could not be made, or broke before any response arrived.

    Nothing was streamed yet, so ``partial`` is ``None``; ``url`` is the address that
    was asked (never with credentials in it).
    """

    def __init__(self, message: str, url: Optional[str] = None) -> None:
        super().__init__(message)
        self.url = url


class APITimeoutError(OrsseError, TimeoutError):
    """Base class of the client's timeouts; also a built-in :class:`TimeoutError`.

    ``timeout`` is the limit, in seconds, that ran out.
    """

    def __init__(
        self,
        message: str,
        timeout: Optional[float] = None,
        url: Optional[str] = None,
        partial: Optional[ChatCompletion] = None,
    ) -> None:
        super().__init__(message)
        self.timeout = timeout
        self.url = url
        self.partial = partial


class ConnectTimeout(APITimeoutError, APIConnectionError):
    """The connection (TCP and TLS) was not made within the connect timeout."""


class ProxyError(APIConnectionError):
    """The proxy failed: it could not be reached, refused the tunnel, or asked for
    credentials (HTTP 407, never retried).

    ``proxy`` is the proxy's address (never with its credentials); ``status`` the status
    the proxy answered with, ``None`` when it never answered.
    """

    def __init__(
        self, message: str, url: Optional[str] = None, *, proxy: str = "", status: Optional[int] = None
    ) -> None:
        super().__init__(message, url)
        self.proxy = proxy
        self.status = status


class ProtocolError(APIConnectionError):
    """The server's answer is not HTTP/1.1 orsse can read: a garbled status line or
    chunk, a head larger than the limit, or a body encoded (gzip, …) although the request
    asked for none."""


class InvalidRequestError(OrsseError, TypeError):
    """A request orsse will not send: a transport option given as a request field
    (``verify=``, ``proxy=`` … on ``stream_chat``), or a value JSON cannot encode.

    Also a :class:`TypeError`, which is what a wrong argument is."""


class ReadTimeout(APITimeoutError):
    """No byte arrived within the read timeout, waiting for the response or between
    two reads of the stream. Mid-stream, ``partial`` holds what had arrived."""


class TotalTimeout(APITimeoutError):
    """A deadline of the whole call ran out: ``Timeout(total=...)`` for the request and
    its stream together, or ``Timeout(event=...)``, the longest wait for an event while
    the server sends only keep-alive comments. ``partial`` holds what had arrived."""


class APIStatusError(OrsseError):
    """The server answered with an HTTP error status instead of a stream.

    ``status`` and ``reason`` are the HTTP status; ``code``, ``message`` and ``metadata``
    come from an OpenRouter-style ``{"error": {...}}`` body (``None`` when the body said
    nothing of the kind); ``body`` is the start of the raw body as text (at most 64 KiB);
    ``retry_after`` is the ``Retry-After`` header in seconds (``None`` when absent);
    ``headers`` are the response headers; ``generation_id`` is ``X-Generation-Id``.
    """

    def __init__(
        self,
        status: int,
        *,
        reason: str = "",
        code: Any = None,
        message: Optional[str] = None,
        metadata: Optional[Mapping[str, Any]] = None,
        body: str = "",
        headers: Any = None,
        retry_after: Optional[float] = None,
        url: Optional[str] = None,
        generation_id: Optional[str] = None,
    ) -> None:
        self.status = status
        self.reason = reason
        self.code = code
        self.message = message
        self.metadata = metadata
        self.body = body
        self.headers = headers
        self.retry_after = retry_after
        self.url = url
        self.generation_id = generation_id
        super().__init__(self._describe())

    def _describe(self) -> str:
        head = f"HTTP {self.status}{' ' + self.reason if self.reason else ''}"
        if self.url:
            head += f" from {self.url}"
        return head + ": " + self._detail()

    def _detail(self) -> str:
        if self.message is not None:
            text = self.message
            if self.code is not None and self.code != self.status:
                text += f" (code {self.code})"
        elif self.body:
            text = excerpt(self.body)
        else:
            text = "(empty body)"
        provider = self.metadata.get("provider_name") if isinstance(self.metadata, dict) else None
        if provider:
            text += f" [provider: {provider}]"
        if self.retry_after is not None:
            text += f"; retry after {self.retry_after:g}s"
        return text


class NotEventStreamError(APIStatusError):
    """A success status, but the body is not ``text/event-stream``: it is reported,
    never parsed as events. ``content_type`` is what the server said it sent."""

    def __init__(self, status: int, *, content_type: Optional[str] = None, **kwargs: Any) -> None:
        self.content_type = content_type
        super().__init__(status, **kwargs)

    def _describe(self) -> str:
        where = f" from {self.url}" if self.url else ""
        return (
            f"expected a text/event-stream response{where}, got HTTP {self.status} with "
            f"Content-Type {self.content_type!r}: {self._detail()}"
        )


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def read_failure(exc: Exception, caller: str, progress: str) -> OrsseError:
    """What a non-orsse exception out of reading the caller's byte source was.

    A TypeError or AttributeError raised inside orsse (its innermost frame in this folder)
    means the reads were not bytes: an :class:`InputTypeError`. Anything else is the
    byte source failing (a dropped connection in requests or httpx): an
    :class:`IncompleteStreamError`, *progress* saying how far the stream got.
    """
    frame = exc.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    raised_here = frame is not None and frame.tb_frame.f_code.co_filename.startswith(_PACKAGE_DIR)
    if raised_here and isinstance(exc, (TypeError, AttributeError)):
        return InputTypeError(f"{caller}() reads an iterable of bytes, and a read was not bytes ({exc})")
    return IncompleteStreamError(f"the byte source raised {type(exc).__name__} {progress}: {exc}")
