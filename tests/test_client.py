"""``orsse.stream_chat`` against a real local HTTP server (tests/_server.py).

Every wait is bounded: the client runs with timeouts of a second or two, the server's
steps give up after ``_server.MAX_WAIT``, and synchronisation uses ``threading.Event``.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import threading
import time
from email.utils import formatdate
from typing import TYPE_CHECKING

import pytest

import orsse
from _server import (
    AwaitClose,
    Drop,
    Pause,
    Raw,
    Reply,
    Reset,
    Server,
    Stall,
    Wait,
    content_chunk,
    json_reply,
    sse_event,
    sse_reply,
    split_events,
)
from _fixtures import RECORDED, SEEDS, TESTS

if TYPE_CHECKING:
    from typing import Any, Iterator, List

from orsse import _client

THINKING = RECORDED / "TestOpenRouterThinking" / "anthropic" / "thinking-streaming.0.sse"
SIMPLE = SEEDS / "claude-sonnet-4_simple.sse"
KEY = "sk-or-v1-test-SECRET-0123456789abcdef"
#: (connect, read): short, so that a failure shows up fast instead of hanging.
TIMEOUT = (2.0, 2.0)

_PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy from the machine's environment, and no real key."""
    for name in _PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server().start()
    yield srv
    srv.stop()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> List[float]:
    """The retry delays, recorded instead of slept."""
    delays: List[float] = []
    monkeypatch.setattr(_client, "_sleep", delays.append)
    return delays


def stream(server: Server, **kwargs: Any) -> orsse.ChatStream:
    options: Any = dict(api_key=KEY, base_url=server.url, timeout=TIMEOUT, max_retries=0)
    options.update(kwargs)
    messages = options.pop("messages", [{"role": "user", "content": "Hi"}])
    return orsse.stream_chat(options.pop("model", "test/model"), messages, **options)


def expected(path: Any) -> orsse.ChatCompletion:
    return orsse.collect([path.read_bytes()])


# -- the happy path ---------------------------------------------------------------------


@pytest.mark.parametrize("path", [THINKING, SIMPLE], ids=lambda p: p.name)
def test_replays_a_recorded_stream(server: Server, path: Any) -> None:
    server.add(sse_reply(path.read_bytes(), headers={"X-Generation-Id": "gen-from-header"}))
    with stream(server) as s:
        chunks = list(s)
        assert s.closed
    assert chunks and all(isinstance(c, orsse.ChatCompletionChunk) for c in chunks)
    assert s.result() == s.completion == expected(path)
    assert s.generation_id == "gen-from-header"
    assert s.headers["content-type"] == "text/event-stream"
    assert s.status == 200
    assert s.error is None


def test_usage_cost_and_keepalive_comments(server: Server) -> None:
    server.add(sse_reply(THINKING.read_bytes()))
    with stream(server) as s:
        completion = s.result()
    assert completion.usage is not None and completion.usage.cost == 0.001322
    assert completion.message.tool_calls[0].function.name == "weather"
    assert s.comments == 2  # the two ": OPENROUTER PROCESSING" lines
    assert s.generation_id == completion.id  # no header: the chunks' id


def test_every_split_of_the_bytes_gives_the_same_result(server: Server) -> None:
    data = SIMPLE.read_bytes()
    # One byte per chunk for the start, a piece cut inside a multi-byte character, the rest.
    text_at = data.index("Olá".encode()) if "Olá".encode() in data else len(data) // 2
    pieces = [data[i : i + 1] for i in range(40)] + [data[40 : text_at + 3], data[text_at + 3 :]]
    server.add(Reply(body=[p for p in pieces if p]))
    with stream(server) as s:
        assert s.result() == expected(SIMPLE)


def test_content_length_instead_of_chunked(server: Server) -> None:
    server.add(Reply(body=[SIMPLE.read_bytes()], chunked=False))
    with stream(server) as s:
        assert s.result() == expected(SIMPLE)


def test_a_body_ended_by_closing_the_connection(server: Server) -> None:
    # Neither chunked nor Content-Length (HTTP/1.0 style): the end is the close.
    server.add(Reply(body=split_events(SIMPLE.read_bytes()) + [Pause(0.01)], chunked=False))
    with stream(server) as s:
        assert s.result() == expected(SIMPLE)


def test_the_first_event_arrives_while_the_server_holds_back_the_rest(server: Server) -> None:
    release = threading.Event()
    wait = Wait(release, timeout=5.0)
    first, *rest = split_events(b"".join([content_chunk("Hel"), content_chunk("lo", "stop"), b"data: [DONE]\n\n"]))
    server.add(Reply(body=[first, wait, *rest]))
    started = time.monotonic()
    with stream(server, timeout=(2.0, 8.0)) as s:
        chunk = next(s)
        elapsed = time.monotonic() - started
        # The server is still waiting: the rest of the body has not been sent.
        assert not server.finished.is_set()
        assert chunk.choices[0].delta.content == "Hel"
        assert s.completion.content == "Hel"
        release.set()
        assert s.result().content == "Hello"
    assert not wait.timed_out
    assert elapsed < 2.0


def test_a_chunk_is_returned_before_the_next_one_is_even_sent(server: Server) -> None:
    """Each event is delivered alone, as a server trickles them out one by one."""
    gates = [threading.Event() for _ in range(3)]
    body: List[Any] = []
    for i, gate in enumerate(gates):
        body += [content_chunk(str(i)), Wait(gate, timeout=5.0)]
    body += [content_chunk("", "stop"), b"data: [DONE]\n\n"]
    server.add(Reply(body=body))
    seen = []
    with stream(server, timeout=(2.0, 8.0)) as s:
        for chunk, gate in zip(s, gates):
            seen.append(chunk.choices[0].delta.content)
            gate.set()
        assert s.result().content == "012"
    assert seen == ["0", "1", "2"]
    assert not any(step.timed_out for step in body if isinstance(step, Wait))


# -- the request ------------------------------------------------------------------------


def test_the_request_is_right(server: Server) -> None:
    server.add(sse_reply(SIMPLE.read_bytes()))
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Olá"}]
    with stream(
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
    assert headers["content-type"] == "application/json"
    assert headers["user-agent"].startswith(f"orsse/{orsse.__version__} ")
    assert headers["http-referer"] == "https://example.org/app"
    assert headers["x-openrouter-title"] == "My App"
    assert headers["x-extra"] == "1"
    assert KEY not in repr(s) and KEY not in str(s)


def test_base_url_with_a_trailing_slash_and_a_query(server: Server) -> None:
    server.add(sse_reply(SIMPLE.read_bytes()))
    with stream(server, base_url=server.url + "/?api-version=2") as s:
        s.result()
    assert server.requests[0].path == "/api/v1/chat/completions?api-version=2"
    assert "api-version" not in s.url


def test_the_key_comes_from_the_environment(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENROUTER_API_KEY", f"  {KEY}\n")
    server.add(sse_reply(SIMPLE.read_bytes()))
    with stream(server, api_key=None) as s:
        s.result()
    assert server.requests[0].headers["Authorization"] == f"Bearer {KEY}"


def test_no_key_is_an_error_before_any_request(server: Server) -> None:
    with pytest.raises(orsse.MissingAPIKeyError, match="OPENROUTER_API_KEY"):
        stream(server, api_key=None)
    assert server.requests == []


def test_an_empty_key_sends_no_authorization(server: Server) -> None:
    server.add(sse_reply(SIMPLE.read_bytes()))
    with stream(server, api_key="") as s:
        s.result()
    assert "Authorization" not in server.requests[0].headers


def test_a_bad_key_is_refused_without_showing_it(server: Server) -> None:
    with pytest.raises(ValueError) as info:
        stream(server, api_key="sk-or-v1-abc\r\nX-Evil: 1")
    assert "sk-or-v1-abc" not in str(info.value)
    assert server.requests == []


def test_messages_may_be_a_string_or_earlier_messages(server: Server) -> None:
    server.add(sse_reply(SIMPLE.read_bytes()))
    previous = expected(SIMPLE).message
    with stream(server, messages="Hi") as s:
        s.result()
    with stream(server, messages=[{"role": "user", "content": "Hi"}, previous]) as s:
        s.result()
    assert server.requests[0].json["messages"] == [{"role": "user", "content": "Hi"}]
    assert server.requests[1].json["messages"][1] == previous.to_dict()


def test_stream_false_is_refused() -> None:
    with pytest.raises(TypeError, match="always streams"):
        orsse.stream_chat("m", "Hi", api_key=KEY, stream=False)


def test_an_http_proxy_from_the_environment(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("http_proxy", f"http://user:pa%40ss@127.0.0.1:{server.port}")
    server.add(sse_reply(SIMPLE.read_bytes()))
    with stream(server, base_url="http://api.example.invalid/v1") as s:
        s.result()
    (request,) = server.requests
    assert request.path == "http://api.example.invalid:80/v1/chat/completions"
    assert request.headers["Proxy-Authorization"].startswith("Basic ")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    with stream(server) as s:  # bypassed: straight to the server
        s.result()
    assert server.requests[1].path == "/api/v1/chat/completions"


def test_an_https_proxy_tunnels(monkeypatch: pytest.MonkeyPatch) -> None:
    """No TLS server here: check what would be sent where, without connecting."""
    monkeypatch.setenv("https_proxy", "proxy.example:3128")
    target = _client._Target("https://openrouter.ai/api/v1")
    assert target.proxy == ("proxy.example", 3128)
    connection = target.connection(1.0)
    assert isinstance(connection, http.client.HTTPSConnection)
    assert (connection.host, connection.port) == ("proxy.example", 3128)
    assert connection._tunnel_host == "openrouter.ai"  # type: ignore[attr-defined]
    assert target.request_target == "/api/v1/chat/completions"
    monkeypatch.setenv("no_proxy", ".openrouter.ai,localhost")
    assert _client._Target("https://openrouter.ai/api/v1").proxy is None


# -- errors before the stream -------------------------------------------------------------


def test_http_error_with_an_openrouter_json_body(server: Server) -> None:
    body = {
        "error": {
            "code": 402,
            "message": "Insufficient credits",
            "metadata": {"provider_name": "OpenAI", "raw": "{}"},
        },
        "user_id": "user_1",
    }
    server.add(json_reply(402, body, headers={"X-Generation-Id": "gen-err"}))
    with pytest.raises(orsse.APIStatusError) as info:
        stream(server)
    error = info.value
    assert error.status == 402
    assert error.code == 402
    assert error.message == "Insufficient credits"
    assert error.metadata == {"provider_name": "OpenAI", "raw": "{}"}
    assert error.retry_after is None
    assert error.generation_id == "gen-err"
    assert error.partial is None
    assert json.loads(error.body) == body
    assert "402" in str(error) and "Insufficient credits" in str(error) and "OpenAI" in str(error)


def test_http_error_with_a_string_code_and_no_metadata(server: Server) -> None:
    server.add(json_reply(400, {"error": {"message": "bad model", "code": "invalid_model"}}))
    with pytest.raises(orsse.APIStatusError) as info:
        stream(server)
    assert (info.value.code, info.value.message, info.value.metadata) == ("invalid_model", "bad model", None)
    assert "invalid_model" in str(info.value)


def test_http_error_with_a_body_that_is_not_json(server: Server) -> None:
    html = b"<html><body>" + b"Bad gateway " * 10000 + b"</body></html>"
    server.add(Reply(status=502, headers={"Content-Type": "text/html"}, body=[html], chunked=False))
    with pytest.raises(orsse.APIStatusError) as info:
        stream(server)
    error = info.value
    assert error.status == 502 and error.code is None and error.message is None
    assert "<html><body>Bad gateway" in str(error)
    assert len(str(error)) < 500  # a bounded excerpt
    assert len(error.body) <= _client.MAX_ERROR_BODY


def test_http_error_with_an_empty_body(server: Server) -> None:
    server.add(Reply(status=500, headers={}, body=[], chunked=False))
    with pytest.raises(orsse.APIStatusError, match="empty body"):
        stream(server)


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
def test_retry_after(server: Server, headers: Any, seconds: Any) -> None:
    if headers.get("Retry-After") == "in 30 s, as an HTTP date":
        headers = {"Retry-After": formatdate(time.time() + 30, usegmt=True)}
    server.add(json_reply(429, {"error": {"code": 429, "message": "Rate limited"}}, headers=headers))
    with pytest.raises(orsse.APIStatusError) as info:
        stream(server)
    if seconds is None:
        assert info.value.retry_after is None
    else:
        assert info.value.retry_after == pytest.approx(seconds, abs=2.0)
        assert "retry after" in str(info.value)


def test_a_success_that_is_not_an_event_stream(server: Server) -> None:
    server.add(json_reply(200, {"id": "x", "choices": [{"message": {"content": "not streamed"}}]}))
    with pytest.raises(orsse.NotEventStreamError) as info:
        stream(server)
    error = info.value
    assert isinstance(error, orsse.APIStatusError)
    assert error.status == 200
    assert error.content_type == "application/json"
    assert "text/event-stream" in str(error) and "not streamed" in str(error)


def test_a_success_without_content_type(server: Server) -> None:
    server.add(Reply(headers={}, body=[SIMPLE.read_bytes()], chunked=False))
    with pytest.raises(orsse.NotEventStreamError, match="None"):
        stream(server)


def test_a_redirect_is_reported(server: Server) -> None:
    server.add(Reply(status=308, headers={"Location": "https://other.example/api/v1/chat/completions"}, body=[]))
    with pytest.raises(orsse.APIStatusError, match="other.example"):
        stream(server)


def test_the_key_never_shows_in_errors(server: Server) -> None:
    echo = f"Incorrect API key provided: {KEY}"
    server.add(json_reply(401, {"error": {"code": 401, "message": echo, "metadata": {"raw": echo}}}))
    with pytest.raises(orsse.APIStatusError) as info:
        stream(server)
    error = info.value
    for text in (str(error), repr(error), error.body, error.message or "", json.dumps(error.metadata)):
        assert KEY not in text
    assert "***" in str(error)


def test_connection_refused() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(orsse.APIConnectionError) as info:
        orsse.stream_chat("m", "Hi", api_key=KEY, base_url=f"http://127.0.0.1:{port}/v1", max_retries=0)
    assert f"127.0.0.1:{port}" in str(info.value) and KEY not in str(info.value)
    assert not isinstance(info.value, orsse.APITimeoutError)


def test_connect_timeout(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    def slow_connect(*args: Any, **kwargs: Any) -> Any:
        raise socket.timeout("timed out")

    monkeypatch.setattr(socket, "create_connection", slow_connect)
    with pytest.raises(orsse.ConnectTimeout) as info:
        stream(server, timeout=(0.5, 2.0))
    error = info.value
    assert isinstance(error, orsse.APITimeoutError) and isinstance(error, orsse.APIConnectionError)
    assert isinstance(error, TimeoutError)
    assert error.timeout == 0.5 and "0.5s" in str(error)


def test_no_response_at_all_is_a_read_timeout(server: Server) -> None:
    """The server reads the request and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    try:
        started = time.monotonic()
        with pytest.raises(orsse.ReadTimeout) as info:
            orsse.stream_chat("m", "Hi", api_key=KEY, base_url=f"http://127.0.0.1:{port}", timeout=(1.0, 0.3), max_retries=2)
        assert time.monotonic() - started < 2.0  # a read timeout is never retried
        assert info.value.partial is None
    finally:
        listener.close()


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


def _first_two() -> orsse.ChatCompletion:
    accumulator = orsse.Accumulator()
    for piece in split_events(LONG)[:3]:
        for event in orsse.iter_events([piece]):
            accumulator.add(orsse.parse_chunk(event.data))
    return accumulator.result()


@pytest.mark.parametrize(
    "steps",
    [
        [Drop()],  # at a chunk boundary
        [Raw(b"40\r\ndata: {\"id\""), Drop()],  # inside a chunk
        [Reset()],  # a TCP reset
    ],
    ids=["drop-between-chunks", "drop-inside-a-chunk", "reset"],
)
def test_a_connection_dropped_mid_stream(server: Server, steps: Any) -> None:
    server.add(_head_and_cut(*steps))
    with stream(server) as s:
        got = []
        with pytest.raises(orsse.IncompleteStreamError) as info:
            for chunk in s:
                got.append(chunk)
    error = info.value
    assert got  # what arrived was delivered first
    assert error.partial is not None
    assert error.partial == _first_two()
    assert error.partial.content == _first_two().content
    assert "bytes" in str(error)
    assert s.error is error and s.closed
    with pytest.raises(orsse.IncompleteStreamError):
        s.result()


def test_a_drop_after_the_finish_is_a_clean_end(server: Server) -> None:
    """As with a clean end of the body: the answer is whole, only [DONE] was lost."""
    server.add(Reply(body=[*split_events(LONG)[:-1], Drop()]))
    with stream(server) as s:
        assert s.result() == orsse.collect([LONG])


def test_a_stream_that_ends_without_done(server: Server) -> None:
    server.add(_head_and_cut())  # a clean end of the body, but no finish and no [DONE]
    with stream(server) as s, pytest.raises(orsse.IncompleteStreamError, match="cut off") as info:
        s.result()
    assert info.value.partial == _first_two()


def test_a_stall_mid_stream_is_a_read_timeout_with_the_partial(server: Server) -> None:
    server.add(_head_and_cut(Stall()))
    started = time.monotonic()
    with stream(server, timeout=(2.0, 0.3)) as s, pytest.raises(orsse.ReadTimeout) as info:
        for _ in s:
            pass
    assert time.monotonic() - started < 2.0
    error = info.value
    assert isinstance(error, TimeoutError) and not isinstance(error, orsse.APIConnectionError)
    assert error.timeout == 0.3
    assert error.partial == _first_two()
    assert server.client_closed.wait(2.0)  # and the connection was closed


def test_a_stall_before_the_first_event(server: Server) -> None:
    server.add(Reply(body=[b": OPENROUTER PROCESSING\n\n", Stall()]))
    with stream(server, timeout=(2.0, 0.3)) as s, pytest.raises(orsse.ReadTimeout) as info:
        s.result()
    assert info.value.partial is not None and info.value.partial.choices == []


def test_an_error_event_mid_stream(server: Server) -> None:
    error = {"code": 502, "message": "Provider disconnected", "metadata": {"provider_name": "X"}}
    body = [content_chunk("Par"), sse_event({"id": "gen-test", "choices": [], "error": error}), b"data: [DONE]\n\n"]
    server.add(Reply(body=body))
    with stream(server) as s, pytest.raises(orsse.StreamError) as info:
        s.result()
    assert info.value.code == 502 and info.value.partial is not None
    assert info.value.partial.content == "Par"


def test_bad_json_mid_stream(server: Server) -> None:
    server.add(Reply(body=[content_chunk("Par"), b"data: {oops\n\n"]))
    with stream(server) as s, pytest.raises(orsse.ChunkDecodeError) as info:
        s.result()
    assert info.value.partial is not None and info.value.partial.content == "Par"


# -- leaving early --------------------------------------------------------------------------


def _endless() -> Reply:
    """A first event, then the server waits for the client to hang up."""
    return Reply(body=[content_chunk("Hel"), AwaitClose(timeout=5.0)])


def test_break_closes_the_connection(server: Server) -> None:
    server.add(_endless())
    with stream(server) as s:
        for chunk in s:
            assert chunk.choices[0].delta.content == "Hel"
            break
    assert s.closed
    assert server.client_closed.wait(3.0)
    assert s.completion.content == "Hel"
    with pytest.raises(orsse.IncompleteStreamError, match="closed before its end"):
        s.result()


def test_close_without_with(server: Server) -> None:
    server.add(_endless())
    s = stream(server)
    next(s)
    s.close()
    s.close()  # twice is fine
    assert server.client_closed.wait(3.0)
    assert list(s) == []


def test_an_exception_in_the_caller_closes_the_connection(server: Server) -> None:
    server.add(_endless())
    with pytest.raises(KeyError):
        with stream(server) as s:
            for _ in s:
                raise KeyError("caller")
    assert server.client_closed.wait(3.0)


def test_close_from_another_thread_stops_a_waiting_read(server: Server) -> None:
    server.add(_endless())
    with stream(server, timeout=(2.0, 5.0)) as s:
        next(s)
        timer = threading.Timer(0.2, s.close)
        timer.start()
        started = time.monotonic()
        rest = list(s)  # blocks in read1 until the close
        timer.join()
    assert rest == [] and time.monotonic() - started < 3.0
    assert server.client_closed.wait(3.0)


def test_the_server_sees_writes_fail_after_the_client_left(server: Server) -> None:
    keepalives: List[Any] = []
    for _ in range(200):
        keepalives += [b": OPENROUTER PROCESSING\n\n", Pause(0.01)]
    server.add(Reply(body=[content_chunk("Hel"), *keepalives]))
    with stream(server) as s:
        next(s)
    assert server.client_closed.wait(5.0)
    assert server.errors  # a write failed: BrokenPipeError or ConnectionResetError


# -- retries --------------------------------------------------------------------------------


def test_retries_before_the_first_byte(server: Server, sleeps: List[float]) -> None:
    server.add(
        json_reply(503, {"error": {"code": 503, "message": "No provider"}}, headers={"Retry-After": "0.25"}),
        json_reply(429, {"error": {"code": 429, "message": "Slow down"}}),
        sse_reply(SIMPLE.read_bytes()),
    )
    with stream(server, max_retries=2) as s:
        assert s.result() == expected(SIMPLE)
    assert len(server.requests) == 3
    assert sleeps[0] == 0.25  # Retry-After honoured
    assert 0.5 <= sleeps[1] <= 1.0  # second retry: jittered 2 ** 1 * 0.5 s
    assert server.requests[0].body == server.requests[2].body


def test_retries_give_up_after_max_retries(server: Server, sleeps: List[float]) -> None:
    server.add(json_reply(502, {"error": {"code": 502, "message": "Bad gateway"}}))
    with pytest.raises(orsse.APIStatusError) as info:
        stream(server, max_retries=3)
    assert info.value.status == 502
    assert len(server.requests) == 4 and len(sleeps) == 3
    assert all(0 < a < b for a, b in zip(sleeps, sleeps[1:]))  # growing backoff


@pytest.mark.parametrize("status", [400, 401, 402, 404, 500])
def test_other_statuses_are_not_retried(server: Server, sleeps: List[float], status: int) -> None:
    server.add(json_reply(status, {"error": {"code": status, "message": "no"}}))
    with pytest.raises(orsse.APIStatusError):
        stream(server, max_retries=3)
    assert len(server.requests) == 1 and sleeps == []


def test_a_long_retry_after_is_not_waited_for(server: Server, sleeps: List[float]) -> None:
    server.add(json_reply(429, {"error": {"code": 429, "message": "later"}}, headers={"Retry-After": "3600"}))
    with pytest.raises(orsse.APIStatusError) as info:
        stream(server, max_retries=3)
    assert info.value.retry_after == 3600.0
    assert len(server.requests) == 1 and sleeps == []


def test_nothing_is_retried_once_the_stream_started(server: Server, sleeps: List[float]) -> None:
    server.add(_head_and_cut(Drop()), sse_reply(SIMPLE.read_bytes()))
    with stream(server, max_retries=3) as s, pytest.raises(orsse.IncompleteStreamError):
        s.result()
    assert len(server.requests) == 1 and sleeps == []


def test_a_200_that_stalls_before_its_first_byte_is_not_retried(server: Server, sleeps: List[float]) -> None:
    server.add(Reply(body=[Stall()]), sse_reply(SIMPLE.read_bytes()))
    with stream(server, max_retries=3, timeout=(2.0, 0.3)) as s, pytest.raises(orsse.ReadTimeout):
        s.result()
    assert len(server.requests) == 1 and sleeps == []


def test_connection_failures_are_retried(monkeypatch: pytest.MonkeyPatch, sleeps: List[float]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(orsse.APIConnectionError):
        orsse.stream_chat("m", "Hi", api_key=KEY, base_url=f"http://127.0.0.1:{port}", max_retries=2)
    assert len(sleeps) == 2


def test_a_server_that_hangs_up_before_answering_is_retried(server: Server, sleeps: List[float]) -> None:
    server.add(Reply(status=200, body=[]), sse_reply(SIMPLE.read_bytes()))
    # The first connection is closed by the server before any status line.
    original = server.next_reply
    calls = []

    def hang_up_once() -> Reply:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionAbortedError("hang up")
        return original()

    server.next_reply = hang_up_once  # type: ignore[method-assign]
    server.replies.pop(0)
    with stream(server, max_retries=1) as s:
        assert s.result() == expected(SIMPLE)
    assert len(server.requests) == 2 and len(sleeps) == 1


# -- the package stays light -----------------------------------------------------------------


def test_import_orsse_loads_no_network_code() -> None:
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import orsse\n"
        "heavy = {'urllib.request', 'http.client', 'socket', 'ssl', 'orsse._client'}\n"
        "assert not heavy & set(sys.modules), heavy & set(sys.modules)\n"
        "# The SSE layer needs neither dataclasses nor typing nor json (each loads on first\n"
        "# use of the chunk layer), whatever the interpreter's site had loaded already.\n"
        "added = set(sys.modules) - before\n"
        "assert not {'dataclasses', 'typing', 'json', 'orsse._wire', 'orsse._completion'} & added, added\n"
        "assert 'stream_chat' in orsse.__all__ and 'stream_chat' in dir(orsse)\n"
        "orsse.stream_chat\n"
        "assert 'orsse._client' in sys.modules\n"
        "from orsse import ChatStream, stream_chat\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=TESTS.parent, timeout=30)


def test_unknown_attributes_still_fail() -> None:
    with pytest.raises(AttributeError):
        orsse.no_such_name  # noqa: B018


def test_errors_carry_no_http_client_exceptions_raw(server: Server) -> None:
    """Whatever the network does, what escapes is an orsse error."""
    for steps in ([Drop()], [Reset()], [Raw(b"zz\r\n"), Drop()]):
        server.replies = []
        server.add(_head_and_cut(*steps))
        with stream(server) as s:
            with pytest.raises(orsse.OrsseError) as info:
                s.result()
        assert not isinstance(info.value, (http.client.HTTPException, ConnectionError))
