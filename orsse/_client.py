"""What both clients share before any byte moves: options, the key, proxies, the request.

:class:`Timeout`, the checked client options (:class:`ClientConfig`), where a request
goes (:class:`Route`: the server, a proxy, TLS), the JSON body, and the one-call
shortcuts :func:`stream_chat` and :func:`stream_responses`. No sockets here: the sync
(``_sync_client``) and asyncio (``_async_client``) drivers load those on first use.
"""

from __future__ import annotations

import json
import math
import os
import sys
from urllib.parse import quote, unquote, urlsplit

from ._errors import InvalidRequestError, MissingAPIKeyError
from ._redact import Redactor
from ._version import __version__

TYPE_CHECKING = False  # typing.TYPE_CHECKING, without importing typing at run time

if TYPE_CHECKING:
    import ssl
    from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

    from ._sync_client import ChatStream, ResponseStream

    TimeoutArg = Union[None, float, "Timeout", Tuple[Optional[float], Optional[float]]]
    ProxyArg = Union[None, str, "_FromEnvironment"]

__all__ = ["Timeout", "stream_chat", "stream_responses", "DEFAULT_BASE_URL"]

DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"

USER_AGENT = "orsse/{} ({} {}.{}.{})".format(__version__, sys.implementation.name, *sys.version_info[:3])

#: The names of ``Client`` options and of other libraries' transport switches: given to
#: ``stream_chat`` as request fields they would silently go into the JSON body.
TRANSPORT_OPTIONS = frozenset(
    (
        "api_key", "base_url", "timeout", "max_retries", "headers", "extra_headers", "ssl_context",
        "verify", "cert", "proxy", "proxies", "app_url", "app_title", "http2", "trust_env",
        "follow_redirects", "transport", "client", "http_client", "default_headers",
    )
)


class Timeout:
    """How long a call may wait, in seconds (``None``: no limit).

    ``connect``: to open the connection (TCP, proxy, TLS). ``read``: the longest silence,
    waiting for the response and between two reads of the stream. ``total``: a deadline
    for the whole call, retries and the stream included. ``event``: the longest wait for
    an event while the server sends nothing but keep-alive comments (which otherwise
    keep a stream alive for ever).
    """

    __slots__ = ("connect", "read", "total", "event")

    def __init__(
        self,
        connect: Optional[float] = 10.0,
        read: Optional[float] = 120.0,
        total: Optional[float] = None,
        event: Optional[float] = None,
    ) -> None:
        for name, value in (("connect", connect), ("read", read), ("total", total), ("event", event)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0
            ):
                raise ValueError(f"Timeout({name}=...) must be a positive number of seconds or None, not {value!r}")
        self.connect = None if connect is None else float(connect)
        self.read = None if read is None else float(read)
        self.total = None if total is None else float(total)
        self.event = None if event is None else float(event)

    @classmethod
    def of(cls, value: TimeoutArg) -> Timeout:
        """A :class:`Timeout` from what ``timeout=`` accepts: a Timeout, seconds for both
        connect and read, a ``(connect, read)`` pair, or ``None`` for no limit."""
        if isinstance(value, Timeout):
            return value
        if isinstance(value, (tuple, list)):
            if len(value) != 2:
                raise ValueError("timeout must be seconds, a (connect, read) pair or an orsse.Timeout")
            return cls(value[0], value[1])
        return cls(value, value)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Timeout):
            return NotImplemented
        return (self.connect, self.read, self.total, self.event) == (other.connect, other.read, other.total, other.event)

    def __hash__(self) -> int:
        return hash((self.connect, self.read, self.total, self.event))

    def __repr__(self) -> str:
        return f"Timeout(connect={self.connect!r}, read={self.read!r}, total={self.total!r}, event={self.event!r})"


DEFAULT_TIMEOUT = Timeout(10.0, 120.0)


class _FromEnvironment:
    """The default of ``proxy=``: read ``HTTPS_PROXY`` and the others."""

    def __repr__(self) -> str:
        return "<from the environment>"


FROM_ENVIRONMENT = _FromEnvironment()


# -- where a request goes -----------------------------------------------------------------


def _authority(host: str, port: int, default_port: int) -> str:
    shown = f"[{host}]" if ":" in host else host  # an IPv6 literal keeps its brackets
    return shown if port == default_port else f"{shown}:{port}"


def _host_name(host: str, where: str) -> str:
    """*host* as it goes on the wire (IDNA for a name beyond ASCII), checked now: the
    socket layer would otherwise fail on a bad name at the first request, with a bare
    ``UnicodeError`` rather than a message."""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(
            f"{where} has no valid host name: {host!r} (an empty label, or one over 63 characters)"
        ) from None


def _port(port: Optional[int], scheme: str, where: str) -> int:
    if port is None:
        return 443 if scheme == "https" else 80
    if port == 0:
        raise ValueError(f"{where} names port 0, where nothing can listen")
    return port


def _request_path(text: str) -> str:
    """A base URL's path or query as it may go in the request line: a space or a character
    beyond ASCII percent-encoded (as UTF-8), as browsers and requests do; an existing
    percent escape and every reserved character left as written."""
    return quote(text, safe="!#$%&'()*+,/:;=?@[]~")


class Proxy:
    """An HTTP proxy: where it is, and the ``Proxy-Authorization`` its URL carried."""

    __slots__ = ("scheme", "host", "port", "authorization", "display", "password")

    def __init__(self, url: str, *, origin: str = "proxy=") -> None:
        if "://" not in url:
            url = "http://" + url
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            raise ValueError(f"the proxy from {origin} is not a valid URL") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"the proxy from {origin} must be an http:// or https:// URL, not {parts.scheme}://"
                " (pass proxy=None to ignore the environment)"
            )
        self.scheme = parts.scheme
        self.host = _host_name(parts.hostname, f"the proxy from {origin}")
        self.port = _port(port, parts.scheme, f"the proxy from {origin}")
        self.display = f"{parts.scheme}://{_authority(self.host, self.port, -1)}"
        self.authorization: Optional[str] = None
        self.password: Optional[str] = None
        if parts.username is not None:
            import base64

            password = unquote(parts.password or "")
            credentials = f"{unquote(parts.username)}:{password}"
            token = base64.b64encode(credentials.encode("utf-8")).decode("ascii")
            self.authorization = "Basic " + token
            self.password = password

    def __repr__(self) -> str:
        return f"<Proxy {self.display}>"


def _env(name: str) -> Optional[str]:
    value = os.environ.get(name.lower())
    if value is None:
        if name == "HTTP_PROXY" and "REQUEST_METHOD" in os.environ:
            return None  # under CGI, HTTP_PROXY is a request header ("httpoxy"): never a proxy
        value = os.environ.get(name.upper())
    value = (value or "").strip()
    return value or None


def _bypassed(host: str, port: int, no_proxy: Optional[str]) -> bool:
    if not no_proxy:
        return False
    host = host.lower().rstrip(".")
    for entry in no_proxy.split(","):
        entry = entry.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        entry_port: Optional[int] = None
        if entry.startswith("["):
            inner, _, rest = entry[1:].partition("]")
            entry = inner
            if rest.startswith(":") and rest[1:].isdigit():
                entry_port = int(rest[1:])
        elif entry.count(":") == 1:
            name, _, number = entry.partition(":")
            if number.isdigit():
                entry, entry_port = name, int(number)
        if entry_port is not None and entry_port != port:
            continue
        entry = entry.lstrip("*").lstrip(".").rstrip(".")
        if host == entry or host.endswith("." + entry):
            return True
    return False


def proxy_from_environment(scheme: str, host: str, port: int) -> Optional[Proxy]:
    """The proxy the environment names for this target, or ``None`` (none, or bypassed)."""
    name = f"{scheme.upper()}_PROXY"
    value = _env(name)
    if value is None:
        name = "ALL_PROXY"
        value = _env(name)
    if value is None or _bypassed(host, port, _env("NO_PROXY")):
        return None
    return Proxy(value, origin=f"${name}")


class Route:
    """One request's way to the server: the address to connect to, TLS, a proxy."""

    __slots__ = ("scheme", "host", "port", "path", "url", "authority", "proxy", "pool_key")

    def __init__(self, scheme: str, host: str, port: int, path: str, url: str, proxy: Optional[Proxy]) -> None:
        self.scheme = scheme
        self.host = host
        self.port = port
        self.path = path
        #: Shown in errors and reprs: never a query string, which might hold a key.
        self.url = url
        self.authority = _authority(host, port, 443 if scheme == "https" else 80)
        self.proxy = proxy
        self.pool_key: Tuple[Any, ...] = (
            scheme, host, port, None if proxy is None else (proxy.scheme, proxy.host, proxy.port, proxy.authorization)
        )

    @property
    def tunnel(self) -> bool:
        """Through a proxy, HTTPS goes in a CONNECT tunnel; plain HTTP is forwarded."""
        return self.proxy is not None and self.scheme == "https"

    @property
    def request_target(self) -> str:
        if self.proxy is not None and self.scheme == "http":
            return f"http://{self.authority}{self.path}"  # a forwarding proxy wants the whole URL
        return self.path

    def connect_request(self) -> bytes:
        """The CONNECT that opens a tunnel to the server through the proxy."""
        from ._http import request_bytes

        assert self.proxy is not None
        target = f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"
        headers = [("Host", target), ("User-Agent", USER_AGENT)]
        if self.proxy.authorization:
            headers.append(("Proxy-Authorization", self.proxy.authorization))
        return request_bytes("CONNECT", target, headers)


# -- the options ----------------------------------------------------------------------------

_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SECRET_HEADERS = ("authorization", "proxy-authorization", "x-api-key", "api-key", "cookie")


def _resolve_key(api_key: Optional[str], base_url: str) -> Optional[str]:
    if api_key is None:
        api_key = os.environ.get("OPENROUTER_API_KEY", "").strip()
        if not api_key:
            if base_url.rstrip("/") == DEFAULT_BASE_URL:
                raise MissingAPIKeyError(
                    "no API key: set OPENROUTER_API_KEY or pass api_key=... "
                    "(another base_url sends none when no key is given)"
                )
            return None
    elif not isinstance(api_key, str):
        raise TypeError(f"api_key must be a str, not {type(api_key).__name__}")
    api_key = api_key.strip()
    if not api_key:
        return None
    if not (api_key.isascii() and api_key.isprintable()) or " " in api_key:
        # Said without quoting the key: it must never appear in a message.
        raise ValueError("the API key holds characters that cannot go in an HTTP header")
    return api_key


class ClientConfig:
    """The checked options of a client, shared by :class:`Client` and :class:`AsyncClient`."""

    __slots__ = (
        "scheme", "host", "port", "base_path", "query", "base_display", "timeout", "max_retries",
        "headers", "redactor", "ssl_context", "_proxy", "_default_context",
    )

    def __init__(
        self,
        api_key: Optional[str],
        base_url: str,
        timeout: TimeoutArg,
        max_retries: int,
        headers: Optional[Mapping[str, Optional[str]]],
        ssl_context: Optional[ssl.SSLContext],
        proxy: ProxyArg,
        app_url: Optional[str],
        app_title: Optional[str],
    ) -> None:
        if not isinstance(base_url, str):
            raise TypeError(f"base_url must be a str, not {type(base_url).__name__}")
        try:
            parts = urlsplit(base_url)
            port = parts.port
        except (ValueError, TypeError, AttributeError):
            raise ValueError("base_url is not a valid URL") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be an http:// or https:// URL, not {_safe_url(base_url)!r}")
        if parts.username is not None or parts.password is not None:
            raise ValueError("base_url must not hold credentials: pass api_key= or headers=")
        key = _resolve_key(api_key, base_url)
        self.scheme = parts.scheme
        self.host = _host_name(parts.hostname, "base_url")
        self.port = _port(port, parts.scheme, "base_url")
        self.base_path = _request_path(parts.path.rstrip("/"))
        self.query = _request_path(parts.query)
        self.base_display = f"{self.scheme}://{_authority(self.host, self.port, 443 if self.scheme == 'https' else 80)}{self.base_path}"
        self.timeout = Timeout.of(timeout)
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more, not {max_retries!r}")
        self.max_retries = max_retries
        if ssl_context is not None and not (hasattr(ssl_context, "wrap_socket") and hasattr(ssl_context, "wrap_bio")):
            raise TypeError(f"ssl_context must be an ssl.SSLContext, not {type(ssl_context).__name__}")
        self.ssl_context = ssl_context
        self._default_context: Optional[ssl.SSLContext] = None
        if proxy is FROM_ENVIRONMENT:
            self._proxy: Optional[Proxy] = proxy_from_environment(self.scheme, self.host, self.port)
        elif proxy is None:
            self._proxy = None
        elif isinstance(proxy, str):
            self._proxy = Proxy(proxy)
        else:
            raise TypeError(f"proxy must be a URL string or None, not {type(proxy).__name__}")
        self.headers, secrets = _build_headers(key, headers, app_url, app_title)
        if self._proxy is not None:
            secrets += [self._proxy.password, self._proxy.authorization, (self._proxy.authorization or " ").split(" ")[1]]
        self.redactor = Redactor(secrets)

    @property
    def proxy(self) -> Optional[Proxy]:
        return self._proxy

    def context(self) -> ssl.SSLContext:
        """The TLS context: the caller's, else the default one (system CAs, which
        ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` replace), made once per client."""
        if self.ssl_context is not None:
            return self.ssl_context
        if self._default_context is None:
            import ssl

            self._default_context = ssl.create_default_context()
        return self._default_context

    def route(self, endpoint: str) -> Route:
        """Where ``POST {base_url}/{endpoint}`` goes."""
        path = f"{self.base_path}/{endpoint}"
        url = f"{self.base_display}/{endpoint}"
        if self.query:
            path += "?" + self.query
        return Route(self.scheme, self.host, self.port, path, url, self._proxy)

    def request(self, route: Route, body: bytes) -> bytes:
        """The bytes of ``POST`` *body* (JSON) along *route*."""
        from ._http import request_bytes

        headers = [("Host", route.authority)] + self.headers
        if route.proxy is not None and not route.tunnel and route.proxy.authorization:
            headers.append(("Proxy-Authorization", route.proxy.authorization))
        return request_bytes("POST", route.request_target, headers, body)


def _build_headers(
    key: Optional[str],
    extra: Optional[Mapping[str, Optional[str]]],
    app_url: Optional[str],
    app_title: Optional[str],
) -> Tuple[List[Tuple[str, str]], List[Optional[str]]]:
    """The request headers, and the secret values among them that must never be shown."""
    headers: Dict[str, str] = {
        "Content-Type": "application/json",
        "Accept": "text/event-stream",
        # A compressed stream would hold each event back until a block fills.
        "Accept-Encoding": "identity",
        "User-Agent": USER_AGENT,
    }
    secrets: List[Optional[str]] = []
    if key:
        headers["Authorization"] = "Bearer " + key
        secrets.append(key)
    if app_url:
        headers["HTTP-Referer"] = app_url
    if app_title:
        headers["X-OpenRouter-Title"] = app_title
        headers["X-Title"] = app_title  # the older name, still read
    for name, value in (extra or {}).items():
        if not isinstance(name, str) or not name or not set(name) <= _TOKEN_CHARS:
            raise ValueError(f"not a valid header name: {name!r}")
        if name.lower() in ("host", "content-length", "transfer-encoding", "connection"):
            raise ValueError(f"header {name} is set by orsse itself")
        for old in [old for old in headers if old.lower() == name.lower()]:
            del headers[old]
        if value is None:
            continue
        if not isinstance(value, str):
            raise TypeError(f"header {name} must be a str, not {type(value).__name__}")
        headers[name] = value
        if name.lower() in _SECRET_HEADERS:
            secrets.append(value)
            secrets.append(value.partition(" ")[2])
    for name, value in headers.items():
        if any(c in value for c in "\r\n\0"):
            raise ValueError(f"header {name} holds a line break")
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            raise ValueError(f"header {name} holds characters HTTP cannot carry (not Latin-1)") from None
    return list(headers.items()), secrets


def _safe_url(url: str) -> str:
    """*url* without credentials and query, for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "(unparsable)"
    netloc = parts.netloc.rpartition("@")[2]
    return f"{parts.scheme}://{netloc}{parts.path}" if parts.scheme else netloc + parts.path


# -- the JSON body ----------------------------------------------------------------------------


def check_params(params: Mapping[str, Any], where: str) -> None:
    """Refuse a transport option given where a request field belongs."""
    for name in params:
        if name in TRANSPORT_OPTIONS:
            raise InvalidRequestError(
                f"{where}() got {name}=, which is an option of the client, not a request "
                f"field: pass it to orsse.Client({name}=...) (or send a field of that name "
                f"with extra_body={{{name!r}: ...}})"
            )
        if name == "stream":
            if params[name] is not True:
                raise InvalidRequestError(f"{where}() always streams: leave out stream=")


def encode_body(fields: Dict[str, Any], extra_body: Optional[Mapping[str, Any]]) -> bytes:
    """The JSON request body; :class:`InvalidRequestError` (a ``TypeError``) naming the
    field whose value JSON cannot encode."""
    if extra_body:
        if not isinstance(extra_body, dict):
            raise InvalidRequestError(f"extra_body must be a dict, not {type(extra_body).__name__}")
        fields.update(extra_body)
    fields["stream"] = True
    try:
        return json.dumps(fields, default=_to_json, allow_nan=False, separators=(",", ":")).encode("ascii")
    except (TypeError, ValueError, RecursionError) as exc:
        where = _bad_field(fields, "")
        raise InvalidRequestError(
            f"the request field {where or '(body)'} cannot be sent as JSON: {exc}"
        ) from None


def _to_json(value: Any) -> Any:
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _bad_field(value: Any, path: str, depth: int = 0) -> Optional[str]:
    """The path of the first value inside *value* that JSON cannot encode."""
    if depth > 50:
        return path
    if hasattr(value, "to_dict") and callable(value.to_dict):
        value = value.to_dict()
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                return f"{path}[{key!r}]" if path else repr(key)
            found = _bad_field(item, f"{path}.{key}" if path else str(key), depth + 1)
            if found:
                return found
        return None
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = _bad_field(item, f"{path}[{index}]", depth + 1)
            if found:
                return found
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else path  # allow_nan=False: NaN and infinities
    if value is None or isinstance(value, (str, int, bool)):
        return None
    return path


def chat_body(
    model: str,
    messages: Union[str, Sequence[Any]],
    params: Dict[str, Any],
    extra_body: Optional[Mapping[str, Any]],
    where: str,
) -> bytes:
    check_params(params, where)
    params.pop("stream", None)
    if not isinstance(model, str) or not model:
        raise InvalidRequestError(f"{where}() needs a model name (a str), not {model!r}")
    if isinstance(messages, str):
        messages = [{"role": "user", "content": messages}]
    fields: Dict[str, Any] = {"model": model, "messages": list(messages)}
    fields.update(params)
    return encode_body(fields, extra_body)


def responses_body(
    model: str,
    input: Union[str, Sequence[Any]],  # noqa: A002 - the API's own name
    params: Dict[str, Any],
    extra_body: Optional[Mapping[str, Any]],
    where: str,
) -> bytes:
    check_params(params, where)
    params.pop("stream", None)
    if not isinstance(model, str) or not model:
        raise InvalidRequestError(f"{where}() needs a model name (a str), not {model!r}")
    fields: Dict[str, Any] = {"model": model, "input": input if isinstance(input, str) else list(input)}
    fields.update(params)
    return encode_body(fields, extra_body)


# -- the one-call shortcuts ---------------------------------------------------------------


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
    ssl_context: Optional[ssl.SSLContext] = None,
    proxy: ProxyArg = FROM_ENVIRONMENT,
    extra_body: Optional[Mapping[str, Any]] = None,
    **params: Any,
) -> ChatStream:
    """Start one streaming chat completion and return the open :class:`ChatStream`.

    A shortcut for ``orsse.Client(...).stream_chat(model, messages, **params)`` whose
    client is closed with the stream: it takes the options of :class:`Client` and the
    request fields of :meth:`Client.stream_chat`. Use a :class:`Client` to reuse
    connections across calls.
    """
    from ._sync_client import Client

    client = Client(
        api_key, base_url=base_url, timeout=timeout, max_retries=max_retries, headers=headers,
        ssl_context=ssl_context, proxy=proxy, app_url=app_url, app_title=app_title,
    )
    try:
        stream = client.stream_chat(model, messages, extra_body=extra_body, **params)
    except BaseException:
        client.close()
        raise
    stream._owns(client)
    return stream


def stream_responses(
    model: str,
    input: Union[str, Sequence[Any]],  # noqa: A002 - the API's own name
    *,
    api_key: Optional[str] = None,
    base_url: str = DEFAULT_BASE_URL,
    timeout: TimeoutArg = DEFAULT_TIMEOUT,
    headers: Optional[Mapping[str, Optional[str]]] = None,
    app_url: Optional[str] = None,
    app_title: Optional[str] = None,
    max_retries: int = 2,
    ssl_context: Optional[ssl.SSLContext] = None,
    proxy: ProxyArg = FROM_ENVIRONMENT,
    extra_body: Optional[Mapping[str, Any]] = None,
    **params: Any,
) -> ResponseStream:
    """Start one Responses API stream: :func:`stream_chat`'s twin for
    ``POST {base_url}/responses`` (see :meth:`Client.stream_responses`)."""
    from ._sync_client import Client

    client = Client(
        api_key, base_url=base_url, timeout=timeout, max_retries=max_retries, headers=headers,
        ssl_context=ssl_context, proxy=proxy, app_url=app_url, app_title=app_title,
    )
    try:
        stream = client.stream_responses(model, input, extra_body=extra_body, **params)
    except BaseException:
        client.close()
        raise
    stream._owns(client)
    return stream
