"""The network client: one streaming chat completion over the standard library's ``http.client``.

This is the only module that touches the network, and ``orsse`` imports it on first use
(``orsse.stream_chat``), so ``import orsse`` never loads ``http.client``, ``socket`` or
``ssl``. The bytes go straight from ``read1`` (what the socket has, never waiting to fill
a buffer) into :func:`orsse.iter_chunks`, so each event reaches the caller as soon as it
arrives.
"""

from __future__ import annotations

import http.client
import json
import logging
import math
import os
import random
import socket
import sys
import time
from datetime import timezone
from email.utils import parsedate_to_datetime
TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time
from urllib.parse import urlsplit

from ._version import __version__
from ._accumulate import Accumulator
from ._chunks import iter_chunks
from ._errors import (
    APIConnectionError,
    APIStatusError,
    ConnectTimeout,
    IncompleteStreamError,
    MissingAPIKeyError,
    NotEventStreamError,
    OrsseError,
    ReadTimeout,
)

if TYPE_CHECKING:
    from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

    from ._completion import ChatCompletion
    from ._wire import ChatCompletionChunk

    TimeoutArg = Union[None, float, Tuple[Optional[float], Optional[float]]]

__all__ = ["ChatStream", "stream_chat"]

DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"
#: (connect, read) in seconds. The read timeout is the longest wait for the response
#: and between two reads of the stream; OpenRouter sends keep-alive comments while a
#: model thinks, so a silent connection for this long is a dead one.
DEFAULT_TIMEOUT = (10.0, 120.0)
#: The most ``read1`` asks for at once: whatever the socket holds, up to this much.
READ_SIZE = 65536
#: How much of an error body is read and kept.
MAX_ERROR_BODY = 65536
#: Statuses retried (before the stream starts, when ``max_retries`` allows).
RETRY_STATUSES = frozenset((408, 429, 502, 503))
BACKOFF_BASE = 0.5
BACKOFF_MAX = 8.0
#: A ``Retry-After`` longer than this is not waited for: the error is raised at once.
MAX_RETRY_AFTER = 60.0

USER_AGENT = "orsse/{} ({} {}.{}.{})".format(
    __version__, sys.implementation.name, *sys.version_info[:3]
)

#: Replaced by the tests, so that a retry costs no real time.
_sleep = time.sleep
_random = random.random

log = logging.getLogger("orsse")


# -- the stream -------------------------------------------------------------------------


class ChatStream:
    """An open streaming chat completion: iterate it for chunks, close it when done.

    Use it as a context manager; leaving the ``with`` block early (``break``, an
    exception) closes the connection, which stops the generation upstream. Errors
    raised while iterating carry ``.partial``, the completion rebuilt so far.

    ``completion`` is the completion as it stands (partial while streaming); ``result()``
    reads to the end first. ``headers`` are the response headers, ``generation_id`` the
    ``X-Generation-Id`` header (or the id of the first chunk), ``status`` the HTTP status.
    """

    def __init__(
        self,
        connection: http.client.HTTPConnection,
        sock: Optional[socket.socket],
        response: http.client.HTTPResponse,
        *,
        url: str,
        model: str,
        read_timeout: Optional[float],
    ) -> None:
        self.status: int = response.status
        self.headers = response.headers
        self.url = url
        self.model = model
        self.accumulator = Accumulator()
        #: Bytes of the body received so far.
        self.bytes_received = 0
        #: Comment lines (keep-alives such as ``: OPENROUTER PROCESSING``) seen so far.
        self.comments = 0
        #: The error that ended the stream, if one did.
        self.error: Optional[OrsseError] = None
        self._connection = connection
        self._sock = sock
        self._response = response
        self._read_timeout = read_timeout
        self._closed = False
        self._released = False
        self._reading = False
        self._ended = False
        self._chunks = iter_chunks(self._read(), accumulator=self.accumulator, on_comment=self._comment)

    # -- what it holds -------------------------------------------------------------------

    @property
    def generation_id(self) -> Optional[str]:
        """OpenRouter's generation id: the ``X-Generation-Id`` header, else the chunks' id."""
        return self.headers.get("X-Generation-Id") or self.accumulator.id

    @property
    def completion(self) -> ChatCompletion:
        """The completion rebuilt from the chunks received so far."""
        return self.accumulator.result()

    @property
    def closed(self) -> bool:
        """Whether the connection is closed (at the end, on an error, or by ``close()``)."""
        return self._closed

    def result(self) -> ChatCompletion:
        """Read the rest of the stream and return the whole completion.

        Raises the error that ended the stream, if any; and :class:`IncompleteStreamError`
        (with ``.partial``) when the stream was closed before its end.
        """
        for _ in self:
            pass
        if self.error is not None:
            raise self.error
        if not self._ended:
            raise IncompleteStreamError(
                "the stream was closed before its end", self.accumulator.result()
            )
        return self.accumulator.result()

    # -- iteration ------------------------------------------------------------------------

    def __iter__(self) -> Iterator[ChatCompletionChunk]:
        return self

    def __next__(self) -> ChatCompletionChunk:
        if self._closed:
            self._release()
            raise StopIteration
        try:
            return next(self._chunks)
        except StopIteration:
            if not self._closed:
                self._ended = True
            self.close()
            self._release()
            raise
        except OrsseError as exc:
            if self._closed:  # closed from another thread while a read was waiting
                self._release()
                raise StopIteration from None
            self.error = exc
            self.close()
            raise
        except BaseException:
            self.close()
            self._release()
            raise

    def _comment(self, _text: str) -> None:
        self.comments += 1

    def _read(self) -> Iterator[bytes]:
        read1 = self._response.read1
        accumulator = self.accumulator
        while True:
            self._reading = True
            try:
                data = read1(READ_SIZE)
            except socket.timeout:
                timeout = self._read_timeout
                raise ReadTimeout(
                    f"no data from {self.url} for {timeout:g}s, after {self.bytes_received} "
                    "bytes of the stream",
                    timeout,
                    self.url,
                ) from None
            except (http.client.HTTPException, OSError, ValueError, AttributeError) as exc:
                # (ValueError, AttributeError: the response was closed under the read.)
                if self._closed or accumulator.done or accumulator.finished:
                    # Closed by us, or the answer was whole and only the end was lost.
                    return
                raise IncompleteStreamError(
                    f"the connection to {self.url} broke after {self.bytes_received} bytes "
                    f"of the stream ({_why(exc)})"
                ) from exc
            finally:
                self._reading = False
            if not data:
                return
            self.bytes_received += len(data)
            yield data

    # -- closing -----------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection now (the server sees it closed and can stop generating).

        Safe to call more than once, and from another thread to stop a waiting read.
        """
        if self._closed:
            return
        self._closed = True
        if self._reading:
            # Another thread is inside read1: shutting the socket down wakes it, and
            # it releases the rest itself (closing the response under it would race).
            _shutdown(self._sock)
            return
        self._release()

    def _release(self) -> None:
        if self._released:
            return
        self._released = True
        _close(self._connection, self._sock, self._response)
        close_generator = getattr(self._chunks, "close", None)
        if close_generator is not None:
            try:
                close_generator()
            except ValueError:  # the generator is running in another thread
                pass

    def __enter__(self) -> ChatStream:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return (
            f"<ChatStream {self.model!r} from {self.url} status={self.status} "
            f"generation_id={self.generation_id!r} chunks={self.accumulator.chunk_count} {state}>"
        )


def _close(
    connection: http.client.HTTPConnection,
    sock: Optional[socket.socket],
    response: Optional[http.client.HTTPResponse],
) -> None:
    # shutdown() first: it ends the connection even while a buffered reader still holds
    # the socket, and wakes a read blocked in another thread.
    _shutdown(sock)
    if response is not None:
        try:
            response.close()
        except Exception:  # noqa: BLE001 - closing must not raise
            pass
    try:
        connection.close()
    except Exception:  # noqa: BLE001
        pass
    if sock is not None:
        try:
            sock.close()
        except OSError:
            pass


def _shutdown(sock: Optional[socket.socket]) -> None:
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _why(exc: BaseException) -> str:
    text = str(exc)
    name = type(exc).__name__
    if not text:
        return name
    return text if text.startswith(name) else f"{name}: {text}"


# -- the request --------------------------------------------------------------------------


def stream_chat(
    model: str,
    messages: Union[str, Sequence[Any]],
    *,
    api_key: Optional[str] = None,
    base_url: str = DEFAULT_BASE_URL,
    timeout: TimeoutArg = DEFAULT_TIMEOUT,
    headers: Optional[Mapping[str, Optional[str]]] = None,
    app_url: Optional[str] = None,
    app_title: Optional[str] = None,
    max_retries: int = 2,
    **params: Any,
) -> ChatStream:
    """Start a streaming chat completion and return the open :class:`ChatStream`.

    ``POST {base_url}/chat/completions`` with ``{"model", "messages", **params,
    "stream": true}``; any OpenAI-compatible base URL works. *messages* is a list of
    message dicts (a :class:`Message` from an earlier completion may stand in for one),
    or a string, sent as one user message. *params* go into the JSON body as they are
    (``temperature=0.2``, ``reasoning={"effort": "high"}``, ``tools=[...]``, …).

    ``api_key`` defaults to ``$OPENROUTER_API_KEY`` (:class:`MissingAPIKeyError` when
    unset); ``api_key=""`` sends no ``Authorization`` at all, for local servers.
    ``timeout`` is seconds for both connect and read, or a ``(connect, read)`` pair;
    the read timeout bounds every wait for bytes, mid-stream too. ``app_url`` and
    ``app_title`` send OpenRouter's attribution headers; ``headers`` adds or replaces
    headers (``None`` as a value removes one). Proxies come from the usual environment
    variables (``HTTPS_PROXY``, ``NO_PROXY``, …).

    Before the first byte of the stream, statuses 408, 429, 502 and 503 and failed
    connections are retried up to ``max_retries`` times, after ``Retry-After`` or a
    jittered exponential backoff; once the stream has started, nothing is retried.

    Raises :class:`APIStatusError` for an HTTP error (:class:`NotEventStreamError` for
    a success that is not an event stream), :class:`APIConnectionError` and
    :class:`ConnectTimeout` when no connection could be made, :class:`ReadTimeout`
    when the response does not come.
    """
    key = _resolve_key(api_key)
    target = _Target(base_url)
    connect_timeout, read_timeout = _split_timeout(timeout)
    if max_retries < 0:
        raise ValueError("max_retries must be 0 or more")
    body = _encode_body(model, messages, params)
    request_headers, secrets = _build_headers(key, headers, app_url, app_title, target.proxy_headers)

    attempt = 0
    while True:
        try:
            connection, sock, response = _send(target, body, request_headers, connect_timeout, read_timeout)
        except APIConnectionError as exc:
            if attempt >= max_retries or not getattr(exc, "_retryable", True):
                raise
            delay = _backoff(attempt)
            log.info("retrying in %.2fs (%d of %d): %s", delay, attempt + 1, max_retries, exc)
            _sleep(delay)
            attempt += 1
            continue

        status = response.status
        content_type = response.getheader("Content-Type")
        if 200 <= status < 300 and _is_event_stream(content_type):
            return ChatStream(
                connection, sock, response, url=target.display, model=model, read_timeout=read_timeout
            )
        try:
            error = _response_error(response, target.display, secrets, content_type)
        finally:
            _close(connection, sock, response)
        if status not in RETRY_STATUSES or attempt >= max_retries:
            raise error
        if error.retry_after is None:
            delay = _backoff(attempt)
        elif error.retry_after <= MAX_RETRY_AFTER:
            delay = error.retry_after
        else:
            raise error
        log.info("retrying in %.2fs (%d of %d): %s", delay, attempt + 1, max_retries, error)
        _sleep(delay)
        attempt += 1


def _backoff(attempt: int) -> float:
    """Exponential backoff with jitter: 0.25-0.5 s, then 0.5-1 s, 1-2 s, … up to 8 s."""
    return min(BACKOFF_MAX, BACKOFF_BASE * 2.0**attempt) * (0.5 + 0.5 * _random())


def _resolve_key(api_key: Optional[str]) -> Optional[str]:
    if api_key is None:
        api_key = os.environ.get("OPENROUTER_API_KEY", "").strip()
        if not api_key:
            raise MissingAPIKeyError(
                "no API key: set OPENROUTER_API_KEY or pass api_key=... "
                '(api_key="" sends none, for servers that need none)'
            )
    elif not isinstance(api_key, str):
        raise TypeError(f"api_key must be a str, not {type(api_key).__name__}")
    api_key = api_key.strip()
    if not api_key:
        return None
    if not (api_key.isascii() and api_key.isprintable()) or " " in api_key:
        # Said without quoting the key: it must never appear in a message.
        raise ValueError("the API key holds characters that cannot go in an HTTP header")
    return api_key


def _split_timeout(timeout: TimeoutArg) -> Tuple[Optional[float], Optional[float]]:
    if isinstance(timeout, (tuple, list)):
        if len(timeout) != 2:
            raise ValueError("timeout must be seconds or a (connect, read) pair")
        connect, read = timeout
    else:
        connect = read = timeout
    for value in (connect, read):
        if value is not None and not (isinstance(value, (int, float)) and value > 0):
            raise ValueError(f"a timeout must be a positive number of seconds or None, not {value!r}")
    return connect, read


def _encode_body(model: str, messages: Union[str, Sequence[Any]], params: Dict[str, Any]) -> bytes:
    if params.get("stream", True) is not True:
        raise TypeError("stream_chat always streams: leave out stream=")
    if isinstance(messages, str):
        messages = [{"role": "user", "content": messages}]
    body: Dict[str, Any] = {"model": model, "messages": list(messages)}
    body.update(params)
    body["stream"] = True
    try:
        return json.dumps(body, default=_to_json, allow_nan=False).encode("ascii")
    except ValueError as exc:
        raise ValueError(f"the request cannot be sent as JSON: {exc}") from None


def _to_json(value: Any) -> Any:
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _build_headers(
    key: Optional[str],
    extra: Optional[Mapping[str, Optional[str]]],
    app_url: Optional[str],
    app_title: Optional[str],
    proxy_headers: Dict[str, str],
) -> Tuple[Dict[str, str], List[str]]:
    """The request headers, and the secret values that must never be shown."""
    headers: Dict[str, str] = {
        "Content-Type": "application/json",
        "Accept": "text/event-stream",
        "User-Agent": USER_AGENT,
    }
    secrets: List[str] = []
    if key:
        headers["Authorization"] = "Bearer " + key
        secrets.append(key)
    if app_url:
        headers["HTTP-Referer"] = app_url
    if app_title:
        headers["X-OpenRouter-Title"] = app_title
        headers["X-Title"] = app_title  # the older name, still read
    for name, value in (extra or {}).items():
        if not name or not set(name) <= _TOKEN_CHARS:
            raise ValueError(f"not a valid header name: {name!r}")
        for old in [old for old in headers if old.lower() == name.lower()]:
            del headers[old]
        if value is None:
            continue
        if not isinstance(value, str):
            raise TypeError(f"header {name} must be a str, not {type(value).__name__}")
        headers[name] = value
        if name.lower() in ("authorization", "proxy-authorization", "x-api-key", "api-key"):
            secrets.append(value)
            secrets.append(value.partition(" ")[2])
    for name, value in headers.items():
        if any(c in value for c in "\r\n\0"):
            raise ValueError(f"header {name} holds a line break")
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            raise ValueError(f"header {name} holds characters HTTP cannot carry (not Latin-1)") from None
    headers.update(proxy_headers)
    secrets.extend(value.partition(" ")[2] for value in proxy_headers.values())
    return headers, [secret for secret in secrets if len(secret) >= 4]


class _Target:
    """Where the request goes: the server, the path, and a proxy if the environment names one."""

    def __init__(self, base_url: str) -> None:
        try:
            parts = urlsplit(base_url)
            port = parts.port
        except (ValueError, TypeError, AttributeError):
            raise ValueError("base_url is not a valid URL") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be an http:// or https:// URL, not {_safe_url(base_url)!r}")
        if parts.username is not None or parts.password is not None:
            raise ValueError("base_url must not hold credentials: pass api_key= or headers=")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = port or (443 if parts.scheme == "https" else 80)
        path = parts.path.rstrip("/") + "/chat/completions"
        # Shown in errors and reprs: no query string, which might hold a key.
        self.display = f"{parts.scheme}://{parts.netloc}{path}"
        self.path = path + ("?" + parts.query if parts.query else "")
        self.proxy: Optional[Tuple[str, int]] = None
        self.proxy_headers: Dict[str, str] = {}
        self._find_proxy()

    def _find_proxy(self) -> None:
        import urllib.request

        proxy = urllib.request.getproxies().get(self.scheme)
        if not proxy or urllib.request.proxy_bypass(self.host):
            return
        if "://" not in proxy:
            proxy = "http://" + proxy
        try:
            parts = urlsplit(proxy)
            port = parts.port
        except ValueError:
            raise ValueError(f"the {self.scheme} proxy in the environment is not a valid URL") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"only HTTP proxies are supported, not {parts.scheme}://")
        self.proxy = (parts.hostname, port or 8080)
        if parts.username is not None:
            import base64
            from urllib.parse import unquote

            credentials = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
            token = base64.b64encode(credentials.encode("utf-8")).decode("ascii")
            self.proxy_headers["Proxy-Authorization"] = "Basic " + token

    def connection(self, connect_timeout: Optional[float]) -> http.client.HTTPConnection:
        host, port = self.proxy or (self.host, self.port)
        if self.scheme == "https":
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, port, timeout=connect_timeout
            )
            if self.proxy is not None:
                connection.set_tunnel(self.host, self.port, headers=self.proxy_headers)
        else:
            connection = http.client.HTTPConnection(host, port, timeout=connect_timeout)
        return connection

    @property
    def request_target(self) -> str:
        if self.proxy is not None and self.scheme == "http":
            # Through an HTTP proxy, a plain-HTTP request names the whole URL.
            return f"http://{self.host}:{self.port}{self.path}"
        return self.path


def _safe_url(url: str) -> str:
    """*url* without credentials and query, for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unparsable)"
    netloc = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{netloc}{parts.path}" if parts.scheme else netloc + parts.path


def _send(
    target: _Target,
    body: bytes,
    headers: Dict[str, str],
    connect_timeout: Optional[float],
    read_timeout: Optional[float],
) -> Tuple[http.client.HTTPConnection, Optional[socket.socket], http.client.HTTPResponse]:
    url = target.display
    connection = target.connection(connect_timeout)
    if target.proxy is not None and target.scheme == "http":
        headers = dict(headers)
    else:
        headers = {k: v for k, v in headers.items() if k != "Proxy-Authorization"}
    try:
        connection.connect()
    except socket.timeout:
        connection.close()
        raise ConnectTimeout(
            f"could not connect to {url} within {connect_timeout:g}s", connect_timeout, url
        ) from None
    except OSError as exc:
        connection.close()
        error = APIConnectionError(f"could not connect to {url}: {_why(exc)}", url)
        if type(exc).__name__ == "SSLCertVerificationError":
            error._retryable = False  # type: ignore[attr-defined]
        raise error from exc
    # The response keeps the socket through its buffered reader, and the connection may
    # drop its own reference: keep one to shut it down on close.
    sock = connection.sock
    if sock is not None:
        sock.settimeout(read_timeout)
    try:
        connection.request("POST", target.request_target, body=body, headers=headers)
        response = connection.getresponse()
    except socket.timeout:
        _close(connection, sock, None)
        raise ReadTimeout(
            f"no response from {url} within {read_timeout:g}s", read_timeout, url
        ) from None
    except (http.client.HTTPException, OSError) as exc:
        _close(connection, sock, None)
        raise APIConnectionError(
            f"the connection to {url} failed before a response: {_why(exc)}", url
        ) from exc
    return connection, sock, response


# -- reading an error response ------------------------------------------------------------


def _is_event_stream(content_type: Optional[str]) -> bool:
    if not content_type:
        return False
    return content_type.partition(";")[0].strip().lower() == "text/event-stream"


def _response_error(
    response: http.client.HTTPResponse,
    url: str,
    secrets: List[str],
    content_type: Optional[str],
) -> APIStatusError:
    """The error for a response that is not a stream, from its status, headers and body."""
    try:
        raw = response.read(MAX_ERROR_BODY)
    except http.client.IncompleteRead as exc:
        raw = exc.partial
    except (socket.timeout, http.client.HTTPException, OSError, ValueError):
        raw = b""
    text = raw.decode("utf-8", "replace")
    for secret in secrets:
        text = text.replace(secret, "***")
    code, message, metadata = _error_fields(text)
    status = response.status
    headers = response.headers
    if message is None and 300 <= status < 400 and headers.get("Location"):
        message = (
            f"redirected to {_safe_url(headers['Location'])}; orsse does not follow "
            "redirects, use that address as base_url"
        )
    fields: Dict[str, Any] = dict(
        reason=response.reason or "",
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
        return NotEventStreamError(status, content_type=content_type, **fields)
    return APIStatusError(status, **fields)


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
    except ValueError:
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


def parse_retry_after(headers: Any, now: Optional[float] = None) -> Optional[float]:
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

