"""A real HTTP proxy on 127.0.0.1 for the client tests: CONNECT tunnels and forwarding.

It records what each client asked (the request line, the headers, whether the bytes it
received were cleartext) and relays to the target named in the request. ``tls=True``
makes it an ``https://`` proxy (TLS from the client to the proxy, with the test
certificate); ``credentials="user:pass"`` makes it answer 407 without them. Every wait is
bounded.
"""

from __future__ import annotations

import base64
import select
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from _server import MAX_WAIT, server_tls_context

if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional


@dataclass
class ProxyRequest:
    line: str
    headers: Dict[str, str]
    #: The bytes of the head as they arrived on the socket the client connected to.
    wire: bytes = b""


@dataclass
class Proxy:
    tls: bool = False
    credentials: Optional[str] = None
    #: Answer every request with this status instead of relaying (502, say).
    refuse: Optional[int] = None
    requests: List[ProxyRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._context = server_tls_context() if self.tls else None
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.raw: List[bytes] = []  # every byte the proxy's socket received, before any TLS

    def url(self, credentials: Optional[str] = None) -> str:
        auth = f"{credentials}@" if credentials else ""
        return f"{'https' if self.tls else 'http'}://{auth}127.0.0.1:{self.port}"

    def start(self) -> Proxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(MAX_WAIT)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(MAX_WAIT)
        client: Any = conn
        try:
            if self._context is not None:
                # Peek at the first bytes on the wire: a TLS proxy must see a handshake.
                first = conn.recv(5, socket.MSG_PEEK)
                self.raw.append(first)
                client = self._context.wrap_socket(conn, server_side=True)
            head = _read_head(client)
            if head is None:
                return
            line, headers, rest = head
            self.requests.append(ProxyRequest(line, headers))
            if self.credentials is not None:
                expected = "Basic " + base64.b64encode(self.credentials.encode()).decode()
                if headers.get("proxy-authorization") != expected:
                    client.sendall(
                        b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                        b"Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n"
                    )
                    return
            if self.refuse is not None:
                client.sendall(b"HTTP/1.1 %d Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n" % self.refuse)
                return
            method, target, _ = line.split(" ", 2)
            if method == "CONNECT":
                host, _, port = target.rpartition(":")
                upstream = socket.create_connection((host.strip("[]"), int(port)), MAX_WAIT)
                client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                if rest:
                    upstream.sendall(rest)
            else:
                # A forwarded request: absolute URI in, origin form out.
                without_scheme = target.split("://", 1)[1]
                authority, _, path = without_scheme.partition("/")
                host, _, port = authority.rpartition(":")
                upstream = socket.create_connection((host.strip("[]"), int(port)), MAX_WAIT)
                lines = [f"{method} /{path} HTTP/1.1"] + [
                    f"{k}: {v}" for k, v in headers.items() if k != "proxy-authorization"
                ]
                upstream.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + rest)
            _relay(client, upstream, self._stop)
        except (OSError, ValueError):
            pass
        finally:
            # The TLS wrapper too: wrap_socket() took over conn's descriptor, and PyPy
            # (no reference counting) would close it only when it collects the wrapper,
            # leaving the client waiting for an end that never comes.
            for sock in (client, conn):
                try:
                    sock.close()
                except OSError:
                    pass


def _read_head(sock: Any) -> Any:
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            return None
        data += piece
        if len(data) > 65536:
            return None
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return lines[0], headers, rest


def _relay(client: Any, upstream: socket.socket, stop: threading.Event) -> None:
    """Copy bytes both ways, in one thread (a TLS socket must not be shared between
    threads), until either side closes."""
    deadline = time.monotonic() + MAX_WAIT * 2
    try:
        while not stop.is_set() and time.monotonic() < deadline:
            ready = [client] if getattr(client, "pending", lambda: 0)() else []
            if not ready:
                ready, _, _ = select.select([client, upstream], [], [], 0.05)
            for source in ready:
                sink = upstream if source is client else client
                data = source.recv(65536)
                if not data:
                    return
                sink.sendall(data)
    except OSError:
        pass
    finally:
        try:
            upstream.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        upstream.close()
