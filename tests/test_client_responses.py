"""``stream_responses`` (``POST {base_url}/responses``) on both clients, against a real local server.

The recorded Responses streams are served as they were recorded; what each client
rebuilds must be the ``response.completed`` payload the stream itself carries (read
here straight from the bytes), as the offline layer rebuilds it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

import orsse
from _clients import AsyncAPI, SyncAPI
from _fixtures import FIXTURES, SEEDS
from _server import AwaitClose, Drop, Reply, Server, sse_reply, split_events

if TYPE_CHECKING:
    from typing import Any, Iterator

KEY = "sk-or-v1-test-SECRET-0123456789abcdef"
TIMEOUT = (2.0, 2.0)
ROOT = FIXTURES / "recorded-responses"
STREAMS = [
    ROOT / "TestOpenAIResponsesCommon" / "openai-gpt-4o-mini" / "simple_streaming.0.sse",
    ROOT / "TestOpenAIResponsesCommon" / "openai-gpt-4o-mini" / "tool_streaming.0.sse",
]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "OPENROUTER_API_KEY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


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


def completed_payload(raw: bytes) -> Any:
    """The ``response`` of the stream's ``response.completed`` event, read from the bytes."""
    for block in raw.decode("utf-8").split("\n\n"):
        if block.startswith("event: response.completed\n"):
            return json.loads(block.partition("data: ")[2])["response"]
    raise AssertionError("no response.completed")


@pytest.mark.parametrize("path", STREAMS, ids=lambda p: p.stem)
def test_a_recorded_responses_stream(api: Any, server: Server, path: Any) -> None:
    raw = path.read_bytes()
    server.add(sse_reply(raw, headers={"X-Generation-Id": "gen-resp"}))
    client = api.client(api_key=KEY, base_url=server.url, timeout=TIMEOUT, max_retries=0)
    with client.stream_responses("openai/gpt-4o-mini", "Hi", temperature=0.1) as s:
        events = list(s)
    response = s.result()
    assert response.to_dict() == completed_payload(raw)
    assert response == orsse.collect_response([raw])
    assert len(events) == raw.count(b"\nevent: ") + raw.startswith(b"event: ")
    assert s.generation_id == "gen-resp" and s.response == response
    (request,) = server.requests
    assert request.path == "/api/v1/responses"
    assert request.json == {"model": "openai/gpt-4o-mini", "input": "Hi", "temperature": 0.1, "stream": True}


def test_chat_and_responses_share_the_client_and_its_connection(api: Any, server: Server) -> None:
    server.add(sse_reply(STREAMS[0].read_bytes()), sse_reply((SEEDS / "claude-sonnet-4_simple.sse").read_bytes()))
    client = api.client(api_key=KEY, base_url=server.url, timeout=TIMEOUT, max_retries=0)
    with client.stream_responses("m", [{"role": "user", "content": "Hi"}]) as s:
        s.result()
    with client.stream_chat("m", "Hi") as s:
        s.result()
    assert [r.path for r in server.requests] == ["/api/v1/responses", "/api/v1/chat/completions"]
    assert server.connections == 1


def test_a_cut_responses_stream_keeps_the_partial_response(api: Any, server: Server) -> None:
    pieces = split_events(STREAMS[0].read_bytes())
    server.add(Reply(body=[*pieces[:6], Drop()]))
    client = api.client(api_key=KEY, base_url=server.url, timeout=TIMEOUT, max_retries=0)
    with client.stream_responses("m", "Hi") as s, pytest.raises(orsse.IncompleteStreamError) as info:
        s.result()
    partial = info.value.partial_response
    assert isinstance(partial, orsse.Response)
    assert partial.output_text and partial.output_text == _text_before_the_cut(b"".join(pieces[:6]))
    assert info.value.partial is partial  # for older code; typed code reads partial_response
    assert s.closed


def _text_before_the_cut(body: bytes) -> str:
    with pytest.raises(orsse.IncompleteStreamError) as info:
        orsse.collect_response([body])
    assert info.value.partial_response is not None
    return info.value.partial_response.output_text


def test_an_error_event_mid_stream_keeps_the_partial_response(api: Any, server: Server) -> None:
    pieces = split_events(STREAMS[0].read_bytes())
    error = b'event: error\ndata: {"type":"error","code":"server_error","message":"boom"}\n\n'
    server.add(Reply(body=[*pieces[:6], error]))
    client = api.client(api_key=KEY, base_url=server.url, timeout=TIMEOUT, max_retries=0)
    with client.stream_responses("m", "Hi") as s, pytest.raises(orsse.StreamError) as info:
        s.result()
    assert (info.value.code, info.value.message) == ("server_error", "boom")
    partial = info.value.partial_response
    assert partial is not None and partial.output_text == _text_before_the_cut(b"".join(pieces[:6]))


def test_result_after_closing_early_keeps_the_partial_response(api: Any, server: Server) -> None:
    pieces = split_events(STREAMS[0].read_bytes())
    server.add(Reply(body=[*pieces[:6], AwaitClose(timeout=5.0)]))
    client = api.client(api_key=KEY, base_url=server.url, timeout=TIMEOUT, max_retries=0)
    with client.stream_responses("m", "Hi") as s:
        for event in s:
            if event.type == "response.output_text.delta":
                break
    assert s.closed
    with pytest.raises(orsse.IncompleteStreamError, match="closed before its end") as info:
        s.result()
    partial = info.value.partial_response
    assert partial is not None and partial.output_text and partial.output_text == s.response.output_text


def test_transport_options_are_refused_here_too(api: Any, server: Server) -> None:
    client = api.client(api_key=KEY, base_url=server.url, timeout=TIMEOUT)
    with pytest.raises(TypeError, match="verify="):
        client.stream_responses("m", "Hi", verify=False)


def test_the_module_shortcut(server: Server) -> None:
    raw = STREAMS[0].read_bytes()
    server.add(sse_reply(raw))
    with orsse.stream_responses("m", "Hi", api_key=KEY, base_url=server.url, timeout=TIMEOUT) as s:
        assert s.result().to_dict() == completed_payload(raw)
