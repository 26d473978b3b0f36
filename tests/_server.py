"""A real local HTTP server for the client and CLI tests: it replays scripted responses.

Each request takes the next :class:`Reply` from the server's queue (the last one
repeats). A reply is a status, headers and a body made of steps: bytes to send (one
chunk each, with chunked transfer encoding), pauses, waits on a ``threading.Event``,
a dropped or reset connection, a stall, or a wait for the client to hang up. Every
wait is bounded, so no test can hang on the server.
"""

from __future__ import annotations

import json
import socket
import ssl
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

from _fixtures import FIXTURES

if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional

#: The longest any step waits, whatever happens in the test.
MAX_WAIT = 10.0


# -- body steps ---------------------------------------------------------------------------


@dataclass
class Pause:
    """Sleep before the next step."""

    seconds: float


@dataclass
class Wait:
    """Wait until the test sets *event* (``timed_out`` records a wait that ran out)."""

    event: threading.Event
    timeout: float = MAX_WAIT
    timed_out: bool = False


@dataclass
class Raw:
    """Bytes written as they are, outside the chunk framing (a broken chunk, say)."""

    data: bytes


@dataclass
class Drop:
    """Close the connection (FIN) without ending the body."""


@dataclass
class Reset:
    """Abort the connection with a TCP reset."""


@dataclass
class Stall:
    """Send nothing more until the client hangs up (or the server stops)."""


@dataclass
class AwaitClose:
    """Wait until the client closes its end, and record it in ``Server.client_closed``."""

    timeout: float = MAX_WAIT


@dataclass
class Reply:
    """One scripted response."""

    status: int = 200
    headers: Dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/event-stream"})
    body: List[Any] = field(default_factory=list)
    #: Chunked transfer encoding; otherwise Content-Length when the body is only bytes,
    #: else the end of the body is the end of the connection.
    chunked: bool = True
    #: The status line's reason phrase (the standard one when None).
    reason: Optional[str] = None


def sse_reply(data: bytes, *, split: str = "events", headers: Optional[Dict[str, str]] = None) -> Reply:
    """A 200 event-stream reply replaying *data*, one chunk per event (or per line / whole)."""
    return Reply(headers=dict({"Content-Type": "text/event-stream"}, **(headers or {})), body=split_events(data) if split == "events" else [data])


def split_events(data: bytes) -> List[bytes]:
    """*data* cut after each blank line (``\\n\\n``), the end of every event or comment block."""
    pieces = []
    start = 0
    while True:
        end = data.find(b"\n\n", start)
        if end < 0:
            break
        pieces.append(data[start : end + 2])
        start = end + 2
    if start < len(data):
        pieces.append(data[start:])
    return pieces


def json_reply(status: int, payload: Any, headers: Optional[Dict[str, str]] = None) -> Reply:
    body = json.dumps(payload).encode("utf-8")
    return Reply(
        status=status,
        headers=dict({"Content-Type": "application/json"}, **(headers or {})),
        body=[body],
        chunked=False,
    )


def sse_event(payload: Any) -> bytes:
    """One ``data:`` event for a JSON payload."""
    return b"data: " + json.dumps(payload).encode("utf-8") + b"\n\n"


def content_chunk(text: str, finish: Optional[str] = None, **extra: Any) -> bytes:
    """A minimal chunk event carrying *text*."""
    chunk = {
        "id": "gen-test",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "test/model",
        "provider": "Test",
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": text}, "finish_reason": finish}],
    }
    chunk.update(extra)
    return sse_event(chunk)


# -- the server -------------------------------------------------------------------------


@dataclass
class Request:
    """What the client sent."""

    method: str
    path: str
    headers: Dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


#: The test-only CA and the server certificate it signed (127.0.0.1, ::1, localhost).
TLS_DIR = FIXTURES / "tls"
CA_FILE = TLS_DIR / "ca.pem"


def server_tls_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(TLS_DIR / "server.pem"), str(TLS_DIR / "server.key"))
    return context


def client_tls_context() -> ssl.SSLContext:
    """What a user behind a private CA passes as ``ssl_context=``."""
    return ssl.create_default_context(cafile=str(CA_FILE))


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


class Server:
    """A ThreadingHTTPServer on 127.0.0.1 (an ephemeral port) that plays :class:`Reply` s.

    ``host="::1"`` listens on IPv6; ``tls=True`` serves HTTPS with the test certificate.
    ``connections`` counts the TCP connections accepted.
    """

    def __init__(self, host: str = "127.0.0.1", tls: bool = False) -> None:
        self.host = host
        self.tls = tls
        self.connections = 0
        self.replies: List[Reply] = []
        self.requests: List[Request] = []
        self.client_closed = threading.Event()
        self.finished = threading.Event()  # a handler reached the end of its reply
        self.errors: List[str] = []  # what a handler saw fail while writing
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"server_state": self})
        server_class = _IPv6Server if ":" in host else ThreadingHTTPServer
        self.httpd = server_class((host, 0), handler)
        if tls:
            self.httpd.socket = server_tls_context().wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        """A base URL, as ``stream_chat(base_url=...)`` takes it."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{'https' if self.tls else 'http'}://{host}:{self.port}/api/v1"

    def add(self, *replies: Reply) -> Server:
        self.replies.extend(replies)
        return self

    def next_reply(self) -> Reply:
        with self._lock:
            if not self.replies:
                return json_reply(500, {"error": {"message": "no reply scripted"}})
            return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]

    def start(self) -> Server:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(MAX_WAIT)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_state: Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass

    def setup(self) -> None:
        with self.server_state._lock:
            self.server_state.connections += 1
        super().setup()

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        state = self.server_state
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        state.requests.append(Request(self.command, self.path, dict(self.headers.items()), body))
        reply = state.next_reply()
        try:
            self._play(reply)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError) as exc:
            state.errors.append(type(exc).__name__)
            state.client_closed.set()
            self.close_connection = True

    def _play(self, reply: Reply) -> None:
        state = self.server_state
        only_bytes = all(isinstance(step, bytes) for step in reply.body)
        self.send_response(reply.status, reply.reason)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif only_bytes:
            self.send_header("Content-Length", str(sum(len(step) for step in reply.body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.flush()
        for step in reply.body:
            if isinstance(step, bytes):
                if reply.chunked:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(step), step))
                else:
                    self.wfile.write(step)
                self.wfile.flush()
            elif isinstance(step, Raw):
                self.wfile.write(step.data)
                self.wfile.flush()
            elif isinstance(step, Pause):
                time.sleep(step.seconds)
            elif isinstance(step, Wait):
                if not step.event.wait(step.timeout):
                    step.timed_out = True
            elif isinstance(step, Drop):
                self._hang_up(reset=False)
                return
            elif isinstance(step, Reset):
                self._hang_up(reset=True)
                return
            elif isinstance(step, Stall):
                self._wait_for_close(MAX_WAIT)
                self.close_connection = True
                return
            elif isinstance(step, AwaitClose):
                self._wait_for_close(step.timeout)
                self.close_connection = True
                return
            else:  # pragma: no cover - a mistake in a test
                raise TypeError(f"unknown step {step!r}")
        if reply.chunked:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        state.finished.set()

    def _hang_up(self, reset: bool) -> None:
        self.wfile.flush()
        self.close_connection = True
        sock = self.connection
        if reset:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        else:
            sock.shutdown(socket.SHUT_RDWR)

    def _wait_for_close(self, timeout: float) -> None:
        """Block until the client's end is closed (EOF or reset), the server stops, or *timeout*."""
        state = self.server_state
        sock = self.connection
        deadline = time.monotonic() + timeout
        sock.settimeout(0.05)
        while time.monotonic() < deadline and not state.stopping.is_set():
            try:
                data = sock.recv(1024)
            except socket.timeout:
                continue
            except OSError:
                state.client_closed.set()
                return
            if not data:
                state.client_closed.set()
                return
