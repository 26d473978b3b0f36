"""The ``orsse`` command line, run as a real subprocess (``python -m orsse``).

``chat`` talks to the local server of tests/_server.py; ``parse`` reads the fixtures.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import pytest

import orsse
from _server import (
    AwaitClose,
    Drop,
    Reply,
    Server,
    content_chunk,
    json_reply,
    sse_event,
    sse_reply,
    split_events,
)
from _fixtures import FIXTURES, RECORDED, SEEDS

if TYPE_CHECKING:
    from typing import Any, Dict, Iterator, Optional

ROOT = FIXTURES.parent
THINKING = RECORDED / "TestOpenRouterThinking" / "anthropic" / "thinking-streaming.0.sse"
KEY = "sk-or-v1-cli-SECRET-0123456789"


def _env(key: Optional[str]) -> Dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.lower().endswith("_proxy") and not name.startswith("OPENROUTER_")
    }
    env["PYTHONIOENCODING"] = "utf-8"
    env["NO_COLOR"] = "1"
    if key is not None:
        env["OPENROUTER_API_KEY"] = key
    return env


class Result:
    def __init__(self, done: subprocess.CompletedProcess) -> None:  # type: ignore[type-arg]
        self.code = done.returncode
        self.out = done.stdout.decode("utf-8")
        self.err = done.stderr.decode("utf-8")

    def __repr__(self) -> str:
        return f"<exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}>"


def orsse_cli(*args: str, key: Optional[str] = KEY, stdin: bytes = b"") -> Result:
    done = subprocess.run(
        [sys.executable, "-m", "orsse", *args],
        cwd=ROOT,
        env=_env(key),
        input=stdin,
        capture_output=True,
        timeout=30,
    )
    return Result(done)


def chat(server: Server, *args: str, **kwargs: Any) -> Result:
    return orsse_cli("chat", "--base-url", server.url, "--timeout", "3", "--retries", "0", *args, **kwargs)


def error_line(result: Result) -> str:
    """The one error line; fails unless stderr ends with exactly one."""
    lines = [line for line in result.err.splitlines() if line.startswith("orsse: error:")]
    assert len(lines) == 1, result
    assert KEY not in result.err and KEY not in result.out
    return lines[0]


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server().start()
    yield srv
    srv.stop()


USAGE = {
    "prompt_tokens": 12,
    "completion_tokens": 30,
    "total_tokens": 42,
    "cost": 0.000321,
    "completion_tokens_details": {"reasoning_tokens": 20},
}
ANSWER_STREAM = b"".join(
    [
        b": OPENROUTER PROCESSING\n\n",
        sse_event(
            {
                "id": "gen-cli",
                "model": "test/model",
                "provider": "Test",
                "choices": [{"index": 0, "delta": {"role": "assistant", "content": "", "reasoning": "Thinking hard."}}],
            }
        ),
        content_chunk("Hello"),
        content_chunk(", world"),
        content_chunk("", "stop"),
        sse_event({"id": "gen-cli", "choices": [], "usage": USAGE}),
        b"data: [DONE]\n\n",
    ]
)


# -- chat --------------------------------------------------------------------------------


def test_chat_prints_the_answer_and_the_usage(server: Server) -> None:
    server.add(sse_reply(ANSWER_STREAM))
    result = chat(server, "-m", "test/model", "--system", "Be brief.", "Say", "hello")
    assert result.code == 0, result
    assert result.out == "Hello, world\n"
    assert "Thinking hard." not in result.out + result.err  # reasoning only with --reasoning
    stats = result.err.strip().splitlines()[-1]
    assert "12 prompt + 30 completion (20 reasoning) = 42 tokens" in stats
    assert "cost $0.000321" in stats
    assert "first token" in stats and "tokens/s" in stats
    (request,) = server.requests
    assert request.path == "/api/v1/chat/completions"
    assert request.headers["Authorization"] == f"Bearer {KEY}"
    assert request.json == {
        "model": "test/model",
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello"}],
        "stream": True,
    }


def test_chat_shows_reasoning_apart_from_the_answer(server: Server) -> None:
    server.add(sse_reply(ANSWER_STREAM))
    result = chat(server, "-m", "test/model", "--reasoning", "--effort", "high", "hi")
    assert result.code == 0, result
    assert result.out == "Hello, world\n"
    assert result.err.startswith("Thinking hard.\n")
    assert server.requests[0].json["reasoning"] == {"effort": "high"}


def test_chat_json(server: Server) -> None:
    server.add(sse_reply(ANSWER_STREAM))
    result = chat(server, "-m", "test/model", "--json", "hi")
    assert result.code == 0, result
    assert json.loads(result.out) == orsse.collect([ANSWER_STREAM]).to_dict()


def test_chat_reads_the_prompt_from_stdin_and_takes_params(server: Server) -> None:
    server.add(sse_reply(ANSWER_STREAM))
    result = chat(
        server, "-m", "test/model", "-p", "temperature=0.5", "-p", 'provider={"sort": "price"}',
        "-p", "user=alice", "-", stdin="Olá\nworld\n".encode(),
    )  # fmt: skip
    assert result.code == 0, result
    body = server.requests[0].json
    assert body["messages"] == [{"role": "user", "content": "Olá\nworld\n"}]
    assert (body["temperature"], body["provider"], body["user"]) == (0.5, {"sort": "price"}, "alice")


def test_chat_without_a_key(server: Server) -> None:
    result = chat(server, "-m", "test/model", "hi", key=None)
    assert result.code == 3, result
    assert "OPENROUTER_API_KEY" in error_line(result)
    assert server.requests == []


def test_chat_http_401(server: Server) -> None:
    server.add(json_reply(401, {"error": {"code": 401, "message": "No auth credentials found"}}))
    result = chat(server, "-m", "test/model", "hi")
    assert result.code == 4, result
    line = error_line(result)
    assert "401" in line and "No auth credentials found" in line
    assert result.out == ""


def test_chat_mid_stream_error(server: Server) -> None:
    error = {"code": 502, "message": "Upstream went away", "metadata": {"provider_name": "X"}}
    body = [content_chunk("Par"), content_chunk("tial"), sse_event({"choices": [], "error": error})]
    server.add(Reply(body=body))
    result = chat(server, "-m", "test/model", "hi")
    assert result.code == 6, result
    assert result.out == "Partial\n"  # the partial answer stays, its line ended
    assert "Upstream went away" in error_line(result)


def test_chat_connection_dropped(server: Server) -> None:
    server.add(Reply(body=[content_chunk("Par"), Drop()]))
    result = chat(server, "-m", "test/model", "hi")
    assert result.code == 7, result
    assert result.out == "Par\n"
    assert "broke" in error_line(result)


def test_chat_truncated_stream(server: Server) -> None:
    server.add(Reply(body=[content_chunk("Par")]))  # ends cleanly, but without [DONE]
    result = chat(server, "-m", "test/model", "--json", "hi")
    assert result.code == 7, result
    assert json.loads(result.out)["choices"][0]["message"]["content"] == "Par"
    assert "cut off" in error_line(result)


def test_chat_cannot_connect() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = orsse_cli("chat", "--base-url", f"http://127.0.0.1:{port}/v1", "--retries", "0", "-m", "m", "hi")
    assert result.code == 5, result
    assert "could not connect" in error_line(result)


def test_chat_not_an_event_stream(server: Server) -> None:
    server.add(json_reply(200, {"choices": []}))
    result = chat(server, "-m", "test/model", "hi")
    assert result.code == 4, result
    assert "text/event-stream" in error_line(result)


def test_chat_bad_base_url() -> None:
    result = orsse_cli("chat", "--base-url", "ftp://example.org", "-m", "m", "hi")
    assert result.code == 2, result
    assert "base_url" in error_line(result)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child is POSIX")
def test_chat_ctrl_c_keeps_the_partial_answer(server: Server) -> None:
    server.add(Reply(body=[content_chunk("Par"), AwaitClose(timeout=10.0)]))
    child = subprocess.Popen(
        [sys.executable, "-m", "orsse", "chat", "--base-url", server.url, "--timeout", "10", "-m", "m", "hi"],
        cwd=ROOT,
        env=_env(KEY),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        seen = b""
        deadline = time.monotonic() + 10
        while b"Par" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([child.stdout], [], [], 0.1)
            if ready:
                assert child.stdout is not None
                seen += os.read(child.stdout.fileno(), 1024)
        assert seen == b"Par"
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 130
    assert seen + out == b"Par\n"
    assert err.decode().strip() == "orsse: interrupted"
    assert server.client_closed.wait(5.0)  # Ctrl-C closed the connection


# -- parse -----------------------------------------------------------------------------------


def test_parse_prints_message_reasoning_tool_calls_and_usage() -> None:
    result = orsse_cli("parse", str(THINKING.relative_to(ROOT)), key=None)
    assert result.code == 0, result
    out = result.out
    for expected in (
        "anthropic/claude-4.5-haiku-20251001 (Amazon Bedrock)",
        "finish     tool_calls (tool_use)",
        "reasoning\n  The user is asking for weather information in Florence, Italy.",
        "[details: 1 reasoning.text, signed]",
        "tool calls\n  [0] weather  id=toolu_",
        '{"location": "Florence, Italy"}',
        "607 prompt + 143 completion (99 reasoning) = 750",
        "cost       $0.001322",
    ):
        assert expected in out, (expected, out)
    assert result.err == ""


def test_parse_prints_the_message() -> None:
    result = orsse_cli("parse", str(SEEDS / "claude-sonnet-4_simple.sse"))
    assert result.code == 0, result
    assert "message\n  Olá!\n" in result.out


def test_parse_json() -> None:
    result = orsse_cli("parse", "--json", str(THINKING))
    assert result.code == 0, result
    assert result.out.endswith("}\n") and '\n  "id": ' in result.out  # indent 2
    assert json.loads(result.out) == orsse.collect([THINKING.read_bytes()]).to_dict()


def test_parse_events() -> None:
    result = orsse_cli("parse", "--events", str(THINKING))
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[:2] == [": OPENROUTER PROCESSING"] * 2
    data = [line for line in lines if line.startswith("data: ")]
    assert len(data) == THINKING.read_bytes().count(b"\ndata: ") + THINKING.read_bytes().startswith(b"data: ")
    assert data[-1] == "data: [DONE]"
    as_json = orsse_cli("parse", "--events", "--json", str(THINKING))
    records = [json.loads(line) for line in as_json.out.splitlines()]
    assert records[0] == {"comment": "OPENROUTER PROCESSING"}
    assert records[-1] == {"event": "message", "data": "[DONE]", "id": "", "retry": None}


def test_parse_from_stdin() -> None:
    from_file = orsse_cli("parse", str(THINKING))
    from_stdin = orsse_cli("parse", "-", stdin=THINKING.read_bytes())
    assert from_stdin.code == 0, from_stdin
    assert from_stdin.out == from_file.out


def test_parse_malformed(tmp_path: Any) -> None:
    bad = tmp_path / "bad.sse"
    bad.write_bytes(split_events(THINKING.read_bytes())[2] + b"data: {not json\n\n")
    result = orsse_cli("parse", str(bad))
    assert result.code == 8, result
    line = error_line(result)
    assert "bad.sse" in line and "data event #2" in line and "not a JSON object" in line


def test_parse_a_missing_file() -> None:
    result = orsse_cli("parse", "no/such/file.sse")
    assert result.code == 8, result
    assert "no/such/file.sse" in error_line(result)


def test_parse_truncated(tmp_path: Any) -> None:
    cut = tmp_path / "cut.sse"
    cut.write_bytes(b"".join(split_events(THINKING.read_bytes())[:6]))
    result = orsse_cli("parse", str(cut))
    assert result.code == 7, result
    assert "reasoning\n  The user is asking for" in result.out  # the partial result
    assert "cut off" in error_line(result)


def test_parse_a_stream_with_an_error(tmp_path: Any) -> None:
    path = tmp_path / "error.sse"
    path.write_bytes(content_chunk("Par") + sse_event({"choices": [], "error": {"code": "server_error", "message": "boom"}}))
    result = orsse_cli("parse", str(path))
    assert result.code == 6, result
    assert "Par" in result.out and "boom" in error_line(result)


def test_help_lists_the_exit_codes() -> None:
    result = orsse_cli("--help")
    assert result.code == 0
    for code in ("0 ", "3 ", "4 ", "5 ", "6 ", "7 ", "8 ", "130 "):
        assert f"\n  {code}" in result.out
    assert orsse_cli().code == 2
    assert orsse_cli("chat", "hi").code == 2  # no -m
