"""``orsse.Client`` and ``orsse.AsyncClient`` against real local servers: every case runs on both.

The ``api`` fixture is either client behind one blocking interface (tests/_clients.py);
servers are tests/_server.py (scripted HTTP replies), tests/_proxy.py (a relaying proxy)
and raw sockets. Every wait is bounded: the clients run with timeouts of a second or
two, the server's steps give up after ``_server.MAX_WAIT``.
"""

from __future__ import annotations

import gc
import json
import platform
import socket
import subprocess
import sys
import threading
import time
import warnings
from email.utils import formatdate
from typing import TYPE_CHECKING

import pytest

import orsse
from _clients import AsyncAPI, SyncAPI, split_options
from _fixtures import RECORDED, SEEDS, TESTS
from _proxy import Proxy
from _server import (
    CA_FILE,
    AwaitClose,
    Drop,
    Pause,
    Raw,
    Reply,
    Reset,
    Server,
    Stall,
    Wait,
    client_tls_context,
    content_chunk,
    json_reply,
    sse_event,
    sse_reply,
    split_events,
)

if TYPE_CHECKING:
    from typing import Any, Iterator, List

THINKING = RECORDED / "TestOpenRouterThinking" / "anthropic" / "thinking-streaming.0.sse"
SIMPLE = SEEDS / "claude-sonnet-4_simple.sse"
KEY = "sk-or-v1-test-SECRET-0123456789abcdef"
#: (connect, read): short, so that a failure shows up fast instead of hanging.
TIMEOUT = (2.0, 2.0)
PYPY = platform.python_implementation() == "PyPy"

_PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy from the machine's environment, and no real key."""
    for name in _PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    monkeypatch.delenv("REQUEST_METHOD", raising=False)


@pytest.fixture(params=["sync", "async"])
def api(request: pytest.FixtureRequest) -> Iterator[Any]:
    driver: Any = SyncAPI() if request.param == "sync" else AsyncAPI()
    yield driver
    driver.close()


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server().start()
    yield srv
    srv.stop()


@pytest.fixture
def sleeps(api: Any, monkeypatch: pytest.MonkeyPatch) -> List[float]:
    """The retry delays, recorded instead of slept."""
    delays: List[float] = []
    api.patch_sleep(monkeypatch, delays.append)
    return delays


def client(api: Any, server: Any = None, **options: Any) -> Any:
    defaults: Any = dict(api_key=KEY, timeout=TIMEOUT, max_retries=0)
    if server is not None:
        defaults["base_url"] = server.url
    defaults.update(options)
    return api.client(**defaults)


def stream(api: Any, server: Any, **kwargs: Any) -> Any:
    """Open a stream on a fresh client; client options and request fields mixed."""
    options, params = split_options(dict(kwargs))
    messages = params.pop("messages", [{"role": "user", "content": "Hi"}])
    model = params.pop("model", "test/model")
    return client(api, server, **options).stream_chat(model, messages, **params)


def expected(path: Any) -> orsse.ChatCompletion:
    return orsse.collect([path.read_bytes()])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- the happy path ---------------------------------------------------------------------


@pytest.mark.parametrize("path", [THINKING, SIMPLE], ids=lambda p: p.name)
def test_replays_a_recorded_stream(api: Any, server: Server, path: Any) -> None:
    server.add(sse_reply(path.read_bytes(), headers={"X-Generation-Id": "gen-from-header"}))
    with stream(api, server) as s:
        chunks = list(s)
        assert s.closed
    assert chunks and all(isinstance(c, orsse.ChatCompletionChunk) for c in chunks)
    assert s.result() == s.completion == expected(path)
    assert s.generation_id == "gen-from-header"
    assert s.headers["content-type"] == "text/event-stream"
    assert s.status == 200
    assert s.error is None


def test_usage_cost_and_keepalive_comments(api: Any, server: Server) -> None:
    server.add(sse_reply(THINKING.read_bytes()))
    with stream(api, server) as s:
        completion = s.result()
    assert completion.usage is not None and completion.usage.cost == 0.001322
    assert completion.message.tool_calls[0].function.name == "weather"
    assert s.comments == 2  # the two ": OPENROUTER PROCESSING" lines
    assert s.generation_id == completion.id  # no header: the chunks' id


def test_every_split_of_the_bytes_gives_the_same_result(api: Any, server: Server) -> None:
    data = SIMPLE.read_bytes()
    # One byte per chunk for the start, a piece cut inside a multi-byte character, the rest.
    text_at = data.index("Olá".encode())
    pieces = [data[i : i + 1] for i in range(40)] + [data[40 : text_at + 3], data[text_at + 3 :]]
    server.add(Reply(body=[p for p in pieces if p]))
    with stream(api, server) as s:
        assert s.result() == expected(SIMPLE)


def test_content_length_instead_of_chunked(api: Any, server: Server) -> None:
    server.add(Reply(body=[SIMPLE.read_bytes()], chunked=False))
    with stream(api, server) as s:
        assert s.result() == expected(SIMPLE)


def test_a_body_ended_by_closing_the_connection(api: Any, server: Server) -> None:
    # Neither chunked nor Content-Length (HTTP/1.0 style): the end is the close.
    server.add(Reply(body=split_events(SIMPLE.read_bytes()) + [Pause(0.01)], chunked=False))
    with stream(api, server) as s:
        assert s.result() == expected(SIMPLE)


def test_the_first_event_arrives_while_the_server_holds_back_the_rest(api: Any, server: Server) -> None:
    release = threading.Event()
    wait = Wait(release, timeout=5.0)
    first, *rest = split_events(b"".join([content_chunk("Hel"), content_chunk("lo", "stop"), b"data: [DONE]\n\n"]))
    server.add(Reply(body=[first, wait, *rest]))
    started = time.monotonic()
    with stream(api, server, timeout=(2.0, 8.0)) as s:
        chunk = next(s)
        elapsed = time.monotonic() - started
        assert not server.finished.is_set()  # the rest of the body has not been sent
        assert chunk.choices[0].delta.content == "Hel"
        assert s.completion.content == "Hel"
        release.set()
        assert s.result().content == "Hello"
    assert not wait.timed_out
    assert elapsed < 2.0


def test_a_chunk_is_returned_before_the_next_one_is_even_sent(api: Any, server: Server) -> None:
    gates = [threading.Event() for _ in range(3)]
    body: List[Any] = []
    for i, gate in enumerate(gates):
        body += [content_chunk(str(i)), Wait(gate, timeout=5.0)]
    body += [content_chunk("", "stop"), b"data: [DONE]\n\n"]
    server.add(Reply(body=body))
    seen = []
    with stream(api, server, timeout=(2.0, 8.0)) as s:
        for chunk, gate in zip(s, gates):
            seen.append(chunk.choices[0].delta.content)
            gate.set()
        assert s.result().content == "012"
    assert seen == ["0", "1", "2"]
    assert not any(step.timed_out for step in body if isinstance(step, Wait))


# -- the request ------------------------------------------------------------------------


def test_the_request_is_right(api: Any, server: Server) -> None:
    server.add(sse_reply(SIMPLE.read_bytes()))
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Olá"}]
    with stream(
        api,
        server,
        model="anthropic/claude-sonnet-4",
        messages=messages,
        app_url="https://example.org/app",
        app_title="My App",
        temperature=0.2,
        reasoning={"effort": "low"},
        headers={"X-Extra": "1"},
    ) as s:
        s.result()
    (request,) = server.requests
    assert request.method == "POST"
    assert request.path == "/api/v1/chat/completions"
    assert request.json == {
        "model": "anthropic/claude-sonnet-4",
        "messages": messages,
        "temperature": 0.2,
        "reasoning": {"effort": "low"},
        "stream": True,
    }
    headers = {name.lower(): value for name, value in request.headers.items()}
    assert headers["authorization"] == f"Bearer {KEY}"
    assert headers["accept"] == "text/event-stream"
    assert headers["accept-encoding"] == "identity"
    assert headers["content-type"] == "application/json"
    assert headers["host"] == f"127.0.0.1:{server.port}"
    assert headers["user-agent"].startswith(f"orsse/{orsse.__version__} ")
    assert headers["http-referer"] == "https://example.org/app"
    assert headers["x-openrouter-title"] == "My App"
    assert headers["x-extra"] == "1"
    assert KEY not in repr(s) and KEY not in str(s)


def test_base_url_with_a_trailing_slash_and_a_query(api: Any, server: Server) -> None:
    server.add(sse_reply(SIMPLE.read_bytes()))
    with stream(api, server, base_url=server.url + "/?api-version=2") as s:
        s.result()
    assert server.requests[0].path == "/api/v1/chat/completions?api-version=2"
    assert "api-version" not in s.url


def test_a_base_url_path_with_spaces_and_non_ascii_goes_percent_encoded(api: Any, server: Server) -> None:
    server.add(sse_reply(SIMPLE.read_bytes()))
    with stream(api, server, base_url=server.url + "/dé jà/%41?q=ä b") as s:
        s.result()
    assert server.requests[0].path == "/api/v1/d%C3%A9%20j%C3%A0/%41/chat/completions?q=%C3%A4%20b"


@pytest.mark.parametrize("host", ["a..b", ".example", "x" * 64 + ".example"])
def test_a_host_name_the_socket_layer_cannot_encode_is_refused_at_once(api: Any, host: str) -> None:
    # Not at the first request, as a bare UnicodeError from the IDNA codec.
    with pytest.raises(ValueError, match="base_url has no valid host name"):
        api.client(api_key=KEY, base_url=f"http://{host}/v1", proxy=None)
    with pytest.raises(ValueError, match="the proxy from proxy= has no valid host name"):
        api.client(api_key=KEY, base_url="http://api.example/v1", proxy=f"http://{host}:3128")


def test_port_zero_is_refused_rather_than_taken_for_the_default(api: Any) -> None:
    with pytest.raises(ValueError, match="port 0"):
        api.client(api_key=KEY, base_url="http://127.0.0.1:0/v1", proxy=None)
    with pytest.raises(ValueError, match="port 0"):
        api.client(api_key=KEY, base_url="http://api.example/v1", proxy="http://127.0.0.1:0")


def test_a_host_beyond_ascii_is_sent_in_its_idna_form(api: Any) -> None:
    client = api.client(api_key=KEY, base_url="https://bücher.example/v1", proxy=None)
    request = client._config.request(client._config.route("chat/completions"), b"{}")
    assert b"\r\nHost: xn--bcher-kva.example\r\n" in request


def test_the_key_comes_from_the_environment(api: Any, server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", f"  {KEY}\n")
    server.add(sse_reply(SIMPLE.read_bytes()))
    with stream(api, server, api_key=None) as s:
        s.result()
    assert server.requests[0].headers["Authorization"] == f"Bearer {KEY}"


def test_no_key_for_openrouter_is_an_error_before_any_request(api: Any) -> None:
    with pytest.raises(orsse.MissingAPIKeyError, match="OPENROUTER_API_KEY"):
        api.client(api_key=None)


def test_no_key_for_another_server_sends_no_authorization(api: Any, server: Server) -> None:
    """A local server needs no key: none given, none found, none sent."""
    server.add(sse_reply(SIMPLE.read_bytes()))
    with stream(api, server, api_key=None) as s:
        s.result()
    with stream(api, server, api_key="") as s:
        s.result()
    assert all("Authorization" not in request.headers for request in server.requests)


def test_a_bad_key_is_refused_without_showing_it(api: Any, server: Server) -> None:
    with pytest.raises(ValueError) as info:
        client(api, server, api_key="sk-or-v1-abc\r\nX-Evil: 1")
    assert "sk-or-v1-abc" not in str(info.value)
    assert server.requests == []


def test_messages_may_be_a_string_or_earlier_messages(api: Any, server: Server) -> None:
    server.add(sse_reply(SIMPLE.read_bytes()))
    previous = expected(SIMPLE).message
    with stream(api, server, messages="Hi") as s:
        s.result()
    with stream(api, server, messages=[{"role": "user", "content": "Hi"}, previous]) as s:
        s.result()
    assert server.requests[0].json["messages"] == [{"role": "user", "content": "Hi"}]
    assert server.requests[1].json["messages"][1] == previous.to_dict()


def test_stream_false_is_refused(api: Any, server: Server) -> None:
    with pytest.raises(TypeError, match="always streams"):
        stream(api, server, stream=False)


@pytest.mark.parametrize(
    "option", ["verify", "ssl_context", "proxy", "timeout", "max_retries", "headers", "api_key", "base_url"]
)
def test_a_transport_option_as_a_request_field_is_refused(api: Any, server: Server, option: str) -> None:
    c = client(api, server)
    with pytest.raises(TypeError, match=f"{option}=") as info:
        c.stream_chat("m", "Hi", **{option: False})
    assert isinstance(info.value, orsse.InvalidRequestError) and "extra_body" in str(info.value)
    assert server.requests == []


def test_extra_body_sends_a_field_whose_name_clashes(api: Any, server: Server) -> None:
    server.add(sse_reply(SIMPLE.read_bytes()))
    with client(api, server).stream_chat("m", "Hi", extra_body={"timeout": 30, "provider": {"sort": "price"}}) as s:
        s.result()
    assert server.requests[0].json["timeout"] == 30
    assert server.requests[0].json["provider"] == {"sort": "price"}


@pytest.mark.parametrize(
    "params, field",
    [
        ({"tools": [{"type": "function", "function": {"name": "f", "parameters": {1, 2}}}]}, "tools[0].function.parameters"),
        ({"temperature": float("nan")}, "temperature"),
        ({"metadata": {"when": object()}}, "metadata.when"),
    ],
    ids=["a-set", "nan", "an-object"],
)
def test_a_value_json_cannot_encode_is_a_type_error_naming_the_field(
    api: Any, server: Server, params: Any, field: str
) -> None:
    with pytest.raises(TypeError, match=field.replace("[", r"\[").replace("]", r"\]")):
        client(api, server).stream_chat("m", "Hi", **params)
    assert server.requests == []


# -- errors before the stream -------------------------------------------------------------


def test_http_error_with_an_openrouter_json_body(api: Any, server: Server) -> None:
    body = {
        "error": {"code": 402, "message": "Insufficient credits", "metadata": {"provider_name": "OpenAI", "raw": "{}"}},
        "user_id": "user_1",
    }
    server.add(json_reply(402, body, headers={"X-Generation-Id": "gen-err"}))
    with pytest.raises(orsse.APIStatusError) as info:
        stream(api, server)
    error = info.value
    assert (error.status, error.code, error.message) == (402, 402, "Insufficient credits")
    assert error.metadata == {"provider_name": "OpenAI", "raw": "{}"}
    assert error.retry_after is None and error.partial is None
    assert error.generation_id == "gen-err"
    assert json.loads(error.body) == body
    assert "402" in str(error) and "Insufficient credits" in str(error) and "OpenAI" in str(error)


def test_http_error_with_a_string_code_and_no_metadata(api: Any, server: Server) -> None:
    server.add(json_reply(400, {"error": {"message": "bad model", "code": "invalid_model"}}))
    with pytest.raises(orsse.APIStatusError) as info:
        stream(api, server)
    assert (info.value.code, info.value.message, info.value.metadata) == ("invalid_model", "bad model", None)
    assert "invalid_model" in str(info.value)


def test_http_error_with_a_body_that_is_not_json(api: Any, server: Server) -> None:
    html = b"<html><body>" + b"Bad gateway " * 10000 + b"</body></html>"
    server.add(Reply(status=502, headers={"Content-Type": "text/html"}, body=[html], chunked=False))
    with pytest.raises(orsse.APIStatusError) as info:
        stream(api, server)
    error = info.value
    assert error.status == 502 and error.code is None and error.message is None
    assert "<html><body>Bad gateway" in str(error)
    assert len(str(error)) < 500  # a bounded excerpt
    assert len(error.body) == 65536  # a bounded body


def test_http_error_with_an_empty_body(api: Any, server: Server) -> None:
    server.add(Reply(status=500, headers={}, body=[], chunked=False))
    with pytest.raises(orsse.APIStatusError, match="empty body"):
        stream(api, server)


def test_a_dripping_error_body_is_bounded_in_time(api: Any, server: Server) -> None:
    """A 500 whose body drips a byte every 100 ms: what came within the limit is kept."""
    drip: List[Any] = []
    for byte in b"Internal error, slowly" * 10:
        drip += [bytes([byte]), Pause(0.1)]
    server.add(Reply(status=500, headers={"Content-Type": "text/plain"}, body=drip))
    started = time.monotonic()
    with pytest.raises(orsse.APIStatusError) as info:
        stream(api, server, timeout=(1.0, 1.0))
    assert time.monotonic() - started < 2.5
    assert info.value.body.startswith("Inter") and len(info.value.body) < 30


@pytest.mark.parametrize(
    "headers, seconds",
    [
        ({"Retry-After": "7"}, 7.0),
        ({"Retry-After": "1.5"}, 1.5),
        ({"Retry-After": "in 30 s, as an HTTP date"}, 30.0),
        ({"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "-3"}, None),
        ({"retry-after-ms": "250"}, 0.25),
        ({}, None),
    ],
)
def test_retry_after(api: Any, server: Server, headers: Any, seconds: Any) -> None:
    if headers.get("Retry-After") == "in 30 s, as an HTTP date":
        headers = {"Retry-After": formatdate(time.time() + 30, usegmt=True)}
    server.add(json_reply(429, {"error": {"code": 429, "message": "Rate limited"}}, headers=headers))
    with pytest.raises(orsse.APIStatusError) as info:
        stream(api, server)
    if seconds is None:
        assert info.value.retry_after is None
    else:
        assert info.value.retry_after == pytest.approx(seconds, abs=2.0)
        assert "retry after" in str(info.value)


def test_a_success_that_is_not_an_event_stream(api: Any, server: Server) -> None:
    server.add(json_reply(200, {"id": "x", "choices": [{"message": {"content": "not streamed"}}]}))
    with pytest.raises(orsse.NotEventStreamError) as info:
        stream(api, server)
    error = info.value
    assert isinstance(error, orsse.APIStatusError)
    assert error.status == 200 and error.content_type == "application/json"
    assert "text/event-stream" in str(error) and "not streamed" in str(error)


def test_a_success_without_content_type(api: Any, server: Server) -> None:
    server.add(Reply(headers={}, body=[SIMPLE.read_bytes()], chunked=False))
    with pytest.raises(orsse.NotEventStreamError, match="None"):
        stream(api, server)


def test_a_redirect_is_reported(api: Any, server: Server) -> None:
    server.add(Reply(status=308, headers={"Location": "https://other.example/api/v1/chat/completions"}, body=[]))
    with pytest.raises(orsse.APIStatusError, match="other.example"):
        stream(api, server)


def test_a_content_encoded_stream_is_a_clear_error(api: Any, server: Server) -> None:
    import gzip

    server.add(Reply(headers={"Content-Type": "text/event-stream", "Content-Encoding": "gzip"}, body=[gzip.compress(SIMPLE.read_bytes())]))
    with pytest.raises(orsse.ProtocolError, match="gzip-encoded"):
        stream(api, server)


def test_a_garbled_status_line_is_a_protocol_error(api: Any) -> None:
    with _raw_server(b"SPDY/9 lol\r\n\r\n") as port:
        with pytest.raises(orsse.ProtocolError, match="status line"):
            stream(api, None, base_url=f"http://127.0.0.1:{port}")


class _raw_server:
    """A listener that answers every connection with *reply* (or nothing), then waits."""

    def __init__(self, reply: bytes = b"", *, accept: bool = True) -> None:
        self.reply = reply
        self.accept = accept
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.listener.settimeout(0.05)
        self.stop = threading.Event()
        self.connections: List[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while self.accept and not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            self.connections.append(conn)
            if self.reply:
                conn.sendall(self.reply)

    def __enter__(self) -> int:
        self.thread.start()
        return int(self.listener.getsockname()[1])

    def __exit__(self, *exc_info: Any) -> None:
        self.stop.set()
        self.thread.join(5)
        for conn in self.connections:
            conn.close()
        self.listener.close()


# -- the key never shows --------------------------------------------------------------------


def _escaped(text: str) -> str:
    return "".join("\\u%04x" % ord(c) for c in text)


def test_the_key_never_shows_in_an_error_response(api: Any, server: Server) -> None:
    echo = f"Incorrect API key provided: {KEY}"
    body = json.dumps({"error": {"code": 401, "message": echo, "metadata": {"raw": _escaped(KEY)}}})
    server.add(
        Reply(
            status=401,
            reason=f"Bad key {KEY}",
            headers={"Content-Type": "application/json", "X-Echo": KEY},
            body=[body.replace(_escaped(KEY), "\\" + _escaped(KEY)[1:]).encode()],
            chunked=False,
        )
    )
    with pytest.raises(orsse.APIStatusError) as info:
        stream(api, server)
    error = info.value
    texts = [str(error), repr(error), repr(error.args), error.body, error.message or "", error.reason]
    texts += [json.dumps(error.metadata), repr(dict(error.headers)), repr(error.__reduce__())]
    for text in texts:
        assert KEY not in text and _escaped(KEY) not in text
    assert "***" in str(error)


def test_the_key_never_shows_in_a_redirect(api: Any, server: Server) -> None:
    location = f"https://other.example/v1?key={KEY}&k2=%73%6b{KEY[2:]}"
    server.add(Reply(status=302, headers={"Location": location}, body=[]))
    with pytest.raises(orsse.APIStatusError) as info:
        stream(api, server)
    assert KEY not in str(info.value) and KEY[2:] not in str(info.value.headers["Location"])


def test_the_key_never_shows_in_a_mid_stream_error(api: Any, server: Server) -> None:
    error = {"code": 401, "message": f"key {KEY} revoked", "metadata": {"raw": f"'{KEY}'"}}
    server.add(Reply(body=[content_chunk("Par"), sse_event({"id": "g", "choices": [], "error": error})]))
    with stream(api, server) as s, pytest.raises(orsse.StreamError) as info:
        s.result()
    for text in (str(info.value), repr(info.value.args), info.value.message, json.dumps(info.value.metadata)):
        assert KEY not in text
    assert info.value.partial is not None and info.value.partial.content == "Par"


def test_the_key_never_shows_in_a_chunk_decode_error(api: Any, server: Server) -> None:
    server.add(Reply(body=[content_chunk("Par"), f"data: {{oops {_escaped(KEY)} {KEY}\n\n".encode()]))
    with stream(api, server) as s, pytest.raises(orsse.ChunkDecodeError) as info:
        s.result()
    for text in (str(info.value), repr(info.value.args), info.value.payload, repr(s.error)):
        assert KEY not in text and _escaped(KEY) not in text
    assert info.value.__context__ is None  # the JSON error behind it held the whole payload



def test_the_key_never_shows_cut_short(api: Any, server: Server) -> None:
    # Quoted text is cut short (a bad chunk to 200 characters, the start of a body that is
    # no event stream to 256 bytes, a chunk-size line to 40): a key put across the cut
    # must not show, in part, either.
    cases = [
        (orsse.ChunkDecodeError, lambda shift: [content_chunk("Par"), b"data: {" + b"o" * (185 + shift) + KEY.encode() + b"\n\n"]),
        (orsse.NotChatStreamError, lambda shift: [b"hello " + b"o" * (180 + shift) + KEY.encode() + b"\n\n"]),
        (orsse.NotChatStreamError, lambda shift: [b"hello " + b"o" * (240 + shift) + KEY.encode() + b"\n\n"]),
        (orsse.IncompleteStreamError, lambda shift: [Raw(b"1" * (20 + shift) + KEY.encode() + b"\r\n"), Drop()]),
    ]
    for kind, body in cases:
        for shift in (0, 7, 15):
            server.replies[:] = [Reply(body=body(shift))]  # the last reply would stand
            with pytest.raises(orsse.OrsseError) as info, stream(api, server) as s:
                s.result()
            error = info.value
            assert isinstance(error, kind), error
            texts = [str(error), repr(error.args), repr(vars(error))]
            assert all(KEY[:10] not in text for text in texts), (kind, shift, texts)

def test_the_key_never_shows_in_proxy_errors(api: Any) -> None:
    port = free_port()
    password = "proxy-SECRET-pass"
    with pytest.raises(orsse.ProxyError) as info:
        stream(api, None, base_url="http://api.example.invalid/v1", proxy=f"http://me:{password}@127.0.0.1:{port}")
    assert password not in str(info.value) and f"127.0.0.1:{port}" in str(info.value)
    assert info.value.proxy == f"http://127.0.0.1:{port}"


# -- connections and time --------------------------------------------------------------------


def test_connection_refused(api: Any) -> None:
    port = free_port()
    with pytest.raises(orsse.APIConnectionError) as info:
        stream(api, None, base_url=f"http://127.0.0.1:{port}/v1")
    assert f"127.0.0.1:{port}" in str(info.value) and KEY not in str(info.value)
    assert not isinstance(info.value, orsse.APITimeoutError)


def test_connect_timeout(api: Any) -> None:
    """A TLS server that accepts TCP and never answers the handshake."""
    with _raw_server() as port:
        started = time.monotonic()
        with pytest.raises(orsse.ConnectTimeout) as info:
            stream(api, None, base_url=f"https://127.0.0.1:{port}", timeout=(0.5, 2.0))
    error = info.value
    assert time.monotonic() - started < 2.0
    assert isinstance(error, orsse.APITimeoutError) and isinstance(error, orsse.APIConnectionError)
    assert isinstance(error, TimeoutError)
    assert error.timeout == 0.5 and "0.5s" in str(error)


def test_no_response_at_all_is_a_read_timeout(api: Any) -> None:
    with _raw_server() as port:
        started = time.monotonic()
        with pytest.raises(orsse.ReadTimeout) as info:
            stream(api, None, base_url=f"http://127.0.0.1:{port}", timeout=(1.0, 0.3), max_retries=2)
        assert time.monotonic() - started < 2.0  # a read timeout is never retried
    assert info.value.partial is None


def test_the_total_deadline_covers_the_whole_call(api: Any, server: Server) -> None:
    """Each read is quick, but the stream goes on: the total deadline ends it."""
    body: List[Any] = []
    for _ in range(100):
        body += [content_chunk("x"), Pause(0.05)]
    server.add(Reply(body=body))
    started = time.monotonic()
    with stream(api, server, timeout=orsse.Timeout(connect=1, read=1, total=0.6)) as s:
        with pytest.raises(orsse.TotalTimeout) as info:
            s.result()
    assert 0.5 < time.monotonic() - started < 2.0
    assert info.value.timeout == 0.6 and info.value.partial is not None
    assert info.value.partial.content.startswith("xx")


def test_a_keepalive_only_stream_is_bounded(api: Any, server: Server) -> None:
    body: List[Any] = [content_chunk("Hel")]
    for _ in range(100):
        body += [b": OPENROUTER PROCESSING\n\n", Pause(0.05)]
    server.add(Reply(body=body))
    started = time.monotonic()
    with stream(api, server, timeout=orsse.Timeout(connect=1, read=1, event=0.5)) as s:
        with pytest.raises(orsse.TotalTimeout, match="only keep-alives") as info:
            s.result()
    assert time.monotonic() - started < 2.0
    assert s.comments >= 5
    assert info.value.partial is not None and info.value.partial.content == "Hel"


def test_timeout_forms() -> None:
    assert orsse.Timeout.of((1, 2)) == orsse.Timeout(1, 2)
    assert orsse.Timeout.of(3) == orsse.Timeout(3, 3)
    assert orsse.Timeout.of(None) == orsse.Timeout(None, None)
    with pytest.raises(ValueError):
        orsse.Timeout(connect=-1)
    with pytest.raises(ValueError):
        orsse.Timeout.of((1, 2, 3))  # type: ignore[arg-type]


# -- errors during the stream ---------------------------------------------------------------

#: A synthetic stream long enough to be cut before its finish.
LONG = b"".join(
    [b": OPENROUTER PROCESSING\n\n"]
    + [content_chunk(piece) for piece in ("Hel", "lo", ", wor", "ld")]
    + [content_chunk("", "stop"), b"data: [DONE]\n\n"]
)


def _head_and_cut(*steps: Any) -> Reply:
    """The first three events of ``LONG`` (a comment and two chunks), then *steps*."""
    return Reply(body=[*split_events(LONG)[:3], *steps])


def _collect_first_two() -> orsse.ChatCompletion:
    accumulator = orsse.Accumulator()
    for piece in split_events(LONG)[:3]:
        for event in orsse.iter_events([piece]):
            accumulator.add(orsse.parse_chunk(event.data))
    return accumulator.result()


@pytest.mark.parametrize(
    "steps",
    [[Drop()], [Raw(b'40\r\ndata: {"id"'), Drop()], [Reset()], [Raw(b"zz\r\n"), Drop()]],
    ids=["drop-between-chunks", "drop-inside-a-chunk", "reset", "garbled-chunk"],
)
def test_a_connection_dropped_mid_stream_keeps_the_partial(api: Any, server: Server, steps: Any) -> None:
    server.add(_head_and_cut(*steps))
    got = []
    with stream(api, server) as s:
        with pytest.raises(orsse.IncompleteStreamError) as info:
            for chunk in s:
                got.append(chunk)
    error = info.value
    assert got  # what arrived was delivered first
    assert error.partial == _collect_first_two()
    assert "bytes" in str(error)
    assert s.error is error and s.closed
    with pytest.raises(orsse.IncompleteStreamError):
        s.result()


def test_a_drop_after_the_finish_is_a_clean_end(api: Any, server: Server) -> None:
    server.add(Reply(body=[*split_events(LONG)[:-1], Drop()]))
    with stream(api, server) as s:
        assert s.result() == orsse.collect([LONG])


def test_a_stream_that_ends_without_done(api: Any, server: Server) -> None:
    server.add(_head_and_cut())
    with stream(api, server) as s, pytest.raises(orsse.IncompleteStreamError, match="cut off") as info:
        s.result()
    assert info.value.partial == _collect_first_two()


def test_a_stall_mid_stream_is_a_read_timeout_with_the_partial(api: Any, server: Server) -> None:
    server.add(_head_and_cut(Stall()))
    started = time.monotonic()
    with stream(api, server, timeout=(2.0, 0.3)) as s, pytest.raises(orsse.ReadTimeout) as info:
        for _ in s:
            pass
    assert time.monotonic() - started < 2.0
    error = info.value
    assert isinstance(error, TimeoutError) and not isinstance(error, orsse.APIConnectionError)
    assert error.timeout == 0.3
    assert error.partial == _collect_first_two()
    assert server.client_closed.wait(2.0)  # and the connection was closed


def test_a_stall_before_the_first_event(api: Any, server: Server) -> None:
    server.add(Reply(body=[b": OPENROUTER PROCESSING\n\n", Stall()]))
    with stream(api, server, timeout=(2.0, 0.3)) as s, pytest.raises(orsse.ReadTimeout) as info:
        s.result()
    assert info.value.partial is not None and info.value.partial.choices == []


def test_an_error_event_mid_stream(api: Any, server: Server) -> None:
    error = {"code": 502, "message": "Provider disconnected", "metadata": {"provider_name": "X"}}
    body = [content_chunk("Par"), sse_event({"id": "gen-test", "choices": [], "error": error}), b"data: [DONE]\n\n"]
    server.add(Reply(body=body))
    with stream(api, server) as s, pytest.raises(orsse.StreamError) as info:
        s.result()
    assert info.value.code == 502 and info.value.partial is not None
    assert info.value.partial.content == "Par"


def test_bad_json_mid_stream(api: Any, server: Server) -> None:
    server.add(Reply(body=[content_chunk("Par"), b"data: {oops\n\n"]))
    with stream(api, server) as s, pytest.raises(orsse.ChunkDecodeError) as info:
        s.result()
    assert info.value.partial is not None and info.value.partial.content == "Par"


# -- leaving early --------------------------------------------------------------------------


def _endless() -> Reply:
    """A first event, then the server waits for the client to hang up."""
    return Reply(body=[content_chunk("Hel"), AwaitClose(timeout=5.0)])


def test_break_closes_the_connection(api: Any, server: Server) -> None:
    server.add(_endless())
    with stream(api, server) as s:
        for chunk in s:
            assert chunk.choices[0].delta.content == "Hel"
            break
    assert s.closed
    assert server.client_closed.wait(3.0)
    assert s.completion.content == "Hel"
    with pytest.raises(orsse.IncompleteStreamError, match="closed before its end"):
        s.result()


def test_close_without_with(api: Any, server: Server) -> None:
    server.add(_endless())
    s = stream(api, server)
    next(s)
    s.close()
    s.close()  # twice is fine
    assert server.client_closed.wait(3.0)
    assert list(s) == []


def test_an_exception_in_the_caller_closes_the_connection(api: Any, server: Server) -> None:
    server.add(_endless())
    with pytest.raises(KeyError):
        with stream(api, server) as s:
            for _ in s:
                raise KeyError("caller")
    assert server.client_closed.wait(3.0)


def test_close_from_elsewhere_stops_a_waiting_read(api: Any, server: Server) -> None:
    server.add(_endless())
    with stream(api, server, timeout=(2.0, 5.0)) as s:
        next(s)
        timer = threading.Timer(0.2, s.close)
        timer.start()
        started = time.monotonic()
        rest = list(s)  # blocks until the close
        timer.join()
    assert rest == [] and time.monotonic() - started < 3.0
    assert server.client_closed.wait(3.0)


def test_the_server_sees_writes_fail_after_the_client_left(api: Any, server: Server) -> None:
    keepalives: List[Any] = []
    for _ in range(200):
        keepalives += [b": OPENROUTER PROCESSING\n\n", Pause(0.01)]
    server.add(Reply(body=[content_chunk("Hel"), *keepalives]))
    with stream(api, server) as s:
        next(s)
    assert server.client_closed.wait(5.0)
    assert server.errors  # a write failed: BrokenPipeError or ConnectionResetError


def test_break_without_with_closes_at_once_sync(server: Server) -> None:
    server.add(_endless())
    with orsse.Client(KEY, base_url=server.url, timeout=TIMEOUT) as c:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            for chunk in c.stream_chat("m", "Hi"):
                break
            if PYPY:
                gc.collect()  # no reference counting: the stream goes when the collector runs
        assert server.client_closed.wait(3.0)


def test_break_without_with_closes_at_once_async(server: Server) -> None:
    import asyncio

    server.add(_endless())

    async def main() -> None:
        async with orsse.AsyncClient(KEY, base_url=server.url, timeout=TIMEOUT) as c:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                async for chunk in await c.stream_chat("m", "Hi"):
                    break
                if PYPY:
                    gc.collect()
            for _ in range(100):
                if server.client_closed.is_set():
                    break
                await asyncio.sleep(0.02)

    asyncio.run(main())
    assert server.client_closed.wait(3.0)


def test_a_stream_collected_while_open_warns(api: Any, server: Server) -> None:
    server.add(_endless())
    s = stream(api, server)
    next(s)
    inner = getattr(s, "stream", s)
    del s
    with pytest.warns(ResourceWarning, match="not closed"):
        del inner
        for _ in range(3):  # PyPy runs finalizers after the collection that found them
            gc.collect()
    assert server.client_closed.wait(3.0)


def test_a_stream_collected_while_open_closes_even_when_warnings_are_errors(
    api: Any, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.add(_endless())
    s = stream(api, server)
    next(s)
    inner = getattr(s, "stream", s)
    body = inner._body  # kept, to see it closed
    del s
    raised: List[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: raised.append(str(unraisable.exc_value)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        del inner
        for _ in range(3):
            gc.collect()
    # orsse's warning, raised in its finalizer after it closed the connection: no socket
    # was left for its own finalizer to find unclosed.
    assert raised and all("was not closed" in text for text in raised), raised
    assert body.closed and server.client_closed.wait(3.0)


# -- connection reuse -------------------------------------------------------------------------


def test_two_sequential_streams_share_one_connection(api: Any, server: Server) -> None:
    server.add(sse_reply(SIMPLE.read_bytes()))
    c = client(api, server)
    for _ in range(3):
        with c.stream_chat("m", "Hi") as s:
            assert s.result() == expected(SIMPLE)
    assert len(server.requests) == 3
    assert server.connections == 1


def test_a_stream_left_early_does_not_give_its_connection_back(api: Any, server: Server) -> None:
    server.add(_endless(), sse_reply(SIMPLE.read_bytes()))
    c = client(api, server)
    with c.stream_chat("m", "Hi") as s:
        next(s)
    assert server.client_closed.wait(3.0)
    with c.stream_chat("m", "Hi") as s:
        s.result()
    assert server.connections == 2


def test_a_kept_alive_connection_the_server_closed_is_replaced(api: Any, server: Server, sleeps: List[float]) -> None:
    """The server closes an idle connection; the next call opens another, uncounted."""
    server.add(sse_reply(SIMPLE.read_bytes()))
    c = client(api, server)
    with c.stream_chat("m", "Hi") as s:
        s.result()
    server.stop()  # closes the server's end of the idle connection
    srv2 = _restart_on(server.port)
    try:
        srv2.add(sse_reply(SIMPLE.read_bytes()))
        with c.stream_chat("m", "Hi") as s:
            assert s.result() == expected(SIMPLE)
        assert sleeps == []  # not a retry: max_retries is 0
    finally:
        srv2.stop()


def _restart_on(port: int) -> Server:
    from http.server import ThreadingHTTPServer

    srv = Server()
    srv.httpd.server_close()
    handler = srv.httpd.RequestHandlerClass
    ThreadingHTTPServer.allow_reuse_address = True
    srv.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
    srv.httpd.daemon_threads = True
    srv.port = port
    srv.thread = threading.Thread(target=srv.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    return srv.start()


# -- retries --------------------------------------------------------------------------------


def test_retries_before_the_first_byte(api: Any, server: Server, sleeps: List[float]) -> None:
    server.add(
        json_reply(503, {"error": {"code": 503, "message": "No provider"}}, headers={"Retry-After": "0.25"}),
        json_reply(429, {"error": {"code": 429, "message": "Slow down"}}),
        sse_reply(SIMPLE.read_bytes()),
    )
    with stream(api, server, max_retries=2) as s:
        assert s.result() == expected(SIMPLE)
    assert len(server.requests) == 3
    assert sleeps[0] == 0.25  # Retry-After honoured
    assert 0.5 <= sleeps[1] <= 1.0  # second retry: jittered 2 ** 1 * 0.5 s
    assert server.requests[0].body == server.requests[2].body


def test_each_retry_is_logged_with_its_reason_and_wait(
    api: Any, server: Server, sleeps: List[float], caplog: pytest.LogCaptureFixture
) -> None:
    server.add(
        json_reply(503, {"error": {"code": 503, "message": f"No provider for {KEY}"}}, headers={"Retry-After": "0.25"}),
        sse_reply(SIMPLE.read_bytes()),
    )
    with caplog.at_level("INFO", logger="orsse"):
        with stream(api, server, max_retries=2) as s:
            s.result()
    (record,) = [r for r in caplog.records if r.name == "orsse"]
    assert record.levelname == "INFO"
    message = record.getMessage()
    assert "503" in message and "No provider" in message
    assert message.endswith("; retry 1 of 2 in 0.25s")
    assert KEY not in message


def test_retries_give_up_after_max_retries(api: Any, server: Server, sleeps: List[float]) -> None:
    server.add(json_reply(502, {"error": {"code": 502, "message": "Bad gateway"}}))
    with pytest.raises(orsse.APIStatusError) as info:
        stream(api, server, max_retries=3)
    assert info.value.status == 502
    assert len(server.requests) == 4 and len(sleeps) == 3
    assert all(0 < a < b for a, b in zip(sleeps, sleeps[1:]))  # growing backoff


@pytest.mark.parametrize("status", [400, 401, 402, 404, 500])
def test_other_statuses_are_not_retried(api: Any, server: Server, sleeps: List[float], status: int) -> None:
    server.add(json_reply(status, {"error": {"code": status, "message": "no"}}))
    with pytest.raises(orsse.APIStatusError):
        stream(api, server, max_retries=3)
    assert len(server.requests) == 1 and sleeps == []


def test_a_long_retry_after_is_not_waited_for(api: Any, server: Server, sleeps: List[float]) -> None:
    server.add(json_reply(429, {"error": {"code": 429, "message": "later"}}, headers={"Retry-After": "3600"}))
    with pytest.raises(orsse.APIStatusError) as info:
        stream(api, server, max_retries=3)
    assert info.value.retry_after == 3600.0
    assert len(server.requests) == 1 and sleeps == []


def test_nothing_is_retried_once_the_stream_started(api: Any, server: Server, sleeps: List[float]) -> None:
    server.add(_head_and_cut(Drop()), sse_reply(SIMPLE.read_bytes()))
    with stream(api, server, max_retries=3) as s, pytest.raises(orsse.IncompleteStreamError):
        s.result()
    assert len(server.requests) == 1 and sleeps == []


def test_a_200_that_stalls_before_its_first_byte_is_not_retried(api: Any, server: Server, sleeps: List[float]) -> None:
    server.add(Reply(body=[Stall()]), sse_reply(SIMPLE.read_bytes()))
    with stream(api, server, max_retries=3, timeout=(2.0, 0.3)) as s, pytest.raises(orsse.ReadTimeout):
        s.result()
    assert len(server.requests) == 1 and sleeps == []


def test_connection_failures_are_retried(api: Any, sleeps: List[float]) -> None:
    with pytest.raises(orsse.APIConnectionError):
        stream(api, None, base_url=f"http://127.0.0.1:{free_port()}", max_retries=2)
    assert len(sleeps) == 2


def test_a_server_that_hangs_up_before_answering_is_retried(api: Any, server: Server, sleeps: List[float]) -> None:
    original = server.next_reply
    calls = []

    def hang_up_once() -> Reply:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionAbortedError("hang up")
        return original()

    server.next_reply = hang_up_once  # type: ignore[method-assign]
    server.add(sse_reply(SIMPLE.read_bytes()))
    with stream(api, server, max_retries=1) as s:
        assert s.result() == expected(SIMPLE)
    assert len(server.requests) == 2 and len(sleeps) == 1


# -- proxies ----------------------------------------------------------------------------------


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    p = Proxy().start()
    yield p
    p.stop()


def test_an_http_proxy_from_the_environment_forwards(
    api: Any, server: Server, proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url("user:pa%40ss"))
    server.add(sse_reply(SIMPLE.read_bytes()))
    with stream(api, server) as s:
        assert s.result() == expected(SIMPLE)
    (seen,) = proxy.requests
    assert seen.line == f"POST http://127.0.0.1:{server.port}/api/v1/chat/completions HTTP/1.1"
    assert seen.headers["proxy-authorization"] == "Basic dXNlcjpwYUBzcw=="  # user:pa@ss
    assert "proxy-authorization" not in {k.lower() for k in server.requests[0].headers}


@pytest.mark.parametrize("variable", ["no_proxy", "NO_PROXY"])
def test_no_proxy_bypasses(api: Any, server: Server, proxy: Proxy, monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv("http_proxy", proxy.url())
    monkeypatch.setenv(variable, "example.org, 127.0.0.1")
    server.add(sse_reply(SIMPLE.read_bytes()))
    with stream(api, server) as s:
        s.result()
    assert proxy.requests == [] and server.requests[0].path == "/api/v1/chat/completions"


def test_all_proxy_and_proxy_none(api: Any, server: Server, proxy: Proxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALL_PROXY", proxy.url())
    server.add(sse_reply(SIMPLE.read_bytes()))
    with stream(api, server) as s:
        s.result()
    assert len(proxy.requests) == 1
    with stream(api, server, proxy=None) as s:  # the environment ignored
        s.result()
    assert len(proxy.requests) == 1 and len(server.requests) == 2


def test_a_connect_tunnel_to_a_tls_server(api: Any, proxy: Proxy) -> None:
    tls = Server(tls=True).start()
    try:
        tls.add(sse_reply(SIMPLE.read_bytes()))
        with stream(api, tls, proxy=proxy.url(), ssl_context=client_tls_context()) as s:
            assert s.result() == expected(SIMPLE)
    finally:
        tls.stop()
    (seen,) = proxy.requests
    assert seen.line == f"CONNECT 127.0.0.1:{tls.port} HTTP/1.1"
    assert "authorization" not in seen.headers  # the key went inside the tunnel only


def test_an_https_proxy_gets_tls_and_credentials_never_go_in_clear(api: Any, sleeps: List[float]) -> None:
    proxy = Proxy(tls=True, credentials="me:secret-pw").start()
    tls = Server(tls=True).start()
    try:
        tls.add(sse_reply(SIMPLE.read_bytes()))
        context = client_tls_context()
        if api.name == "async" and sys.version_info < (3, 11):
            # asyncio cannot stack TLS on TLS before 3.11: a clear refusal, not retried.
            with pytest.raises(orsse.APIConnectionError, match="before 3.11"):
                stream(api, tls, proxy=proxy.url("me:secret-pw"), ssl_context=context, max_retries=2)
            assert sleeps == []
        else:
            with stream(api, tls, proxy=proxy.url("me:secret-pw"), ssl_context=context) as s:
                assert s.result() == expected(SIMPLE)
    finally:
        tls.stop()
        proxy.stop()
    assert proxy.raw and all(first[:1] == b"\x16" for first in proxy.raw)  # a TLS handshake first
    assert proxy.requests[0].line.startswith("CONNECT ")



def test_an_unclean_tls_close_through_an_https_proxy_is_the_same_as_without(api: Any) -> None:
    # The server drops TCP mid-body with no TLS close_notify: through the proxy's tunnel
    # (TLS on TLS) that is the same cut-off body as on a direct TLS connection.
    if api.name == "async" and sys.version_info < (3, 11):
        pytest.skip("asyncio cannot stack TLS on TLS before 3.11")
    proxy = Proxy(tls=True).start()
    tls = Server(tls=True).start()
    errors = []
    try:
        for via in (None, proxy.url()):
            tls.replies[:] = [Reply(body=[content_chunk("Par"), Drop()])]
            with pytest.raises(orsse.IncompleteStreamError) as info, stream(
                api, tls, proxy=via, ssl_context=client_tls_context(), max_retries=0
            ) as s:
                s.result()
            errors.append(info.value)
    finally:
        tls.stop()
        proxy.stop()
    direct, tunnelled = errors
    assert str(tunnelled) == str(direct) and "closed by the server before the end of the body" in str(direct)
    assert tunnelled.partial is not None and tunnelled.partial.content == "Par"
    assert type(tunnelled.__cause__) is type(direct.__cause__)

def test_a_forwarding_https_proxy(api: Any, server: Server) -> None:
    proxy = Proxy(tls=True).start()
    try:
        server.add(sse_reply(SIMPLE.read_bytes()))
        with stream(api, server, proxy=proxy.url(), ssl_context=client_tls_context()) as s:
            assert s.result() == expected(SIMPLE)
    finally:
        proxy.stop()
    assert proxy.raw[0][:1] == b"\x16" and proxy.requests[0].line.startswith("POST http://")


@pytest.mark.parametrize("scheme", ["https", "http"], ids=["tunnel", "forward"])
def test_a_407_names_the_proxy_and_is_not_retried(api: Any, server: Server, sleeps: List[float], scheme: str) -> None:
    proxy = Proxy(credentials="me:right").start()
    try:
        url = f"{scheme}://127.0.0.1:{server.port}/v1"  # never reached
        with pytest.raises(orsse.ProxyError) as info:
            stream(api, None, base_url=url, proxy=proxy.url("me:wrong"), max_retries=3)
    finally:
        proxy.stop()
    assert info.value.status == 407 and "407" in str(info.value)
    assert f"127.0.0.1:{proxy.port}" in str(info.value) and "wrong" not in str(info.value)
    assert len(proxy.requests) == 1 and sleeps == [] and server.requests == []


def test_a_proxy_that_refuses_the_tunnel(api: Any) -> None:
    proxy = Proxy(refuse=403).start()
    try:
        with pytest.raises(orsse.ProxyError, match="refused the tunnel") as info:
            stream(api, None, base_url="https://api.example.invalid/v1", proxy=proxy.url())
    finally:
        proxy.stop()
    assert info.value.status == 403


def test_proxy_urls() -> None:
    from orsse._client import Proxy as ProxyURL

    assert (ProxyURL("http://proxy.example").port, ProxyURL("https://proxy.example").port) == (80, 443)
    assert ProxyURL("proxy.example:3128").scheme == "http"
    assert ProxyURL("http://[::1]:3128").display == "http://[::1]:3128"
    with pytest.raises(ValueError, match="proxy=None"):
        ProxyURL("socks5://proxy.example:1080")


# -- TLS, IPv6 -----------------------------------------------------------------------------------


def test_tls_with_a_private_ca_through_ssl_context(api: Any) -> None:
    tls = Server(tls=True).start()
    try:
        tls.add(sse_reply(SIMPLE.read_bytes()))
        with stream(api, tls, ssl_context=client_tls_context()) as s:
            assert s.result() == expected(SIMPLE)
        base = tls.url.replace("127.0.0.1", "localhost")
        with stream(api, tls, base_url=base, ssl_context=client_tls_context()) as s:
            s.result()
    finally:
        tls.stop()


def test_tls_without_the_ca_is_refused_with_a_hint_and_not_retried(api: Any, sleeps: List[float]) -> None:
    tls = Server(tls=True).start()
    try:
        with pytest.raises(orsse.APIConnectionError, match="ssl_context") as info:
            stream(api, tls, max_retries=2)
    finally:
        tls.stop()
    assert "certificate" in str(info.value).lower() and sleeps == []


def test_ssl_cert_file_keeps_working(api: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(CA_FILE))
    tls = Server(tls=True).start()
    try:
        tls.add(sse_reply(SIMPLE.read_bytes()))
        with stream(api, tls) as s:
            assert s.result() == expected(SIMPLE)
    finally:
        tls.stop()


def _has_ipv6() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


needs_ipv6 = pytest.mark.skipif(not _has_ipv6(), reason="no IPv6 loopback")


@needs_ipv6
def test_ipv6_directly_and_through_a_proxy(api: Any, proxy: Proxy) -> None:
    v6 = Server(host="::1").start()
    try:
        v6.add(sse_reply(SIMPLE.read_bytes()))
        with stream(api, v6) as s:
            assert s.result() == expected(SIMPLE)
        assert v6.requests[0].headers["Host"] == f"[::1]:{v6.port}"
        with stream(api, v6, proxy=proxy.url()) as s:
            assert s.result() == expected(SIMPLE)
    finally:
        v6.stop()
    assert proxy.requests[0].line == f"POST http://[::1]:{v6.port}/api/v1/chat/completions HTTP/1.1"


@needs_ipv6
def test_ipv6_tls_through_a_tunnel(api: Any, proxy: Proxy) -> None:
    v6 = Server(host="::1", tls=True).start()
    try:
        v6.add(sse_reply(SIMPLE.read_bytes()))
        with stream(api, v6, proxy=proxy.url(), ssl_context=client_tls_context()) as s:
            assert s.result() == expected(SIMPLE)
    finally:
        v6.stop()
    assert proxy.requests[0].line == f"CONNECT [::1]:{v6.port} HTTP/1.1"


# -- the shortcut and the package ------------------------------------------------------------


def test_the_one_call_shortcut(server: Server) -> None:
    server.add(sse_reply(SIMPLE.read_bytes()))
    with orsse.stream_chat("m", "Hi", api_key=KEY, base_url=server.url, timeout=TIMEOUT, temperature=0.5) as s:
        assert s.result() == expected(SIMPLE)
    assert server.requests[0].json["temperature"] == 0.5
    with pytest.raises(TypeError, match="verify="):
        orsse.stream_chat("m", "Hi", api_key=KEY, base_url=server.url, verify=False)


def test_import_orsse_loads_no_network_code() -> None:
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import orsse\n"
        "heavy = {'urllib.request', 'http.client', 'socket', 'ssl', 'asyncio', 'select',\n"
        "         'orsse._client', 'orsse._sync_client', 'orsse._async_client', 'orsse._http'}\n"
        "assert not heavy & set(sys.modules), heavy & set(sys.modules)\n"
        "added = set(sys.modules) - before\n"
        "assert not {'dataclasses', 'typing', 'json', 'orsse._types'} & added, added\n"
        "for name in ('Client', 'AsyncClient', 'Timeout', 'stream_chat', 'ChatStream', 'AsyncChatStream'):\n"
        "    assert name in orsse.__all__ and name in dir(orsse), name\n"
        "orsse.Timeout\n"
        "assert 'socket' not in sys.modules and 'asyncio' not in sys.modules\n"
        "orsse.Client\n"
        "assert 'orsse._sync_client' in sys.modules and 'asyncio' not in sys.modules\n"
        "from orsse import AsyncClient, ChatStream, stream_chat\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=TESTS.parent, timeout=30)


def test_the_public_names_agree() -> None:
    import ast

    source = (TESTS.parent / "orsse" / "__init__.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    type_checking = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            for item in ast.walk(node):
                if isinstance(item, ast.ImportFrom):
                    type_checking |= {alias.asname or alias.name for alias in item.names}
    lazy = set(orsse._LAZY)  # type: ignore[attr-defined]
    assert type_checking == lazy
    eager = {name for name in orsse.__all__ if name not in lazy}
    assert all(name in vars(orsse) for name in eager)
    assert lazy <= set(orsse.__all__)
    for name in orsse.__all__:
        assert getattr(orsse, name) is not None


def test_unknown_attributes_still_fail() -> None:
    with pytest.raises(AttributeError):
        orsse.no_such_name  # noqa: B018


def test_errors_are_always_orsse_errors(api: Any, server: Server) -> None:
    """Whatever the network does, what escapes is an orsse error."""
    for steps in ([Drop()], [Reset()], [Raw(b"zz\r\n"), Drop()]):
        server.replies = []
        server.add(_head_and_cut(*steps))
        with stream(api, server) as s:
            with pytest.raises(orsse.OrsseError) as info:
                s.result()
        assert not isinstance(info.value, ConnectionError)


def test_the_total_deadline_stops_retries(api: Any, server: Server, sleeps: List[float]) -> None:
    """A retry whose wait would end past the deadline is not made: the error comes at once."""
    server.add(json_reply(503, {"error": {"code": 503, "message": "busy"}}, headers={"Retry-After": "5"}))
    with pytest.raises(orsse.APIStatusError, match="busy"):
        stream(api, server, max_retries=3, timeout=orsse.Timeout(connect=1, read=1, total=2))
    assert len(server.requests) == 1 and sleeps == []


def test_bad_client_options(api: Any) -> None:
    with pytest.raises(ValueError, match="http:// or https://"):
        api.client(api_key=KEY, base_url="ftp://example.org")
    with pytest.raises(ValueError, match="credentials"):
        api.client(api_key=KEY, base_url="https://user:pw@example.org")
    with pytest.raises(ValueError, match="max_retries"):
        api.client(api_key=KEY, base_url="https://example.org", max_retries=-1)
    with pytest.raises(TypeError, match="ssl_context"):
        api.client(api_key=KEY, base_url="https://example.org", ssl_context="not a context")
    with pytest.raises(ValueError, match="header"):
        api.client(api_key=KEY, base_url="https://example.org", headers={"X-A": "1\r\nX-B: 2"})
