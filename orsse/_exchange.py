"""One request, from connecting to the first byte of the stream, as a sans-IO procedure.

:func:`open_stream` is a generator: it yields what to do (:class:`Connect`,
:class:`StartTLS`, :class:`Send`, :class:`Receive`, :class:`Sleep`, …), the driver does
it and sends back the result (or throws in the ``OSError`` / :class:`TimedOut` it met),
and the generator returns the :class:`Opened` response once a stream can be read. So
the sync client (sockets) and the async one (asyncio) run the very same decisions: the
proxy tunnel, the status, reading a bounded error body, which failures are retried and
after how long, the total deadline, and what every error says (with secrets masked).

What is retried, before the first byte of the stream only and at most ``max_retries``
times: a connection that could not be made (not a refused certificate), a connection
that closed or reset before any byte of the response (the server did not take the
request: OpenRouter starts no generation it does not answer), statuses 408, 429, 502
and 503 after ``Retry-After`` or a jittered exponential backoff. A kept-alive
connection that turns out dead before answering is replaced at once, uncounted. A read
timeout, a 407 from the proxy and any response that started to stream are never retried.
"""

from __future__ import annotations

import json
import math
import random
import time
from datetime import timezone
from email.utils import parsedate_to_datetime

from ._errors import (
    APIConnectionError,
    APIStatusError,
    ConnectTimeout,
    IncompleteStreamError,
    NotEventStreamError,
    OrsseError,
    ProtocolError,
    ProxyError,
    ReadTimeout,
    TotalTimeout,
)
from ._http import ResponseParser

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    import ssl
    from typing import Any, Dict, Generator, Optional, Tuple

    from ._client import ClientConfig, Proxy, Route
    from ._http import Headers, ResponseHead
    from ._redact import Redactor

#: How much of an error body is read and kept.
MAX_ERROR_BODY = 65536
#: The longest an error body is read for, whatever the read timeout: a body that drips
#: in byte by byte is cut there (what came is kept).
MAX_ERROR_BODY_SECONDS = 5.0
#: Statuses retried (before the stream starts, when ``max_retries`` allows).
RETRY_STATUSES = frozenset((408, 429, 502, 503))
BACKOFF_BASE = 0.5
BACKOFF_MAX = 8.0
#: A ``Retry-After`` longer than this is not waited for: the error is raised at once.
MAX_RETRY_AFTER = 60.0

_random = random.random


class TimedOut(Exception):
    """Thrown in by a driver: the operation's timeout ran out."""


class Unsupported(OSError):
    """Thrown in by a driver: this Python cannot do what was asked (never retried)."""


# -- what the driver is asked to do ---------------------------------------------------------


class Reuse:
    """Take an idle kept-alive connection for *key*, if the pool has one: send back a bool."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key


class Connect:
    """Open a TCP connection to *host*:*port* within *timeout*."""

    __slots__ = ("host", "port", "timeout")

    def __init__(self, host: str, port: int, timeout: Optional[float]) -> None:
        self.host = host
        self.port = port
        self.timeout = timeout


class StartTLS:
    """Start TLS over the connection (inside the TLS to a proxy, when there is one)."""

    __slots__ = ("context", "server_hostname", "timeout")

    def __init__(self, context: ssl.SSLContext, server_hostname: str, timeout: Optional[float]) -> None:
        self.context = context
        self.server_hostname = server_hostname
        self.timeout = timeout


class Send:
    __slots__ = ("data", "timeout")

    def __init__(self, data: bytes, timeout: Optional[float]) -> None:
        self.data = data
        self.timeout = timeout


class Receive:
    """Send back the next bytes the connection has (``b""`` at its end)."""

    __slots__ = ("timeout",)

    def __init__(self, timeout: Optional[float]) -> None:
        self.timeout = timeout


class Discard:
    """Close the connection: it is not reused."""

    __slots__ = ()


class Sleep:
    __slots__ = ("seconds",)

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


class Opened:
    """A response whose stream can now be read: its head, the parser that reads its
    body, and the call's deadlines."""

    __slots__ = ("head", "parser", "deadline", "route")

    def __init__(self, head: ResponseHead, parser: ResponseParser, deadline: Optional[float], route: Route) -> None:
        self.head = head
        self.parser = parser
        self.deadline = deadline
        self.route = route


# -- the procedure -----------------------------------------------------------------------


class _Stale(Exception):
    """A kept-alive connection was dead before it answered."""


def _why(exc: BaseException) -> str:
    text = str(exc)
    name = type(exc).__name__
    if not text:
        return name
    return text if text.startswith(name) else f"{name}: {text}"


def _limit(seconds: Optional[float], deadline: Optional[float]) -> Tuple[Optional[float], bool]:
    """The wait allowed, and whether the total deadline is what limits it."""
    if deadline is None:
        return seconds, False
    left = max(0.0, deadline - time.monotonic())
    if seconds is None or left < seconds:
        return left, True
    return seconds, False


def _total_timeout(config: ClientConfig, url: str, what: str) -> TotalTimeout:
    total = config.timeout.total
    return TotalTimeout(f"the total timeout of {total:g}s ran out {what} ({url})", total, url)


def open_stream(
    config: ClientConfig, route: Route, body: bytes, accept: str = "text/event-stream"
) -> Generator[Any, Any, Opened]:
    """Send ``POST`` *body* along *route* until a response with a *accept* body starts.

    Raises the orsse error the call ends with, every message masked.
    """
    timeout = config.timeout
    deadline = None if timeout.total is None else time.monotonic() + timeout.total
    request = config.request(route, body)
    redactor = config.redactor
    attempt = 0
    reuse = True
    while True:
        reused = bool((yield Reuse(route.pool_key))) if reuse else False
        try:
            opened = yield from _attempt(config, route, request, deadline, reused, accept)
        except _Stale:
            yield Discard()
            reuse = False  # a fresh connection, and it does not count as a retry
            continue
        except OrsseError as error:
            yield Discard()
            redactor.error(error)
            delay = retry_delay(error, attempt, config.max_retries)
            if delay is None:
                raise
            if deadline is not None and time.monotonic() + delay >= deadline:
                raise
            _log_retry(error, delay, attempt + 1, config.max_retries)
            yield Sleep(delay)
            attempt += 1
            continue
        return opened


def _attempt(
    config: ClientConfig,
    route: Route,
    request: bytes,
    deadline: Optional[float],
    reused: bool,
    accept: str,
) -> Generator[Any, Any, Opened]:
    url = route.url
    timeout = config.timeout
    if not reused:
        yield from _connect(config, route, deadline)
    read, by_total = _limit(timeout.read, deadline)
    try:
        yield Send(request, read)
    except (OSError, TimedOut) as exc:
        if reused:
            raise _Stale() from exc
        error = APIConnectionError(f"the connection to {url} failed while sending the request: {_why(exc)}", url)
        error._retryable = True  # type: ignore[attr-defined]
        raise error from exc
    parser = ResponseParser()
    received = 0
    while True:
        read, by_total = _limit(timeout.read, deadline)
        try:
            data = yield Receive(read)
        except TimedOut:
            if by_total:
                raise _total_timeout(config, url, "waiting for the response") from None
            raise ReadTimeout(f"no response from {url} within {read:g}s", read, url) from None
        except OSError as exc:
            if reused and not received:
                raise _Stale() from exc
            error = APIConnectionError(
                f"the connection to {url} broke before a response ({_why(exc)})", url
            )
            error._retryable = not received  # type: ignore[attr-defined]
            raise error from exc
        if not data:
            if reused and not received:
                raise _Stale()
            error = APIConnectionError(
                f"the server at {url} closed the connection before answering"
                if not received
                else f"the server at {url} closed the connection inside the response head",
                url,
            )
            error._retryable = not received  # type: ignore[attr-defined]
            raise error
        received += len(data)
        try:
            head = parser.feed_head(data)
        except ProtocolError as error:
            error.url = url
            error.args = (f"{error.args[0]} (from {url})",)
            raise
        if head is not None:
            break
    content_type = head.headers.get("content-type")
    proxy = route.proxy
    if head.status == 407 and proxy is not None and not route.tunnel:
        # A forwarding proxy answers for itself: its 407 is about the proxy, not the server.
        yield Discard()
        raise _proxy_auth_error(proxy, route, config.redactor.text(head.reason))
    if 200 <= head.status < 300 and _media_type(content_type) == accept:
        if parser.content_encoding is not None:
            raise ProtocolError(
                f"the stream from {url} is {parser.content_encoding}-encoded although orsse "
                "asked for identity (Accept-Encoding: identity), and orsse does not decode it: "
                "a proxy or server in between compressed it",
                url,
            )
        return Opened(head, parser, deadline, route)
    raw = yield from _error_body(parser, config, deadline)
    raise response_error(head, raw, url, config.redactor, parser.content_encoding, accept)


def _connect(config: ClientConfig, route: Route, deadline: Optional[float]) -> Generator[Any, Any, None]:
    timeout = config.timeout
    url = route.url
    proxy = route.proxy
    host, port = (proxy.host, proxy.port) if proxy is not None else (route.host, route.port)
    limit, by_total = _limit(timeout.connect, deadline)
    try:
        yield Connect(host, port, limit)
        if proxy is not None and proxy.scheme == "https":
            limit, by_total = _limit(timeout.connect, deadline)
            yield StartTLS(config.context(), proxy.host, limit)
    except TimedOut:
        if by_total:
            raise _total_timeout(config, url, "connecting") from None
        if proxy is not None:
            raise ProxyError(
                f"could not connect to the proxy {proxy.display} within {limit:g}s (for {url})",
                url, proxy=proxy.display,
            ) from None
        raise ConnectTimeout(f"could not connect to {url} within {limit:g}s", limit, url) from None
    except OSError as exc:
        if proxy is not None:
            error: APIConnectionError = ProxyError(
                f"could not connect to the proxy {proxy.display} (for {url}): {_why(exc)}",
                url, proxy=proxy.display,
            )
        else:
            error = APIConnectionError(f"could not connect to {url}: {_why(exc)}", url)
        if _is_certificate_error(exc):
            error.args = (error.args[0] + _CERTIFICATE_HINT,)
            error._retryable = False  # type: ignore[attr-defined]
        raise error from exc
    if route.tunnel:
        assert proxy is not None
        yield from _tunnel(config, route, deadline)
    if route.scheme == "https":
        limit, by_total = _limit(timeout.connect, deadline)
        try:
            yield StartTLS(config.context(), route.host, limit)
        except TimedOut:
            if by_total:
                raise _total_timeout(config, url, "in the TLS handshake") from None
            raise ConnectTimeout(f"the TLS handshake with {url} took over {limit:g}s", limit, url) from None
        except Unsupported as exc:
            error = APIConnectionError(f"cannot reach {url}: {exc}", url)
            error._retryable = False  # type: ignore[attr-defined]
            raise error from None
        except OSError as exc:
            error = APIConnectionError(f"the TLS handshake with {url} failed: {_why(exc)}", url)
            if _is_certificate_error(exc):
                error.args = (error.args[0] + _CERTIFICATE_HINT,)
                error._retryable = False  # type: ignore[attr-defined]
            raise error from exc


_CERTIFICATE_HINT = (
    "; to trust a private CA, pass ssl_context=ssl.create_default_context(cafile=...) "
    "or set SSL_CERT_FILE"
)


def _is_certificate_error(exc: BaseException) -> bool:
    return type(exc).__name__ == "SSLCertVerificationError" or hasattr(exc, "verify_code")


def _tunnel(config: ClientConfig, route: Route, deadline: Optional[float]) -> Generator[Any, Any, None]:
    proxy = route.proxy
    assert proxy is not None
    url = route.url
    limit, by_total = _limit(config.timeout.connect, deadline)
    parser = ResponseParser(head_only=True)
    try:
        yield Send(route.connect_request(), limit)
        head = None
        while head is None:
            limit, by_total = _limit(config.timeout.connect, deadline)
            data = yield Receive(limit)
            if not data:
                raise ProxyError(
                    f"the proxy {proxy.display} closed the connection instead of opening a tunnel to {url}",
                    url, proxy=proxy.display,
                )
            head = parser.feed_head(data)
    except TimedOut:
        if by_total:
            raise _total_timeout(config, url, "waiting for the proxy") from None
        raise ProxyError(
            f"the proxy {proxy.display} did not open a tunnel to {url} within {limit:g}s",
            url, proxy=proxy.display,
        ) from None
    except ProtocolError as exc:
        raise ProxyError(f"the proxy {proxy.display} answered the CONNECT with garbage: {exc}", url, proxy=proxy.display) from None
    except OSError as exc:
        raise ProxyError(
            f"the connection to the proxy {proxy.display} broke before the tunnel to {url} opened: {_why(exc)}",
            url, proxy=proxy.display,
        ) from exc
    if not 200 <= head.status < 300:
        reason = config.redactor.text(head.reason)
        if head.status == 407:
            raise _proxy_auth_error(proxy, route, reason)
        message = f"the proxy {proxy.display} refused the tunnel to {url}: HTTP {head.status} {reason}"
        error = ProxyError(message, url, proxy=proxy.display, status=head.status)
        error._retryable = head.status in (502, 503, 504)  # type: ignore[attr-defined]
        raise error


def _proxy_auth_error(proxy: Proxy, route: Route, reason: str) -> ProxyError:
    message = (
        f"the proxy {proxy.display} wants credentials (HTTP 407 {reason}) for {route.url}: "
        + ("the ones in its URL were refused" if proxy.authorization else "put them in its URL, http://user:password@host:port")
    )
    error = ProxyError(message, route.url, proxy=proxy.display, status=407)
    error._retryable = False  # type: ignore[attr-defined]
    return error


def _error_body(parser: ResponseParser, config: ClientConfig, deadline: Optional[float]) -> Generator[Any, Any, bytes]:
    """At most MAX_ERROR_BODY bytes of the body, read for at most MAX_ERROR_BODY_SECONDS."""
    pieces = [parser.pending()]
    size = len(pieces[0])
    read = config.timeout.read
    body_deadline = time.monotonic() + (MAX_ERROR_BODY_SECONDS if read is None else min(read, MAX_ERROR_BODY_SECONDS))
    if deadline is not None:
        body_deadline = min(body_deadline, deadline)
    while not parser.complete and size < MAX_ERROR_BODY:
        left = body_deadline - time.monotonic()
        if left <= 0:
            break
        try:
            data = yield Receive(left if read is None else min(read, left))
        except (TimedOut, OSError):
            break
        if not data:
            parser.end_of_input()
            break
        try:
            piece = parser.feed_body(data)
        except ProtocolError:
            break
        pieces.append(piece)
        size += len(piece)
    return b"".join(pieces)[:MAX_ERROR_BODY]


# -- what an error response says ---------------------------------------------------------------


def _media_type(content_type: Optional[str]) -> Optional[str]:
    if not content_type:
        return None
    return content_type.partition(";")[0].strip().lower()


def response_error(
    head: ResponseHead,
    raw: bytes,
    url: str,
    redactor: Redactor,
    content_encoding: Optional[str] = None,
    accept: str = "text/event-stream",
) -> APIStatusError:
    """The error for a response that is not a stream, from its status, headers and body."""
    if content_encoding is not None:
        text = ""
        note: Optional[str] = f"the body is {content_encoding}-encoded, which orsse does not decode"
    else:
        text = redactor.text(raw.decode("utf-8", "replace"))
        note = None
    code, message, metadata = _error_fields(text)
    status = head.status
    headers = head.headers
    location = headers.get("Location")
    if message is None and 300 <= status < 400 and location:
        message = (
            f"redirected to {redactor.text(_safe_location(location))}; orsse does not follow "
            "redirects, use that address as base_url"
        )
    if message is None and note is not None:
        message = note
    fields: Dict[str, Any] = dict(
        reason=redactor.text(head.reason or ""),
        code=code,
        message=message,
        metadata=metadata,
        body=text,
        headers=headers,
        retry_after=parse_retry_after(headers),
        url=url,
        generation_id=headers.get("X-Generation-Id"),
    )
    if 200 <= status < 300:
        error: APIStatusError = NotEventStreamError(status, content_type=headers.get("Content-Type"), **fields)
    else:
        error = APIStatusError(status, **fields)
    redactor.error(error)  # the headers, and whatever else an echoing server filled in
    return error


def _safe_location(url: str) -> str:
    from ._client import _safe_url

    return _safe_url(url)


def _error_fields(text: str) -> Tuple[Any, Optional[str], Optional[Dict[str, Any]]]:
    """``code``, ``message`` and ``metadata`` of a JSON error body (all ``None`` otherwise).

    OpenRouter and OpenAI say ``{"error": {"code", "message", "metadata"?}}``; other
    servers ``{"error": "text"}``, ``{"message": ...}`` or ``{"detail": ...}``.
    """
    stripped = text.lstrip()
    if not stripped.startswith("{"):
        return None, None, None
    try:
        payload = json.loads(stripped)
    except (ValueError, RecursionError):
        return None, None, None
    if not isinstance(payload, dict):
        return None, None, None
    error = payload.get("error")
    if isinstance(error, dict):
        message = error.get("message")
        metadata = error.get("metadata")
        return (
            error.get("code"),
            message if message is None or isinstance(message, str) else json.dumps(message),
            metadata if isinstance(metadata, dict) else None,
        )
    if isinstance(error, str):
        return payload.get("code"), error, None
    for key in ("message", "detail"):
        value = payload.get(key)
        if isinstance(value, str):
            return payload.get("code"), value, None
    return None, None, None


def parse_retry_after(headers: Headers, now: Optional[float] = None) -> Optional[float]:
    """Seconds to wait from ``Retry-After`` (seconds or an HTTP date) or ``retry-after-ms``.

    ``None`` when absent or unreadable; a date in the past gives ``0.0``.
    """
    value = headers.get("retry-after-ms")
    if value:
        try:
            millis = float(value)
        except ValueError:
            millis = math.nan
        if math.isfinite(millis) and millis >= 0:
            return millis / 1000.0
    value = headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        current = time.time() if now is None else now
        return max(0.0, when.timestamp() - current)
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


# -- retries ------------------------------------------------------------------------------


def _log_retry(error: OrsseError, delay: float, retry: int, max_retries: int) -> None:
    # A retry makes a start slow for no visible reason; the ``orsse`` logger says why.
    # ``logging`` is imported here, not at the top, to keep ``import orsse`` light: most
    # streams never retry. The message is the error's own, already masked.
    import logging

    logging.getLogger("orsse").info(
        "%s; retry %d of %d in %.3gs", error, retry, max_retries, delay
    )


def backoff(attempt: int) -> float:
    """Exponential backoff with jitter: 0.25-0.5 s, then 0.5-1 s, 1-2 s, … up to 8 s."""
    return min(BACKOFF_MAX, BACKOFF_BASE * 2.0**attempt) * (0.5 + 0.5 * _random())


def retry_delay(error: OrsseError, attempt: int, max_retries: int) -> Optional[float]:
    """How long to wait before trying again after *error*, or ``None``: do not."""
    if attempt >= max_retries:
        return None
    if isinstance(error, APIStatusError):
        if error.status not in RETRY_STATUSES:
            return None
        if error.retry_after is None:
            return backoff(attempt)
        return error.retry_after if error.retry_after <= MAX_RETRY_AFTER else None
    if isinstance(error, APIConnectionError) and not isinstance(error, ProtocolError):
        if getattr(error, "_retryable", not isinstance(error, ProxyError)):
            return backoff(attempt)
    return None


# -- the stream, once it runs ----------------------------------------------------------------


class StreamClock:
    """The limits on each read of a stream: the read timeout, the total deadline, and
    the longest wait for an event (keep-alive comments do not count)."""

    __slots__ = ("read", "deadline", "event", "total", "last_event", "events_seen")

    def __init__(self, config: ClientConfig, deadline: Optional[float]) -> None:
        timeout = config.timeout
        self.read = timeout.read
        self.total = timeout.total
        self.deadline = deadline
        self.event = timeout.event
        self.last_event = time.monotonic()
        self.events_seen = 0

    @property
    def simple(self) -> bool:
        """Only the read timeout applies: the same every read."""
        return self.deadline is None and self.event is None

    def next_wait(self, events_seen: int) -> Tuple[Optional[float], str]:
        """The longest the next read may wait, and which limit that is."""
        now = time.monotonic()
        if events_seen != self.events_seen:
            self.events_seen = events_seen
            self.last_event = now
        wait, kind = self.read, "read"
        if self.event is not None:
            left = self.last_event + self.event - now
            if wait is None or left < wait:
                wait, kind = max(0.0, left), "event"
        if self.deadline is not None:
            left = self.deadline - now
            if wait is None or left < wait:
                wait, kind = max(0.0, left), "total"
        return wait, kind

    def error(self, kind: str, waited: Optional[float], url: str, received: int) -> OrsseError:
        if kind == "total":
            return TotalTimeout(
                f"the total timeout of {self.total:g}s ran out after {received} bytes of the stream from {url}",
                self.total, url,
            )
        if kind == "event":
            return TotalTimeout(
                f"no event from {url} for {self.event:g}s (only keep-alives), after {received} bytes of the stream",
                self.event, url,
            )
        return ReadTimeout(
            f"no data from {url} for {waited:g}s, after {received} bytes of the stream", waited, url
        )


def broken_stream(url: str, received: int, why: str) -> IncompleteStreamError:
    return IncompleteStreamError(f"the connection to {url} broke after {received} bytes of the stream ({why})")
