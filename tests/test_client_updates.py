"""``stream.updates()`` and ``stream.text_stream()`` on both clients' chat streams, against
a real local server: the updates add up to the completion, keep-alive comments come as
updates, and leaving the loop early closes the connection."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

import orsse
from _fixtures import RECORDED, SEEDS
from _server import Server, sse_reply

if TYPE_CHECKING:
    from typing import Any, Iterator, List

THINKING = RECORDED / "TestOpenRouterThinking" / "anthropic" / "thinking-streaming.0.sse"
SIMPLE = SEEDS / "claude-sonnet-4_simple.sse"
OPTIONS: "dict[str, Any]" = dict(api_key="sk-test", timeout=(2.0, 2.0), max_retries=0)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


@pytest.fixture
def server() -> "Iterator[Server]":
    srv = Server().start()
    yield srv
    srv.stop()


def _check(updates: "List[orsse.Update]", body: bytes) -> None:
    want = orsse.collect([body])
    assert updates[-1].type == "completion"
    assert updates[-1].completion == want  # type: ignore[union-attr]
    content = "".join(u.delta for u in updates if u.type == "content.delta")  # type: ignore[union-attr]
    reasoning = "".join(u.delta for u in updates if u.type == "reasoning.delta")  # type: ignore[union-attr]
    assert content == (want.message.content or "")
    assert reasoning == (want.message.reasoning or "")
    args = "".join(u.delta for u in updates if u.type == "tool_call.arguments.delta")  # type: ignore[union-attr]
    assert args == "".join(call.function.arguments for call in want.message.tool_calls)
    keepalives = [u for u in updates if u.type == "keepalive"]
    assert len(keepalives) == body.count(b": OPENROUTER PROCESSING")


@pytest.mark.parametrize("path", [THINKING, SIMPLE], ids=lambda p: p.name)
def test_sync_updates_add_up_to_the_completion(server: Server, path: "Any") -> None:
    body = path.read_bytes()
    server.add(sse_reply(body))
    with orsse.Client(base_url=server.url, **OPTIONS) as client:
        with client.stream_chat("m", [{"role": "user", "content": "hi"}]) as stream:
            updates = list(stream.updates())
    _check(updates, body)


@pytest.mark.parametrize("path", [THINKING, SIMPLE], ids=lambda p: p.name)
def test_async_updates_add_up_to_the_completion(server: Server, path: "Any") -> None:
    body = path.read_bytes()
    server.add(sse_reply(body))

    async def run() -> "List[orsse.Update]":
        async with orsse.AsyncClient(base_url=server.url, **OPTIONS) as client:
            async with client.stream_chat("m", [{"role": "user", "content": "hi"}]) as stream:
                return [update async for update in stream.updates()]

    _check(asyncio.run(asyncio.wait_for(run(), 30)), body)


def test_text_stream_on_both_clients(server: Server) -> None:
    body = SIMPLE.read_bytes()
    server.add(sse_reply(body))
    server.add(sse_reply(body))
    with orsse.Client(base_url=server.url, **OPTIONS) as client:
        with client.stream_chat("m", [{"role": "user", "content": "hi"}]) as stream:
            sync_text = "".join(stream.text_stream())

    async def run() -> str:
        async with orsse.AsyncClient(base_url=server.url, **OPTIONS) as client:
            async with client.stream_chat("m", [{"role": "user", "content": "hi"}]) as stream:
                return "".join([piece async for piece in stream.text_stream()])

    async_text = asyncio.run(asyncio.wait_for(run(), 30))
    assert sync_text == async_text == orsse.collect([body]).content != ""


def test_updates_must_be_asked_for_before_reading(server: Server) -> None:
    server.add(sse_reply(SIMPLE.read_bytes()))
    with orsse.Client(base_url=server.url, **OPTIONS) as client:
        with client.stream_chat("m", [{"role": "user", "content": "hi"}]) as stream:
            next(stream)
            with pytest.raises(ValueError, match="from the start"):
                stream.updates()


def test_leaving_the_updates_early_closes_the_stream(server: Server) -> None:
    server.add(sse_reply(THINKING.read_bytes()))
    with orsse.Client(base_url=server.url, **OPTIONS) as client:
        stream = client.stream_chat("m", [{"role": "user", "content": "hi"}])
        updates = stream.updates()
        for update in updates:
            if update.type == "reasoning.delta":
                break
        updates.close()  # type: ignore[attr-defined]
        assert stream.closed


def test_record_hands_over_the_body_byte_for_byte_on_both_clients(server: Server) -> None:
    body = THINKING.read_bytes()
    server.add(sse_reply(body))
    server.add(sse_reply(body))
    sync_pieces: "List[bytes]" = []
    with orsse.Client(base_url=server.url, **OPTIONS) as client:
        with client.stream_chat("m", [{"role": "user", "content": "hi"}]) as stream:
            stream.record(sync_pieces.append)
            stream.result()

    async def run() -> "List[bytes]":
        pieces: "List[bytes]" = []
        async with orsse.AsyncClient(base_url=server.url, **OPTIONS) as client:
            async with client.stream_chat("m", [{"role": "user", "content": "hi"}]) as stream:
                stream.record(pieces.append)
                await stream.result()
        return pieces

    async_pieces = asyncio.run(asyncio.wait_for(run(), 30))
    assert b"".join(sync_pieces) == b"".join(async_pieces) == body
    assert len(sync_pieces) > 1  # as it arrived, read by read


def _typed_updates(body: bytes) -> "List[str]":
    """The updates the tracker makes of the typed chunks (what updates() ran before it
    merged plain chunks from their dicts), by repr."""
    from orsse._updates import UpdateTracker

    accumulator = orsse.Accumulator()
    tracker = UpdateTracker(accumulator)
    chunks = orsse.iter_chunks([body], accumulator=accumulator, on_comment=tracker.comment)
    return [repr(update) for update in tracker.follow(chunks)]


TOOLS = RECORDED / "TestOpenRouterCommon" / "grok" / "multi_tool_streaming.0.sse"
CACHED_TOOLS = RECORDED / "TestOpenRouterCommonWithAnthropicCache" / "anthropic" / "tool_streaming.0.sse"


@pytest.mark.parametrize("path", [THINKING, SIMPLE, TOOLS, CACHED_TOOLS], ids=lambda p: p.parent.name + "/" + p.name)
def test_updates_on_both_clients_are_the_typed_paths(server: Server, path: "Any") -> None:
    body = path.read_bytes()
    server.add(sse_reply(body))
    server.add(sse_reply(body))
    with orsse.Client(base_url=server.url, **OPTIONS) as client:
        with client.stream_chat("m", [{"role": "user", "content": "hi"}]) as stream:
            sync_updates = [repr(update) for update in stream.updates()]
            assert stream.completion == orsse.collect([body])

    async def run() -> "List[str]":
        async with orsse.AsyncClient(base_url=server.url, **OPTIONS) as client:
            async with client.stream_chat("m", [{"role": "user", "content": "hi"}]) as stream:
                return [repr(update) async for update in stream.updates()]

    async_updates = asyncio.run(asyncio.wait_for(run(), 30))
    # A keep-alive comes ahead of the updates of the read that brought it, and how the
    # network cut the body into reads is its own business: they are counted apart.
    def apart(updates: "List[str]") -> "Any":
        return [u for u in updates if not u.startswith("KeepAlive(")], sum(u.startswith("KeepAlive(") for u in updates)

    assert apart(sync_updates) == apart(async_updates) == apart(_typed_updates(body))
